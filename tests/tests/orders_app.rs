//! examples/orders end to end, in-process, each test on its own SQLite file.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use brisk::testing::TestClient;
use serde_json::{Value, json};

fn database() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("brisk-orders-{}-{}.db", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let path = std::env::temp_dir().join(name);
    let _ = std::fs::remove_file(&path);
    path
}

const ALICE: &str = "Bearer alice-token";
const BOB: &str = "Bearer bob-token";

#[tokio::test]
async fn users_are_seeded_and_shown_without_their_email() {
    let client = TestClient::new(orders::app(database()));
    let alice = client.get("/users/1").send().await;
    assert_eq!(alice.json::<Value>(), json!({"id": 1, "name": "alice"}));
    assert!(alice.header("x-process-time").is_some());
    let missing = client.get("/users/99").send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>(), json!({"detail": "User not found"}));
    assert!(missing.header("x-process-time").is_some(), "the timing layer sees errors too");
}

#[tokio::test]
async fn orders_are_validated_stored_and_listed_for_their_owner() {
    let client = TestClient::new(orders::app(database()));
    let order = json!({"product_id": 7, "quantity": 2});

    let anonymous = client.get("/orders").send().await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.json::<Value>(), json!({"detail": "Invalid credentials"}));
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));

    let invalid = client
        .post("/users/1/orders")
        .header("authorization", ALICE)
        .json(&json!({"product_id": 7, "quantity": 0}))
        .send()
        .await;
    assert_eq!(invalid.status(), 422);

    let created =
        client.post("/users/1/orders?source=web").header("authorization", ALICE).json(&order).send().await;
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.json::<Value>(),
        json!({"user_id": 1, "order": {"product_id": 7, "quantity": 2}, "ip": "127.0.0.1", "source": "web"})
    );

    let listed = client.get("/orders").header("authorization", ALICE).send().await;
    assert_eq!(listed.json::<Value>(), json!([{"id": 1, "product_id": 7, "quantity": 2, "source": "web"}]));
    let bobs = client.get("/orders").header("authorization", BOB).send().await;
    assert_eq!(bobs.json::<Value>(), json!([]));
}

#[tokio::test]
async fn a_new_user_gets_a_welcome_email_after_the_response() {
    let client = TestClient::new(orders::app(database()));
    let created =
        client.post("/users").json(&json!({"name": "carol", "email": "carol@example.com"})).send().await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.json::<Value>(), json!({"id": 3, "name": "carol"}));

    let expected = json!([{"email": "carol@example.com", "subject": "Welcome, carol!"}]);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let outbox = client.get("/outbox").send().await.json::<Value>();
        if outbox == expected || std::time::Instant::now() > deadline {
            assert_eq!(outbox, expected);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_purchase_beyond_the_balance_is_a_402_from_the_exception_handler() {
    let client = TestClient::new(orders::app(database()));
    let short = client.post("/purchase?item_id=2").header("authorization", BOB).send().await;
    assert_eq!(short.status(), 402);
    assert_eq!(
        short.json::<Value>(),
        json!({"error": "insufficient_funds", "balance": 5.0, "required": 50.0})
    );

    let bought = client.post("/purchase?item_id=1").header("authorization", ALICE).send().await;
    assert_eq!(bought.json::<Value>(), json!({"balance": 90.0}));
    let again = client.post("/purchase?item_id=1").header("authorization", ALICE).send().await;
    assert_eq!(again.json::<Value>(), json!({"balance": 80.0}), "the first purchase was committed");
}

#[tokio::test]
async fn data_survives_a_restart_and_seeding_is_idempotent() {
    let path = database();
    let first = TestClient::new(orders::app(path.clone()));
    let order = json!({"product_id": 1, "quantity": 1});
    let created = first.post("/users/2/orders").header("authorization", BOB).json(&order).send().await;
    assert_eq!(created.status(), 201);
    first.shutdown().await;
    drop(first);

    let second = TestClient::new(orders::app(path));
    let listed = second.get("/orders").header("authorization", BOB).send().await;
    assert_eq!(listed.json::<Value>().as_array().map(Vec::len), Some(1));
    assert_eq!(second.get("/users/2").send().await.json::<Value>(), json!({"id": 2, "name": "bob"}));
    assert_eq!(second.get("/users/3").send().await.status(), 404, "seeding added nobody");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_orders_lose_no_writes() {
    let client = TestClient::new(orders::app(database()));
    client.get("/users/1").send().await;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post("/users/1/orders?source=load")
                .header("authorization", ALICE)
                .json(&json!({"product_id": n, "quantity": 1}))
                .send()
                .await
                .status()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 201);
    }
    let listed = client.get("/orders").header("authorization", ALICE).send().await;
    assert_eq!(listed.json::<Value>().as_array().map(Vec::len), Some(20));
}

#[tokio::test]
async fn cors_headers_are_on_every_response_for_the_app_origin() {
    let client = TestClient::new(orders::app(database()));
    let origin = "https://yourapp.com";
    let ok = client.get("/users/1").header("origin", origin).send().await;
    assert_eq!(ok.header("access-control-allow-origin"), Some(origin));
    let missing = client.get("/users/42").header("origin", origin).send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.header("access-control-allow-origin"), Some(origin));
    let denied = client.get("/orders").header("origin", origin).send().await;
    assert_eq!(denied.status(), 401);
    assert_eq!(denied.header("access-control-allow-origin"), Some(origin));
    let preflight = client
        .options("/users/1/orders")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type")
        .send()
        .await;
    assert_eq!(preflight.status(), 200);
    let elsewhere = client.get("/users/1").header("origin", "https://evil.example").send().await;
    assert_eq!(elsewhere.header("access-control-allow-origin"), None);
}

/// The orders binary with a database it cannot create: startup fails, the
/// process exits non-zero with the error, and nothing ever listens.
#[test]
fn a_failed_startup_exits_non_zero_without_binding() {
    use std::process::{Command, Stdio};

    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let build = Command::new(env!("CARGO"))
        .args(["build", "-p", "orders", "--bin", "orders", "--message-format=json"])
        .arg("--manifest-path")
        .arg(&manifest)
        .stderr(Stdio::null())
        .output()
        .expect("cargo build -p orders ran");
    assert!(build.status.success(), "cargo build -p orders failed");
    let executable = String::from_utf8_lossy(&build.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "orders")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reported the orders executable");

    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a port").port();
    let mut child = Command::new(executable)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("DATABASE_URL", "/nonexistent-directory/for/brisk/orders.db")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the orders binary started");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the orders binary did not exit after a failed startup");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("stderr read");
    assert!(!status.success(), "exit status {status}");
    assert!(stderr.contains("Startup") || stderr.contains("startup"), "{stderr}");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "nothing listened on {port}");
}

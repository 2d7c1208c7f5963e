//! examples/orders end to end, in-process, each test on its own SQLite file.
//! (tests/orders_processes.rs runs the binary, on SQLite and PostgreSQL.)

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use brisk::testing::TestClient;
use orders::Settings;
use serde_json::{Value, json};

/// A database file of its own in the temp directory, not created yet.
fn database_file() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!("brisk-orders-{}-{}.db", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let path = std::env::temp_dir().join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

fn database() -> Settings {
    Settings::new(sqlite_url(&database_file()))
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
    assert_eq!(anonymous.json::<Value>(), json!({"detail": "Not authenticated"}));
    assert_eq!(anonymous.header("www-authenticate"), Some("Bearer"));
    let unknown = client.get("/orders").header("authorization", "Bearer no-such-token").send().await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(unknown.json::<Value>(), json!({"detail": "Invalid credentials"}));
    assert_eq!(unknown.header("www-authenticate"), Some("Bearer"));

    let invalid = client
        .post("/users/1/orders")
        .header("authorization", ALICE)
        .json(&json!({"product_id": 7, "quantity": 0}))
        .send()
        .await;
    assert_eq!(invalid.status(), 422);

    let created =
        client.post("/users/1/orders?source=mobile").header("authorization", ALICE).json(&order).send().await;
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.json::<Value>(),
        json!({"user_id": 1, "order": {"product_id": 7, "quantity": 2}, "ip": "127.0.0.1", "source": "mobile"})
    );
    let defaulted = client.post("/users/1/orders").json(&order).send().await;
    assert_eq!(defaulted.status(), 201);
    assert_eq!(
        defaulted.json::<Value>()["source"],
        "web",
        "source defaults to web, as in FastAPI's endpoint"
    );

    let listed = client.get("/orders").header("authorization", ALICE).send().await;
    assert_eq!(
        listed.json::<Value>(),
        json!([
            {"id": 1, "product_id": 7, "quantity": 2, "source": "mobile"},
            {"id": 2, "product_id": 7, "quantity": 2, "source": "web"},
        ])
    );
    let bobs = client.get("/orders").header("authorization", BOB).send().await;
    assert_eq!(bobs.json::<Value>(), json!([]));
}

/// The welcome email is queued in the same transaction as the user, so
/// it is there as soon as the user is (sending it is a background task).
#[tokio::test]
async fn a_new_user_gets_a_welcome_email_queued_with_the_account() {
    let client = TestClient::new(orders::app(database()));
    let created =
        client.post("/users").json(&json!({"name": "carol", "email": "carol@example.com"})).send().await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.json::<Value>(), json!({"id": 3, "name": "carol"}));
    assert_eq!(
        client.get("/outbox").send().await.json::<Value>(),
        json!([{"email": "carol@example.com", "subject": "Welcome, carol!"}])
    );
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

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let client = TestClient::new(orders::app(database()));
    let fresh = client.get("/users/1").send().await;
    let id = fresh.header("x-request-id").expect("an x-request-id");
    assert_eq!(id.len(), 36, "a new UUID: {id}");
    let denied = client.get("/orders").header("x-request-id", "trace-me-7").send().await;
    assert_eq!(denied.status(), 401);
    assert_eq!(denied.header("x-request-id"), Some("trace-me-7"), "the client's own id, on an error too");
}

#[tokio::test]
async fn the_root_lists_the_api() {
    let client = TestClient::new(orders::app(database()));
    let index = client.get("/").send().await;
    assert_eq!(index.status(), 200);
    let index = index.json::<Value>();
    assert_eq!(index["name"], "orders");
    for endpoint in
        ["GET /users/{id}", "POST /users/{user_id}/orders", "GET /orders", "POST /purchase?item_id="]
    {
        assert!(index["endpoints"][endpoint].is_string(), "{endpoint} is listed: {index}");
    }
}

#[tokio::test]
async fn an_unknown_user_and_a_taken_email_are_client_errors() {
    let client = TestClient::new(orders::app(database()));
    let order = json!({"product_id": 1, "quantity": 1});
    let nobody = client.post("/users/99/orders").json(&order).send().await;
    assert_eq!(nobody.status(), 404);
    assert_eq!(nobody.json::<Value>(), json!({"detail": "User not found"}));

    let taken =
        client.post("/users").json(&json!({"name": "alice2", "email": "alice@example.com"})).send().await;
    assert_eq!(taken.status(), 409);
    assert_eq!(taken.json::<Value>(), json!({"detail": "Email already registered"}));
    assert_eq!(client.get("/users/3").send().await.status(), 404, "the failed insert was rolled back");
    assert_eq!(client.get("/outbox").send().await.json::<Value>(), json!([]), "and no email was queued");
}

/// Text PostgreSQL could not store is refused up front, on every database.
#[tokio::test]
async fn text_with_a_nul_character_is_a_422() {
    let client = TestClient::new(orders::app(database()));
    let user =
        client.post("/users").json(&json!({"name": "nul\u{0}", "email": "nul@example.com"})).send().await;
    assert_eq!(user.status(), 422);
    assert_eq!(user.json::<Value>()["detail"][0]["loc"], json!(["body", "name"]));
    let order =
        client.post("/users/1/orders?source=%00").json(&json!({"product_id": 1, "quantity": 1})).send().await;
    assert_eq!(order.status(), 422);
    assert_eq!(order.json::<Value>()["detail"][0]["loc"], json!(["query", "source"]));
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let client = TestClient::new(orders::app(database()));
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let listed =
            client.get("/orders").header("authorization", &format!("{scheme} alice-token")).send().await;
        assert_eq!(listed.status(), 200, "{scheme}");
    }
    let basic = client.get("/orders").header("authorization", "Basic alice-token").send().await;
    assert_eq!(basic.status(), 401);
}

/// Fifteen purchases of a 10.0 item at once against a balance of 100.0:
/// exactly ten go through, and the balance never goes below zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_purchases_never_spend_the_same_balance_twice() {
    let client = TestClient::new(orders::app(database()));
    let purchases = (0..15).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            let response = client.post("/purchase?item_id=1").header("authorization", ALICE).send().await;
            (response.status().as_u16(), response.json::<Value>())
        })
    });
    let mut outcomes = Vec::new();
    for purchase in purchases.collect::<Vec<_>>() {
        outcomes.push(purchase.await.expect("the purchase task"));
    }
    let bought = outcomes.iter().filter(|(status, _)| *status == 200).count();
    let refused = outcomes.iter().filter(|(status, _)| *status == 402).count();
    assert_eq!((bought, refused), (10, 5), "{outcomes:?}");
    let mut balances: Vec<f64> = outcomes
        .iter()
        .filter(|(status, _)| *status == 200)
        .filter_map(|(_, body)| body["balance"].as_f64())
        .collect();
    balances.sort_by(f64::total_cmp);
    assert_eq!(
        balances,
        [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0],
        "each debit saw the last"
    );
    let after = client.post("/purchase?item_id=1").header("authorization", ALICE).send().await;
    assert_eq!(
        after.json::<Value>(),
        json!({"error": "insufficient_funds", "balance": 0.0, "required": 10.0})
    );
}

/// Twenty writers wait for SQLite's write lock, held from outside the app;
/// meanwhile a read on the same app answers. The test runs on one thread:
/// had a writer blocked the executor while it waited (a synchronous driver
/// inside an `async fn`), the read could not have answered before the lock
/// was released.
#[tokio::test(flavor = "current_thread")]
async fn a_read_answers_while_writers_wait_for_the_write_lock() {
    use sqlx::Connection;

    let path = database_file();
    let mut settings = Settings::new(sqlite_url(&path));
    settings.max_connections = 24; // room for every writer and the read
    let entered = std::sync::Arc::new(brisk_tests::Events::default());
    let seen = entered.clone();
    let app =
        orders::app(settings).middleware(move |request: brisk::Request, next: brisk::middleware::Next| {
            let seen = seen.clone();
            async move {
                seen.push(format!("{} {}", request.method(), request.path()));
                next.run(request).await
            }
        });
    let client = TestClient::new(app);
    assert_eq!(client.get("/users/1").send().await.status(), 200, "started and migrated");

    let mut holder = sqlx::SqliteConnection::connect(&sqlite_url(&path)).await.expect("open the database");
    sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut holder).await.expect("take the write lock");

    let finished = std::sync::Arc::new(brisk_tests::Events::default());
    let writers: Vec<_> = (0..20)
        .map(|n| {
            let (client, finished) = (client.clone(), finished.clone());
            tokio::spawn(async move {
                let order = json!({"product_id": n, "quantity": 1});
                let status = client.post("/users/1/orders").json(&order).send().await.status();
                finished.push(format!("writer {n}"));
                status
            })
        })
        .collect();
    // All twenty are inside the app (the lock keeps every one from
    // finishing), then give them a moment to reach the lock itself.
    assert_eq!(entered.wait_for(21).await.len(), 21, "every writer reached the app");
    tokio::time::sleep(Duration::from_millis(200)).await;

    let read = client.get("/users/2").send().await;
    assert_eq!(read.json::<Value>(), json!({"id": 2, "name": "bob"}));
    assert_eq!(finished.log(), Vec::<String>::new(), "no writer finished before the read");

    sqlx::raw_sql("COMMIT").execute(&mut holder).await.expect("release the write lock");
    for writer in writers {
        assert_eq!(writer.await.expect("the writer task"), 201);
    }
    let listed = client.get("/orders").header("authorization", ALICE).send().await.json::<Value>();
    let mut products: Vec<i64> =
        listed.as_array().expect("a list").iter().filter_map(|o| o["product_id"].as_i64()).collect();
    products.sort_unstable();
    assert_eq!(products, (0..20).collect::<Vec<i64>>(), "each writer's order, once");
}

#[tokio::test]
async fn a_users_orders_export_as_csv_with_fields_quoted() {
    let client = TestClient::new(orders::app(database()));
    let order = json!({"product_id": 7, "quantity": 2});
    client.post("/users/1/orders?source=mobile").json(&order).send().await;
    client.post("/users/1/orders").query(&[("source", "shop, \"north\"")]).json(&order).send().await;

    let export = client.get("/users/1/export").send().await;
    assert_eq!(export.status(), 200);
    assert_eq!(export.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(export.header("content-disposition"), Some("attachment; filename=user-1.csv"));
    assert_eq!(export.text(), "id,product_id,quantity,source\n1,7,2,mobile\n2,7,2,\"shop, \"\"north\"\"\"\n");

    // A user without orders gets the header row; an unknown one a 404, before any CSV.
    assert_eq!(client.get("/users/2/export").send().await.text(), "id,product_id,quantity,source\n");
    let missing = client.get("/users/99/export").send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>(), json!({"detail": "User not found"}));
}

/// A new order reaches its owner's event stream; a reconnecting client
/// with `Last-Event-ID` gets what it missed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_orders_reach_their_owners_event_stream() {
    let server = brisk_tests::Served::start(orders::app(database())).await;
    let client = reqwest::Client::builder().retry(reqwest::retry::never()).build().expect("client");
    let url = |path: &str| server.url(path);

    let anonymous = client.get(url("/orders/events")).send().await.expect("a response");
    assert_eq!(anonymous.status(), 401);

    let mut events =
        client.get(url("/orders/events")).header("authorization", ALICE).send().await.expect("events");
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let placed = client
        .post(url("/users/1/orders?source=app"))
        .json(&json!({"product_id": 42, "quantity": 3}))
        .send()
        .await
        .expect("an order");
    assert_eq!(placed.status(), 201);
    // Bob's orders are not Alice's events.
    client
        .post(url("/users/2/orders"))
        .json(&json!({"product_id": 5, "quantity": 1}))
        .send()
        .await
        .expect("bob");

    let mut seen = String::new();
    while !complete_event(&seen) {
        let chunk =
            brisk_tests::within("an order event", events.chunk()).await.expect("a chunk").expect("more");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    let event = seen.split("\n\n").find(|block| block.contains("data:")).expect("an event");
    assert_eq!(
        event,
        "event: order\nid: 1\ndata: {\"id\":1,\"product_id\":42,\"quantity\":3,\"source\":\"app\"}"
    );
    drop(events);

    // Reconnecting from before that order replays it.
    let mut resumed = client
        .get(url("/orders/events"))
        .header("authorization", ALICE)
        .header("last-event-id", "0")
        .send()
        .await
        .expect("events");
    let mut seen = String::new();
    while !complete_event(&seen) {
        let chunk =
            brisk_tests::within("the replayed event", resumed.chunk()).await.expect("a chunk").expect("more");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("id: 1\ndata: {\"id\":1,\"product_id\":42"), "{seen}");
}

/// Whether `stream` holds a whole event with data (blocks end with a blank
/// line; the last piece may still be arriving).
fn complete_event(stream: &str) -> bool {
    let blocks: Vec<&str> = stream.split("\n\n").collect();
    blocks[..blocks.len() - 1].iter().any(|block| block.contains("data:"))
}

#[tokio::test]
async fn the_static_folder_is_served() {
    let client = TestClient::new(orders::app(database()));
    let page = client.get("/static/").send().await;
    assert_eq!(page.status(), 200);
    assert!(page.text().contains("<h1>orders</h1>"));
    let css = client.get("/static/style.css").send().await;
    assert_eq!(css.header("content-type"), Some("text/css"));
    assert_eq!(client.get("/static/missing.js").send().await.status(), 404);
    assert_eq!(client.get("/static/..%2fCargo.toml").send().await.status(), 404);
}

#[tokio::test]
async fn an_upload_is_stored_in_the_upload_folder_under_a_name_of_the_servers() {
    let folder = tempfile::tempdir().unwrap();
    let mut settings = database();
    settings.upload_dir = folder.path().join("uploads");
    settings.max_upload_size = 4 * 1024 * 1024;
    let served = brisk_tests::Served::start(orders::app(settings)).await;
    let content: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 253) as u8).collect();
    let form = reqwest::multipart::Form::new().text("description", "holiday photos").part(
        "file",
        reqwest::multipart::Part::bytes(content.clone())
            .file_name("../../etc/beach.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let url = format!("http://{}/upload", served.addr);
    let response =
        brisk_tests::within("the upload", reqwest::Client::new().post(&url).multipart(form).send())
            .await
            .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["filename"], "../../etc/beach.jpg");
    assert_eq!(body["size"], content.len());
    assert_eq!(body["description"], "holiday photos");
    // Stored inside the folder, whatever the client's name said.
    let stored = body["stored_as"].as_str().unwrap();
    assert!(!stored.contains('/') && stored.ends_with("etcbeach.jpg"), "{stored}");
    let saved = std::fs::read(folder.path().join("uploads").join(stored)).unwrap();
    assert!(saved == content, "the stored file differs from the upload");

    // A description is required, and a file over the limit is refused.
    let form =
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(vec![1]).file_name("a"));
    let response = reqwest::Client::new().post(&url).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"][0]["loc"], json!(["body", "description"]));
    let form = reqwest::multipart::Form::new()
        .text("description", "too big")
        .part("file", reqwest::multipart::Part::bytes(vec![0; 4 * 1024 * 1024 + 1]).file_name("big"));
    let response = reqwest::Client::new().post(&url).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(
        std::fs::read_dir(folder.path().join("uploads")).unwrap().count(),
        1,
        "only the first upload is stored"
    );
}

/// `/ws/orders` pushes each new order to its owner's sockets (several at
/// once, the token as a query parameter or a header), and to no one else's.
#[tokio::test]
async fn new_orders_reach_their_owners_open_sockets() {
    let client = TestClient::new(orders::app(database()));
    let mut by_query =
        client.websocket("/ws/orders?token=alice-token").connect().await.expect("alice, by query");
    let mut by_header = client
        .websocket("/ws/orders")
        .header("authorization", ALICE)
        .connect()
        .await
        .expect("alice, by header");
    let mut bob = client.websocket("/ws/orders?token=bob-token").connect().await.expect("bob");
    let refused = client.websocket("/ws/orders?token=nobody").connect().await.expect_err("an unknown token");
    assert_eq!(refused.status(), 401);
    assert_eq!(client.websocket("/ws/orders").connect().await.expect_err("no token").status(), 401);

    let created = client
        .post("/users/1/orders?source=socket")
        .json(&json!({"product_id": 3, "quantity": 2}))
        .send()
        .await;
    assert_eq!(created.status(), 201);
    for socket in [&mut by_query, &mut by_header] {
        let order: Value = socket.recv_json().await;
        assert_eq!(order["product_id"], 3);
        assert_eq!(order["quantity"], 2);
        assert_eq!(order["source"], "socket");
        assert!(order["id"].is_i64());
    }
    // Bob's socket heard nothing of alice's order: his own is the first it gets.
    let created = client.post("/users/2/orders").json(&json!({"product_id": 9, "quantity": 1})).send().await;
    assert_eq!(created.status(), 201);
    let order: Value = bob.recv_json().await;
    assert_eq!((order["product_id"].as_i64(), order["source"].as_str()), (Some(9), Some("web")));
    // A refused order is never announced: alice's next message is her next order.
    let invalid = client.post("/users/1/orders").json(&json!({"product_id": 4, "quantity": 0})).send().await;
    assert_eq!(invalid.status(), 422);
    client.post("/users/1/orders").json(&json!({"product_id": 5, "quantity": 1})).send().await;
    let order: Value = by_query.recv_json().await;
    assert_eq!(order["product_id"], 5);
    by_query.close(1000, "").await;
    by_header.close(1000, "").await;
    bob.close(1000, "").await;
}

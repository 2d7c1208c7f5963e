//! The orders binary as it runs in production: several processes on one
//! database, writes spread over them, restarts in between. On SQLite (the
//! default, one process) and on PostgreSQL (two processes, ignored unless
//! a server is at hand: `.ci/run` starts one).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use brisk_tests::process::{Example, build_example};
use serde_json::{Value, json};

const ALICE: &str = "Bearer alice-token";
const ORDERS: i64 = 500;

/// Sends `ORDERS` order writes at once, spread round-robin over `servers`,
/// each with its own product id, and checks that every one was accepted.
async fn place_orders(client: &reqwest::Client, servers: &[String]) {
    let writes: Vec<_> = (0..ORDERS)
        .map(|n| {
            let url = format!("{}/users/1/orders?source=load", servers[n as usize % servers.len()]);
            let request = client.post(url).json(&json!({"product_id": n, "quantity": 1}));
            tokio::spawn(async move { request.send().await.map(|response| response.status().as_u16()) })
        })
        .collect();
    let mut statuses = BTreeMap::<String, usize>::new();
    for write in writes {
        let status = match write.await.expect("the write task") {
            Ok(status) => status.to_string(),
            Err(err) => format!("{err}"),
        };
        *statuses.entry(status).or_default() += 1;
    }
    assert_eq!(statuses, BTreeMap::from([("201".to_owned(), ORDERS as usize)]), "every write was accepted");
}

/// Asks each server for alice's orders and checks each lists every product
/// id exactly once: nothing lost, nothing doubled.
async fn every_order_once(client: &reqwest::Client, servers: &[String], when: &str) {
    for server in servers {
        let response = client
            .get(format!("{server}/orders"))
            .header("authorization", ALICE)
            .send()
            .await
            .expect("GET /orders");
        assert_eq!(response.status(), 200, "GET /orders on {server} {when}");
        let orders: Vec<Value> = response.json().await.expect("a JSON list");
        let mut products: Vec<i64> = orders.iter().filter_map(|order| order["product_id"].as_i64()).collect();
        products.sort_unstable();
        assert_eq!(orders.len(), ORDERS as usize, "{server} lists {} orders {when}", orders.len());
        assert_eq!(products, (0..ORDERS).collect::<Vec<_>>(), "each product id once on {server} {when}");
    }
}

/// `processes` orders processes on `database_url`: writes over all of
/// them, the orders read back on each, then each restarted (the first
/// stopped gracefully, the others killed) and read again.
async fn scale_out(database_url: &str, processes: usize) {
    let executable = build_example("orders").await;
    let env = [("DATABASE_URL", database_url), ("RUST_LOG", "warn")];
    let mut running = Vec::new();
    for _ in 0..processes {
        // Started together: on PostgreSQL their migrations race, and sqlx's lock settles it.
        running.push(Example::spawn(&executable, &env));
    }
    for example in &mut running {
        example.listening().await;
    }
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("a client");
    let servers: Vec<String> = running.iter().map(|example| example.url("")).collect();
    place_orders(&client, &servers).await;
    every_order_once(&client, &servers, "after the writes").await;

    for (n, example) in running.iter_mut().enumerate() {
        if n == 0 {
            let status = example.terminate().await;
            assert!(status.success(), "a graceful stop exits 0, not {status}:\n{}", example.output());
        } else {
            example.kill().await;
        }
    }
    let mut restarted: Vec<Example> = (0..processes).map(|_| Example::spawn(&executable, &env)).collect();
    for example in &mut restarted {
        example.listening().await;
    }
    let servers: Vec<String> = restarted.iter().map(|example| example.url("")).collect();
    every_order_once(&client, &servers, "after a restart").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_on_sqlite_keeps_every_order_exactly_once_across_restarts() {
    let path = std::env::temp_dir().join(format!("brisk-orders-scale-{}.db", std::process::id()));
    let remove = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    };
    remove();
    scale_out(&format!("sqlite://{}?mode=rwc", path.display()), 1).await;
    remove();
}

/// A fresh database on the server `BRISK_POSTGRES_URL` names, dropped again
/// when the test ends (even when it fails).
struct ScratchDatabase {
    admin: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    async fn create() -> ScratchDatabase {
        use sqlx::Connection;

        let admin = std::env::var("BRISK_POSTGRES_URL").unwrap_or_else(|_| {
            panic!(
                "needs PostgreSQL: set BRISK_POSTGRES_URL to postgres://user:password@host/database for a user \
                 that may create databases (.ci/run starts a server and sets it)"
            )
        });
        let mut connection = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|err| panic!("needs PostgreSQL at BRISK_POSTGRES_URL={admin:?}: {err}"));
        let name = format!("brisk_orders_{}", std::process::id());
        // The name is ours (letters, digits, underscores): safe to splice in.
        // One statement at a time: neither may run inside a transaction block.
        for statement in
            [format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"), format!("CREATE DATABASE {name}")]
        {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&mut connection)
                .await
                .expect("create a scratch database");
        }
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        ScratchDatabase { admin, name, url }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs inside the test's runtime: do the async work on a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async {
                use sqlx::Connection;
                let mut connection = sqlx::PgConnection::connect(&admin).await?;
                let drop = sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                sqlx::raw_sql(drop).execute(&mut connection).await
            })
        });
        if let Ok(Err(err)) = dropped.join() {
            eprintln!("could not drop the scratch database {}: {err}", self.name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: BRISK_POSTGRES_URL names a server where the user may create databases (.ci/run starts one)"]
async fn two_processes_on_postgres_keep_every_order_exactly_once_across_restarts() {
    let database = ScratchDatabase::create().await;
    scale_out(&database.url, 2).await;
}

/// A database it cannot create, or a pool of no connections: startup
/// fails, the process exits non-zero with the error, and nothing listens.
#[tokio::test]
async fn a_failed_startup_exits_non_zero_without_binding() {
    let executable = build_example("orders").await;
    let unreachable = "sqlite:///nonexistent-directory/for/brisk/orders.db?mode=rwc";
    assert!(!Path::new("/nonexistent-directory").exists());
    for (env, expected) in [
        (vec![("DATABASE_URL", unreachable)], "unable to open database file"),
        (
            vec![("DATABASE_MAX_CONNECTIONS", "0")],
            "DATABASE_MAX_CONNECTIONS must be a whole number from 1 up",
        ),
        (
            vec![("DATABASE_MAX_CONNECTIONS", "ten")],
            "DATABASE_MAX_CONNECTIONS must be a whole number from 1 up",
        ),
    ] {
        let mut orders = Example::spawn(&executable, &env);
        let status = orders.exit().await;
        let output = orders.output();
        assert!(!status.success(), "exit status {status}");
        assert!(output.contains("tartup") && output.contains(expected), "{env:?}: {output}");
        let refused = tokio::net::TcpStream::connect(orders.addr).await;
        assert!(refused.is_err(), "nothing listened on {}", orders.addr);
    }
}

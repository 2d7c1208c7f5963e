//! What every benchmark server shares: the fixed data of the realistic route,
//! and the response shapes, so every server serializes the same types.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

/// `GET /json`'s answer.
#[derive(Serialize)]
pub struct Message {
    pub message: &'static str,
}

/// `GET /items/{item_id}`'s answer.
#[derive(Serialize)]
pub struct ItemRead {
    pub item_id: i64,
    pub q: Option<String>,
    pub limit: u32,
}

/// A user known to the fake database.
#[derive(Clone, Debug)]
pub struct User {
    pub id: u64,
    pub name: &'static str,
}

/// The "database" every server keeps in its app state.
pub struct Db {
    users: HashMap<&'static str, User>,
}

impl Default for Db {
    fn default() -> Self {
        let users =
            [("alice-token", User { id: 1, name: "alice" }), ("bob-token", User { id: 2, name: "bob" })];
        Db { users: users.into_iter().collect() }
    }
}

/// A cheap per-request handle, standing in for a pooled connection.
pub fn session(db: &Arc<Db>) -> Session {
    Session { db: db.clone() }
}

/// One request's view of the database.
#[derive(Clone)]
pub struct Session {
    db: Arc<Db>,
}

impl Session {
    pub fn user_for_token(&self, token: &str) -> Option<User> {
        self.db.users.get(token).cloned()
    }
}

/// The bind address: `BENCH_ADDR` or 127.0.0.1:8080.
pub fn addr() -> String {
    std::env::var("BENCH_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_owned())
}

/// Whether `BENCH_RUNTIME=current_thread`: the server runs on one thread
/// (tokio's current-thread runtime, or one actix-web worker) instead of
/// the default, tokio's multi-threaded runtime with a worker per core.
pub fn current_thread() -> bool {
    std::env::var("BENCH_RUNTIME").is_ok_and(|flavour| flavour == "current_thread")
}

/// The tokio runtime `BENCH_RUNTIME` names.
pub fn runtime() -> tokio::runtime::Runtime {
    let mut builder = if current_thread() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    builder.enable_all().build().expect("a tokio runtime")
}

/// `BENCH_WORKERS=n`: brisk serves thread-per-core (`App::workers(n)`).
pub fn workers() -> Option<usize> {
    std::env::var("BENCH_WORKERS").ok()?.parse().ok()
}

//! `#[depends]` through the public API: the per-request cache, nested
//! dependencies, validation, short-circuits, side-effect dependencies,
//! overrides, blocking dependencies and introspection.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use brisk::prelude::*;
use brisk::testing::TestClient;
use brisk_tests::BUILT_IN_ROUTES;
use serde_json::{Value, json};

/// Counts calls so tests can see what ran.
#[derive(Default)]
struct Calls {
    db: AtomicUsize,
    user: AtomicUsize,
    handler: AtomicUsize,
    audit: AtomicUsize,
    key: AtomicUsize,
}

fn count(counter: &AtomicUsize) -> usize {
    counter.fetch_add(1, Ordering::SeqCst) + 1
}

/// Stands in for a database session: cheap to clone, with an identity.
#[derive(Clone)]
struct Session {
    id: usize,
}

#[depends]
async fn get_db(calls: State<Arc<Calls>>) -> Session {
    Session { id: count(&calls.db) }
}

#[derive(Clone)]
struct User {
    name: String,
    session: usize,
}

#[depends]
async fn get_current_user(
    #[header] x_user: Option<String>,
    #[depends(get_db)] db: Session,
    calls: State<Arc<Calls>>,
) -> Result<User, HttpError> {
    count(&calls.user);
    let name = x_user.ok_or_else(|| HttpError::unauthorized("Invalid credentials"))?;
    Ok(User { name, session: db.id })
}

#[get("/me")]
async fn me(
    #[depends(get_current_user)] user: User,
    #[depends(get_db)] db: Session,
    calls: State<Arc<Calls>>,
) -> Json<Value> {
    count(&calls.handler);
    Json(json!({ "user": user.name, "user_session": user.session, "handler_session": db.id }))
}

#[get("/fresh")]
async fn fresh(
    #[depends(get_current_user)] user: User,
    #[depends(get_db, use_cache = false)] db: Session,
) -> Json<Value> {
    Json(json!({ "user_session": user.session, "handler_session": db.id }))
}

fn app_with(calls: &Arc<Calls>) -> App {
    App::new().state(calls.clone()).routes(routes![me, fresh])
}

fn app() -> App {
    app_with(&Arc::default())
}

#[tokio::test]
async fn a_dependency_runs_once_per_request_and_is_shared() {
    let client = TestClient::new(app());
    let response = client.get("/me").header("x-user", "alice").send().await;
    assert_eq!(response.json::<Value>(), json!({"user": "alice", "user_session": 1, "handler_session": 1}));
    // The cache lives for one request: the next one resolves afresh.
    let response = client.get("/me").header("x-user", "alice").send().await;
    assert_eq!(response.json::<Value>(), json!({"user": "alice", "user_session": 2, "handler_session": 2}));
}

#[tokio::test]
async fn use_cache_false_runs_the_dependency_again() {
    let client = TestClient::new(app());
    let response = client.get("/fresh").header("x-user", "bob").send().await;
    assert_eq!(response.json::<Value>(), json!({"user_session": 1, "handler_session": 2}));
}

#[tokio::test]
async fn an_error_short_circuits_the_chain() {
    let calls = Arc::new(Calls::default());
    let client = TestClient::new(app_with(&calls));
    let response = client.get("/me").send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<Value>(), json!({"detail": "Invalid credentials"}));
    // get_db and get_current_user ran; the handler's own get_db (cached) and the handler did not.
    assert_eq!(calls.db.load(Ordering::SeqCst), 1);
    assert_eq!(calls.user.load(Ordering::SeqCst), 1);
    assert_eq!(calls.handler.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn get_db_runs_once_when_the_handler_and_get_current_user_both_use_it() {
    let calls = Arc::new(Calls::default());
    let client = TestClient::new(app_with(&calls));
    client.get("/me").header("x-user", "alice").send().await;
    assert_eq!(calls.db.load(Ordering::SeqCst), 1);
    client.get("/fresh").header("x-user", "alice").send().await;
    assert_eq!(calls.db.load(Ordering::SeqCst), 3, "use_cache = false resolves it a second time");
}

struct Limits {
    max: u32,
}

#[depends]
async fn paging(#[query(default = 10, ge = 1)] limit: u32, limits: State<Limits>) -> Result<u32, HttpError> {
    if limit > limits.max { Err(HttpError::bad_request("limit too large")) } else { Ok(limit) }
}

#[depends]
async fn tenant(#[header] x_tenant: u32) -> u32 {
    x_tenant
}

#[get("/items")]
async fn items(#[depends(paging)] limit: u32, #[depends(tenant)] tenant: u32, q: String) -> String {
    format!("{tenant}:{q}:{limit}")
}

#[tokio::test]
async fn parameter_errors_from_every_dependency_join_one_422() {
    let client = TestClient::new(App::new().state(Limits { max: 50 }).routes(routes![items]));
    let response = client.get("/items?limit=0").header("x-tenant", "abc").send().await;
    assert_eq!(response.status(), 422);
    let locs: Vec<Value> =
        response.json::<Value>()["detail"].as_array().unwrap().iter().map(|e| e["loc"].clone()).collect();
    assert_eq!(locs, [json!(["query", "limit"]), json!(["header", "x-tenant"]), json!(["query", "q"])]);

    let ok = client.get("/items?limit=5&q=x").header("x-tenant", "7").send().await;
    assert_eq!(ok.text(), "7:x:5");
    let refused = client.get("/items?limit=60&q=x").header("x-tenant", "7").send().await;
    assert_eq!(refused.status(), 400);
}

#[depends]
async fn first_fails(calls: State<Arc<Calls>>) -> Result<(), HttpError> {
    count(&calls.audit);
    Err(HttpError::forbidden("nope"))
}

#[depends]
async fn second_counts(calls: State<Arc<Calls>>) -> usize {
    count(&calls.key)
}

#[get("/blocked")]
async fn blocked(
    #[depends(first_fails)] _first: (),
    #[depends(second_counts)] _second: usize,
    calls: State<Arc<Calls>>,
) -> &'static str {
    count(&calls.handler);
    "unreachable"
}

#[tokio::test]
async fn later_dependencies_and_the_handler_do_not_run_after_a_failure() {
    let calls = Arc::new(Calls::default());
    let client = TestClient::new(App::new().state(calls.clone()).routes(routes![blocked]));
    let response = client.get("/blocked").send().await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.json::<Value>(), json!({"detail": "nope"}));
    assert_eq!(calls.audit.load(Ordering::SeqCst), 1, "the failing dependency ran");
    assert_eq!(calls.key.load(Ordering::SeqCst), 0, "the dependency after it did not");
    assert_eq!(calls.handler.load(Ordering::SeqCst), 0, "the handler did not");
}

#[depends]
async fn verify_key(#[header] x_key: String, calls: State<Arc<Calls>>) -> Result<(), HttpError> {
    count(&calls.key);
    if x_key == "fake-super-secret-key" {
        Ok(())
    } else {
        Err(HttpError::bad_request("X-Key header invalid"))
    }
}

#[depends]
async fn audit(#[depends(get_db)] db: Session, calls: State<Arc<Calls>>) {
    count(&calls.audit);
    let _ = db;
}

#[get("/guarded", dependencies = [verify_key])]
async fn guarded(#[depends(get_db)] db: Session) -> String {
    format!("session {}", db.id)
}

#[tokio::test]
async fn route_and_app_dependencies_run_first_and_share_the_cache() {
    let calls = Arc::new(Calls::default());
    let client =
        TestClient::new(App::new().state(calls.clone()).dependency::<audit>().routes(routes![guarded]));
    let response = client.get("/guarded").header("x-key", "fake-super-secret-key").send().await;
    // audit (app level) resolved get_db first; the handler got the same session.
    assert_eq!(response.text(), "session 1");
    assert_eq!((calls.audit.load(Ordering::SeqCst), calls.key.load(Ordering::SeqCst)), (1, 1));

    let response = client.get("/guarded").header("x-key", "wrong").send().await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>(), json!({"detail": "X-Key header invalid"}));

    let response = client.get("/guarded").send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["detail"][0]["loc"], json!(["header", "x-key"]));
}

#[depends]
async fn fake_db() -> Session {
    Session { id: 99 }
}

#[tokio::test]
async fn overrides_replace_a_dependency_everywhere_it_is_used() {
    let client = TestClient::new(app().override_dependency::<get_db, fake_db>());
    let response = client.get("/me").header("x-user", "alice").send().await;
    // get_current_user's own get_db is replaced too.
    assert_eq!(response.json::<Value>(), json!({"user": "alice", "user_session": 99, "handler_session": 99}));
}

#[depends]
async fn owner(#[path] owner_id: u64, request: &Request) -> String {
    format!("{owner_id}@{}", request.method())
}

#[get("/owners/{owner_id}")]
async fn owner_route(owner_id: u64, #[depends(owner)] who: String) -> String {
    format!("{owner_id} {who}")
}

#[tokio::test]
async fn dependencies_read_path_parameters_by_name_and_borrow_the_request() {
    let client = TestClient::new(App::new().routes(routes![owner_route]));
    assert_eq!(client.get("/owners/5").send().await.text(), "5 5@GET");
}

/// Waits (bounded) until the async request below has run: if this sync
/// dependency ran on the event loop, the async request could never run.
#[depends]
fn slow_lookup(flag: State<Arc<AtomicUsize>>) -> usize {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while flag.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    flag.load(Ordering::SeqCst)
}

#[get("/slow")]
async fn slow(#[depends(slow_lookup)] seen: usize) -> String {
    seen.to_string()
}

#[get("/quick")]
async fn quick(flag: State<Arc<AtomicUsize>>) -> &'static str {
    flag.store(1, Ordering::SeqCst);
    "quick"
}

#[tokio::test(flavor = "current_thread")]
async fn a_sync_dependency_does_not_stall_concurrent_requests() {
    let flag = Arc::new(AtomicUsize::new(0));
    let client = TestClient::new(App::new().state(flag).routes(routes![slow, quick]));
    let slow_client = client.clone();
    let slow = tokio::spawn(async move { slow_client.get("/slow").send().await.text() });
    tokio::task::yield_now().await;
    assert_eq!(client.get("/quick").send().await.text(), "quick");
    assert_eq!(slow.await.unwrap(), "1", "the sync dependency saw the concurrent request complete");
}

#[tokio::test]
async fn the_app_describes_each_route_with_its_dependency_tree() {
    let service = App::new()
        .state(Arc::new(Calls::default()))
        .dependency::<audit>()
        .routes(routes![me, guarded])
        .build()
        .unwrap();
    assert_eq!(
        service.describe(),
        "every route\n    └─ audit\n        └─ get_db\n\
         GET /me → me\n    └─ get_current_user\n        └─ get_db\n    └─ get_db\n\
         GET /guarded → guarded\n    └─ verify_key\n    └─ get_db\n"
            .to_owned()
            + BUILT_IN_ROUTES
    );
    let dot = service.dependency_graph_dot();
    assert!(dot.starts_with("digraph brisk {"));
    assert!(dot.contains("\"GET /me\" -> \"get_current_user\";"));
    assert!(dot.contains("\"get_current_user\" -> \"get_db\";"));
    assert!(dot.contains("\"GET /guarded\" -> \"verify_key\";"));
    let mermaid = service.dependency_graph_mermaid();
    assert!(mermaid.starts_with("flowchart LR"));
    assert!(mermaid.contains("get_current_user[\"get_current_user\"] --> get_db[\"get_db\"]"));
}

#[depends]
async fn fragile(#[header] x_break: Option<String>) {
    if x_break.is_some() {
        panic!("the app-level dependency broke");
    }
}

#[get("/steady")]
async fn steady() -> &'static str {
    "steady"
}

#[tokio::test]
async fn a_panicking_app_level_dependency_is_a_500_and_the_app_keeps_serving() {
    let client = TestClient::new(App::new().dependency::<fragile>().routes(routes![steady]));
    let broken = client.get("/steady").header("x-break", "1").send().await;
    assert_eq!(broken.status(), 500);
    assert_eq!(broken.json::<Value>(), json!({"detail": "Internal Server Error"}));
    let fine = client.get("/steady").send().await;
    assert_eq!(fine.status(), 200);
    assert_eq!(fine.text(), "steady");
}

#[depends]
async fn letter(#[query] letters: String) -> String {
    letters
}

/// Sixteen awaited parameters, the most a route may have, with plain ones
/// between them: each is read in the order written.
#[get("/crowded/{id}")]
#[allow(clippy::too_many_arguments)]
async fn crowded(
    #[depends(letter)] a: String,
    id: u32,
    #[depends(letter, use_cache = false)] b: String,
    #[depends(letter)] c: String,
    #[header] x_tag: String,
    #[depends(letter)] d: String,
    #[depends(letter)] e: String,
    #[depends(letter)] f: String,
    #[depends(letter)] g: String,
    #[depends(letter)] h: String,
    #[depends(letter)] i: String,
    #[depends(letter)] j: String,
    #[depends(letter)] k: String,
    #[depends(letter)] l: String,
    #[depends(letter)] m: String,
    #[depends(letter)] n: String,
    #[depends(letter)] o: String,
    #[query(ge = 1)] count: u32,
    #[depends(letter)] p: String,
) -> String {
    let joined = [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p].concat();
    format!("{id} {x_tag} {count} {joined}")
}

#[tokio::test]
async fn a_route_awaits_sixteen_dependencies_with_plain_parameters_between_them() {
    let client = TestClient::new(App::new().routes(routes![crowded]));
    let ok = client.get("/crowded/7?letters=x&count=2").header("x-tag", "t").send().await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text(), format!("7 t 2 {}", "x".repeat(16)));
    // Every failing parameter is reported, in the order written.
    let bad = client.get("/crowded/seven?letters=x&count=0").send().await;
    assert_eq!(bad.status(), 422);
    let locs: Vec<Value> =
        bad.json::<Value>()["detail"].as_array().unwrap().iter().map(|e| e["loc"].clone()).collect();
    assert_eq!(locs, vec![json!(["path", "id"]), json!(["header", "x-tag"]), json!(["query", "count"])]);
}

//! Yield dependencies: setup, the provided value, and a teardown that sees
//! the request's outcome, at the time its scope says. Order is observed
//! through events, never through sleeps.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use brisk::dependencies::Outcome;
use brisk::prelude::*;
use brisk::testing::TestClient;
use brisk_tests::{BUILT_IN_ROUTES, Events};
use serde_json::{Value, json};

fn describe(outcome: &Outcome) -> String {
    match outcome.failure() {
        None => "ok".to_owned(),
        Some(failure) => format!("err {} {}", failure.status.as_u16(), failure.kind),
    }
}

#[derive(Clone)]
struct Session {
    name: &'static str,
}

#[depends]
async fn get_db(events: State<Arc<Events>>) -> Result<Session, HttpError> {
    events.push("setup db");
    let outcome = yield_!(Session { name: "db" });
    // Waits until the test says the client holds the response (bounded):
    // had this run before the response went out, the client would wait too.
    let _ = tokio::time::timeout(Duration::from_secs(5), events.gate.notified()).await;
    events.push(format!("teardown db: {}", describe(&outcome)));
    Ok(())
}

#[depends(scope = "function")]
async fn get_tx(events: State<Arc<Events>>) -> Session {
    events.push("setup tx");
    let outcome = yield_!(Session { name: "tx" });
    events.push(format!("teardown tx: {}", describe(&outcome)));
}

#[get("/request-scope")]
async fn request_scope(#[depends(get_db)] db: Session, events: State<Arc<Events>>) -> &'static str {
    events.push(format!("handler with {}", db.name));
    "done"
}

#[get("/function-scope")]
async fn function_scope(#[depends(get_tx)] tx: Session, events: State<Arc<Events>>) -> &'static str {
    events.push(format!("handler with {}", tx.name));
    "done"
}

#[post("/conflict")]
async fn conflict(#[depends(get_tx)] _tx: Session) -> Result<&'static str, HttpError> {
    Err(HttpError::new(StatusCode::CONFLICT, "already exists"))
}

fn client(events: &Arc<Events>) -> TestClient {
    TestClient::new(App::new().state(events.clone()).routes(routes![
        request_scope,
        function_scope,
        conflict,
        failing_user_route,
        ordered,
        panicking_teardown_route,
        failing_commit_route,
        handler_panics,
        waits_forever,
    ]))
}

#[tokio::test]
async fn a_request_scoped_teardown_starts_after_the_client_holds_the_response() {
    let events = Arc::new(Events::default());
    let response = client(&events).get("/request-scope").send().await;
    assert_eq!(response.text(), "done");
    events.push("client has the response");
    events.gate.notify_one();
    assert_eq!(
        events.wait_for(4).await,
        ["setup db", "handler with db", "client has the response", "teardown db: ok"]
    );
}

#[tokio::test]
async fn a_function_scoped_teardown_finishes_before_the_response_is_sent() {
    let events = Arc::new(Events::default());
    let response = client(&events).get("/function-scope").send().await;
    events.push("client has the response");
    assert_eq!(response.text(), "done");
    assert_eq!(events.log(), ["setup tx", "handler with tx", "teardown tx: ok", "client has the response"]);
}

#[tokio::test]
async fn a_handler_error_reaches_the_teardown_and_the_client_gets_the_error_response() {
    let events = Arc::new(Events::default());
    let response = client(&events).post("/conflict").send().await;
    assert_eq!(response.status(), 409);
    assert_eq!(response.json::<Value>(), json!({"detail": "already exists"}));
    assert_eq!(events.log(), ["setup tx", "teardown tx: err 409 brisk::errors::http_error::HttpError"]);
}

#[depends]
async fn failing_user(#[depends(get_tx)] _tx: Session) -> Result<String, HttpError> {
    Err(HttpError::unauthorized("Invalid credentials"))
}

#[get("/failing-user")]
async fn failing_user_route(
    #[depends(failing_user)] _user: String,
    events: State<Arc<Events>>,
) -> &'static str {
    events.push("handler");
    "unreachable"
}

#[tokio::test]
async fn a_failing_dependency_short_circuits_and_set_up_teardowns_still_run() {
    let events = Arc::new(Events::default());
    let response = client(&events).get("/failing-user").send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(events.log(), ["setup tx", "teardown tx: err 401 RequestFailed"]);
}

#[depends(scope = "function")]
async fn first(events: State<Arc<Events>>) -> u8 {
    events.push("setup first");
    yield_!(1);
    events.push("teardown first");
}

#[depends(scope = "function")]
async fn second(#[depends(first)] one: u8, events: State<Arc<Events>>) -> u8 {
    events.push("setup second");
    yield_!(one + 1);
    events.push("teardown second");
}

#[get("/ordered")]
async fn ordered(#[depends(second)] two: u8) -> String {
    two.to_string()
}

#[tokio::test]
async fn teardowns_run_in_reverse_order_of_setup() {
    let events = Arc::new(Events::default());
    assert_eq!(client(&events).get("/ordered").send().await.text(), "2");
    assert_eq!(events.log(), ["setup first", "setup second", "teardown second", "teardown first"]);
}

#[depends(scope = "function")]
async fn panicking_teardown(events: State<Arc<Events>>) -> u8 {
    yield_!(0);
    events.push("teardown about to panic");
    panic!("teardown failed");
}

#[get("/panicking-teardown")]
async fn panicking_teardown_route(
    #[depends(first)] _a: u8,
    #[depends(panicking_teardown)] _b: u8,
) -> &'static str {
    "the handler's answer, replaced by the 500"
}

/// The response has not gone yet when a function-scoped teardown panics:
/// the client gets a 500 rather than the handler's answer, and the next
/// teardown still runs.
#[tokio::test]
async fn a_panicking_function_scoped_teardown_answers_500_and_the_next_one_still_runs() {
    let events = Arc::new(Events::default());
    let client = client(&events);
    let response = client.get("/panicking-teardown").send().await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.json::<Value>(), json!({"detail": "Internal Server Error"}));
    assert_eq!(events.log(), ["setup first", "teardown about to panic", "teardown first"]);
    assert_eq!(client.get("/ordered").send().await.status(), 200);
}

/// A transaction whose commit fails in its function-scoped teardown.
#[depends(scope = "function")]
async fn failing_commit(events: State<Arc<Events>>) -> Result<Session, HttpError> {
    let outcome = yield_!(Session { name: "commit" });
    events.push(format!("commit sees: {}", describe(&outcome)));
    Err(HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "could not commit"))
}

#[get("/failing-commit")]
async fn failing_commit_route(
    #[depends(get_db)] _db: Session,
    #[depends(get_tx)] _tx: Session,
    #[depends(failing_commit)] _commit: Session,
    events: State<Arc<Events>>,
    tasks: BackgroundTasks,
) -> (StatusCode, &'static str) {
    let background = events.clone();
    tasks.add_task(async move { background.push("background task") });
    (StatusCode::CREATED, "created")
}

/// The client is never told "created" when the commit failed: the teardown's
/// error answers instead. The teardowns after it (function- and
/// request-scoped) see the failure, and the background task is dropped, as
/// for any failed request.
#[tokio::test]
async fn a_failing_function_scoped_teardown_answers_with_its_error() {
    let events = Arc::new(Events::default());
    let client = client(&events);
    let response = client.get("/failing-commit").send().await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.json::<Value>(), json!({"detail": "could not commit"}));
    events.gate.notify_one();
    assert_eq!(
        events.wait_for(5).await,
        [
            "setup db",
            "setup tx",
            "commit sees: ok",
            "teardown tx: err 503 TeardownFailed",
            "teardown db: err 503 TeardownFailed",
        ]
    );
}

#[get("/handler-panics")]
async fn handler_panics(#[depends(get_tx)] _tx: Session) -> &'static str {
    panic!("handler failed")
}

#[tokio::test]
async fn a_panicking_handler_still_tears_down() {
    let events = Arc::new(Events::default());
    let response = client(&events).get("/handler-panics").send().await;
    assert_eq!(response.status(), 500);
    assert_eq!(events.wait_for(2).await, ["setup tx", "teardown tx: err 500 Interrupted"]);
}

#[get("/waits-forever")]
async fn waits_forever(#[depends(get_tx)] _tx: Session, events: State<Arc<Events>>) -> &'static str {
    events.push("handler waiting");
    std::future::pending::<()>().await;
    "never"
}

#[tokio::test]
async fn a_client_that_disconnects_mid_request_still_gets_the_teardown_run() {
    use tokio::io::AsyncWriteExt;

    let events = Arc::new(Events::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = App::new().state(events.clone()).routes(routes![waits_forever]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve_with(listener, async {
        let _ = stopped.await;
    }));

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /waits-forever HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    assert_eq!(events.wait_for(2).await, ["setup tx", "handler waiting"]);
    drop(stream);

    assert_eq!(events.wait_for(3).await, ["setup tx", "handler waiting", "teardown tx: err 500 Interrupted"]);
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
}

#[derive(Clone)]
struct Counter(Arc<Mutex<u32>>);

#[depends]
async fn app_session(counter: State<Counter>) -> u32 {
    let id = {
        let mut n = counter.0.lock().unwrap();
        *n += 1;
        *n
    };
    let outcome = yield_!(id);
    if outcome.is_ok() {
        *counter.0.lock().unwrap() += 100;
    }
}

#[get("/plain")]
async fn plain() -> &'static str {
    "plain"
}

#[tokio::test]
async fn app_level_yield_dependencies_tear_down_too() {
    let counter = Counter(Arc::new(Mutex::new(0)));
    let client =
        TestClient::new(App::new().state(counter.clone()).dependency::<app_session>().routes(routes![plain]));
    assert_eq!(client.get("/plain").send().await.text(), "plain");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while *counter.0.lock().unwrap() != 101 && std::time::Instant::now() < deadline {
        tokio::task::yield_now().await;
    }
    assert_eq!(*counter.0.lock().unwrap(), 101, "setup once, then the teardown saw a success");
}

#[test]
fn the_tree_shows_when_each_teardown_runs() {
    let service = App::new()
        .state(Arc::new(Events::default()))
        .routes(routes![request_scope, ordered])
        .build()
        .unwrap();
    assert_eq!(
        service.describe(),
        "GET /request-scope → request_scope\n    └─ get_db (teardown after the response)\n\
         GET /ordered → ordered\n    └─ second (teardown before the response)\n        └─ first (teardown before the response)\n"
            .to_owned()
            + BUILT_IN_ROUTES
    );
}

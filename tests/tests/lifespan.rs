//! The lifespan: startup before the first request, its state in handlers,
//! shutdown after the last request, and a failed startup that never binds.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use brisk::prelude::*;
use brisk::testing::TestClient;

type Log = Arc<Mutex<Vec<String>>>;

struct Pool {
    name: &'static str,
}

/// The log is global to one test through this cell: a lifespan takes no parameters.
static LOG: Mutex<Option<Log>> = Mutex::new(None);

fn log(event: &str) {
    if let Some(log) = LOG.lock().unwrap().as_ref() {
        log.lock().unwrap().push(event.to_owned());
    }
}

#[lifespan]
async fn lifespan() -> Result<AppState, String> {
    log("startup");
    let pool = Arc::new(Pool { name: "main-db" });
    yield_!(AppState::new().with(pool.clone()).with(42u32));
    log(&format!("shutdown {}", pool.name));
}

#[get("/pool")]
async fn pool(pool: State<Arc<Pool>>, answer: State<u32>) -> String {
    log("request");
    format!("{} {}", pool.name, *answer)
}

#[tokio::test]
async fn state_from_startup_reaches_handlers_and_shutdown_runs_after_the_last_request() {
    let events = Log::default();
    *LOG.lock().unwrap() = Some(events.clone());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server =
        tokio::spawn(App::new().lifespan(lifespan).routes(routes![pool]).serve_with(listener, async {
            let _ = stopped.await;
        }));

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"GET /pool HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.ends_with("main-db 42"), "{response}");

    let _ = stop.send(());
    let result = tokio::time::timeout(Duration::from_secs(5), server).await.expect("the server stopped");
    assert!(result.unwrap().is_ok());
    assert_eq!(*events.lock().unwrap(), ["startup", "request", "shutdown main-db"]);
    *LOG.lock().unwrap() = None;
}

#[lifespan]
async fn failing() -> Result<AppState, String> {
    Err("the database is unreachable".to_owned())?;
    yield_!(AppState::new());
}

#[tokio::test]
async fn a_failed_startup_never_binds_and_reports_the_error() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);
    let result = App::new().lifespan(failing).routes(routes![pool]).serve(addr).await;
    let error = result.unwrap_err();
    assert!(matches!(error, brisk::Error::Startup(_)), "{error}");
    assert!(error.to_string().contains("the database is unreachable"), "{error}");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "nothing listens");
}

#[lifespan]
async fn counted() -> AppState {
    let started = Arc::new(Mutex::new(vec!["startup".to_owned()]));
    yield_!(AppState::new().with(started.clone()));
    started.lock().unwrap().push("shutdown".to_owned());
}

#[get("/events")]
async fn events(log: State<Arc<Mutex<Vec<String>>>>) -> String {
    log.lock().unwrap().join(",")
}

#[tokio::test]
async fn the_test_client_runs_the_lifespan() {
    let client = TestClient::new(App::new().lifespan(counted).routes(routes![events]));
    assert_eq!(client.get("/events").send().await.text(), "startup");
    client.shutdown().await;
    assert_eq!(client.get("/events").send().await.text(), "startup,shutdown");
}

struct Mailer;

#[depends]
async fn get_mailer(mailer: State<Mailer>) -> Result<Arc<Mailer>, HttpError> {
    Ok(mailer.into_arc())
}

#[depends]
async fn get_notifier(#[depends(get_mailer)] mailer: Arc<Mailer>) -> Arc<Mailer> {
    mailer
}

#[post("/signup")]
async fn signup(#[depends(get_notifier)] _notifier: Arc<Mailer>) -> &'static str {
    "welcome"
}

#[tokio::test]
async fn state_no_one_registered_stops_the_app_at_startup_naming_the_type_and_route() {
    // The handler's own parameter (one of its two is registered).
    let err = App::new()
        .state(7u32)
        .routes(routes![pool])
        .build()
        .map(|_| ())
        .expect_err("missing state")
        .to_string();
    assert!(err.contains("`pool` (for GET /pool) takes `State<alloc::sync::Arc<"), "{err}");
    assert!(err.contains("App::state") && err.contains("AppState::new().with"), "{err}");

    // Two dependencies down: the dependency that takes it is named.
    let err = App::new().routes(routes![signup]).build().map(|_| ()).expect_err("missing state").to_string();
    assert!(err.contains("`get_mailer` (for POST /signup)") && err.contains("Mailer"), "{err}");
    assert!(App::new().state(Mailer).routes(routes![signup]).build().is_ok());

    // State the lifespan yields counts, once it has run: `serve` fails
    // before binding, and a state it does yield is enough.
    let missing = App::new().lifespan(counted).routes(routes![signup]);
    let err = missing.serve("127.0.0.1:0").await.expect_err("missing state").to_string();
    assert!(err.contains("get_mailer"), "{err}");
    let client = TestClient::new(App::new().lifespan(counted).routes(routes![events]));
    assert_eq!(client.get("/events").send().await.text(), "startup");
}

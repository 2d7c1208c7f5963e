//! Thread-per-core serving, `App::workers`: several single-threaded
//! runtimes, each accepting on its own socket, one lifespan and one state
//! for all of them, and a shutdown that drains every worker.
//!
//! The first test stops its server with a real SIGTERM to this test
//! process (brisk's `serve` listens for it); it is the only test here that
//! calls `serve`, so no other server in the process hears the signal.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use brisk::prelude::*;
use brisk_tests::process::free_port;
use brisk_tests::within;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the lifespan and the handlers count, shared by every worker.
#[derive(Default)]
struct Counts {
    startups: AtomicUsize,
    shutdowns: AtomicUsize,
    requests: AtomicUsize,
    background: AtomicUsize,
}

static COUNTS: std::sync::OnceLock<Arc<Counts>> = std::sync::OnceLock::new();

fn counts() -> Arc<Counts> {
    COUNTS.get_or_init(Arc::default).clone()
}

#[lifespan]
async fn lifespan() -> AppState {
    let counts = counts();
    counts.startups.fetch_add(1, Ordering::SeqCst);
    yield_!(AppState::new().with(counts.clone()));
    counts.shutdowns.fetch_add(1, Ordering::SeqCst);
}

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("unnamed").to_owned()
}

#[get("/thread")]
async fn thread(counts: State<Arc<Counts>>) -> String {
    counts.requests.fetch_add(1, Ordering::SeqCst);
    thread_name()
}

#[get("/slow")]
async fn slow() -> String {
    tokio::time::sleep(Duration::from_millis(400)).await;
    thread_name()
}

/// A plain `fn`: on the blocking pool of the worker that took the request.
#[get("/blocking")]
fn blocking() -> &'static str {
    std::thread::sleep(Duration::from_millis(20));
    "blocked and done"
}

#[post("/later", status_code = 202)]
async fn later(counts: State<Arc<Counts>>, tasks: BackgroundTasks) -> String {
    let counts = counts.clone();
    tasks.add_task(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        counts.background.fetch_add(1, Ordering::SeqCst);
    });
    thread_name()
}

fn app() -> App {
    App::new().lifespan(lifespan).routes(routes![thread, slow, blocking, later]).workers(2)
}

/// One request on a connection of its own; the status and the body.
async fn request(addr: SocketAddr, method: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head =
        format!("{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_share_one_lifespan_spread_connections_and_all_drain_on_sigterm() {
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let server = tokio::spawn(app().serve(addr));
    within("the workers to listen", async {
        while TcpStream::connect(addr).await.is_err() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;

    // The kernel spreads new connections over both workers' sockets.
    let mut threads = BTreeSet::new();
    for _ in 0..40 {
        let (status, body) = request(addr, "GET", "/thread").await;
        assert_eq!(status, 200, "{body}");
        threads.insert(body);
    }
    let expected: BTreeSet<String> = ["brisk-worker-0", "brisk-worker-1"].map(String::from).into();
    assert_eq!(threads, expected, "every request on a worker, and both workers used");
    let counts = counts();
    assert_eq!(counts.startups.load(Ordering::SeqCst), 1, "one lifespan for all workers");
    assert_eq!(counts.requests.load(Ordering::SeqCst), 40, "one state for all workers");

    // Blocking handlers and background tasks run on whichever worker took the request.
    for _ in 0..4 {
        assert_eq!(request(addr, "GET", "/blocking").await, (200, "blocked and done".to_owned()));
        assert_eq!(request(addr, "POST", "/later").await.0, 202);
    }
    within("the background tasks", async {
        while counts.background.load(Ordering::SeqCst) < 4 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;

    // Requests in flight on both workers when SIGTERM comes all finish.
    let in_flight: Vec<_> = (0..16).map(|_| tokio::spawn(request(addr, "GET", "/slow"))).collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let pid = std::process::id().to_string();
    let kill = tokio::process::Command::new("kill").args(["-TERM", &pid]).status().await.expect("run kill");
    assert!(kill.success());
    let mut drained = BTreeSet::new();
    for request in in_flight {
        let (status, body) = request.await.expect("the request's task");
        assert_eq!(status, 200, "a request in flight was dropped: {body}");
        drained.insert(body);
    }
    assert_eq!(drained, expected, "both workers drained their requests");
    let served = within("serve to return", server).await.expect("the server's task");
    assert!(served.is_ok(), "{served:?}");
    assert!(TcpStream::connect(addr).await.is_err(), "nothing listens after the shutdown");
    assert_eq!(counts.shutdowns.load(Ordering::SeqCst), 1, "the lifespan's shutdown ran once");
}

#[get("/hello")]
async fn hello() -> String {
    thread_name()
}

#[tokio::test]
async fn workers_on_a_listener_the_app_is_given_serve_and_stop_with_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("its address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = App::new().routes(routes![hello]).workers(3);
    let server = tokio::spawn(app.serve_with(listener, async move {
        let _ = stopped.await;
    }));
    for _ in 0..10 {
        let (status, body) = request(addr, "GET", "/hello").await;
        assert_eq!(status, 200);
        assert!(body.starts_with("brisk-worker-"), "served on {body}");
    }
    stop.send(()).expect("the server is running");
    let served = within("serve_with to return", server).await.expect("the server's task");
    assert!(served.is_ok(), "{served:?}");
    assert!(TcpStream::connect(addr).await.is_err(), "nothing listens after the shutdown");
}

//! Heap allocations per request through the real server path (socket, hyper,
//! routing, extraction, handler, response), counted by a global allocator
//! that only counts on the server's threads. The ceilings are what the
//! current code reaches; a regression above them fails. brisk reuses the
//! blocks for the request and its boxed futures from one request to the
//! next, so after the warm-up those no longer reach the allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static SERVER_THREAD: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if SERVER_THREAD.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if SERVER_THREAD.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

mod chain {
    use std::sync::Arc;

    use brisk::prelude::*;

    pub struct Pool;

    /// Holds the pool like a real session would; never read here.
    #[derive(Clone)]
    #[allow(dead_code)]
    pub struct Session(Arc<Pool>);

    #[depends]
    pub async fn get_db(pool: State<Pool>) -> Session {
        Session(pool.into_arc())
    }

    #[depends]
    pub async fn get_user(#[depends(get_db)] db: Session) -> Result<u64, HttpError> {
        let _ = db;
        Ok(7)
    }

    #[depends]
    pub async fn get_tx(#[depends(get_db)] db: Session) -> Session {
        let outcome = yield_!(db);
        let _ = outcome;
    }

    #[get("/none")]
    pub async fn none() -> &'static str {
        "ok"
    }

    #[get("/chain")]
    pub async fn chain(#[depends(get_user)] user: u64, #[depends(get_db)] db: Session) -> &'static str {
        let _ = (user, db);
        "ok"
    }

    #[get("/yield")]
    pub async fn with_yield(#[depends(get_tx)] tx: Session) -> &'static str {
        let _ = tx;
        "ok"
    }

    pub fn app() -> App {
        App::new().state(Pool).routes(routes![none, chain, with_yield])
    }
}

/// Starts an app on its own runtime whose threads are counted.
fn start(app: fn() -> brisk::App) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .on_thread_start(|| SERVER_THREAD.with(|s| s.set(true)))
        .build()
        .expect("a runtime");
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("a port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            let _ = tokio::spawn(app().serve_with(listener, shutdown)).await;
        });
    });
    (addr, stop)
}

/// Sends `request` `count` times on one keep-alive connection, reading each response whole.
fn exchange(stream: &mut TcpStream, request: &[u8], count: usize) {
    let mut buffer = [0u8; 4096];
    for _ in 0..count {
        stream.write_all(request).expect("request written");
        let mut received = Vec::new();
        loop {
            let n = stream.read(&mut buffer).expect("response read");
            assert!(n > 0, "server closed the connection");
            received.extend_from_slice(&buffer[..n]);
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
                assert!(head.starts_with("http/1.1 2"), "unexpected response: {head}");
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .expect("a content-length");
                if received.len() >= end + 4 + length {
                    break;
                }
            }
        }
    }
}

fn allocations_per_request(request: &[u8]) -> f64 {
    allocations_per_request_on(hello::app, request)
}

/// The counter is process-wide: one measurement at a time.
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn allocations_per_request_on(app: fn() -> brisk::App, request: &[u8]) -> f64 {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (addr, stop) = start(app);
    let mut stream = TcpStream::connect(addr).expect("connected");
    stream.set_nodelay(true).expect("nodelay");
    exchange(&mut stream, request, 200); // warm-up: connection buffers, lazy statics
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    const N: usize = 1000;
    exchange(&mut stream, request, N);
    let total = ALLOCATIONS.load(Ordering::SeqCst) - before;
    let _ = stop.send(());
    total as f64 / N as f64
}

fn assert_ceiling(name: &str, request: &[u8], ceiling: f64) {
    let per_request = allocations_per_request(request);
    println!("{name}: {per_request:.2} allocations per request (ceiling {ceiling})");
    assert!(per_request <= ceiling, "{name}: {per_request:.2} allocations per request, ceiling {ceiling}");
}

#[test]
fn allocations_per_request_stay_under_their_ceilings() {
    assert_ceiling("GET /plaintext", b"GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n", PLAINTEXT);
    assert_ceiling("GET /items/{id}?q=", b"GET /items/42?q=hello HTTP/1.1\r\nHost: x\r\n\r\n", ITEMS_GET);
    let body = br#"{"name":"widget","price":9.99,"tags":["a","b"]}"#;
    let mut post = format!(
        "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    post.extend_from_slice(body);
    assert_ceiling("POST /items", &post, ITEMS_POST);
}

/// What dependencies add over the same route without them: the per-request
/// cache (one list, one box per cached value) and, for a yield dependency,
/// its suspended body and teardown.
#[test]
fn allocations_added_by_dependencies_stay_under_their_ceilings() {
    let get = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes();
    let none = allocations_per_request_on(chain::app, &get("/none"));
    let chain = allocations_per_request_on(chain::app, &get("/chain"));
    let with_yield = allocations_per_request_on(chain::app, &get("/yield"));
    println!(
        "no dependencies: {none:.2}, a cached chain of two: {chain:.2}, a yield dependency: {with_yield:.2}"
    );
    assert!(chain - none <= CHAIN_EXTRA, "a cached chain adds {:.2} allocations", chain - none);
    assert!(with_yield - none <= YIELD_EXTRA, "a yield dependency adds {:.2} allocations", with_yield - none);
}

const CHAIN_EXTRA: f64 = 0.5;
const YIELD_EXTRA: f64 = 3.5;
const PLAINTEXT: f64 = 5.5;
const ITEMS_GET: f64 = 8.5;
const ITEMS_POST: f64 = 12.5;

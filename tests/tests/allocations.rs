//! Heap allocations per request through the real server path (socket, hyper,
//! routing, extraction, handler, response), counted by a global allocator
//! that only counts on the server's threads. The ceilings are what the
//! current code reaches; a regression above them fails.

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

/// Starts examples/hello on its own runtime whose threads are counted.
fn start_server() -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
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
            let _ = tokio::spawn(hello::app().serve_with(listener, shutdown)).await;
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
    let (addr, stop) = start_server();
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

// One test runs them in turn: the counter is process-wide.
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

const PLAINTEXT: f64 = 7.0;
const ITEMS_GET: f64 = 10.0;
const ITEMS_POST: f64 = 22.0;

//! Hostile HTTP/1.1 on a real socket: request-smuggling shapes, invalid
//! bytes, unusual request targets and oversized parts. Each gets a 4xx or a
//! closed connection, never a 5xx, never reaches a handler twice, and no
//! answer names the software or its version.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use brisk::prelude::*;
use brisk_tests::{WAIT, within};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// How many times a handler ran, and for which paths.
#[derive(Default)]
struct Calls {
    count: AtomicUsize,
    paths: std::sync::Mutex<Vec<String>>,
}

#[post("/count")]
async fn count_post(calls: State<Arc<Calls>>, request: Request) -> &'static str {
    calls.count.fetch_add(1, Ordering::SeqCst);
    calls.paths.lock().unwrap().push(request.uri().to_string());
    "counted"
}

#[post("/read")]
async fn read_body(calls: State<Arc<Calls>>, request: Request, #[body] body: serde_json::Value) -> String {
    calls.count.fetch_add(1, Ordering::SeqCst);
    calls.paths.lock().unwrap().push(request.uri().to_string());
    body.to_string()
}

#[get("/count")]
async fn count_get(calls: State<Arc<Calls>>, request: Request) -> &'static str {
    calls.count.fetch_add(1, Ordering::SeqCst);
    calls.paths.lock().unwrap().push(request.uri().to_string());
    "counted"
}

struct Server {
    addr: SocketAddr,
    calls: Arc<Calls>,
    _stop: oneshot::Sender<()>,
}

async fn server() -> Server {
    server_with(std::convert::identity).await
}

/// The server with `configure` applied to its app.
async fn server_with(configure: impl FnOnce(App) -> App) -> Server {
    let calls = Arc::new(Calls::default());
    let app = configure(App::new().state(calls.clone()).routes(routes![count_post, count_get, read_body]));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.serve_with(listener, async move {
        let _ = stopped.await;
    }));
    Server { addr, calls, _stop: stop }
}

/// Sends `bytes` on a new connection and reads until the server closes it
/// (or stays quiet for a second after answering).
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    exchange_and_close(addr, bytes).await.0
}

/// Like [`exchange`], also saying whether the server closed the connection.
async fn exchange_and_close(addr: SocketAddr, bytes: &[u8]) -> (String, bool) {
    let mut stream = within("connect", TcpStream::connect(addr)).await.expect("connect");
    // The server may close before reading everything: a failed write is an answer too.
    let _ = stream.write_all(bytes).await;
    read_to_close(&mut stream, &String::from_utf8_lossy(bytes)).await
}

/// Reads what the server sends on `stream` until it closes it (or stays
/// quiet for a second after answering); `sent` names the input in a panic.
async fn read_to_close(stream: &mut TcpStream, sent: &str) -> (String, bool) {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    let closed = loop {
        let limit = if received.is_empty() { WAIT } else { std::time::Duration::from_secs(1) };
        match tokio::time::timeout(limit, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(n)) => received.extend_from_slice(&chunk[..n]),
            // Quiet after an answer: the connection is kept open; done.
            Err(_) if !received.is_empty() => break false,
            Err(_) => panic!("no answer and no close for {sent:?}"),
        }
    };
    (String::from_utf8_lossy(&received).into_owned(), closed)
}

/// The statuses of every response in `received`, in order.
fn statuses(received: &str) -> Vec<u16> {
    received
        .match_indices("HTTP/1.")
        .filter_map(|(at, _)| received.get(at + 9..at + 12)?.parse().ok())
        .collect()
}

fn assert_refused(received: &str, input: &str) {
    let statuses = statuses(received);
    assert!(
        statuses.iter().all(|status| (400..500).contains(status)),
        "{input}: expected only 4xx or a close, got {received:?}"
    );
    assert!(statuses.len() <= 1, "{input}: more than one response: {received:?}");
    assert_no_fingerprint(received, input);
}

fn assert_no_fingerprint(received: &str, input: &str) {
    let lower = received.to_ascii_lowercase();
    assert!(!lower.contains("\r\nserver:"), "{input}: a Server header: {received:?}");
    for word in ["hyper", "brisk", "tokio", "rust"] {
        assert!(!lower.contains(word), "{input}: the answer names {word}: {received:?}");
    }
}

#[tokio::test]
async fn smuggling_shapes_are_refused_and_never_reach_a_handler_twice() {
    let server = server().await;
    // Refused outright, before any handler runs.
    let refused = [
        // Two different lengths.
        "POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcdeGET /count HTTP/1.1\r\nHost: t\r\n\r\n",
        // A list of lengths in one field.
        "POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 4, 5\r\n\r\nabcde",
        // Obsolete line folding, which hides a header from some parsers.
        "POST /count HTTP/1.1\r\nHost: t\r\nX-Fold: a\r\n Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\nabcd",
        // A transfer coding other than chunked last.
        "POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        // A space before the colon.
        "POST /count HTTP/1.1\r\nHost: t\r\nContent-Length : 4\r\n\r\nabcd",
        // Bad chunk sizes, on a route that reads its body.
        "POST /read HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "POST /read HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "POST /read HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n",
    ];
    for input in refused {
        let received = exchange(server.addr, input.as_bytes()).await;
        assert_refused(&received, input);
    }
    assert_eq!(server.calls.count.load(Ordering::SeqCst), 0, "{:?}", server.calls.paths.lock().unwrap());

    // Both framings at once: the body is read as chunked (RFC 9112 §6.1),
    // the one request is answered, and the connection is closed, so the
    // request hidden after the body never runs. The same when a route that
    // ignores its body is sent a bad chunk: answered, then closed.
    let answered_then_closed = [
        "POST /count HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /count HTTP/1.1\r\nHost: t\r\n\r\n",
        "POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\nGET /count HTTP/1.1\r\nHost: t\r\n\r\n",
        "POST /count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nGET /count HTTP/1.1\r\nHost: t\r\n\r\n",
    ];
    for input in answered_then_closed {
        let before = server.calls.count.load(Ordering::SeqCst);
        let (received, closed) = exchange_and_close(server.addr, input.as_bytes()).await;
        let ran = server.calls.count.load(Ordering::SeqCst) - before;
        assert_eq!((ran, statuses(&received).len()), (1, 1), "{input:?}: {received:?}");
        assert!(statuses(&received).iter().all(|status| *status < 500), "{input:?}: {received:?}");
        assert!(closed, "{input:?}: the connection stayed open after {received:?}");
        assert_no_fingerprint(&received, input);
    }
}

#[tokio::test]
async fn invalid_methods_targets_and_header_bytes_are_4xx() {
    let server = server().await;
    let invalid = [
        "G@T /count HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /count HTTP/1.1\r\nHost: t\r\nX Bad: v\r\n\r\n",
        "GET /count HTTP/1.1\r\nHost: t\r\nX-Bad: a\x01b\r\n\r\n",
        "GET /count HTTP/1.1\r\nHost: t\r\nX-Bad: a\rb\r\n\r\n",
        "GET /co unt HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /count HTTP/9.9\r\nHost: t\r\n\r\n",
        "GET /count\r\nHost: t\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET count HTTP/1.1\r\nHost: t\r\n\r\n",
    ];
    for input in invalid {
        let received = exchange(server.addr, input.as_bytes()).await;
        assert_refused(&received, input);
    }
    assert_eq!(server.calls.count.load(Ordering::SeqCst), 0, "{:?}", server.calls.paths.lock().unwrap());
}

#[tokio::test]
async fn absolute_form_targets_and_http_1_0_are_routed_by_their_path_once() {
    let server = server().await;
    // A server must accept the absolute form (RFC 9112 §3.2.2); it routes by path.
    let received =
        exchange(server.addr, b"GET http://elsewhere.example/count HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert_eq!(statuses(&received), [200], "{received:?}");
    // HTTP/1.0 needs no Host.
    let received = exchange(server.addr, b"GET /count HTTP/1.0\r\n\r\n").await;
    assert!(received.starts_with("HTTP/1.0 200") || received.starts_with("HTTP/1.1 200"), "{received:?}");
    assert_no_fingerprint(&received, "HTTP/1.0");
    assert_eq!(server.calls.count.load(Ordering::SeqCst), 2);
    let paths = server.calls.paths.lock().unwrap().clone();
    assert!(paths.iter().all(|path| path.ends_with("/count")), "{paths:?}");
}

#[tokio::test]
async fn an_http_1_1_request_without_exactly_one_host_is_a_400_that_closes_the_connection() {
    let server = server().await;
    let refused = [
        ("GET /count HTTP/1.1\r\n\r\n", "Missing Host header"),
        ("GET /count HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "More than one Host header"),
        // Absolute form still needs the header in HTTP/1.1.
        ("GET http://t/count HTTP/1.1\r\n\r\n", "Missing Host header"),
        // HTTP/1.0 may leave it out, but not send two.
        ("GET /count HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", "More than one Host header"),
        // The request pipelined behind it is never read.
        ("GET /count HTTP/1.1\r\n\r\nGET /count HTTP/1.1\r\nHost: t\r\n\r\n", "Missing Host header"),
    ];
    for (input, detail) in refused {
        let (received, closed) = exchange_and_close(server.addr, input.as_bytes()).await;
        assert_eq!(statuses(&received), [400], "{input:?}: {received:?}");
        assert!(received.to_ascii_lowercase().contains("\r\nconnection: close\r\n"), "{received:?}");
        assert!(received.ends_with(&format!("{{\"detail\":\"{detail}\"}}")), "{input:?}: {received:?}");
        assert!(closed, "{input:?}: the connection stayed open");
        assert_no_fingerprint(&received, input);
    }
    assert_eq!(server.calls.count.load(Ordering::SeqCst), 0, "{:?}", server.calls.paths.lock().unwrap());
    let received =
        exchange(server.addr, b"GET /count HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await;
    assert_eq!(statuses(&received), [200], "still serving: {received:?}");
}

/// A GET /count whose target is `length` bytes long.
fn target_of(length: usize) -> String {
    let query = "q".repeat(length - "/count?".len());
    format!("GET /count?{query} HTTP/1.1\r\nHost: t\r\n\r\n")
}

#[tokio::test]
async fn a_target_over_the_uri_limit_is_a_414_and_the_limit_is_a_setting() {
    let server = server().await;
    // At the default 8 KiB: served; one byte over: 414, and closed.
    let received = exchange(server.addr, target_of(8 * 1024).as_bytes()).await;
    assert_eq!(statuses(&received), [200], "{received:?}");
    let (received, closed) = exchange_and_close(server.addr, target_of(8 * 1024 + 1).as_bytes()).await;
    assert_eq!(statuses(&received), [414], "{received:?}");
    assert!(received.ends_with(r#"{"detail":"URI Too Long"}"#), "{received:?}");
    assert!(closed, "the connection stayed open after the 414");
    // The absolute form counts its scheme and authority too.
    let authority = "h".repeat(8 * 1024);
    let input = format!("GET http://{authority}/count HTTP/1.1\r\nHost: t\r\n\r\n");
    assert_eq!(statuses(&exchange(server.addr, input.as_bytes()).await), [414]);
    assert_eq!(server.calls.count.load(Ordering::SeqCst), 1);

    let server = server_with(|app| app.max_uri_length(1024)).await;
    assert_eq!(statuses(&exchange(server.addr, target_of(1024).as_bytes()).await), [200]);
    assert_eq!(statuses(&exchange(server.addr, target_of(1025).as_bytes()).await), [414]);
    assert_eq!(server.calls.count.load(Ordering::SeqCst), 1);
}

/// A request whose first byte arrives alone, and so could still begin the
/// HTTP/2 preface (the `P` of `POST`), is held to the same HTTP/1 limits
/// as any other once the rest arrives.
#[tokio::test]
async fn a_request_whose_first_byte_arrives_alone_meets_the_same_uri_limit() {
    let server = server().await;
    let mut stream = within("connect", TcpStream::connect(server.addr)).await.expect("connect");
    stream.write_all(b"P").await.expect("send the first byte");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let rest =
        format!("OST /count?{} HTTP/1.1\r\nHost: t\r\ncontent-length: 0\r\n\r\n", "q".repeat(8 * 1024));
    let _ = stream.write_all(rest.as_bytes()).await;
    let (received, closed) =
        read_to_close(&mut stream, "P, then the rest of a POST over the URI limit").await;
    assert_eq!(statuses(&received), [414], "{received:?}");
    assert!(closed, "the connection stayed open after the 414");
    assert_eq!(server.calls.count.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn oversized_request_lines_and_heads_are_4xx_and_the_server_keeps_serving() {
    let server = server().await;
    let long_target = format!("GET /count?{} HTTP/1.1\r\nHost: t\r\n\r\n", "q".repeat(64 * 1024));
    let many_cookies = format!("GET /count HTTP/1.1\r\nHost: t\r\n{}\r\n", "Cookie: a=b\r\n".repeat(2_000));
    let long_name = format!("GET /count HTTP/1.1\r\nHost: t\r\n{}: v\r\n\r\n", "X".repeat(20 * 1024));
    for input in [long_target, many_cookies, long_name] {
        let received = exchange(server.addr, input.as_bytes()).await;
        assert_refused(&received, &input[..40]);
    }
    assert_eq!(server.calls.count.load(Ordering::SeqCst), 0);
    let received =
        exchange(server.addr, b"GET /count HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await;
    assert_eq!(statuses(&received), [200], "still serving: {received:?}");
}

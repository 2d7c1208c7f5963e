//! brisk on a real socket: a TCP listener on 127.0.0.1 (port 0), real HTTP
//! clients (reqwest over HTTP/1.1 and HTTP/2, hand-written HTTP/1.1 bytes),
//! graceful shutdown, and the hello binary itself.
//!
//! Every wait is bounded, so a bug fails a test instead of hanging it. No
//! assertion depends on speed except generous upper bounds that only hold
//! when work overlaps; overlap itself is shown by ordering.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use brisk::prelude::*;
use brisk_tests::process::{Example, build_example};
use brisk_tests::{WAIT, within};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

// ---------------------------------------------------------------------------
// A server on 127.0.0.1:0 and the clients that talk to it.
// ---------------------------------------------------------------------------

/// An app served by `App::serve_with` on its own task. Dropping it (even in
/// a failing test) drops the shutdown sender, which stops the server too.
struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), brisk::Error>>,
}

impl Server {
    async fn start(app: App) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address of the listener");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.serve_with(listener, async move {
            let _ = stopped.await;
        }));
        Server { addr, stop: Some(stop), task }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Fires the shutdown future without waiting for the drain.
    fn begin_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Fires the shutdown future and waits for `serve_with` to return.
    async fn shutdown(mut self) -> Result<(), brisk::Error> {
        self.begin_shutdown();
        within("serve_with to return", &mut self.task).await.expect("the server task panicked")
    }
}

/// A client that never retries behind the test's back, so every failure the
/// server causes is seen.
fn client() -> reqwest::ClientBuilder {
    reqwest::Client::builder().no_proxy().retry(reqwest::retry::never()).timeout(WAIT)
}

fn http1() -> reqwest::Client {
    client().http1_only().build().expect("HTTP/1.1 client")
}

fn http2() -> reqwest::Client {
    client().http2_prior_knowledge().build().expect("HTTP/2 client")
}

async fn get(client: &reqwest::Client, url: String) -> reqwest::Response {
    client.get(&url).send().await.unwrap_or_else(|err| panic!("GET {url}: {err}"))
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json::<Value>().await.expect("a JSON body")
}

/// Waits until connecting to `addr` is refused, i.e. nothing listens there any more.
async fn until_refused(addr: SocketAddr) {
    within("the listening socket to close", async {
        loop {
            match TcpStream::connect(addr).await {
                Err(err) if err.kind() == ErrorKind::ConnectionRefused => return,
                _ => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await;
}

// ---------------------------------------------------------------------------
// Hand-written HTTP/1.1, for what a high-level client hides: several requests
// on one socket, bytes that are not HTTP, clients that stall.
// ---------------------------------------------------------------------------

struct RawConnection {
    stream: TcpStream,
    /// Bytes received but not yet consumed by a parsed response.
    buffer: Vec<u8>,
}

#[derive(Debug)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// What the server did with a connection it was expected to close.
#[derive(Debug)]
enum Closed {
    /// A clean EOF, after these bytes (possibly none).
    Eof(Vec<u8>),
    /// A reset or other read error, after these bytes.
    Error(Vec<u8>, std::io::Error),
}

impl Closed {
    fn received(&self) -> &[u8] {
        match self {
            Closed::Eof(bytes) | Closed::Error(bytes, _) => bytes,
        }
    }
}

impl RawConnection {
    async fn open(addr: SocketAddr) -> RawConnection {
        let stream = within("connect", TcpStream::connect(addr)).await.expect("connect to the server");
        RawConnection { stream, buffer: Vec::new() }
    }

    async fn send(&mut self, bytes: &[u8]) {
        within("write", self.stream.write_all(bytes)).await.expect("write to the server");
    }

    /// Reads more bytes into the buffer; 0 means the server closed the connection.
    async fn fill(&mut self) -> usize {
        let mut chunk = [0u8; 8192];
        let n = within("the server to send bytes", self.stream.read(&mut chunk)).await.expect("read");
        self.buffer.extend_from_slice(&chunk[..n]);
        n
    }

    async fn take(&mut self, len: usize) -> Vec<u8> {
        while self.buffer.len() < len {
            assert!(self.fill().await > 0, "connection closed in the middle of a body");
        }
        self.buffer.drain(..len).collect()
    }

    async fn line(&mut self) -> String {
        loop {
            if let Some(end) = find(&self.buffer, b"\r\n") {
                let line = self.buffer.drain(..end + 2).take(end).collect::<Vec<u8>>();
                return String::from_utf8(line).expect("a text line");
            }
            assert!(self.fill().await > 0, "connection closed in the middle of a line");
        }
    }

    /// Reads one response; `to_head` says it answers a HEAD request (no body follows).
    async fn response(&mut self, to_head: bool) -> RawResponse {
        let head_end = loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                break end;
            }
            let n = self.fill().await;
            assert!(
                n > 0,
                "connection closed before a whole response head; got {:?}",
                String::from_utf8_lossy(&self.buffer)
            );
        };
        let head: Vec<u8> = self.buffer.drain(..head_end + 4).take(head_end).collect();
        let head = String::from_utf8(head).expect("a text response head");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        assert!(status_line.starts_with("HTTP/1.1 "), "status line {status_line:?}");
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("status line {status_line:?}"));
        let headers = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap_or_else(|| panic!("header line {line:?}"));
                (name.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        let mut response = RawResponse { status, headers, body: Vec::new() };
        if to_head || matches!(status, 100..=199 | 204 | 304) {
            return response;
        }
        if response.header("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
            loop {
                let size_line = self.line().await;
                let size = size_line.split(';').next().unwrap_or_default().trim();
                let size =
                    usize::from_str_radix(size, 16).unwrap_or_else(|_| panic!("chunk size {size_line:?}"));
                if size == 0 {
                    while !self.line().await.is_empty() {}
                    break;
                }
                let chunk = self.take(size).await;
                response.body.extend_from_slice(&chunk);
                assert_eq!(self.take(2).await, b"\r\n", "chunk terminator");
            }
        } else {
            let len = response.header("content-length").unwrap_or_else(|| panic!("no length: {response:?}"));
            let len = len.parse().unwrap_or_else(|_| panic!("content-length {len:?}"));
            response.body = self.take(len).await;
        }
        response
    }

    /// Reads until the server closes the connection, for at most `deadline`.
    async fn closed_by_server(&mut self, deadline: Duration) -> Closed {
        let mut received = std::mem::take(&mut self.buffer);
        let read_all = async {
            let mut chunk = [0u8; 8192];
            loop {
                match self.stream.read(&mut chunk).await {
                    Ok(0) => return Closed::Eof(received),
                    Ok(n) => received.extend_from_slice(&chunk[..n]),
                    Err(err) => return Closed::Error(received, err),
                }
            }
        };
        match tokio::time::timeout(deadline, read_all).await {
            Ok(closed) => closed,
            Err(_) => panic!("the server kept the connection open for more than {deadline:?}"),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// Asserts that whatever the server sent before closing is at most a 4xx response.
fn assert_closed_with_nothing_or_4xx(closed: &Closed, input: &str) {
    let received = String::from_utf8_lossy(closed.received());
    if received.is_empty() {
        return;
    }
    let ending = match closed {
        Closed::Eof(_) => "EOF".to_owned(),
        Closed::Error(_, err) => err.to_string(),
    };
    let status: u16 = received
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| {
            panic!("{input}: the server sent something that is not a response: {received:?} ({ending})")
        });
    assert!(
        (400..500).contains(&status),
        "{input}: expected no answer or a 4xx, got {received:?} ({ending})"
    );
}

// ---------------------------------------------------------------------------
// Endpoints the tests add to the hello app, or serve on their own.
// ---------------------------------------------------------------------------

/// The client's address as the server saw it: the port identifies the connection.
#[get("/whoami")]
async fn whoami(request: Request) -> String {
    request.client_addr().map(|addr| addr.to_string()).unwrap_or_default()
}

#[get("/things")]
async fn list_things() -> Json<Value> {
    Json(json!([]))
}

#[post("/things", status_code = 201)]
async fn add_thing() -> Json<Value> {
    Json(json!({ "id": 1 }))
}

#[post("/echo")]
async fn echo(#[body] payload: Value) -> Json<Value> {
    Json(payload)
}

#[post("/upload-size")]
async fn upload_size(#[file] file: UploadFile) -> String {
    file.size().to_string()
}

/// A meeting point for plain-`fn` handlers: each arrival waits (up to a
/// deadline) for all the others, then reports how many had arrived.
struct Rendezvous {
    expected: usize,
    arrived: Mutex<usize>,
    changed: Condvar,
}

/// Answers with the number of handlers that were inside at once: all of them
/// only when every call ran at the same time on its own thread.
#[get("/rendezvous")]
fn rendezvous(meeting: State<Rendezvous>) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut arrived = meeting.arrived.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    *arrived += 1;
    meeting.changed.notify_all();
    while *arrived < meeting.expected {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        arrived =
            meeting.changed.wait_timeout(arrived, left).unwrap_or_else(|poisoned| poisoned.into_inner()).0;
    }
    arrived.to_string()
}

/// Holds a request in flight until the test lets it go; clones share the gate.
#[derive(Clone, Default)]
struct Gate {
    entered: Arc<Notify>,
    release: Arc<Notify>,
}

#[get("/slow")]
async fn slow(gate: State<Gate>) -> &'static str {
    gate.entered.notify_one();
    gate.release.notified().await;
    "finished"
}

// ---------------------------------------------------------------------------
// 1. HTTP/1.1 with reqwest
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http1_serves_the_hello_endpoints() {
    let server = Server::start(hello::app()).await;
    let client = http1();

    let response = get(&client, server.url("/")).await;
    assert_eq!(response.version(), reqwest::Version::HTTP_11);
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(json_of(response).await, json!({"message": "Hello, World!"}));

    let response = get(&client, server.url("/items/5?q=x")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await, json!({"item_id": 5, "q": "x", "limit": 10}));

    let response = client
        .post(server.url("/items"))
        .json(&json!({"name": "widget", "price": 2.5}))
        .send()
        .await
        .expect("POST /items");
    assert_eq!(response.status(), 201);
    let item = json_of(response).await;
    assert_eq!((item["name"].clone(), item["price"].clone()), (json!("widget"), json!(2.5)));
    assert!(item["id"].is_u64(), "{item}");

    let response = client
        .get(server.url("/headers"))
        .header("user-agent", "brisk-server-test/1.0")
        .send()
        .await
        .expect("GET /headers");
    assert_eq!(
        json_of(response).await,
        json!({"user_agent": "brisk-server-test/1.0", "client": "127.0.0.1"})
    );

    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_path_is_a_json_404() {
    let server = Server::start(hello::app()).await;
    let response = get(&http1(), server.url("/no/such/path")).await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(json_of(response).await, json!({"detail": "Not Found"}));
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_method_is_405_with_allow_listing_every_method_at_that_path() {
    let server = Server::start(App::new().routes(routes![list_things, add_thing])).await;
    let client = http1();

    let response = client.delete(server.url("/things")).send().await.expect("DELETE /things");
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().expect("a text Allow header").to_owned();
    let allowed: Vec<&str> = allow.split(',').map(str::trim).collect();
    for method in ["GET", "HEAD", "POST"] {
        assert!(allowed.contains(&method), "Allow: {allow:?} lacks {method}");
    }
    assert!(!allowed.contains(&"DELETE"), "Allow: {allow:?}");
    assert_eq!(json_of(response).await, json!({"detail": "Method Not Allowed"}));

    // Both registered methods still answer.
    assert_eq!(get(&client, server.url("/things")).await.status(), 200);
    let response = client.post(server.url("/things")).send().await.expect("POST /things");
    assert_eq!(response.status(), 201);

    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_on_a_get_route_sends_the_get_headers_and_no_body() {
    let server = Server::start(hello::app()).await;
    let client = http1();

    let full = get(&client, server.url("/")).await;
    let get_type = full.headers()["content-type"].clone();
    let get_body = full.bytes().await.expect("GET body");

    let response = client.head(server.url("/")).send().await.expect("HEAD /");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], get_type);
    assert_eq!(response.headers()["content-length"], get_body.len().to_string().as_str());
    assert!(response.bytes().await.expect("HEAD body").is_empty());

    // On the wire: no body bytes follow the HEAD answer, so the next
    // response on the same socket starts right after its head.
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(b"HEAD /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let head = raw.response(true).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(head.header("content-length"), Some("13"));
    raw.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let response = raw.response(false).await;
    assert_eq!((response.status, response.text()), (200, "Hello, World!"));

    server.shutdown().await.expect("serve_with returns Ok");
}

// ---------------------------------------------------------------------------
// 2. Keep-alive
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_answers_several_requests_on_one_socket() {
    let server = Server::start(hello::app()).await;
    let mut raw = RawConnection::open(server.addr).await;

    // One after the other.
    raw.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let first = raw.response(false).await;
    assert_eq!((first.status, first.text()), (200, "Hello, World!"));
    raw.send(b"GET /items/5?q=x HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let second = raw.response(false).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.json(), json!({"item_id": 5, "q": "x", "limit": 10}));

    // Pipelined: three requests in one write, answered in order.
    raw.send(
        b"GET /items/1 HTTP/1.1\r\nHost: test\r\n\r\n\
          GET /items/2 HTTP/1.1\r\nHost: test\r\n\r\n\
          GET /items/3 HTTP/1.1\r\nHost: test\r\n\r\n",
    )
    .await;
    for id in 1..=3 {
        let response = raw.response(false).await;
        assert_eq!(response.json()["item_id"], id);
    }

    // `Connection: close` is honoured: answered, then closed.
    raw.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").await;
    assert_eq!(raw.response(false).await.status, 200);
    assert!(matches!(raw.closed_by_server(WAIT).await, Closed::Eof(rest) if rest.is_empty()));

    server.shutdown().await.expect("serve_with returns Ok");
}

/// reqwest keeps its connection and sends the next request on it. (Whether
/// a given request finds the connection back in the pool or opens another is
/// a race inside the client, so this asserts reuse, not a single connection.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reqwest_reuses_a_keep_alive_connection() {
    let server = Server::start(hello::app().routes(routes![whoami])).await;
    let client = http1();
    let mut seen = Vec::new();
    for _ in 0..5 {
        let response = get(&client, server.url("/whoami")).await;
        assert_eq!(response.status(), 200);
        seen.push(response.text().await.expect("text body"));
    }
    assert!(seen.iter().all(|peer| peer.starts_with("127.0.0.1:")), "{seen:?}");
    let mut ports = seen.clone();
    ports.sort();
    ports.dedup();
    assert!(ports.len() < seen.len(), "five requests, five connections: {seen:?}");
    server.shutdown().await.expect("serve_with returns Ok");
}

// ---------------------------------------------------------------------------
// 3. HTTP/2 with prior knowledge
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_prior_knowledge_is_served_on_the_same_port() {
    let server = Server::start(hello::app().routes(routes![whoami])).await;
    let client = http2();

    let response = get(&client, server.url("/")).await;
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await, json!({"message": "Hello, World!"}));

    let response = get(&client, server.url("/items/5?q=x")).await;
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert_eq!(json_of(response).await, json!({"item_id": 5, "q": "x", "limit": 10}));

    let response = client
        .post(server.url("/items"))
        .json(&json!({"name": "gadget", "price": 1.0}))
        .send()
        .await
        .expect("POST /items over HTTP/2");
    assert_eq!((response.version(), response.status().as_u16()), (reqwest::Version::HTTP_2, 201));
    assert_eq!(json_of(response).await["name"], "gadget");

    let response = get(&client, server.url("/plaintext")).await;
    assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(response.text().await.expect("text body"), "Hello, World!");

    // Every stream above shared one connection.
    let first = get(&client, server.url("/whoami")).await.text().await.expect("text body");
    let second = get(&client, server.url("/whoami")).await.text().await.expect("text body");
    assert_eq!(first, second);

    // HTTP/1.1 still works next to it.
    assert_eq!(get(&http1(), server.url("/plaintext")).await.version(), reqwest::Version::HTTP_11);

    server.shutdown().await.expect("serve_with returns Ok");
}

// ---------------------------------------------------------------------------
// 4. A panicking handler
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_is_a_500_and_the_same_connection_keeps_serving() {
    let server = Server::start(hello::app()).await;

    let mut raw = RawConnection::open(server.addr).await;
    raw.send(b"GET /boom HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let response = raw.response(false).await;
    assert_eq!(response.status, 500);
    assert_eq!(response.json(), json!({"detail": "Internal Server Error"}));
    raw.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let response = raw.response(false).await;
    assert_eq!((response.status, response.text()), (200, "Hello, World!"));

    // The same over one HTTP/2 connection.
    let client = http2();
    let response = get(&client, server.url("/boom")).await;
    assert_eq!(response.status(), 500);
    assert_eq!(json_of(response).await, json!({"detail": "Internal Server Error"}));
    let response = get(&client, server.url("/plaintext")).await;
    assert_eq!(response.status(), 200);

    server.shutdown().await.expect("serve_with returns Ok");
}

// ---------------------------------------------------------------------------
// 5. Plain-fn handlers run side by side on the blocking pool
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_blocking_requests_overlap() {
    let server = Server::start(hello::app()).await;
    let client = http1();
    let started = Instant::now();
    let requests: Vec<_> = (0..10)
        .map(|_| {
            let (client, url) = (client.clone(), server.url("/blocking"));
            tokio::spawn(async move {
                let start = Instant::now();
                let response = get(&client, url).await;
                let status = response.status();
                let body = json_of(response).await;
                (start, Instant::now(), status, body)
            })
        })
        .collect();
    let mut spans = Vec::new();
    for request in requests {
        let (start, end, status, body) = within("a /blocking request", request).await.expect("request task");
        assert_eq!((status.as_u16(), body), (200, json!({"ok": true})));
        spans.push((start, end));
    }
    let elapsed = started.elapsed();

    // One after the other they would need 10 × 200 ms = 2 s.
    assert!(elapsed < Duration::from_secs(1), "ten 200 ms handlers took {elapsed:?}");
    let last_start = spans.iter().map(|(start, _)| *start).max().expect("ten spans");
    let first_end = spans.iter().map(|(_, end)| *end).min().expect("ten spans");
    assert!(last_start < first_end, "every request started before the first one finished");

    server.shutdown().await.expect("serve_with returns Ok");
}

/// Stronger evidence than timing: ten plain-fn handlers that each wait for
/// the other nine all report ten, so all ten were running at the same time,
/// each on its own blocking thread — here over one HTTP/2 connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_plain_fn_handlers_are_inside_at_the_same_time() {
    let meeting = Rendezvous { expected: 10, arrived: Mutex::new(0), changed: Condvar::new() };
    let server = Server::start(App::new().state(meeting).routes(routes![rendezvous])).await;
    let client = http2();
    let requests: Vec<_> = (0..10)
        .map(|_| {
            let (client, url) = (client.clone(), server.url("/rendezvous"));
            tokio::spawn(async move {
                let response = get(&client, url).await;
                (response.version(), response.text().await.expect("text body"))
            })
        })
        .collect();
    for request in requests {
        let (version, inside) = within("a /rendezvous request", request).await.expect("request task");
        assert_eq!(version, reqwest::Version::HTTP_2);
        assert_eq!(inside, "10", "handlers inside at once");
    }
    server.shutdown().await.expect("serve_with returns Ok");
}

// ---------------------------------------------------------------------------
// 6. Body limit
// ---------------------------------------------------------------------------

/// A JSON document of exactly `len` bytes.
fn json_of_len(len: usize) -> String {
    let document = format!("{{\"data\":\"{}\"}}", "x".repeat(len - 11));
    assert_eq!(document.len(), len);
    document
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_body_is_413_and_the_server_keeps_serving() {
    let server = Server::start(App::new().routes(routes![echo]).body_limit(1024)).await;
    let client = http1();
    let post = |body: String| {
        client.post(server.url("/echo")).header("content-type", "application/json").body(body).send()
    };

    let response = post(json_of_len(4096)).await.expect("POST 4 KiB");
    assert_eq!(response.status(), 413);
    assert_eq!(json_of(response).await, json!({"detail": "Request body too large"}));

    let response = post(r#"{"small": true}"#.to_owned()).await.expect("POST a small body");
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await, json!({"small": true}));

    // The limit is inclusive.
    assert_eq!(post(json_of_len(1024)).await.expect("POST 1024 bytes").status(), 200);
    assert_eq!(post(json_of_len(1025)).await.expect("POST 1025 bytes").status(), 413);

    // A chunked body has no length up front; it is cut off while being read.
    let mut raw = RawConnection::open(server.addr).await;
    let document = json_of_len(4096);
    let mut request =
        b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    for chunk in document.as_bytes().chunks(512) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    raw.send(&request).await;
    assert_eq!(raw.response(false).await.status, 413);

    // Chunks within the limit, arriving one by one, are joined in order.
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await;
    let document = json_of_len(900);
    for chunk in document.as_bytes().chunks(300) {
        raw.send(format!("{:x}\r\n", chunk.len()).as_bytes()).await;
        raw.send(chunk).await;
        raw.send(b"\r\n").await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    raw.send(b"0\r\n\r\n").await;
    let response = raw.response(false).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), serde_json::from_str::<Value>(&document).expect("the document is JSON"));

    // And over HTTP/2.
    let response = http2()
        .post(server.url("/echo"))
        .header("content-type", "application/json")
        .body(json_of_len(4096))
        .send()
        .await
        .expect("POST 4 KiB over HTTP/2");
    assert_eq!(response.status(), 413);

    let response = post(r#"[1, 2, 3]"#.to_owned()).await.expect("POST after the 413s");
    assert_eq!(json_of(response).await, json!([1, 2, 3]));
    server.shutdown().await.expect("serve_with returns Ok");
}

// ---------------------------------------------------------------------------
// 7. Malformed input is a 4xx, never a 500
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_are_4xx() {
    let server = Server::start(hello::app()).await;
    let client = http1();
    let post = |content_type: &'static str, body: &'static [u8]| {
        client.post(server.url("/items")).header("content-type", content_type).body(body).send()
    };

    let response = post("application/json", b"{\"name\": \"widget\", \"price\": ").await.expect("POST");
    assert_eq!(response.status(), 422);
    let body = json_of(response).await;
    assert_eq!(body["detail"][0]["type"], "json_invalid", "{body}");
    assert_eq!(body["detail"][0]["loc"][0], "body", "{body}");

    // Not UTF-8 inside a JSON string.
    let response = post("application/json", b"{\"name\": \"\xff\xfe\", \"price\": 1}").await.expect("POST");
    assert_eq!(response.status(), 422);
    assert_eq!(json_of(response).await["detail"][0]["type"], "json_invalid");

    let response = post("text/plain", b"{\"name\": \"widget\", \"price\": 2.5}").await.expect("POST");
    assert_eq!(response.status(), 415);

    let response = post("application/json", b"").await.expect("POST");
    assert_eq!(response.status(), 422);

    assert_eq!(get(&client, server.url("/plaintext")).await.status(), 200);
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_that_are_not_http_close_the_connection_and_the_server_carries_on() {
    let server = Server::start(hello::app()).await;
    let inputs: [(&str, &[u8]); 4] = [
        ("a TLS ClientHello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\x00\x01\x02\x03garbage\r\n\r\n"),
        ("binary noise", b"\x00\x00\xff\xfe\x7f\x80\r\n\r\n"),
        ("words", b"NOT HTTP AT ALL\r\n\r\n"),
        ("a control byte in the target", b"GET /\x01 HTTP/1.1\r\nHost: test\r\n\r\n"),
    ];
    for (what, bytes) in inputs {
        let mut raw = RawConnection::open(server.addr).await;
        raw.send(bytes).await;
        let closed = raw.closed_by_server(WAIT).await;
        assert_closed_with_nothing_or_4xx(&closed, what);

        let mut next = RawConnection::open(server.addr).await;
        next.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
        assert_eq!(next.response(false).await.status, 200, "after {what}");
    }
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_headers_are_refused_without_a_500() {
    let server = Server::start(hello::app()).await;
    let mut raw = RawConnection::open(server.addr).await;
    let mut request = b"GET /plaintext HTTP/1.1\r\nHost: test\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'a', 1024 * 1024));
    request.extend_from_slice(b"\r\n\r\n");
    // The server may stop reading (and close) before all of it is written.
    let _ = tokio::time::timeout(WAIT, raw.stream.write_all(&request)).await;
    let closed = raw.closed_by_server(WAIT).await;
    assert_closed_with_nothing_or_4xx(&closed, "a 1 MiB header");

    assert_eq!(get(&http1(), server.url("/plaintext")).await.status(), 200);
    server.shutdown().await.expect("serve_with returns Ok");
}

/// A GET /plaintext whose head carries `filler` bytes of one header, or
/// `lines` header lines.
fn head_with(filler: usize, lines: usize) -> Vec<u8> {
    let mut request = b"GET /plaintext HTTP/1.1\r\nHost: test\r\n".to_vec();
    if filler > 0 {
        request.extend_from_slice(b"X-Big: ");
        request.extend(std::iter::repeat_n(b'a', filler));
        request.extend_from_slice(b"\r\n");
    }
    for line in 0..lines {
        request.extend_from_slice(format!("X-Line-{line}: v\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    request
}

#[tokio::test]
async fn a_request_head_over_the_limit_is_a_431_and_the_server_keeps_serving() {
    let server = Server::start(hello::app()).await;
    // Under the default 16 KiB: served.
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(&head_with(12 * 1024, 0)).await;
    assert_eq!(raw.response(false).await.status, 200);
    // Over it: 431, as uvicorn answers.
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(&head_with(20 * 1024, 0)).await;
    assert_eq!(raw.response(false).await.status, 431);
    // More than 100 header lines, each short: 431 too.
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(&head_with(0, 101)).await;
    assert_eq!(raw.response(false).await.status, 431);
    assert_eq!(get(&http1(), server.url("/plaintext")).await.status(), 200, "still serving");
    server.shutdown().await.expect("serve_with returns Ok");

    // The limit is a setting.
    let server = Server::start(hello::app().max_header_size(64 * 1024)).await;
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(&head_with(20 * 1024, 0)).await;
    assert_eq!(raw.response(false).await.status, 200);
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test]
async fn at_the_connection_cap_a_new_client_waits_until_a_connection_closes() {
    let gate = Gate::default();
    let app = App::new().state(gate.clone()).routes(routes![slow, list_things]).max_connections(2);
    let server = Server::start(app).await;
    let request = b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n";
    // Two connections take the two places, each with a request in flight.
    let mut first = RawConnection::open(server.addr).await;
    first.send(request).await;
    within("the first handler to start", gate.entered.notified()).await;
    let mut second = RawConnection::open(server.addr).await;
    second.send(request).await;
    within("the second handler to start", gate.entered.notified()).await;
    // A third connects (the kernel queues it) but is not served, for as
    // long as both are busy...
    let mut third = RawConnection::open(server.addr).await;
    third.send(b"GET /things HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let mut byte = [0u8; 1];
    let waited = tokio::time::timeout(Duration::from_millis(600), third.stream.read(&mut byte)).await;
    assert!(waited.is_err(), "the third connection was served past the cap: {waited:?}");
    // ...until one of them has its answer: the oldest was asked to make
    // room, so it closes after its response instead of staying open.
    gate.release.notify_one();
    let response = first.response(false).await;
    assert_eq!((response.status, response.body.as_slice()), (200, &b"finished"[..]));
    assert!(matches!(first.closed_by_server(WAIT).await, Closed::Eof(bytes) if bytes.is_empty()));
    assert_eq!(third.response(false).await.status, 200);
    gate.release.notify_one();
    assert_eq!(second.response(false).await.status, 200);
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test]
async fn at_the_connection_cap_an_idle_keep_alive_connection_makes_room_but_a_busy_one_does_not() {
    // The keep-alive timeout alone would close the idle one only after a minute.
    let server =
        Server::start(hello::app().max_connections(2).header_read_timeout(Duration::from_secs(60))).await;
    let request = b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n";
    // One connection makes a request and then stays idle; the other keeps
    // making requests.
    let mut idle = RawConnection::open(server.addr).await;
    idle.send(request).await;
    assert_eq!(idle.response(false).await.status, 200);
    let mut busy = RawConnection::open(server.addr).await;
    busy.send(request).await;
    assert_eq!(busy.response(false).await.status, 200);
    // A newcomer is served once a sweep has found the idle one idle...
    let mut newcomer = RawConnection::open(server.addr).await;
    newcomer.send(request).await;
    let served = async {
        loop {
            busy.send(request).await;
            assert_eq!(busy.response(false).await.status, 200, "the busy connection is served throughout");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::select! {
        response = newcomer.response(false) => assert_eq!(response.status, 200),
        () = served => unreachable!(),
        () = tokio::time::sleep(WAIT) => panic!("the newcomer was not served"),
    }
    // ...which was closed for it, cleanly, between requests.
    assert!(matches!(idle.closed_by_server(WAIT).await, Closed::Eof(bytes) if bytes.is_empty()));
    busy.send(request).await;
    assert_eq!(busy.response(false).await.status, 200, "the busy connection is still open");
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test]
async fn at_the_connection_cap_a_long_request_does_not_keep_a_newcomer_waiting_while_others_are_idle() {
    let gate = Gate::default();
    let app = App::new().state(gate.clone()).routes(routes![slow, list_things]).max_connections(2);
    let server = Server::start(app.header_read_timeout(Duration::from_secs(60))).await;
    // The oldest connection is in the middle of a long request, which
    // looks idle from outside; the younger one really is idle.
    let mut long = RawConnection::open(server.addr).await;
    long.send(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n").await;
    within("the handler to start", gate.entered.notified()).await;
    let mut idle = RawConnection::open(server.addr).await;
    idle.send(b"GET /things HTTP/1.1\r\nHost: test\r\n\r\n").await;
    assert_eq!(idle.response(false).await.status, 200);
    // A newcomer is served while the long request still runs...
    let mut newcomer = RawConnection::open(server.addr).await;
    newcomer.send(b"GET /things HTTP/1.1\r\nHost: test\r\n\r\n").await;
    assert_eq!(newcomer.response(false).await.status, 200);
    assert!(matches!(idle.closed_by_server(WAIT).await, Closed::Eof(bytes) if bytes.is_empty()));
    // ...which still gets its answer.
    gate.release.notify_one();
    assert_eq!(long.response(false).await.status, 200);
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test]
async fn at_the_connection_cap_connections_that_keep_sending_requests_are_not_closed() {
    let server =
        Server::start(hello::app().max_connections(2).header_read_timeout(Duration::from_secs(60))).await;
    let request = b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n";
    let mut busy = [RawConnection::open(server.addr).await, RawConnection::open(server.addr).await];
    for connection in &mut busy {
        connection.send(request).await;
        assert_eq!(connection.response(false).await.status, 200);
    }
    let mut newcomer = RawConnection::open(server.addr).await;
    newcomer.send(request).await;
    // A second of requests 10 ms apart, four sweeps: none is cut off, and
    // the newcomer, with nothing to close for it, waits.
    let mut byte = [0u8; 1];
    let keep_busy = async {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(1) {
            for connection in &mut busy {
                connection.send(request).await;
                assert_eq!(connection.response(false).await.status, 200, "a busy connection was cut off");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::select! {
        () = keep_busy => {}
        read = newcomer.stream.read(&mut byte) => panic!("the newcomer was served past the cap: {read:?}"),
    }
    // Once one of them closes, it is served.
    let [first, _second] = busy;
    drop(first);
    assert_eq!(newcomer.response(false).await.status, 200);
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test]
async fn a_websocket_holds_its_place_under_the_connection_cap_until_it_closes() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let server = Server::start(hello::app().max_connections(1)).await;
    let tcp = TcpStream::connect(server.addr).await.expect("connect");
    let url = format!("ws://{}/ws/echo", server.addr);
    let (mut socket, response) =
        within("handshake", tokio_tungstenite::client_async(url, tcp)).await.expect("the handshake succeeds");
    assert_eq!(response.status(), 101);
    // The socket outlives hyper's part of the connection, and still counts:
    // a new client waits in the backlog...
    let mut waiting = RawConnection::open(server.addr).await;
    waiting.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    let mut byte = [0u8; 1];
    let waited = tokio::time::timeout(Duration::from_millis(300), waiting.stream.read(&mut byte)).await;
    assert!(waited.is_err(), "served past the cap while a WebSocket was open: {waited:?}");
    // ...while the socket is served...
    socket.send(Message::text("still here")).await.expect("send");
    let echoed = within("the echo", socket.next()).await.expect("a message").expect("no error");
    assert_eq!(echoed, Message::text("still here"));
    // ...until it closes.
    socket.close(None).await.expect("close");
    while let Some(Ok(_)) = within("the close", socket.next()).await {}
    assert_eq!(waiting.response(false).await.status, 200);
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test]
async fn at_the_connection_cap_the_oldest_connection_without_a_request_makes_room() {
    let server = Server::start(hello::app().max_connections(2)).await;
    // Two clients take the places and never finish a request: one silent,
    // one trickling its headers (slowloris).
    let mut silent = RawConnection::open(server.addr).await;
    let mut slow = RawConnection::open(server.addr).await;
    slow.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n").await;
    // Both are accepted before the next client arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;
    // A well-behaved client is served without waiting for their timeouts...
    let mut client = RawConnection::open(server.addr).await;
    client.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    assert_eq!(client.response(false).await.status, 200);
    // ...because the oldest of them, the silent one, was closed for it.
    assert!(matches!(silent.closed_by_server(WAIT).await, Closed::Eof(bytes) if bytes.is_empty()));
    // A second newcomer takes the slow one's place the same way.
    let mut other = RawConnection::open(server.addr).await;
    other.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    assert_eq!(other.response(false).await.status, 200);
    let _ = slow.closed_by_server(WAIT).await;
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test]
async fn a_stalled_request_body_is_a_408_and_a_slow_steady_one_is_read() {
    let app = App::new().body_read_timeout(Duration::from_millis(300)).routes(routes![echo, upload_size]);
    let server = Server::start(app).await;

    // A JSON body that stops halfway.
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"a\": ").await;
    let response = raw.response(false).await;
    assert_eq!((response.status, response.json()), (408, json!({ "detail": "Request Timeout" })));

    // A multipart upload that stops inside its file.
    let mut raw = RawConnection::open(server.addr).await;
    let head = "POST /upload-size HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 1000\r\n\r\n";
    raw.send(format!("{head}--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\nsome bytes").as_bytes()).await;
    assert_eq!(raw.response(false).await.status, 408);

    // The same JSON body in pieces 100 ms apart: each restarts the clock.
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(
        b"POST /echo HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n",
    )
    .await;
    for piece in [&b"{\"a\""[..], b": ", b"[1, 2", b"]}"] {
        tokio::time::sleep(Duration::from_millis(100)).await;
        raw.send(piece).await;
    }
    let response = raw.response(false).await;
    assert_eq!((response.status, response.json()), (200, json!({ "a": [1, 2] })));
    server.shutdown().await.expect("serve_with returns Ok");
}

/// The hello binary started with a soft descriptor limit of 256: once it
/// listens, its soft limit is its hard limit, and it said so.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn serve_raises_the_soft_descriptor_limit_to_the_hard_limit() {
    let executable = build_example("hello").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -Sn 256 && exec \"$0\"")
        .arg(&executable)
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("RUST_LOG", "brisk::server=info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start hello under sh");
    let pid = child.id().expect("a pid");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    within("hello to listen", async {
        while TcpStream::connect(addr).await.is_err() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("read the child's limits");
    let line = limits.lines().find(|line| line.starts_with("Max open files")).expect("a descriptor limit");
    let figures: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    assert_eq!(figures[0], figures[1], "soft and hard limits: {line}");
    let _ = child.start_kill();
    let output = child.wait_with_output().await.expect("hello's output");
    let logged =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(
        logged.contains("file descriptor limit") && logged.contains(&format!("limit={}", figures[0])),
        "{logged}"
    );
}

// ---------------------------------------------------------------------------
// 8. Graceful shutdown
// ---------------------------------------------------------------------------

/// Holds a request inside its handler, signals shutdown, and checks the
/// order of events: the listener closes while the request is still in
/// flight, the request then completes with 200, `serve_with` returns Ok, and
/// nothing listens afterwards. `request` sends GET /slow to the server's
/// address and returns the status and body.
async fn shutdown_drains_the_request_in_flight<R>(request: impl FnOnce(SocketAddr) -> R)
where
    R: Future<Output = (u16, String)> + Send + 'static,
{
    let gate = Gate::default();
    let mut server = Server::start(App::new().state(gate.clone()).routes(routes![slow])).await;
    let addr = server.addr;
    let in_flight = tokio::spawn(request(addr));
    within("the handler to start", gate.entered.notified()).await;

    server.begin_shutdown();
    until_refused(addr).await;
    assert!(!in_flight.is_finished(), "the request is still held by its handler");
    assert!(!server.task.is_finished(), "serve_with waits for the request in flight");

    gate.release.notify_one();
    let (status, body) = within("the request in flight", in_flight).await.expect("request task");
    assert_eq!((status, body.as_str()), (200, "finished"));
    server.shutdown().await.expect("serve_with returns Ok after draining");

    let refused = TcpStream::connect(addr).await.expect_err("nothing listens after shutdown");
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_drains_an_http1_request_in_flight() {
    shutdown_drains_the_request_in_flight(|addr| async move {
        let url = format!("http://{addr}/slow");
        let response = http1().get(&url).send().await.unwrap_or_else(|err| panic!("GET {url}: {err:?}"));
        assert_eq!(response.version(), reqwest::Version::HTTP_11);
        (response.status().as_u16(), response.text().await.expect("text body"))
    })
    .await;
}

/// The server tells HTTP/1.1 from HTTP/2 by the first bytes. A client whose
/// first bytes could still begin the HTTP/2 preface ("P" of `POST`, or part
/// of the preface itself) is served once the rest arrives, in either protocol.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_first_bytes_leave_the_protocol_open_is_served() {
    let server = Server::start(hello::app()).await;

    let body = br#"{"name": "split", "price": 2.5}"#;
    let head = format!(
        "OST /items HTTP/1.1\r\nHost: test\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(b"P").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    raw.send(&[head.as_bytes(), body].concat()).await;
    let response = raw.response(false).await;
    assert_eq!(response.status, 201);
    assert_eq!(response.json()["name"], "split");

    let mut tcp = TcpStream::connect(server.addr).await.expect("connect");
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    within("write", tcp.write_all(&preface[..10])).await.expect("write half the preface");
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The h2 client writes the whole preface; the first 10 bytes are already sent.
    let tcp = SkipFirstWrites { inner: tcp, skip: 10 };
    let (send, connection) = h2::client::handshake(tcp).await.expect("HTTP/2 handshake");
    let connection = tokio::spawn(connection);
    let mut send = within("a stream", send.ready()).await.expect("the connection takes a stream");
    let request = brisk::http::Request::get(server.url("/plaintext")).body(()).expect("a request");
    let (response, _) = send.send_request(request, true).expect("send GET /plaintext");
    let response = within("the HTTP/2 response", response).await.expect("an HTTP/2 response");
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let mut text = Vec::new();
    while let Some(chunk) = within("the body", body.data()).await {
        text.extend_from_slice(&chunk.expect("a body chunk"));
    }
    assert_eq!(text, b"Hello, World!");
    drop(send);
    connection.abort();
    server.shutdown().await.expect("serve_with returns Ok");
}

/// The HTTP/2 rapid-reset flood (CVE-2023-44487): a client opens streams
/// and cancels each at once, so the server starts work it never finishes.
/// The server ends such a connection with ENHANCE_YOUR_CALM, and serves
/// new connections as before.
#[tokio::test]
async fn an_http2_rapid_reset_flood_is_cut_off_and_the_server_keeps_serving() {
    let server = Server::start(hello::app()).await;
    let tcp = TcpStream::connect(server.addr).await.expect("connect");
    let (send, connection) = h2::client::handshake(tcp).await.expect("HTTP/2 handshake");
    let connection = tokio::spawn(connection);
    let mut send = within("a stream", send.ready()).await.expect("the connection takes a stream");
    let mut refused = None;
    let mut sent = 0;
    while sent < 10_000 {
        let request = brisk::http::Request::get(server.url("/plaintext")).body(()).expect("a request");
        match send.send_request(request, false) {
            Ok((response, mut stream)) => {
                stream.send_reset(h2::Reason::CANCEL);
                drop(response);
                sent += 1;
            }
            Err(err) => {
                refused = Some(err);
                break;
            }
        }
        // Let the connection task write, as a flooding client would.
        tokio::task::yield_now().await;
        match within("a stream", send.clone().ready()).await {
            Ok(ready) => send = ready,
            Err(err) => {
                refused = Some(err);
                break;
            }
        }
    }
    let ended = within("the server to end the connection", connection).await.expect("the connection task");
    // The server's GOAWAY says why; a client still writing may see the
    // closed socket first.
    let error = ended
        .err()
        .or(refused)
        .unwrap_or_else(|| panic!("{sent} reset streams, and the connection is still open"));
    assert!(
        error.reason() == Some(h2::Reason::ENHANCE_YOUR_CALM) || error.is_io(),
        "the connection ended with {error:?} after {sent} reset streams"
    );
    assert!(sent < 10_000, "{sent} reset streams were taken");

    let response = get(&http2(), server.url("/plaintext")).await;
    assert_eq!((response.status().as_u16(), response.version()), (200, reqwest::Version::HTTP_2));
    server.shutdown().await.expect("serve_with returns Ok");
}

/// A socket that swallows the first `skip` bytes written to it.
struct SkipFirstWrites {
    inner: TcpStream,
    skip: usize,
}

impl tokio::io::AsyncRead for SkipFirstWrites {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for SkipFirstWrites {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.skip > 0 {
            let skipped = self.skip.min(buf.len());
            self.skip -= skipped;
            return std::task::Poll::Ready(Ok(skipped));
        }
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Over HTTP/2 the server announces the shutdown with GOAWAY (last stream
/// 2^31-1), a PING, then GOAWAY naming the last stream it took, and keeps
/// that stream going. This uses the bare `h2` client: hyper's pooled client,
/// under reqwest, can cancel its own stream when a GOAWAY reaches it before
/// its dispatch task has looked at the stream again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_drains_an_http2_request_in_flight() {
    shutdown_drains_the_request_in_flight(|addr| async move {
        let url = format!("http://{addr}/slow");
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let (send, connection) = h2::client::handshake(tcp).await.expect("HTTP/2 handshake");
        let connection = tokio::spawn(connection);
        let mut send = send.ready().await.expect("the connection takes a stream");
        let request = brisk::http::Request::get(&url).body(()).expect("a request");
        let (response, _) = send.send_request(request, true).expect("send GET /slow");
        let response = response.await.unwrap_or_else(|err| panic!("GET {url} over HTTP/2: {err:?}"));
        let status = response.status().as_u16();
        let mut body = response.into_body();
        let mut text = Vec::new();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.expect("a body chunk");
            let _ = body.flow_control().release_capacity(chunk.len());
            text.extend_from_slice(&chunk);
        }
        drop(send);
        let _ = connection.await;
        (status, String::from_utf8(text).expect("a UTF-8 body"))
    })
    .await;
}

/// Connections with no request in flight do not hold the shutdown up: an
/// idle keep-alive connection, and one that has sent nothing at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_do_not_delay_shutdown() {
    let server = Server::start(hello::app()).await;
    let mut idle = RawConnection::open(server.addr).await;
    idle.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    assert_eq!(idle.response(false).await.status, 200);
    let mut silent = RawConnection::open(server.addr).await;
    let idle_h2 = http2();
    assert_eq!(get(&idle_h2, server.url("/plaintext")).await.status(), 200);

    // The default grace period is 30 s; `shutdown` gives up after WAIT.
    server.shutdown().await.expect("serve_with returns Ok");
    assert!(matches!(idle.closed_by_server(WAIT).await, Closed::Eof(rest) if rest.is_empty()));
    assert!(silent.closed_by_server(WAIT).await.received().is_empty());
    drop(idle_h2);
}

// ---------------------------------------------------------------------------
// 9. Slow clients: the header read timeout
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stalls_in_its_headers_is_disconnected() {
    let server = Server::start(hello::app().header_read_timeout(Duration::from_millis(200))).await;

    let mut stalled = RawConnection::open(server.addr).await;
    stalled.send(b"GET /plaintext HTTP/1.1\r\nHost: te").await;
    let closed = stalled.closed_by_server(Duration::from_secs(3)).await;
    assert_closed_with_nothing_or_4xx(&closed, "a request cut off inside its headers");

    // A well-behaved client on another connection is unaffected.
    let mut fine = RawConnection::open(server.addr).await;
    fine.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    assert_eq!(fine.response(false).await.status, 200);

    server.shutdown().await.expect("serve_with returns Ok");
}

/// Before the first request the server does not yet know the protocol
/// (HTTP/1.1, or the HTTP/2 preface); the header read timeout covers that
/// stretch too, however far the client got.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_starts_a_request_is_disconnected() {
    let server = Server::start(hello::app().header_read_timeout(Duration::from_millis(200))).await;
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    let settings = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00";
    let stalls: [(&str, Vec<u8>); 3] = [
        ("no bytes at all", Vec::new()),
        ("half of the HTTP/2 preface", preface[..16].to_vec()),
        ("the HTTP/2 preface and SETTINGS but no request", [&preface[..], &settings[..]].concat()),
    ];
    let mut stalled = Vec::new();
    for (what, bytes) in stalls {
        let mut raw = RawConnection::open(server.addr).await;
        raw.send(&bytes).await;
        stalled.push((what, raw));
    }
    for (what, raw) in &mut stalled {
        let closed = raw.closed_by_server(Duration::from_secs(3)).await;
        if !what.contains("SETTINGS") {
            // (An HTTP/2 server may send its own SETTINGS before closing.)
            assert_closed_with_nothing_or_4xx(&closed, what);
        }
    }
    assert_eq!(get(&http1(), server.url("/plaintext")).await.status(), 200);
    assert_eq!(get(&http2(), server.url("/plaintext")).await.status(), 200);
    server.shutdown().await.expect("serve_with returns Ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_read_timeout() {
    let server = Server::start(hello::app().header_read_timeout(Duration::from_millis(200))).await;
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    assert_eq!(raw.response(false).await.status, 200);
    let closed = raw.closed_by_server(Duration::from_secs(3)).await;
    assert_closed_with_nothing_or_4xx(&closed, "an idle keep-alive connection");
    server.shutdown().await.expect("serve_with returns Ok");
}

/// An HTTP/2 request for `path` on stream 1, by hand: the preface, empty
/// SETTINGS, and HEADERS in HPACK without Huffman or indexing.
fn http2_get(path: &str) -> Vec<u8> {
    let mut block = vec![0x82, 0x86]; // :method GET, :scheme http
    block.extend([0x04, path.len() as u8]); // :path, by its static index
    block.extend(path.as_bytes());
    block.extend([0x01, 4]); // :authority
    block.extend(b"test");
    let mut bytes = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    bytes.extend([0, 0, 0, 0x04, 0, 0, 0, 0, 0]); // SETTINGS, empty
    let length = block.len() as u32;
    bytes.extend(&length.to_be_bytes()[1..]);
    bytes.extend([0x01, 0x05, 0, 0, 0, 1]); // HEADERS, END_STREAM | END_HEADERS, stream 1
    bytes.extend(block);
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_http2_connection_is_closed_after_the_timeout_but_a_slow_request_is_not_cut() {
    let server = Server::start(hello::app().header_read_timeout(Duration::from_millis(100))).await;
    let mut raw = RawConnection::open(server.addr).await;
    raw.send(&http2_get("/plaintext")).await;
    let closed = raw.closed_by_server(Duration::from_secs(3)).await;
    let Closed::Eof(received) = &closed else {
        panic!("the idle connection was reset: {:?}", closed.received())
    };
    assert!(find(received, b"Hello, World!").is_some(), "the request was answered before the close");
    // A GOAWAY frame told the client (length 8, type 7, no flags, stream 0).
    assert!(find(received, &[0, 0, 8, 7, 0, 0, 0, 0, 0]).is_some(), "no GOAWAY before the close");

    // A request that takes longer than the timeout (200 ms on the blocking
    // pool) is in flight, not idle: it is answered on the same connection.
    let response = get(&http2(), server.url("/blocking")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    server.shutdown().await.expect("serve_with returns Ok");
}

// ---------------------------------------------------------------------------
// 10. The hello binary, as a user runs it
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hello_binary_serves_and_exits_cleanly_on_sigterm() {
    let executable = build_example("hello").await;
    let mut hello = Example::start(&executable, &[]).await;
    let addr = hello.addr;

    let response = get(&http1(), format!("http://{addr}/")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await, json!({"message": "Hello, World!"}));
    let response = get(&http2(), format!("http://{addr}/items/5?q=x")).await;
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert_eq!(json_of(response).await, json!({"item_id": 5, "q": "x", "limit": 10}));

    let status = hello.terminate().await;
    assert!(status.success(), "hello exited with {status}");

    let refused = TcpStream::connect(addr).await.expect_err("nothing listens after hello exits");
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
}

/// Waits until nothing accepts connections on `addr` any more.
async fn refuses_connections(addr: SocketAddr) {
    within("the listener to close", async {
        while TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sigterm_under_load_requests_in_flight_and_queued_background_tasks_finish_and_it_exits_0() {
    let executable = build_example("hello").await;
    let mut hello = Example::start(&executable, &[]).await;
    let addr = hello.addr;
    // Eight clients, each with a request whose body is only half sent: on
    // a connection the server has already answered once, so it is
    // accepted and being served when the signal comes.
    let body = br#"{"name": "lamp", "price": 12.5}"#;
    let mut uploads = Vec::new();
    for _ in 0..8 {
        let mut raw = RawConnection::open(addr).await;
        raw.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
        assert_eq!(raw.response(false).await.status, 200);
        let head = format!(
            "POST /items HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        raw.send(head.as_bytes()).await;
        raw.send(&body[..10]).await;
        uploads.push(raw);
    }
    // And background work queued just before the signal (each waits 300 ms).
    let client = http1();
    for user in ["ada", "grace", "linus"] {
        let response = client.post(hello.url(&format!("/notify/{user}"))).send().await.expect("POST /notify");
        assert_eq!(response.status(), 202);
    }

    hello.signal("TERM").await;
    refuses_connections(addr).await;
    assert!(hello.running(), "hello exited before its requests finished:\n{}", hello.output());
    for raw in &mut uploads {
        raw.send(&body[10..]).await;
        let response = raw.response(false).await;
        assert_eq!(response.status, 201, "{}", response.text());
        assert_eq!(response.json()["name"], "lamp");
    }
    let status = hello.exit().await;
    assert_eq!(status.code(), Some(0), "hello exited with {status}:\n{}", hello.output());
    let output = hello.output();
    for user in ["ada", "grace", "linus"] {
        assert!(output.contains(&format!("notification sent to {user}")), "{user}'s notification:\n{output}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sigterm_while_draining_exits_at_once_with_status_143() {
    let executable = build_example("hello").await;
    let mut hello = Example::start(&executable, &[]).await;
    let addr = hello.addr;
    // A request that will not finish on its own for 30 s (the body read
    // timeout): the drain would wait for it.
    let mut raw = RawConnection::open(addr).await;
    raw.send(b"GET /plaintext HTTP/1.1\r\nHost: test\r\n\r\n").await;
    assert_eq!(raw.response(false).await.status, 200);
    raw.send(b"POST /items HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").await;

    hello.signal("TERM").await;
    refuses_connections(addr).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(hello.running(), "one signal drains; it must not exit yet:\n{}", hello.output());
    let asked = Instant::now();
    hello.signal("TERM").await;
    let status = hello.exit().await;
    assert_eq!(status.code(), Some(143), "hello exited with {status}:\n{}", hello.output());
    // Far sooner than the request it dropped could have ended.
    assert!(asked.elapsed() < Duration::from_secs(10), "it took {:?}", asked.elapsed());
    assert!(hello.output().contains("second signal while draining: exiting now"), "{}", hello.output());
}

//! Redirects, trailing-slash redirects and streamed responses, through the
//! public API: in-process with TestClient and on a real socket with reqwest.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use brisk::prelude::*;
use brisk::response::{Redirect, StreamingResponse};
use brisk::testing::TestClient;
use brisk_tests::{Served, within};
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::Notify;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .build()
        .expect("a client")
}

// --- Redirect --------------------------------------------------------------

#[get("/old")]
async fn old() -> Redirect {
    Redirect::to("/new?from=old")
}

#[post("/orders", status_code = 201)]
async fn create_order() -> Redirect {
    Redirect::see_other("/orders/7")
}

#[get("/search")]
async fn search(q: String) -> Redirect {
    Redirect::found(format!("/results/{q}"))
}

#[tokio::test]
async fn redirects_answer_their_status_and_location() {
    let client = TestClient::new(App::new().routes(routes![old, create_order, search]));

    let response = client.get("/old").send().await;
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.header("location"), Some("/new?from=old"));
    assert!(response.bytes().is_empty());

    // The route's status_code does not override the redirect's own.
    let response = client.post("/orders").send().await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.header("location"), Some("/orders/7"));

    for (redirect, status) in [
        (Redirect::temporary("/a"), StatusCode::TEMPORARY_REDIRECT),
        (Redirect::permanent("/a"), StatusCode::PERMANENT_REDIRECT),
        (Redirect::moved_permanently("/a"), StatusCode::MOVED_PERMANENTLY),
        (Redirect::found("/a"), StatusCode::FOUND),
        (Redirect::see_other("/a"), StatusCode::SEE_OTHER),
    ] {
        assert_eq!(redirect.status(), status);
        assert_eq!(redirect.into_response().status(), status);
    }
}

#[tokio::test]
async fn a_location_from_user_input_is_percent_encoded_and_cannot_break_the_header() {
    let client = TestClient::new(App::new().routes(routes![search]));
    // A CR LF in the query would start a new header if copied raw.
    let response =
        client.get("/search").query(&[("q", "café au lait\r\nset-cookie: session=stolen")]).send().await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.header("location"),
        Some("/results/caf%C3%A9%20au%20lait%0D%0Aset-cookie:%20session=stolen")
    );
    assert!(response.headers().get("set-cookie").is_none());
    // Already encoded text is kept as it is.
    assert_eq!(Redirect::to("/a%20b?x=%2F").location(), "/a%20b?x=%2F");
}

// --- Trailing slashes ---------------------------------------------------------

#[get("/items")]
async fn items() -> &'static str {
    "items"
}

#[post("/items")]
async fn add_item() -> &'static str {
    "added"
}

#[get("/tags/")]
async fn tags() -> &'static str {
    "tags"
}

#[get("/pages/{slug}")]
async fn page(slug: String) -> String {
    slug
}

#[get("/{name}")]
async fn anything(name: String) -> String {
    name
}

fn slash_app() -> App {
    App::new().routes(routes![items, add_item, tags, page])
}

#[tokio::test]
async fn a_path_that_misses_by_its_trailing_slash_is_redirected_with_its_query() {
    let client = TestClient::new(slash_app());

    let response = client.get("/items/?page=2&sort=name").send().await;
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.header("location"), Some("/items?page=2&sort=name"));

    // And the reverse, for a route declared with the slash.
    let response = client.get("/tags").send().await;
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.header("location"), Some("/tags/"));

    // 307 keeps the method: a POST is redirected as a POST.
    let response = client.post("/items/").send().await;
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.header("location"), Some("/items"));

    // Templates too, and the encoded path is kept as it came.
    let response = client.get("/pages/caf%C3%A9/").send().await;
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.header("location"), Some("/pages/caf%C3%A9"));

    // The exact forms answer as usual.
    assert_eq!(client.get("/items").send().await.text(), "items");
    assert_eq!(client.get("/tags/").send().await.text(), "tags");
}

#[tokio::test]
async fn a_path_with_no_route_in_either_form_stays_a_404() {
    let client = TestClient::new(slash_app());
    for path in ["/nothing", "/nothing/", "/", "/items/extra/"] {
        let response = client.get(path).send().await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.headers().get("location").is_none(), "{path}");
    }
}

#[tokio::test]
async fn redirect_slashes_false_turns_it_off() {
    let client = TestClient::new(slash_app().redirect_slashes(false));
    assert_eq!(client.get("/items/").send().await.status(), StatusCode::NOT_FOUND);
    assert_eq!(client.get("/tags").send().await.status(), StatusCode::NOT_FOUND);
    assert_eq!(client.get("/items").send().await.text(), "items");
}

/// `//evil.example` as a Location is another host to a browser: a path
/// whose other form starts that way is never redirected, even where a
/// route would match it.
#[tokio::test]
async fn a_redirect_never_points_at_another_host() {
    let client = TestClient::new(App::new().routes(routes![anything]));
    assert_eq!(client.get("/evil.example/").send().await.header("location"), Some("/evil.example"));
    let response = client.get("//evil.example/").send().await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers().get("location").is_none());

    // On a real socket too, where the request line is the client's own.
    let server = Served::start(App::new().routes(routes![anything])).await;
    for target in ["//evil.example/", "/%2Fevil.example/"] {
        let response = raw_request(server.addr, target).await;
        assert!(!response.to_ascii_lowercase().contains("location: //"), "{target}: {response}");
    }
}

async fn raw_request(addr: std::net::SocketAddr, target: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    within("the response", stream.read_to_end(&mut response)).await.expect("read");
    String::from_utf8_lossy(&response).into_owned()
}

// --- StreamingResponse --------------------------------------------------------

#[get("/export.csv")]
async fn export() -> StreamingResponse {
    let rows = futures_util::stream::iter(
        (0..3).map(|n| Ok::<_, std::io::Error>(Bytes::from(format!("{n},row\n")))),
    );
    StreamingResponse::new(rows)
        .media_type("text/csv")
        .header("content-disposition", "attachment; filename=rows.csv")
}

#[get("/blocking")]
async fn blocking() -> StreamingResponse {
    // A synchronous producer: each step may block (a file, a sync cursor).
    let lines = (0..1000).map(|n| Ok::<_, std::io::Error>(Bytes::from(format!("line {n}\n"))));
    StreamingResponse::from_blocking_iter(lines).media_type("text/plain")
}

#[post("/accepted", status_code = 202)]
async fn accepted() -> StreamingResponse {
    StreamingResponse::new(futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(
        b"queued",
    ))]))
}

#[get("/teapot")]
async fn teapot() -> StreamingResponse {
    StreamingResponse::new(futures_util::stream::empty::<Result<Bytes, std::io::Error>>())
        .status(StatusCode::IM_A_TEAPOT)
}

#[tokio::test]
async fn a_stream_becomes_the_body_with_its_headers() {
    let client = TestClient::new(App::new().routes(routes![export, blocking, accepted, teapot]));
    let response = client.get("/export.csv").send().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("text/csv"));
    assert_eq!(response.header("content-disposition"), Some("attachment; filename=rows.csv"));
    assert_eq!(response.text(), "0,row\n1,row\n2,row\n");

    let response = client.get("/blocking").send().await;
    let expected: String = (0..1000).map(|n| format!("line {n}\n")).collect();
    assert_eq!(response.text(), expected);

    assert_eq!(client.post("/accepted").send().await.status(), StatusCode::ACCEPTED);
    assert_eq!(client.get("/teapot").send().await.status(), StatusCode::IM_A_TEAPOT);
}

#[tokio::test]
async fn on_a_socket_the_body_is_chunked_not_buffered() {
    let server = Served::start(App::new().routes(routes![export, blocking])).await;
    let response = client().get(server.url("/blocking")).send().await.expect("a response");
    assert!(response.headers().get("content-length").is_none());
    assert_eq!(response.headers()["transfer-encoding"], "chunked");
    assert_eq!(response.text().await.expect("the body").lines().count(), 1000);
}

#[get("/fails")]
async fn fails() -> StreamingResponse {
    let chunks = [Ok(Bytes::from_static(b"first,")), Err(std::io::Error::other("the database went away"))];
    StreamingResponse::new(futures_util::stream::iter(chunks))
}

#[get("/panics")]
async fn panics() -> StreamingResponse {
    let chunks = (0..3).map(|n| {
        if n == 2 {
            panic!("the cursor broke");
        }
        Ok::<_, std::io::Error>(Bytes::from(format!("{n},")))
    });
    StreamingResponse::from_blocking_iter(chunks)
}

#[get("/fine")]
async fn fine() -> &'static str {
    "fine"
}

#[tokio::test]
async fn an_error_mid_stream_cuts_the_body_short_and_the_server_keeps_serving() {
    let server = Served::start(App::new().routes(routes![fails, panics, fine])).await;
    let client = client();
    for path in ["/fails", "/panics"] {
        // The connection closes without the body's last chunk (before the
        // head, when the stream fails first): never a body that reads as whole.
        let read = async { client.get(server.url(path)).send().await?.bytes().await };
        assert!(within(path, read).await.is_err(), "{path}: an incomplete body must not read as whole");
    }
    let response = client.get(server.url("/fine")).send().await.expect("still serving");
    assert_eq!(response.text().await.expect("the body"), "fine");
}

/// An endless blocking iterator stops once the client goes away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocking_iterator_stops_when_the_client_goes_away() {
    struct Endless {
        produced: Arc<AtomicUsize>,
        dropped: Arc<Notify>,
    }
    impl Iterator for Endless {
        type Item = Result<Bytes, std::io::Error>;
        fn next(&mut self) -> Option<Self::Item> {
            self.produced.fetch_add(1, Ordering::SeqCst);
            Some(Ok(Bytes::from(vec![b'x'; 16 * 1024])))
        }
    }
    impl Drop for Endless {
        fn drop(&mut self) {
            self.dropped.notify_one();
        }
    }
    let produced = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(Notify::new());
    let state = (produced.clone(), dropped.clone());
    let endless = move |_: Request| {
        let (produced, dropped) = state.clone();
        async move { StreamingResponse::from_blocking_iter(Endless { produced, dropped }).into_response() }
    };
    let server = Served::start(
        App::new().middleware(move |request: Request, _next: brisk::middleware::Next| endless(request)),
    )
    .await;

    let mut response = client().get(server.url("/")).send().await.expect("a response");
    let first = within("the first chunk", response.chunk()).await.expect("a chunk");
    assert!(first.is_some());
    drop(response);
    within("the iterator to be dropped", dropped.notified()).await;
    let at_drop = produced.load(Ordering::SeqCst);
    // It ran a bounded distance ahead of the client, then stopped.
    assert!(at_drop < 10_000, "produced {at_drop} chunks for a client that read one");
}

// --- Server-sent events -------------------------------------------------------

use brisk::response::{Event, EventStream};

#[get("/ticks")]
async fn ticks(#[header] last_event_id: Option<u64>) -> EventStream {
    let start = last_event_id.map_or(0, |id| id + 1);
    let events = futures_util::stream::iter((start..start + 2).map(|n| {
        Ok::<_, std::convert::Infallible>(Event::data(format!("tick {n}\nsecond line")).id(n.to_string()))
    }));
    EventStream::new(events)
}

#[tokio::test]
async fn an_event_stream_frames_each_event_and_resumes_from_last_event_id() {
    let client =
        TestClient::new(App::new().routes(routes![ticks]).middleware(brisk::GZip::new().min_size(1)));
    let response = client.get("/ticks").header("accept-encoding", "gzip").send().await;
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    assert_eq!(response.header("content-encoding"), None, "an event stream is never compressed");
    assert_eq!(
        response.text(),
        "id: 0\ndata: tick 0\ndata: second line\n\nid: 1\ndata: tick 1\ndata: second line\n\n"
    );

    // A reconnecting browser sends the last id it saw.
    let response = client.get("/ticks").header("last-event-id", "41").send().await;
    assert!(response.text().starts_with("id: 42\ndata: tick 42\n"), "{}", response.text());
}

#[test]
fn a_comment_cannot_start_a_field() {
    // A bare CR ends a line for the browser: it must end the comment here too.
    assert_eq!(Event::comment("note\rdata: injected\r").to_string(), ": note\n: data: injected\n: \n\n");
}

#[test]
fn event_fields_cannot_break_the_framing() {
    let event = Event::data("a\r\nb\rc").event("new\norder").id("4\r2").retry(Duration::from_millis(1500));
    assert_eq!(event.to_string(), "event: neworder\nid: 42\nretry: 1500\ndata: a\ndata: b\ndata: c\n\n");
    assert_eq!(Event::comment("hello").to_string(), ": hello\n\n");
    let json = Event::json(&serde_json::json!({ "id": 7 })).expect("serializable");
    assert_eq!(json.to_string(), "data: {\"id\":7}\n\n");
}

/// While the stream is silent, comments keep the connection alive; the
/// next event follows them on the same connection.
#[tokio::test]
async fn a_silent_event_stream_sends_keep_alive_comments() {
    let release = Arc::new(Notify::new());
    let gate = release.clone();
    let waits = move |_: Request| {
        let gate = gate.clone();
        async move {
            let events = futures_util::stream::once(async move {
                gate.notified().await;
                Ok::<_, std::convert::Infallible>(Event::data("finally"))
            });
            EventStream::new(events).keep_alive(Duration::from_millis(20)).into_response()
        }
    };
    let server = Served::start(
        App::new().middleware(move |request: Request, _next: brisk::middleware::Next| waits(request)),
    )
    .await;
    let mut response = client().get(server.url("/events")).send().await.expect("a response");
    let mut seen = String::new();
    while !seen.contains(": keep-alive\n\n: keep-alive\n\n") {
        let chunk =
            within("a keep-alive comment", response.chunk()).await.expect("a chunk").expect("more body");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    release.notify_one();
    let rest = within("the rest of the stream", response.text()).await.expect("the body");
    assert!(rest.contains("data: finally\n\n"), "{rest}");
}

#[get("/items")]
async fn v2_items() -> &'static str {
    "v2 items"
}

#[tokio::test]
async fn a_slash_redirect_under_a_mount_keeps_the_prefix() {
    let v2 = App::new().routes(routes![v2_items]).build().expect("an app");
    let client = TestClient::new(App::new().mount("/v2", v2));
    let response = client.get("/v2/items/?q=1").send().await;
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.header("location"), Some("/v2/items?q=1"));
}

#[get("/stream-panics")]
async fn stream_panics() -> StreamingResponse {
    let chunks = futures_util::stream::iter(0..3).map(|n| {
        if n == 1 {
            panic!("the stream broke");
        }
        Ok::<_, std::io::Error>(Bytes::from(format!("{n},")))
    });
    StreamingResponse::new(chunks)
}

#[tokio::test]
async fn a_panic_in_a_stream_ends_its_body_and_the_connection_serves_on() {
    let server = Served::start(App::new().routes(routes![stream_panics, fine])).await;
    let client = client();
    let read = async { client.get(server.url("/stream-panics")).send().await?.bytes().await };
    assert!(within("the broken stream", read).await.is_err());
    let response = client.get(server.url("/fine")).send().await.expect("still serving");
    assert_eq!(response.text().await.expect("the body"), "fine");
}

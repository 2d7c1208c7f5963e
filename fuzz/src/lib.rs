//! What the fuzz targets share: one runtime and one built app per target,
//! requests made from raw bytes the way hyper would hand them over, and
//! the checks every answer must pass.
//!
//! Every target drives brisk through its public API (`Service::call`, the
//! pipeline `App::serve` runs), so what is fuzzed is brisk's own work:
//! routing, percent-decoding, the extractors, the validation and the 422s.
//! A panic anywhere is a crash, even one brisk's guard would have turned
//! into a 500: libFuzzer's panic hook aborts first.

use std::future::Future;
use std::net::SocketAddr;

use brisk::testing::TestClient;
use brisk::{App, Body, Service};
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{Method, StatusCode};

/// A built app and the runtime its requests run on.
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    service: Service,
    // Kept so the app's lifespan stays started.
    _client: TestClient,
}

/// A complete answer: status, headers and the whole body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Harness {
    /// Builds `app` and starts its lifespan, on a current-thread runtime
    /// (one core, so the fuzzer's runs are repeatable).
    pub fn new(app: App) -> Harness {
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        let client = TestClient::new(app);
        let service = runtime.block_on(client.service()).clone();
        Harness { runtime, service, _client: client }
    }

    /// The built app.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// Runs `future` to completion on the harness's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Sends one request and reads the whole answer.
    pub fn send(&self, request: http::Request<Body>) -> Answer {
        let client = SocketAddr::from(([127, 0, 0, 1], 50000));
        self.block_on(async {
            let response = self.service.call(request, Some(client)).await;
            let (head, body) = response.into_parts();
            let body = body.collect_limited(16 << 20).await.expect("a response body that can be read");
            Answer { status: head.status, headers: head.headers, body }
        })
    }
}

/// A request with `method` and `target` (path and query), or `None` when
/// hyper would have refused the request line before brisk saw it.
pub fn request(method: &[u8], target: &[u8]) -> Option<http::Request<Body>> {
    let method = Method::from_bytes(method).ok()?;
    let uri = http::Uri::try_from(target).ok()?;
    // hyper hands over origin-form targets ("/path?query") and, for
    // absolute-form, the whole URI; brisk routes on the path either way.
    uri.path_and_query()?;
    let mut request = http::Request::new(Body::empty());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    Some(request)
}

/// Adds the headers of `block`, one `name: value` per line; lines that
/// are not a valid header are skipped, as hyper would have refused them.
/// Values may hold any byte hyper lets through (obs-text included).
pub fn add_headers(request: &mut http::Request<Body>, block: &[u8]) {
    for line in block.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) else {
            continue;
        };
        request.headers_mut().append(name, value);
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// `input` cut at the first `separator`: before it, and after it (empty
/// when there is none).
pub fn split_once(input: &[u8], separator: u8) -> (&[u8], &[u8]) {
    match input.iter().position(|&b| b == separator) {
        Some(at) => (&input[..at], &input[at + 1..]),
        None => (input, &[]),
    }
}

/// A request body that arrives in chunks of `size` bytes (at least 1), so
/// a parser meets its input cut at every place a network could cut it.
pub fn chunked(bytes: &[u8], size: usize) -> Body {
    Body::from_stream(Chunks { rest: Bytes::copy_from_slice(bytes), size: size.max(1) })
}

struct Chunks {
    rest: Bytes,
    size: usize,
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.rest.is_empty() {
            return std::task::Poll::Ready(None);
        }
        let size = self.size.min(self.rest.len());
        let chunk = self.rest.split_to(size);
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty()
    }
}

/// Fails the run when `answer`'s status is not one of `allowed`: a 5xx
/// is a bug whatever the input, and so is any status the route's
/// contract does not list.
pub fn expect_status(answer: &Answer, allowed: &[u16], what: &str) {
    let status = answer.status.as_u16();
    assert!(
        allowed.contains(&status),
        "{what}: status {status} is not one of {allowed:?}; body: {}",
        String::from_utf8_lossy(&answer.body)
    );
}

/// Checks the shape of a 422 body: FastAPI's `{"detail": [{"loc": [...],
/// "msg": "...", "type": "..."}, ...]}`, with at least one error.
pub fn expect_validation_shape(answer: &Answer) {
    let body: serde_json::Value = serde_json::from_slice(&answer.body).expect("a 422 body that is JSON");
    let detail = body["detail"].as_array().expect("a 422 body with a `detail` list");
    assert!(!detail.is_empty(), "a 422 with no error in it: {body}");
    for error in detail {
        let loc = error["loc"].as_array().expect("every error has a `loc` list");
        assert!(!loc.is_empty(), "an error with an empty `loc`: {body}");
        assert!(
            loc.iter().all(|part| part.is_string() || part.is_u64()),
            "a `loc` of strings and indexes: {body}"
        );
        assert!(error["msg"].is_string(), "every error has a `msg`: {body}");
        assert!(error["type"].is_string(), "every error has a `type`: {body}");
    }
}

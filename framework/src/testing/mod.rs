//! Drive an app in-process, without a socket, the way FastAPI's `TestClient` does.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::app::{App, Service};
use crate::body::Body;
use crate::lifespan::Running;

mod multipart;
#[cfg(feature = "websockets")]
mod websocket;
#[cfg(all(test, not(any(feature = "websockets", feature = "multipart", feature = "fs", feature = "gzip"))))]
mod without_optional_parts;
pub use multipart::MultipartForm;
#[cfg(feature = "websockets")]
pub use websocket::{TestWebSocket, TestWebSocketRequest};

/// An in-process client for an [`App`]: requests go through the same
/// pipeline as on a socket (routing, extraction, limits), and cookies set by
/// responses are sent back on later requests.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::testing::TestClient;
///
/// #[get("/hello/{name}")]
/// async fn hello(name: String) -> String { format!("Hello, {name}!") }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let client = TestClient::new(App::new().routes(routes![hello]));
/// let response = client.get("/hello/brisk").send().await;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.text(), "Hello, brisk!");
/// # }
/// ```
#[derive(Clone)]
pub struct TestClient {
    app: Arc<Started>,
    cookies: Arc<Mutex<BTreeMap<String, String>>>,
    client_addr: SocketAddr,
}

/// The app, started on first use: its lifespan's startup runs then, as
/// FastAPI's `with TestClient(app)` runs it on entry.
struct Started {
    unstarted: Mutex<Option<App>>,
    service: tokio::sync::OnceCell<Service>,
    running: Mutex<Option<Running>>,
}

impl Drop for Started {
    fn drop(&mut self) {
        // A test that never called `shutdown` still gets the lifespan's shutdown half.
        let running = self.running.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let (Some(running), Ok(runtime)) = (running, tokio::runtime::Handle::try_current()) {
            runtime.spawn(running.shutdown());
        }
    }
}

impl TestClient {
    /// A client for `app`. The app is built, and its lifespan started, on
    /// the first request.
    pub fn new(app: App) -> Self {
        TestClient {
            app: Arc::new(Started {
                unstarted: Mutex::new(Some(app)),
                service: tokio::sync::OnceCell::new(),
                running: Mutex::new(None),
            }),
            cookies: Arc::default(),
            client_addr: SocketAddr::from(([127, 0, 0, 1], 50000)),
        }
    }

    /// The built app, starting it (lifespan included) if this is the first use.
    ///
    /// # Panics
    /// When the app cannot be built or its startup fails: a test should fail loudly.
    pub async fn service(&self) -> &Service {
        self.app
            .service
            .get_or_init(|| async {
                let app = self.app.unstarted.lock().unwrap_or_else(|p| p.into_inner()).take();
                let app = app.expect("the app is started once");
                let (app, running) = match app.start().await {
                    Ok(started) => started,
                    Err(err) => panic!("TestClient: {err}"),
                };
                *self.app.running.lock().unwrap_or_else(|p| p.into_inner()) = running;
                match app.build() {
                    Ok(service) => service,
                    Err(err) => panic!("TestClient: the app failed to build: {err}"),
                }
            })
            .await
    }

    /// Runs the lifespan's shutdown half now (it also runs, spawned, when
    /// the last clone of the client is dropped).
    pub async fn shutdown(&self) {
        let running = self.app.running.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(running) = running {
            running.shutdown().await;
        }
    }

    /// Starts a request with any method.
    pub fn request(&self, method: Method, path: &str) -> TestRequest<'_> {
        TestRequest {
            client: self,
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// Starts a GET request.
    pub fn get(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::GET, path)
    }

    /// Starts a POST request.
    pub fn post(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::POST, path)
    }

    /// Starts a PUT request.
    pub fn put(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::PUT, path)
    }

    /// Starts a PATCH request.
    pub fn patch(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::PATCH, path)
    }

    /// Starts a DELETE request.
    pub fn delete(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::DELETE, path)
    }

    /// Starts a HEAD request.
    pub fn head(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::HEAD, path)
    }

    /// Starts an OPTIONS request.
    pub fn options(&self, path: &str) -> TestRequest<'_> {
        self.request(Method::OPTIONS, path)
    }

    /// The value of a cookie the client holds.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar().get(name).cloned()
    }

    /// Without the `websockets` feature: a call fails to compile, naming the feature.
    #[cfg(not(feature = "websockets"))]
    #[doc(hidden)]
    pub fn websocket<P: crate::app::off::NeedsWebSockets>(&self, _path: P) -> std::convert::Infallible {
        unreachable!("no type implements `NeedsWebSockets`")
    }

    /// Starts a WebSocket handshake with a `#[websocket]` route; finish it
    /// with [`connect`](TestWebSocketRequest::connect). The cookies the
    /// client holds go along, and dependency overrides and the lifespan
    /// apply as for any request. Needs the `websockets` feature (on by
    /// default).
    #[cfg(feature = "websockets")]
    pub fn websocket(&self, path: &str) -> TestWebSocketRequest<'_> {
        TestWebSocketRequest {
            client: self,
            path: path.to_owned(),
            headers: HeaderMap::new(),
            protocols: Vec::new(),
        }
    }

    /// The `Cookie` header for the cookies held, if any.
    fn cookie_header(&self) -> Option<HeaderValue> {
        let jar = self.jar();
        // Stored decoded, sent encoded again: as a browser sends them back.
        let cookies = jar
            .iter()
            .map(|(k, v)| cookie::Cookie::new(k.as_str(), v.as_str()).encoded().to_string())
            .collect::<Vec<_>>()
            .join("; ");
        (!cookies.is_empty()).then(|| HeaderValue::try_from(cookies).ok()).flatten()
    }

    fn jar(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, String>> {
        // A test that panicked while holding the jar must not poison the others.
        self.cookies.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn store_cookies(&self, headers: &HeaderMap) {
        let mut jar = self.jar();
        for value in headers.get_all(http::header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let Ok(cookie) = cookie::Cookie::parse_encoded(text) else { continue };
            let expired = cookie.max_age().is_some_and(|age| age.is_zero() || age.is_negative());
            if expired {
                jar.remove(cookie.name());
            } else {
                jar.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
    }
}

/// A request being built by a [`TestClient`]; finish it with [`send`](TestRequest::send).
pub struct TestRequest<'a> {
    client: &'a TestClient,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl TestRequest<'_> {
    /// Adds query parameters (URL-encoded for you).
    pub fn query<K: AsRef<str>, V: ToString>(mut self, pairs: &[(K, V)]) -> Self {
        self.query.extend(pairs.iter().map(|(k, v)| (k.as_ref().to_owned(), v.to_string())));
        self
    }

    /// Adds a header.
    ///
    /// # Panics
    /// On an invalid header name or value: the test wrote it.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::try_from(name).expect("a valid header name");
        let value = HeaderValue::try_from(value).expect("a valid header value");
        self.headers.append(name, value);
        self
    }

    /// Sends `value` as a JSON body with `content-type: application/json`.
    ///
    /// # Panics
    /// When `value` cannot be serialized.
    pub fn json(mut self, value: &impl Serialize) -> Self {
        self.body = serde_json::to_vec(value).expect("a serializable JSON body").into();
        self.headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self
    }

    /// Sends `fields` as a form body (`application/x-www-form-urlencoded`),
    /// as a browser posts an HTML form; a name may repeat.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(mut self, fields: &[(K, V)]) -> Self {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
            .finish();
        self.body = encoded.into();
        self.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self
    }

    /// Sends `form` as a `multipart/form-data` body, with its content type.
    pub fn multipart(mut self, form: MultipartForm) -> Self {
        let content_type = HeaderValue::try_from(form.content_type()).expect("a valid boundary");
        self.headers.insert(http::header::CONTENT_TYPE, content_type);
        self.body = form.into_bytes();
        self
    }

    /// Sends raw bytes as the body (set the content type yourself).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request through the app and collects the whole response.
    pub async fn send(self) -> TestResponse {
        let mut uri = self.path;
        if !self.query.is_empty() {
            let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.query).finish();
            uri.push(if uri.contains('?') { '&' } else { '?' });
            uri.push_str(&encoded);
        }
        let mut request = http::Request::new(Body::from(self.body));
        *request.method_mut() = self.method;
        *request.uri_mut() = uri.parse().expect("a valid request path");
        *request.headers_mut() = self.headers;
        if !request.headers().contains_key(http::header::COOKIE)
            && let Some(value) = self.client.cookie_header()
        {
            request.headers_mut().insert(http::header::COOKIE, value);
        }
        let response = self.client.service().await.call(request, Some(self.client.client_addr)).await;
        let (head, body) = response.into_parts();
        self.client.store_cookies(&head.headers);
        let body = body.collect_limited(usize::MAX).await.expect("the response body to be readable");
        TestResponse { status: head.status, headers: head.headers, body }
    }
}

/// A complete response received by a [`TestClient`].
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header's value as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as raw bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    /// When the body is not JSON of that shape; the message shows the body.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("response body is not the expected JSON ({err}): {}", self.text()))
    }
}

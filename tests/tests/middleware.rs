//! The middleware stack through the public API: order, coverage of every
//! request (404/405 and errors included), short-circuits, request rewriting.

use std::sync::{Arc, Mutex};

use brisk::middleware::{Middleware, Next};
use brisk::prelude::*;
use brisk::testing::TestClient;
use serde_json::{Value, json};

type Trace = Arc<Mutex<Vec<String>>>;

fn record(request: &Request, event: &str) {
    if let Some(trace) = request.state::<Trace>() {
        trace.lock().unwrap().push(event.to_owned());
    }
}

#[middleware]
async fn outer(request: Request, next: Next) -> Response {
    record(&request, "outer in");
    let trace = request.state::<Trace>();
    let mut response = next.run(request).await;
    if let Some(trace) = trace {
        trace.lock().unwrap().push("outer out".to_owned());
    }
    response.headers_mut().insert("x-outer", HeaderValue::from_static("yes"));
    response
}

#[middleware]
async fn inner(mut request: Request, next: Next) -> Response {
    record(&request, "inner in");
    request.headers_mut().insert("x-from-middleware", HeaderValue::from_static("inner"));
    let trace = request.state::<Trace>();
    let response = next.run(request).await;
    if let Some(trace) = trace {
        trace.lock().unwrap().push("inner out".to_owned());
    }
    response
}

#[get("/hello")]
async fn hello(request: Request) -> String {
    record(&request, "handler");
    let seen = request.headers().get("x-from-middleware").and_then(|v| v.to_str().ok()).unwrap_or("none");
    format!("hello, middleware said {seen}")
}

#[derive(Debug)]
struct Broken;

#[get("/broken")]
async fn broken() -> Result<String, Broken> {
    Err(Broken)
}

#[get("/panics")]
async fn panics() -> String {
    panic!("handler panicked")
}

#[post("/only-post")]
async fn only_post() -> &'static str {
    "posted"
}

fn app(trace: &Trace) -> App {
    App::new()
        .state(trace.clone())
        .middleware(outer)
        .middleware(inner)
        .routes(routes![hello, broken, panics, only_post])
}

#[tokio::test]
async fn the_first_registered_is_the_outermost() {
    let trace = Trace::default();
    let response = TestClient::new(app(&trace)).get("/hello").send().await;
    assert_eq!(response.text(), "hello, middleware said inner");
    assert_eq!(*trace.lock().unwrap(), ["outer in", "inner in", "handler", "inner out", "outer out"]);
}

#[tokio::test]
async fn every_request_passes_the_stack_unmatched_ones_and_errors_included() {
    let trace = Trace::default();
    let client = TestClient::new(app(&trace));
    for (request, status) in [
        (client.get("/nowhere"), 404),
        (client.get("/only-post"), 405),
        (client.get("/broken"), 500),
        (client.get("/panics"), 500),
    ] {
        let response = request.send().await;
        assert_eq!(response.status(), status);
        assert_eq!(response.header("x-outer"), Some("yes"), "the outer layer decorated the {status}");
    }
    let broken = client.get("/broken").send().await;
    assert_eq!(broken.json::<Value>(), json!({"detail": "Internal Server Error"}));
}

/// Tries to "catch" errors the way FastAPI code often does: it can only
/// ever see a response, so the handler's own error response gets through.
#[middleware]
async fn catch_all(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status().is_server_error() {
        let mut response = response;
        response.headers_mut().insert("x-saw-error", HeaderValue::from_static("yes"));
        return response;
    }
    response
}

#[get("/teapot")]
async fn teapot() -> Result<&'static str, HttpError> {
    Err(HttpError::new(StatusCode::IM_A_TEAPOT, "short and stout"))
}

#[tokio::test]
async fn a_middleware_cannot_swallow_the_handlers_error_response() {
    let client = TestClient::new(App::new().middleware(catch_all).routes(routes![teapot, broken]));
    let response = client.get("/teapot").send().await;
    assert_eq!(response.status(), 418);
    assert_eq!(response.json::<Value>(), json!({"detail": "short and stout"}));
    let response = client.get("/broken").send().await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.header("x-saw-error"), Some("yes"));
}

#[middleware]
async fn require_key(request: Request, next: Next) -> Result<Response, HttpError> {
    if request.headers().get("x-key").is_none() {
        return Err(HttpError::unauthorized("missing key"));
    }
    Ok(next.run(request).await)
}

struct ServerName(&'static str);

impl Middleware for ServerName {
    async fn handle(&self, request: Request, next: Next) -> Response {
        let mut response = next.run(request).await;
        response.headers_mut().insert("server", HeaderValue::from_static(self.0));
        response
    }
}

#[tokio::test]
async fn middleware_may_short_circuit_with_an_error_and_types_can_be_middleware() {
    let trace = Trace::default();
    let client = TestClient::new(
        App::new()
            .state(trace.clone())
            .middleware(ServerName("brisk"))
            .middleware(require_key)
            .routes(routes![hello]),
    );
    let refused = client.get("/hello").send().await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<Value>(), json!({"detail": "missing key"}));
    assert_eq!(refused.header("server"), Some("brisk"));
    assert!(trace.lock().unwrap().is_empty(), "the handler never ran");

    let allowed = client.get("/hello").header("x-key", "k").send().await;
    assert_eq!(allowed.status(), 200);
    assert_eq!(allowed.header("server"), Some("brisk"));
}

#[middleware]
async fn explodes(_request: Request, _next: Next) -> Response {
    panic!("middleware panicked")
}

#[tokio::test]
async fn a_panicking_middleware_is_a_500_and_the_app_keeps_serving() {
    let client = TestClient::new(App::new().middleware(explodes).routes(routes![hello]));
    assert_eq!(client.get("/hello").send().await.status(), 500);
    assert_eq!(client.get("/hello").send().await.status(), 500);
}

#[tokio::test]
async fn the_layers_outside_a_panicking_one_see_its_500() {
    let trace = Trace::default();
    let client = TestClient::new(
        App::new().state(trace.clone()).middleware(outer).middleware(explodes).routes(routes![hello]),
    );
    let response = client.get("/hello").send().await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.json::<Value>(), json!({"detail": "Internal Server Error"}));
    assert_eq!(response.header("x-outer"), Some("yes"));
    assert_eq!(*trace.lock().unwrap(), ["outer in", "outer out"]);
}

#[test]
fn the_app_describes_its_onion() {
    let service =
        App::new().middleware(outer).middleware(ServerName("x")).routes(routes![hello]).build().unwrap();
    let description = service.describe();
    assert!(
        description.starts_with("middleware, outermost first: middleware::outer → middleware::ServerName\n"),
        "{description}"
    );
    assert!(description.contains("GET /hello → hello"));
}

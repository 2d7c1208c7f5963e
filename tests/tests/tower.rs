//! tower, both ways: tower-http's layers used unchanged on an App, in the
//! same onion as `#[middleware]`, and a built App served and nested by
//! axum, as a tower `Service`.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use brisk::http;
use brisk::middleware::Next;
use brisk::prelude::*;
use brisk::testing::TestClient;
use brisk_tests::Events;
use serde_json::{Value, json};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

#[get("/items/{item_id}")]
async fn read_item(item_id: u32, request: Request) -> Json<Value> {
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    Json(json!({ "item_id": item_id, "request_id": request_id, "client": request.client_addr().is_some() }))
}

#[get("/slow")]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "too late"
}

#[get("/text")]
async fn text() -> String {
    "brisk ".repeat(200)
}

#[post("/echo")]
async fn echo(#[body] value: Value) -> Json<Value> {
    Json(value)
}

fn routes() -> Vec<Route> {
    routes![read_item, slow, text, echo]
}

#[tokio::test]
async fn tower_http_layers_work_unchanged_on_an_app() {
    let responses = Arc::new(Events::default());
    let seen = responses.clone();
    let trace = TraceLayer::new_for_http().on_response(
        move |response: &http::Response<_>, _latency: Duration, _span: &tracing::Span| {
            seen.push(format!("traced {}", response.status().as_u16()));
        },
    );
    let app = App::new()
        .layer(trace)
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_millis(100)))
        .layer(RequestBodyLimitLayer::new(64))
        .routes(routes());
    let client = TestClient::new(app);

    // SetRequestId gives the request an id the handler reads; Propagate
    // copies it onto the response; the client address survives the layers.
    let item = client.get("/items/7").send().await;
    assert_eq!(item.status(), 200);
    let id = item.header("x-request-id").expect("an x-request-id on the response").to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(item.json::<Value>(), json!({"item_id": 7, "request_id": id, "client": true}));
    let given = client.get("/items/8").header("x-request-id", "abc-123").send().await;
    assert_eq!(given.header("x-request-id"), Some("abc-123"));

    // Compression, for a client that accepts gzip.
    let compressed = client.get("/text").header("accept-encoding", "gzip").send().await;
    assert_eq!(compressed.header("content-encoding"), Some("gzip"));
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&compressed.bytes()[..]).read_to_string(&mut unzipped).expect("gzip");
    assert_eq!(unzipped, "brisk ".repeat(200));

    // The timeout answers for a handler that takes too long.
    assert_eq!(client.get("/slow").send().await.status(), 408);

    // The body limit wraps the request body; brisk's JSON extractor reads
    // through it, and a body over the limit is refused.
    let small = client.post("/echo").json(&json!({"a": 1})).send().await;
    assert_eq!(small.json::<Value>(), json!({"a": 1}));
    let large = client.post("/echo").json(&json!({"a": "x".repeat(100)})).send().await;
    assert_eq!(large.status(), 413);

    // A brisk error (422) passes back out through every layer, and the
    // trace layer saw every response.
    let invalid = client.get("/items/not-a-number").send().await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(invalid.json::<Value>()["detail"][0]["loc"], json!(["path", "item_id"]));
    assert_eq!(
        responses.log(),
        ["traced 200", "traced 200", "traced 200", "traced 408", "traced 200", "traced 413", "traced 422"]
    );
}

#[tokio::test]
async fn tower_layers_and_middleware_nest_in_registration_order() {
    let events = Arc::new(Events::default());
    let middleware = |name: &'static str, events: &Arc<Events>| {
        let events = events.clone();
        move |request: Request, next: Next| {
            let events = events.clone();
            async move {
                events.push(format!("{name} in"));
                let response = next.run(request).await;
                events.push(format!("{name} out"));
                response
            }
        }
    };
    let traced = events.clone();
    let trace = TraceLayer::new_for_http()
        .on_request(move |_: &http::Request<_>, _: &tracing::Span| traced.push("tower in"))
        .on_response({
            let events = events.clone();
            move |_: &http::Response<_>, _: Duration, _: &tracing::Span| events.push("tower out")
        });
    let app = App::new()
        .middleware(middleware("outer", &events))
        .layer(trace)
        .middleware(middleware("inner", &events))
        .routes(routes());
    let client = TestClient::new(app);
    assert_eq!(client.get("/items/1").send().await.status(), 200);
    assert_eq!(events.log(), ["outer in", "tower in", "inner in", "inner out", "tower out", "outer out"]);
    let described = client.service().await.describe();
    assert!(described.contains("tower_http::trace::layer::TraceLayer"), "{described}");
}

/// A layer whose service fails: the error becomes a 500 that the
/// middleware outside it still sees.
#[tokio::test]
async fn an_error_from_a_tower_layer_is_a_500_the_outer_layers_see() {
    #[derive(Clone)]
    struct Refuse;

    impl<B> tower::Service<http::Request<B>> for Refuse {
        type Response = http::Response<brisk::Body>;
        type Error = std::io::Error;
        type Future = std::future::Ready<Result<Self::Response, Self::Error>>;

        fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
            std::task::Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: http::Request<B>) -> Self::Future {
            std::future::ready(Err(std::io::Error::other("refused")))
        }
    }

    let app = App::new()
        .middleware(|request: Request, next: Next| async move {
            let mut response = next.run(request).await;
            response.headers_mut().insert("x-outer", HeaderValue::from_static("saw it"));
            response
        })
        .layer(tower::layer::layer_fn(|_inner| Refuse))
        .routes(routes());
    let client = TestClient::new(app);
    let response = client.get("/items/1").send().await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.json::<Value>(), json!({"detail": "Internal Server Error"}));
    assert_eq!(response.header("x-outer"), Some("saw it"));
}

/// The same layers on a real socket, over HTTP/1.1 and HTTP/2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tower_layers_work_on_a_real_socket() {
    let app = App::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(CompressionLayer::new())
        .routes(routes());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve_with(listener, async {
        let _ = stopped.await;
    }));
    for client in [
        reqwest::Client::builder().http1_only().build().expect("a client"),
        reqwest::Client::builder().http2_prior_knowledge().build().expect("a client"),
    ] {
        let response = client.get(format!("http://{addr}/items/3")).send().await.expect("GET /items/3");
        assert_eq!(response.status(), 200);
        let id =
            response.headers().get("x-request-id").expect("a request id").to_str().expect("text").to_owned();
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body, json!({"item_id": 3, "request_id": id, "client": true}));
        let zipped = client
            .get(format!("http://{addr}/text"))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("GET /text");
        assert_eq!(zipped.headers().get("content-encoding").map(|v| v.as_bytes()), Some(&b"gzip"[..]));
    }
    let _ = stop.send(());
    server.await.expect("the server task").expect("serve_with returns Ok");
}

/// A built app nested in an axum Router, served by axum on a real socket:
/// brisk's own answers (its 422 included) come through intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_built_app_nests_in_an_axum_router() {
    use tower::ServiceExt;

    let service = App::new().routes(routes()).build().expect("the app builds");
    let router = axum::Router::new()
        .route("/axum", axum::routing::get(|| async { "from axum" }))
        .nest_service("/brisk", service);

    let invalid = router
        .clone()
        .oneshot(http::Request::get("/brisk/items/abc").body(axum::body::Body::empty()).expect("a request"))
        .await
        .expect("axum answers");
    assert_eq!(invalid.status(), 422);
    let bytes = axum::body::to_bytes(invalid.into_body(), 1 << 20).await.expect("the body");
    let detail: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(
        detail,
        json!({"detail": [{
            "type": "int_parsing",
            "loc": ["path", "item_id"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "input": "abc",
        }]})
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("an address");
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::new();
    let echoed =
        client.post(format!("http://{addr}/brisk/echo")).json(&json!({"b": 2})).send().await.expect("POST");
    assert_eq!(echoed.status(), 200);
    assert_eq!(echoed.json::<Value>().await.expect("JSON"), json!({"b": 2}));
    let axum_own = client.get(format!("http://{addr}/axum")).send().await.expect("GET /axum");
    assert_eq!(axum_own.text().await.expect("text"), "from axum");
    server.abort();
}

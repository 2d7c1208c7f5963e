//! The built-in middleware through the public API: `Cors`, `GZip` and `TrustedHost`.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use brisk::prelude::*;
use brisk::testing::{TestClient, TestResponse};
use brisk::{Body, Cors, GZip, TrustedHost};

/// How many times the routes ran, shared by the app and the test.
#[derive(Default, Clone)]
struct Calls(Arc<AtomicUsize>);

#[get("/hello")]
async fn hello(calls: State<Calls>) -> &'static str {
    calls.0.fetch_add(1, Ordering::SeqCst);
    "hello"
}

#[post("/hello")]
async fn hello_post(calls: State<Calls>) -> &'static str {
    calls.0.fetch_add(1, Ordering::SeqCst);
    "posted"
}

#[derive(Debug)]
struct MyErr;

#[get("/fails")]
async fn fails() -> Result<String, MyErr> {
    Err(MyErr)
}

#[get("/varies")]
async fn varies() -> (StatusCode, [(&'static str, &'static str); 2], &'static str) {
    (StatusCode::OK, [("vary", "Accept-Language"), ("x-total-count", "3")], "bonjour")
}

fn cors_client(cors: Cors) -> (TestClient, Calls) {
    let calls = Calls::default();
    let app =
        App::new().state(calls.clone()).middleware(cors).routes(routes![hello, hello_post, fails, varies]);
    (TestClient::new(app), calls)
}

fn header_values(response: &TestResponse, name: &str) -> Vec<String> {
    response.headers().get_all(name).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

fn has_vary(response: &TestResponse, token: &str) -> bool {
    header_values(response, "vary")
        .iter()
        .flat_map(|value| value.split(',').map(|t| t.trim().to_owned()).collect::<Vec<_>>())
        .any(|t| t.eq_ignore_ascii_case(token))
}

// ---------------------------------------------------------------- CORS

#[tokio::test]
async fn cors_simple_request_from_an_allowed_origin() {
    let (client, _) = cors_client(Cors::new().allow_origin("https://a.com").allow_origin("https://b.com"));
    for origin in ["https://a.com", "https://b.com"] {
        let response = client.get("/hello").header("origin", origin).send().await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.text(), "hello");
        assert_eq!(response.header("access-control-allow-origin"), Some(origin));
        assert!(has_vary(&response, "Origin"));
        assert_eq!(response.header("access-control-allow-credentials"), None);
    }
}

#[tokio::test]
async fn cors_simple_request_from_a_refused_origin_gets_no_permission() {
    let (client, calls) = cors_client(Cors::new().allow_origins(["https://a.com"]));
    let response = client.get("/hello").header("origin", "https://evil.com").send().await;
    // The browser enforces the policy: the request itself is served.
    assert_eq!(response.status(), 200);
    assert_eq!(calls.0.load(Ordering::SeqCst), 1);
    assert_eq!(response.header("access-control-allow-origin"), None);
    assert_eq!(response.header("access-control-allow-credentials"), None);
    assert!(has_vary(&response, "Origin"), "the answer depends on the origin");
    // Near misses are refused too: the comparison is exact.
    for origin in ["https://a.com/", "http://a.com", "https://a.com:8443", "null"] {
        let response = client.get("/hello").header("origin", origin).send().await;
        assert_eq!(response.header("access-control-allow-origin"), None, "{origin}");
    }
}

#[tokio::test]
async fn cors_requests_without_origin_pass_untouched() {
    let (client, _) =
        cors_client(Cors::new().allow_any_origin().allow_credentials(true).expose_headers(["X-A"]));
    let response = client.get("/hello").send().await;
    assert_eq!(response.status(), 200);
    let cors_headers: Vec<_> =
        response.headers().keys().filter(|name| name.as_str().starts_with("access-control-")).collect();
    assert!(cors_headers.is_empty(), "{cors_headers:?}");
    assert!(!has_vary(&response, "Origin"));
}

#[tokio::test]
async fn cors_preflight_allowed_is_answered_without_reaching_the_route() {
    let (client, calls) = cors_client(
        Cors::new()
            .allow_origin("https://a.com")
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(["X-Token"])
            .max_age(1200),
    );
    let response = client
        .options("/hello")
        .header("origin", "https://a.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "x-token, Content-Type")
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "OK");
    assert_eq!(response.header("access-control-allow-origin"), Some("https://a.com"));
    assert_eq!(response.header("access-control-allow-methods"), Some("GET, POST"));
    assert_eq!(
        response.header("access-control-allow-headers"),
        Some("Accept, Accept-Language, Content-Language, Content-Type, X-Token")
    );
    assert_eq!(response.header("access-control-max-age"), Some("1200"));
    assert!(has_vary(&response, "Origin"));
    // Preflights for routes that don't exist are answered the same way.
    let response = client
        .options("/nowhere")
        .header("origin", "https://a.com")
        .header("access-control-request-method", "GET")
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(calls.0.load(Ordering::SeqCst), 0, "no preflight reached a route");
}

#[tokio::test]
async fn cors_preflight_refusals_are_400_and_never_reach_the_route() {
    let (client, calls) = cors_client(
        Cors::new().allow_origin("https://a.com").allow_methods(["GET"]).allow_headers(["X-Token"]),
    );
    let preflight = |origin: &'static str, method: &'static str, headers: Option<&'static str>| {
        let mut request =
            client.options("/hello").header("origin", origin).header("access-control-request-method", method);
        if let Some(headers) = headers {
            request = request.header("access-control-request-headers", headers);
        }
        request.send()
    };
    let response = preflight("https://evil.com", "GET", None).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.text(), "Disallowed CORS origin");
    assert_eq!(response.header("access-control-allow-origin"), None);

    let response = preflight("https://a.com", "DELETE", None).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.text(), "Disallowed CORS method");

    let response = preflight("https://a.com", "GET", Some("x-token, x-secret")).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.text(), "Disallowed CORS headers");

    let response = preflight("https://evil.com", "PUT", Some("x-secret")).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.text(), "Disallowed CORS origin, method, headers");

    assert_eq!(calls.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn cors_options_without_a_requested_method_is_an_ordinary_request() {
    let (client, _) = cors_client(Cors::new().allow_origin("https://a.com"));
    let response = client.options("/hello").header("origin", "https://a.com").send().await;
    assert_eq!(response.status(), 405, "routing answered it");
    assert_eq!(response.header("access-control-allow-origin"), Some("https://a.com"));
}

#[tokio::test]
async fn cors_any_origin_without_credentials_says_star_and_mirrors_any_header() {
    let (client, _) = cors_client(Cors::new().allow_any_origin().allow_any_method().allow_any_header());
    let response = client.get("/hello").header("origin", "https://anyone.org").send().await;
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert!(!has_vary(&response, "Origin"), "a `*` answer does not depend on the origin");

    let response = client
        .options("/hello")
        .header("origin", "https://anyone.org")
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "X-Whatever, X-Else")
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(response.header("access-control-allow-headers"), Some("X-Whatever, X-Else"));
    assert_eq!(
        response.header("access-control-allow-methods"),
        Some("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT")
    );
    assert_eq!(response.header("access-control-max-age"), Some("600"));
}

#[tokio::test]
async fn cors_credentials_echo_the_origin_never_a_star() {
    for cors in [
        Cors::new().allow_any_origin().allow_credentials(true),
        Cors::new().allow_origin("https://a.com").allow_credentials(true),
    ] {
        let (client, _) = cors_client(cors.allow_methods(["GET", "POST"]));
        let response = client.get("/hello").header("origin", "https://a.com").send().await;
        assert_eq!(response.header("access-control-allow-origin"), Some("https://a.com"));
        assert_eq!(response.header("access-control-allow-credentials"), Some("true"));
        assert!(has_vary(&response, "Origin"));

        let response = client
            .post("/hello")
            .header("origin", "https://a.com")
            .header("cookie", "session=1")
            .send()
            .await;
        assert_eq!(response.header("access-control-allow-origin"), Some("https://a.com"));

        let response = client
            .options("/hello")
            .header("origin", "https://a.com")
            .header("access-control-request-method", "POST")
            .send()
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.header("access-control-allow-origin"), Some("https://a.com"));
        assert_eq!(response.header("access-control-allow-credentials"), Some("true"));
        assert!(has_vary(&response, "Origin"));
    }
}

#[tokio::test]
async fn cors_regex_origins_must_match_whole() {
    let (client, _) = cors_client(
        Cors::new().allow_origin("https://exact.org").allow_origin_regex(r"^https://.*\.example\.com$"),
    );
    for (origin, allowed) in [
        ("https://app.example.com", true),
        ("https://a.b.example.com", true),
        ("https://exact.org", true),
        ("http://app.example.com", false),
        ("https://example.com", false),
        ("https://app.example.com.evil.org", false),
    ] {
        let response = client.get("/hello").header("origin", origin).send().await;
        let expected = allowed.then_some(origin);
        assert_eq!(response.header("access-control-allow-origin"), expected, "{origin}");
    }
    // Unanchored patterns still have to match the whole origin.
    let (client, _) = cors_client(Cors::new().allow_origin_regex(r"https://[a-z]+\.example\.com"));
    let response =
        client.get("/hello").header("origin", "https://evil.org/https://a.example.com").send().await;
    assert_eq!(response.header("access-control-allow-origin"), None);
    let response = client.get("/hello").header("origin", "https://a.example.com").send().await;
    assert_eq!(response.header("access-control-allow-origin"), Some("https://a.example.com"));
}

#[tokio::test]
async fn cors_expose_headers_and_an_existing_vary_is_kept() {
    let (client, _) =
        cors_client(Cors::new().allow_origin("https://a.com").expose_headers(["X-Total-Count", "X-Page"]));
    let response = client.get("/varies").header("origin", "https://a.com").send().await;
    assert_eq!(response.header("access-control-expose-headers"), Some("X-Total-Count, X-Page"));
    assert_eq!(header_values(&response, "vary"), ["Accept-Language, Origin"]);
    // Refused origins are not told what they could read.
    let response = client.get("/varies").header("origin", "https://evil.com").send().await;
    assert_eq!(response.header("access-control-expose-headers"), None);
}

#[tokio::test]
async fn cors_headers_are_on_error_responses_too() {
    let (client, _) = cors_client(Cors::new().allow_origin("https://a.com").allow_credentials(true));
    let response = client.get("/fails").header("origin", "https://a.com").send().await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.json::<serde_json::Value>(), serde_json::json!({"detail": "Internal Server Error"}));
    assert_eq!(response.header("access-control-allow-origin"), Some("https://a.com"));
    assert_eq!(response.header("access-control-allow-credentials"), Some("true"));
    assert!(has_vary(&response, "Origin"));

    let response = client.get("/nowhere").header("origin", "https://a.com").send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.header("access-control-allow-origin"), Some("https://a.com"));
    assert!(has_vary(&response, "Origin"));
}

// ---------------------------------------------------------------- GZip

fn large_text() -> String {
    (0..400).map(|i| format!("line {i}: the quick brown fox jumps over the lazy dog\n")).collect()
}

#[get("/large")]
async fn large() -> String {
    large_text()
}

#[get("/small")]
async fn small() -> &'static str {
    "tiny"
}

#[get("/encoded")]
async fn encoded() -> (StatusCode, [(&'static str, &'static str); 1], String) {
    (StatusCode::OK, [("content-encoding", "br")], large_text())
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).expect("a valid gzip stream");
    text
}

fn gzip_client(gzip: GZip) -> TestClient {
    TestClient::new(App::new().middleware(gzip).routes(routes![large, small, encoded]))
}

#[tokio::test]
async fn gzip_compresses_large_bodies_for_clients_that_accept_it() {
    let client = gzip_client(GZip::new());
    for accept in ["gzip", "gzip, deflate, br", "br;q=1.0, GZIP;q=0.5", "deflate,gzip"] {
        let response = client.get("/large").header("accept-encoding", accept).send().await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.header("content-encoding"), Some("gzip"), "{accept}");
        assert!(has_vary(&response, "Accept-Encoding"));
        assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
        let length: usize = response.header("content-length").unwrap().parse().unwrap();
        assert_eq!(length, response.bytes().len());
        assert!(length < large_text().len() / 4, "compressed to {length} bytes");
        assert_eq!(gunzip(response.bytes()), large_text());
    }
}

#[tokio::test]
async fn gzip_leaves_small_bodies_and_other_clients_alone() {
    let client = gzip_client(GZip::new());
    let response = client.get("/small").header("accept-encoding", "gzip").send().await;
    assert_eq!(response.header("content-encoding"), None);
    assert_eq!(response.text(), "tiny");
    assert!(!has_vary(&response, "Accept-Encoding"));

    for accept in [None, Some("br, deflate"), Some("gzip;q=0"), Some("identity")] {
        let mut request = client.get("/large");
        if let Some(accept) = accept {
            request = request.header("accept-encoding", accept);
        }
        let response = request.send().await;
        assert_eq!(response.header("content-encoding"), None, "{accept:?}");
        assert_eq!(response.text(), large_text());
        // Caches must still know the answer depends on Accept-Encoding.
        assert!(has_vary(&response, "Accept-Encoding"), "{accept:?}");
    }
}

#[tokio::test]
async fn gzip_leaves_encoded_responses_alone_and_follows_min_size() {
    let client = gzip_client(GZip::new());
    let response = client.get("/encoded").header("accept-encoding", "gzip").send().await;
    assert_eq!(response.header("content-encoding"), Some("br"));
    assert_eq!(response.text(), large_text());

    let client = gzip_client(GZip::new().min_size(2));
    let response = client.get("/small").header("accept-encoding", "gzip").send().await;
    assert_eq!(response.header("content-encoding"), None, "compressing 4 bytes only makes them longer");
    assert_eq!(response.header("content-length"), Some("4"));
    assert_eq!(response.text(), "tiny");

    let client = gzip_client(GZip::new().min_size(1 << 20));
    let response = client.get("/large").header("accept-encoding", "gzip").send().await;
    assert_eq!(response.header("content-encoding"), None);
    let client = gzip_client(GZip::new().max_size(1024));
    let response = client.get("/large").header("accept-encoding", "gzip").send().await;
    assert_eq!(response.header("content-encoding"), None);
}

#[get("/report")]
async fn report(tasks: BackgroundTasks, ran: State<Calls>) -> String {
    let ran = Calls::clone(&ran);
    tasks.add_task(async move {
        ran.0.fetch_add(1, Ordering::SeqCst);
    });
    large_text()
}

#[tokio::test]
async fn gzip_keeps_background_tasks_after_the_body() {
    let ran = Calls::default();
    let client =
        TestClient::new(App::new().state(ran.clone()).middleware(GZip::new()).routes(routes![report]));
    let request =
        brisk::http::Request::get("/report").header("accept-encoding", "gzip").body(Body::empty()).unwrap();
    let response = client.service().await.call(request, None).await;
    assert_eq!(response.headers()["content-encoding"], "gzip");
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(ran.0.load(Ordering::SeqCst), 0, "the task waits for the body to be sent");
    let body = response.into_body().collect_limited(usize::MAX).await.unwrap();
    assert_eq!(gunzip(&body), large_text());
    let waited = tokio::time::timeout(Duration::from_secs(5), async {
        while ran.0.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    assert!(waited.await.is_ok(), "the task ran once the body was sent");
}

// ---------------------------------------------------------------- TrustedHost

fn host_client(trusted: TrustedHost) -> TestClient {
    let app = App::new().state(Calls::default()).middleware(trusted).routes(routes![hello]);
    TestClient::new(app)
}

async fn status_for(client: &TestClient, host: Option<&str>) -> u16 {
    let mut request = client.get("/hello");
    if let Some(host) = host {
        request = request.header("host", host);
    }
    let response = request.send().await;
    if response.status() == 400 {
        assert_eq!(response.text(), "Invalid host header");
    }
    response.status().as_u16()
}

#[tokio::test]
async fn trusted_host_accepts_listed_hosts_and_refuses_others() {
    let client = host_client(TrustedHost::new(["example.com", "localhost"]));
    for (host, status) in [
        (Some("example.com"), 200),
        (Some("example.com:8000"), 200),
        (Some("EXAMPLE.com"), 200),
        (Some("localhost:3000"), 200),
        (Some("evil.com"), 400),
        (Some("example.com.evil.com"), 400),
        (Some("api.example.com"), 400),
        (None, 400),
    ] {
        assert_eq!(status_for(&client, host).await, status, "{host:?}");
    }
    let twice = client.get("/hello").header("host", "example.com").header("host", "evil.com").send().await;
    assert_eq!(twice.status(), 400);
}

#[tokio::test]
async fn trusted_host_wildcards_allow_subdomains() {
    let client = host_client(TrustedHost::new(["*.example.com", "[::1]"]));
    for (host, status) in [
        (Some("api.example.com"), 200),
        (Some("a.b.example.com:443"), 200),
        (Some("example.com"), 400),
        (Some("badexample.com"), 400),
        (Some("[::1]:8000"), 400),
    ] {
        assert_eq!(status_for(&client, host).await, status, "{host:?}");
    }
    let client = host_client(TrustedHost::new(["::1"]));
    assert_eq!(status_for(&client, Some("[::1]:8000")).await, 200);

    let client = host_client(TrustedHost::new(["*"]));
    for host in [Some("anything.test"), None] {
        assert_eq!(status_for(&client, host).await, 200, "{host:?}");
    }
}

#[test]
#[should_panic(expected = "a wildcard must be like '*.example.com'")]
fn trusted_host_refuses_malformed_wildcards() {
    let _ = TrustedHost::new(["api.*.example.com"]);
}

#[tokio::test]
async fn cors_outside_trusted_host_decorates_its_refusal() {
    let app = App::new()
        .state(Calls::default())
        .middleware(Cors::new().allow_origin("https://a.com"))
        .middleware(TrustedHost::new(["example.com"]))
        .routes(routes![hello]);
    let client = TestClient::new(app);
    let response =
        client.get("/hello").header("host", "evil.com").header("origin", "https://a.com").send().await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.header("access-control-allow-origin"), Some("https://a.com"));
}

//! Cookies and response headers set from handlers, dependencies and
//! middleware, kept on every exit of the route.

use brisk::middleware::Next;
use brisk::prelude::*;
use brisk::response::{Cookie, SameSite};
use brisk::testing::TestClient;

#[post("/login")]
async fn login(headers: ResponseHeaders) -> &'static str {
    headers.set_cookie(Cookie::new("session", "abc123").http_only(true).secure(true));
    headers.set_cookie(Cookie::new("theme", "dark mode; café").max_age(std::time::Duration::from_secs(60)));
    headers.insert("x-login", "ok");
    "welcome"
}

#[get("/whoami")]
async fn whoami(
    #[cookie] session: Option<String>,
    #[cookie] theme: Option<String>,
) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "session": session, "theme": theme }))
}

#[post("/logout")]
async fn logout(headers: ResponseHeaders) -> Result<&'static str, HttpError> {
    headers.delete_cookie("session");
    Err(HttpError::unauthorized("the session had expired already"))
}

fn set_cookies(response: &brisk::testing::TestResponse) -> Vec<String> {
    response.headers().get_all("set-cookie").iter().map(|v| v.to_str().expect("ASCII").to_owned()).collect()
}

#[tokio::test]
async fn cookies_are_set_with_fastapis_defaults_and_come_back_decoded() {
    let client = TestClient::new(App::new().routes(routes![login, whoami, logout]));
    let response = client.post("/login").send().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.header("x-login"), Some("ok"));
    assert_eq!(
        set_cookies(&response),
        [
            "session=abc123; HttpOnly; SameSite=Lax; Secure; Path=/",
            "theme=dark%20mode%3B%20caf%C3%A9; SameSite=Lax; Path=/; Max-Age=60",
        ]
    );
    // Sent back by the client, read by #[cookie] parameters as they were set.
    let me: serde_json::Value = client.get("/whoami").send().await.json();
    assert_eq!(me, serde_json::json!({ "session": "abc123", "theme": "dark mode; café" }));
}

#[tokio::test]
async fn a_cookie_set_before_an_error_is_kept() {
    let client = TestClient::new(App::new().routes(routes![login, whoami, logout]));
    client.post("/login").send().await;
    assert_eq!(client.cookie("session").as_deref(), Some("abc123"));

    let response = client.post("/logout").send().await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let removal = &set_cookies(&response)[0];
    assert!(removal.starts_with("session=;"), "{removal}");
    assert!(removal.contains("Max-Age=0") && removal.contains("Path=/"), "{removal}");
    assert_eq!(client.cookie("session"), None);
}

#[depends]
async fn visit_counter(headers: ResponseHeaders, #[cookie] visits: Option<u32>) -> u32 {
    let visits = visits.unwrap_or(0) + 1;
    headers.set_cookie(Cookie::new("visits", visits.to_string()).same_site(SameSite::Strict));
    visits
}

#[get("/items")]
async fn items(
    #[depends(visit_counter)] visits: u32,
    headers: ResponseHeaders,
    #[query(ge = 1)] page: u32,
) -> String {
    headers.insert("x-page", &page.to_string());
    format!("visit {visits}, page {page}")
}

#[tokio::test]
async fn dependencies_and_handlers_share_one_set_kept_even_on_a_422() {
    let client = TestClient::new(App::new().routes(routes![items]));
    let response = client.get("/items?page=2").send().await;
    assert_eq!(response.text(), "visit 1, page 2");
    assert_eq!(response.header("x-page"), Some("2"));
    assert_eq!(set_cookies(&response), ["visits=1; SameSite=Strict; Path=/"]);

    // The page is invalid: the handler never runs, the dependency's cookie still goes out.
    let response = client.get("/items?page=0").send().await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(set_cookies(&response), ["visits=2; SameSite=Strict; Path=/"]);
    assert_eq!(client.cookie("visits").as_deref(), Some("2"));
}

#[get("/typed")]
async fn typed(headers: ResponseHeaders) -> Json<serde_json::Value> {
    headers.insert("content-type", "application/vnd.brisk+json");
    Json(serde_json::json!({ "ok": true }))
}

#[tokio::test]
async fn a_collected_header_replaces_the_responses_own() {
    let client = TestClient::new(App::new().routes(routes![typed]));
    let response = client.get("/typed").send().await;
    assert_eq!(response.headers().get_all("content-type").iter().count(), 1);
    assert_eq!(response.header("content-type"), Some("application/vnd.brisk+json"));
}

#[middleware]
async fn remember_locale(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    Cookie::new("locale", "fr").append_to(response.headers_mut());
    response
}

#[tokio::test]
async fn middleware_appends_cookies_next_to_the_handlers() {
    let app = App::new().routes(routes![login]).middleware(remember_locale);
    let client = TestClient::new(app);
    let cookies = set_cookies(&client.post("/login").send().await);
    assert_eq!(cookies.len(), 3, "{cookies:?}");
    assert_eq!(cookies[2], "locale=fr; SameSite=Lax; Path=/");

    // On a socket, each cookie is a header line of its own.
    let server =
        brisk_tests::Served::start(App::new().routes(routes![login]).middleware(remember_locale)).await;
    let client = reqwest::Client::builder().retry(reqwest::retry::never()).build().expect("client");
    let response =
        brisk_tests::within("the login", client.post(server.url("/login")).send()).await.expect("a response");
    let names: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().expect("ASCII").split('=').next().unwrap_or("").to_owned())
        .collect();
    assert_eq!(names, ["session", "theme", "locale"]);
}

#[test]
fn removal_and_attributes_render_as_rfc_6265_says() {
    let expires = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
    let cookie = Cookie::new("id", "7").domain("example.com").path("/app").expires(expires);
    assert_eq!(
        cookie.to_string(),
        "id=7; SameSite=Lax; Path=/app; Domain=example.com; Expires=Tue, 14 Nov 2023 22:13:20 GMT"
    );
    let removal = Cookie::removal("id").path("/app").to_string();
    assert!(removal.starts_with("id=; SameSite=Lax; Path=/app; Max-Age=0; Expires="), "{removal}");
}

#[derive(Debug)]
struct CartExpired;

#[exception_handler]
async fn cart_expired(_request: &Request, _error: CartExpired) -> Response {
    (StatusCode::GONE, "your cart expired").into_response()
}

#[post("/checkout")]
async fn checkout(headers: ResponseHeaders) -> Result<&'static str, CartExpired> {
    headers.delete_cookie("cart");
    Err(CartExpired)
}

#[tokio::test]
async fn an_exception_handlers_response_keeps_the_routes_cookies() {
    let client = TestClient::new(App::new().routes(routes![checkout]).exception_handler(cart_expired));
    let response = client.post("/checkout").send().await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert_eq!(response.text(), "your cart expired");
    let cookies = set_cookies(&response);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].starts_with("cart=;"), "{cookies:?}");
}

#[depends(scope = "function")]
async fn failing_commit() -> Result<u8, HttpError> {
    yield_!(0);
    Err(HttpError::new(StatusCode::CONFLICT, "the commit failed"))
}

#[post("/save")]
async fn save(#[depends(failing_commit)] _tx: u8, headers: ResponseHeaders) -> &'static str {
    headers.set_cookie(Cookie::new("draft", "kept"));
    "saved"
}

/// The commit fails after the handler: its error answers instead of the
/// handler's response, and that answer still carries the cookie.
#[tokio::test]
async fn a_failed_function_scoped_teardowns_answer_keeps_the_cookies() {
    let client = TestClient::new(App::new().routes(routes![save]));
    let response = client.post("/save").send().await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(set_cookies(&response), ["draft=kept; SameSite=Lax; Path=/"]);
}

#[test]
fn attribute_values_cannot_add_attributes() {
    let cookie = Cookie::new("s", "v").path("/; Domain=evil.example").domain("x\r\ny");
    let text = cookie.to_string();
    assert!(!text.contains("; Domain=evil.example"), "{text}");
    assert!(text.contains("Path=/%3B%20Domain=evil.example"), "{text}");
    assert!(!text.contains('\r') && !text.contains('\n'), "{text}");
    assert_eq!(cookie.to_header_value().to_str().ok(), Some(text.as_str()));
    assert!(Cookie::new("s", "v").path("/café").to_string().contains("Path=/caf%C3%A9"));
}

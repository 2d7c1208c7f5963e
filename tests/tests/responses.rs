//! What handlers may return, and the status and headers each becomes.

use brisk::prelude::*;
use brisk::testing::TestClient;
use serde_json::{Value, json};

#[get("/string")]
async fn string() -> String {
    "owned".to_owned()
}

#[get("/unit")]
async fn unit() {}

#[delete("/gone", status_code = 204)]
async fn gone() {}

#[post("/created", status_code = 201)]
async fn created() -> Json<Value> {
    Json(json!({"ok": true}))
}

#[post("/explicit", status_code = 201)]
async fn explicit() -> (StatusCode, &'static str) {
    (StatusCode::ACCEPTED, "explicit status wins")
}

#[get("/with-headers")]
async fn with_headers() -> (StatusCode, [(&'static str, &'static str); 2], Json<Value>) {
    (StatusCode::OK, [("x-one", "1"), ("x-two", "2")], Json(json!([1, 2])))
}

#[get("/response")]
async fn response() -> Response {
    let mut response = "built by hand".into_response();
    response.headers_mut().insert("x-hand", brisk::HeaderValue::from_static("yes"));
    response
}

#[get("/maybe/{id}")]
async fn maybe(id: u32) -> Option<Json<u32>> {
    (id < 10).then_some(Json(id))
}

#[derive(Debug)]
struct DatabaseDown {
    #[allow(dead_code)]
    secret: &'static str,
}

#[get("/fails")]
async fn fails() -> Result<String, DatabaseDown> {
    Err(DatabaseDown { secret: "password=hunter2" })
}

#[get("/question/{n}")]
async fn question(n: i32) -> Result<String, HttpError> {
    let checked = check(n)?;
    Ok(format!("{checked} is fine"))
}

fn check(n: i32) -> Result<i32, HttpError> {
    if n < 0 { Err(HttpError::bad_request("negative")) } else { Ok(n) }
}

#[post("/created-result", status_code = 201)]
async fn created_result() -> Result<&'static str, HttpError> {
    Ok("made")
}

#[get("/sync")]
fn sync_handler(n: u32) -> String {
    format!("sync {n}")
}

#[get("/sync-panic")]
fn sync_panic() -> String {
    panic!("sync handler panicked")
}

#[get("/html")]
async fn html() -> Html<String> {
    Html("<p>hi</p>".to_owned())
}

fn client() -> TestClient {
    TestClient::new(App::new().routes(routes![
        string,
        unit,
        gone,
        created,
        explicit,
        with_headers,
        response,
        maybe,
        fails,
        question,
        created_result,
        sync_handler,
        sync_panic,
        html
    ]))
}

#[tokio::test]
async fn text_and_unit() {
    let client = client();
    let r = client.get("/string").send().await;
    assert_eq!((r.status().as_u16(), r.text().as_str()), (200, "owned"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    let r = client.get("/unit").send().await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().is_empty());
    let r = client.get("/html").send().await;
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
}

#[tokio::test]
async fn status_code_applies_to_implied_statuses_only() {
    let client = client();
    assert_eq!(client.delete("/gone").send().await.status(), 204);
    assert_eq!(client.post("/created").send().await.status(), 201);
    assert_eq!(client.post("/created-result").send().await.status(), 201);
    let r = client.post("/explicit").send().await;
    assert_eq!(r.status(), 202);
    assert_eq!(r.text(), "explicit status wins");
}

#[tokio::test]
async fn tuples_and_hand_built_responses_keep_their_headers() {
    let client = client();
    let r = client.get("/with-headers").send().await;
    assert_eq!((r.header("x-one"), r.header("x-two")), (Some("1"), Some("2")));
    assert_eq!(r.json::<Value>(), json!([1, 2]));
    let r = client.get("/response").send().await;
    assert_eq!(r.header("x-hand"), Some("yes"));
    assert_eq!(r.text(), "built by hand");
}

#[tokio::test]
async fn none_is_a_404() {
    let client = client();
    assert_eq!(client.get("/maybe/3").send().await.text(), "3");
    let r = client.get("/maybe/30").send().await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>(), json!({"detail": "Not Found"}));
}

#[tokio::test]
async fn unknown_errors_are_generic_500s_that_leak_nothing() {
    let r = client().get("/fails").send().await;
    assert_eq!(r.status(), 500);
    assert_eq!(r.json::<Value>(), json!({"detail": "Internal Server Error"}));
    assert!(!r.text().contains("hunter2"));
}

#[tokio::test]
async fn question_mark_propagates_http_errors() {
    let client = client();
    assert_eq!(client.get("/question/1").send().await.text(), "1 is fine");
    let r = client.get("/question/-1").send().await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>(), json!({"detail": "negative"}));
}

#[tokio::test]
async fn plain_fn_handlers_run_and_their_panics_are_500s() {
    let client = client();
    assert_eq!(client.get("/sync?n=4").send().await.text(), "sync 4");
    assert_eq!(client.get("/sync-panic").send().await.status(), 500);
    assert_eq!(client.get("/sync?n=5").send().await.text(), "sync 5");
}

#[get("/thread")]
fn thread_name() -> String {
    std::thread::current().name().unwrap_or("").to_owned()
}

#[get("/thread-async")]
async fn thread_name_async() -> String {
    std::thread::current().name().unwrap_or("").to_owned()
}

#[tokio::test(flavor = "current_thread")]
async fn plain_fn_handlers_leave_the_event_loop_thread() {
    let client = TestClient::new(App::new().routes(routes![thread_name, thread_name_async]));
    let loop_thread = client.get("/thread-async").send().await.text();
    let handler_thread = client.get("/thread").send().await.text();
    assert_ne!(loop_thread, handler_thread, "a plain fn must run on the blocking pool");
}

#[get("/raw/vec")]
async fn raw_vec() -> Vec<u8> {
    vec![0, 159, 146, 150]
}

#[get("/raw/bytes")]
async fn raw_bytes() -> bytes::Bytes {
    bytes::Bytes::from_static(b"\x89PNG")
}

#[tokio::test]
async fn raw_bytes_are_octet_streams() {
    let client = TestClient::new(App::new().routes(routes![raw_vec, raw_bytes]));
    let response = client.get("/raw/vec").send().await;
    assert_eq!(response.header("content-type"), Some("application/octet-stream"));
    assert_eq!(response.bytes().as_ref(), [0, 159, 146, 150]);
    let response = client.get("/raw/bytes").send().await;
    assert_eq!(response.header("content-type"), Some("application/octet-stream"));
    assert_eq!(response.bytes().as_ref(), b"\x89PNG");
}

//! An app built with none of brisk's optional parts (`default-features =
//! false`), through the public API: it serves routes, dependencies, 422s and
//! its docs, and answers what it cannot read with a 415 that says what it
//! reads instead. `.ci/run` runs these with `--no-default-features`.

use serde::Deserialize;
use serde_json::{Value, json};

use brisk::prelude::*;
use brisk::testing::{MultipartForm, TestClient};

#[derive(Deserialize, JsonSchema)]
struct Item {
    name: String,
}

#[depends]
async fn caller(#[header] x_caller: Option<String>) -> String {
    x_caller.unwrap_or_else(|| "anonymous".to_owned())
}

#[get("/items/{item_id}")]
async fn read_item(
    item_id: u32,
    #[query(le = 10)] limit: u32,
    #[depends(caller)] who: String,
) -> Json<Value> {
    Json(json!({ "item_id": item_id, "limit": limit, "caller": who }))
}

#[post("/items", status_code = 201)]
async fn create_item(#[body] item: Item) -> String {
    item.name
}

#[post("/login")]
async fn login(#[form] username: String) -> String {
    username
}

fn client() -> TestClient {
    TestClient::new(App::new().routes(routes![read_item, create_item, login]))
}

#[tokio::test]
async fn routes_dependencies_and_validation_work_without_the_optional_parts() {
    let client = client();
    let response = client.get("/items/7?limit=3").header("x-caller", "ada").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>(), json!({ "item_id": 7, "limit": 3, "caller": "ada" }));

    let response = client.get("/items/7?limit=11").send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["detail"][0]["loc"], json!(["query", "limit"]));

    let response = client.post("/items").json(&json!({ "name": "pen" })).send().await;
    assert_eq!((response.status().as_u16(), response.text()), (201, "pen".to_owned()));

    let response = client.get("/openapi.json").send().await;
    assert_eq!(response.status(), 200);
    assert!(response.json::<Value>()["paths"]["/items/{item_id}"]["get"].is_object());
    assert_eq!(client.get("/docs").send().await.status(), 200);
}

#[tokio::test]
async fn a_urlencoded_form_is_read_and_a_multipart_one_is_refused_by_name() {
    let client = client();
    let response = client.post("/login").form(&[("username", "ada")]).send().await;
    assert_eq!((response.status().as_u16(), response.text()), (200, "ada".to_owned()));

    let form = MultipartForm::new().text("username", "ada");
    let response = client.post("/login").multipart(form).send().await;
    assert_eq!(response.status(), 415);
    assert_eq!(
        response.json::<Value>(),
        json!({ "detail": "Unsupported Media Type: expected `application/x-www-form-urlencoded`" })
    );
}

/// Without the `http2` feature the server speaks HTTP/1.1 alone: a client
/// that opens with the HTTP/2 preface has its connection closed, unanswered
/// (it expects HTTP/2 frames, which an HTTP/1.1 status line is not), and
/// the server goes on serving HTTP/1.1.
#[cfg(not(feature = "http2"))]
#[tokio::test]
async fn without_http2_a_preface_is_closed_unanswered_and_http1_is_served() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the listener's address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = App::new().routes(routes![read_item, create_item, login]);
    let server = tokio::spawn(app.serve_with(listener, async move {
        let _ = stopped.await;
    }));
    let wait = Duration::from_secs(10);

    let mut h2 = TcpStream::connect(addr).await.expect("connect");
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0").await.expect("write the preface");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(wait, h2.read_to_end(&mut answer)).await.expect("closed in time");
    assert!(read.is_err() || answer.is_empty(), "an HTTP/2 preface was answered: {answer:?}");

    let mut h1 = TcpStream::connect(addr).await.expect("connect");
    h1.write_all(b"GET /items/7?limit=3 HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n")
        .await
        .expect("write the request");
    let mut answer = String::new();
    tokio::time::timeout(wait, h1.read_to_string(&mut answer))
        .await
        .expect("answered in time")
        .expect("read the answer");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with(r#"{"caller":"anonymous","item_id":7,"limit":3}"#), "{answer}");

    let _ = stop.send(());
    tokio::time::timeout(wait, server)
        .await
        .expect("stopped in time")
        .expect("the server task")
        .expect("served without error");
}

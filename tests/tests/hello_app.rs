//! examples/hello through the in-process TestClient.

use brisk::testing::TestClient;
use serde_json::{Value, json};

fn client() -> TestClient {
    TestClient::new(hello::app())
}

#[tokio::test]
async fn index_says_hello() {
    let response = client().get("/").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.json::<Value>(), json!({"message": "Hello, World!"}));
}

#[tokio::test]
async fn plaintext_is_text() {
    let response = client().get("/plaintext").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(response.text(), "Hello, World!");
}

#[tokio::test]
async fn item_with_query_and_default_limit() {
    let client = client();
    let response = client.get("/items/42").query(&[("q", "hi")]).send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>(), json!({"item_id": 42, "q": "hi", "limit": 10}));
    let response = client.get("/items/7?limit=100").send().await;
    assert_eq!(response.json::<Value>(), json!({"item_id": 7, "q": null, "limit": 100}));
}

#[tokio::test]
async fn item_errors_are_collected_into_one_422() {
    let response = client().get("/items/abc?limit=0").send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json::<Value>(),
        json!({"detail": [
            {"type": "int_parsing", "loc": ["path", "item_id"],
             "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "abc"},
            {"type": "greater_than_equal", "loc": ["query", "limit"],
             "msg": "Input should be greater than or equal to 1", "input": "0", "ctx": {"ge": 1}},
        ]})
    );
}

#[tokio::test]
async fn create_item_echoes_with_id() {
    let response = client()
        .post("/items")
        .json(&json!({"name": "widget", "price": 2.5, "tags": ["a", "b"]}))
        .send()
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json();
    assert_eq!(body["name"], "widget");
    assert_eq!(body["price"], 2.5);
    assert_eq!(body["tags"], json!(["a", "b"]));
    assert!(body["id"].is_u64());
}

#[tokio::test]
async fn create_item_reports_every_failing_field() {
    let response = client().post("/items").json(&json!({"name": "", "price": 0})).send().await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json();
    let errors = body["detail"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{body}");
    assert_eq!(errors[0]["type"], "string_too_short");
    assert_eq!(errors[0]["loc"], json!(["body", "name"]));
    assert_eq!(errors[1]["type"], "greater_than");
    assert_eq!(errors[1]["loc"], json!(["body", "price"]));
}

#[tokio::test]
async fn headers_reports_user_agent_and_client() {
    let response = client().get("/headers").header("User-Agent", "probe/1.0").send().await;
    assert_eq!(response.json::<Value>(), json!({"user_agent": "probe/1.0", "client": "127.0.0.1"}));
    let response = client().get("/headers").send().await;
    assert_eq!(response.json::<Value>()["user_agent"], Value::Null);
}

#[tokio::test]
async fn boom_is_a_500_and_the_app_keeps_serving() {
    let client = client();
    let response = client.get("/boom").send().await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.json::<Value>(), json!({"detail": "Internal Server Error"}));
    assert_eq!(client.get("/plaintext").send().await.status(), 200);
}

#[tokio::test]
async fn teapot_carries_detail_and_header() {
    let response = client().get("/teapot").send().await;
    assert_eq!(response.status(), 418);
    assert_eq!(response.header("x-teapot"), Some("yes"));
    assert_eq!(response.json::<Value>(), json!({"detail": {"reason": "short and stout"}}));
}

#[tokio::test]
async fn me_resolves_the_user_through_a_dependency_chain() {
    let client = client();
    let alice = client.get("/me").header("Authorization", "Bearer alice-token").send().await;
    assert_eq!(alice.status(), 200);
    assert_eq!(alice.json::<Value>(), json!({"user": "alice"}));
    let bob = client.get("/me").header("Authorization", "Bearer bob-token").send().await;
    assert_eq!(bob.json::<Value>(), json!({"user": "bob"}));

    for request in [client.get("/me"), client.get("/me").header("Authorization", "Bearer mallory-token")] {
        let response = request.send().await;
        assert_eq!(response.status(), 401);
        assert_eq!(response.header("www-authenticate"), Some("Bearer"));
        assert_eq!(response.json::<Value>(), json!({"detail": "Invalid credentials"}));
    }
}

//! `#[form]` fields: read from an urlencoded body once per request, with
//! the options query parameters have, errors in the request's single 422.

use brisk::prelude::*;
use brisk::testing::TestClient;
use serde_json::{Value, json};

#[post("/login")]
async fn login(#[form] username: String, #[form(min_length = 8)] password: String) -> Json<Value> {
    Json(json!({ "username": username, "password_length": password.len() }))
}

#[post("/items")]
async fn add_items(
    #[form] name: String,
    #[form(default = 1, ge = 1, le = 10)] count: u32,
    #[form] tags: Vec<String>,
    #[form(alias = "e-mail")] email: Option<String>,
) -> Json<Value> {
    Json(json!({ "name": name, "count": count, "tags": tags, "email": email }))
}

fn app() -> App {
    App::new().routes(routes![login, add_items, signed_in])
}

#[tokio::test]
async fn form_fields_are_read_decoded_and_checked() {
    let client = TestClient::new(app());
    let response = client
        .post("/login")
        .form(&[("username", "ada lovelace!"), ("password", "correct horse")])
        .send()
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>(), json!({ "username": "ada lovelace!", "password_length": 13 }));

    // `+` and `%XX` as browsers send them.
    let raw = client
        .post("/login")
        .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        .body("username=ada+lovelace%21&password=12345678")
        .send()
        .await;
    assert_eq!(raw.json::<Value>()["username"], "ada lovelace!");

    let response = client
        .post("/items")
        .form(&[("name", "pen"), ("tags", "blue"), ("tags", "cheap"), ("e-mail", "ada@example.com")])
        .send()
        .await;
    assert_eq!(
        response.json::<Value>(),
        json!({ "name": "pen", "count": 1, "tags": ["blue", "cheap"], "email": "ada@example.com" })
    );
}

#[tokio::test]
async fn missing_empty_and_invalid_fields_share_one_422() {
    let client = TestClient::new(app());
    // An empty value counts as absent, as in FastAPI.
    let response = client.post("/login").form(&[("username", ""), ("password", "short")]).send().await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let detail = response.json::<Value>()["detail"].clone();
    assert_eq!(detail[0]["type"], "missing");
    assert_eq!(detail[0]["loc"], json!(["body", "username"]));
    assert_eq!(detail[1]["type"], "string_too_short");
    assert_eq!(detail[1]["loc"], json!(["body", "password"]));

    let response = client.post("/items").form(&[("count", "11")]).send().await;
    let detail = response.json::<Value>()["detail"].clone();
    let locs: Vec<Value> =
        detail.as_array().expect("a list").iter().map(|item| item["loc"].clone()).collect();
    assert_eq!(locs, [json!(["body", "name"]), json!(["body", "count"])]);
}

#[tokio::test]
async fn another_content_type_is_a_415_and_no_body_is_an_empty_form() {
    let client = TestClient::new(app());
    let response =
        client.post("/login").json(&json!({ "username": "ada", "password": "12345678" })).send().await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        response.json::<Value>(),
        json!({ "detail": "Unsupported Media Type: expected `application/x-www-form-urlencoded`" })
    );
    let response = client.post("/items").send().await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.json::<Value>()["detail"][0]["loc"], json!(["body", "name"]));
}

#[tokio::test]
async fn a_form_over_the_body_limit_is_a_413() {
    let client = TestClient::new(app().body_limit(64));
    let long = "x".repeat(100);
    let response =
        client.post("/login").form(&[("username", long.as_str()), ("password", "12345678")]).send().await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[depends]
async fn csrf_checked(#[form] csrf_token: String) -> Result<(), HttpError> {
    match csrf_token == "expected" {
        true => Ok(()),
        false => Err(HttpError::forbidden("bad CSRF token")),
    }
}

/// A dependency's form fields and the handler's come from one body.
#[post("/profile", dependencies = [csrf_checked])]
async fn signed_in(#[form] display_name: String) -> String {
    display_name
}

#[tokio::test]
async fn a_dependency_and_its_handler_read_the_same_form() {
    let client = TestClient::new(app());
    let response =
        client.post("/profile").form(&[("csrf_token", "expected"), ("display_name", "Ada")]).send().await;
    assert_eq!(response.text(), "Ada");
    let response =
        client.post("/profile").form(&[("csrf_token", "forged"), ("display_name", "Ada")]).send().await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

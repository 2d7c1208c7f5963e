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

#[post("/search")]
async fn search(#[form] q: Option<String>, #[form] tags: Vec<String>) -> Json<Value> {
    Json(json!({ "q": q, "tags": tags }))
}

fn app() -> App {
    App::new().routes(routes![login, add_items, signed_in, search, register, pick])
}

/// A whole form as one model: serde for the fields, validator for the constraints.
#[derive(Deserialize, validator::Validate)]
struct Registration {
    #[validate(length(min = 3))]
    username: String,
    #[validate(range(min = 13))]
    age: u32,
    #[serde(default)]
    newsletter: bool,
    nickname: Option<String>,
    #[serde(default)]
    interests: Vec<String>,
}

#[post("/register")]
async fn register(#[form] registration: Registration, #[form] referrer: Option<String>) -> Json<Value> {
    Json(json!({
        "username": registration.username,
        "age": registration.age,
        "newsletter": registration.newsletter,
        "nickname": registration.nickname,
        "interests": registration.interests,
        "referrer": referrer,
    }))
}

use brisk_tests::Color;

/// A field of a type of the app's own that parses from text (not a model).
#[post("/pick")]
async fn pick(#[form] color: Color) -> String {
    format!("{color:?}")
}

#[tokio::test]
async fn a_whole_model_is_read_from_urlencoded_and_multipart_forms() {
    let client = TestClient::new(app());
    let fields = [
        ("username", "ada"),
        ("age", "36"),
        ("newsletter", "on"),
        ("nickname", ""),
        ("interests", "math"),
        ("interests", "engines"),
        ("referrer", "friend"),
    ];
    let expected = json!({
        "username": "ada", "age": 36, "newsletter": true, "nickname": null,
        "interests": ["math", "engines"], "referrer": "friend",
    });
    let response = client.post("/register").form(&fields).send().await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
    assert_eq!(response.json::<Value>(), expected);

    let form = fields.iter().fold(brisk::testing::MultipartForm::new(), |form, (k, v)| form.text(k, v));
    let response = client.post("/register").multipart(form).send().await;
    assert_eq!(response.json::<Value>(), expected);

    // An unchecked checkbox is simply absent.
    let response = client.post("/register").form(&[("username", "ada"), ("age", "36")]).send().await;
    assert_eq!(response.json::<Value>()["newsletter"], false);

    let response = client.post("/pick").form(&[("color", "blue")]).send().await;
    assert_eq!(response.text(), "Blue");
}

#[tokio::test]
async fn a_model_form_reports_at_body_field() {
    let client = TestClient::new(app());
    let detail = |response: brisk::testing::TestResponse| {
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        response.json::<Value>()["detail"][0].clone()
    };
    let item = detail(client.post("/register").form(&[("username", "ada"), ("age", "")]).send().await);
    assert_eq!((item["type"].clone(), item["loc"].clone()), (json!("missing"), json!(["body", "age"])));

    let item = detail(client.post("/register").form(&[("username", "ada"), ("age", "old")]).send().await);
    assert_eq!(item["type"], "int_parsing");
    assert_eq!(item["loc"], json!(["body", "age"]));
    assert_eq!(item["input"], "old");

    let item = detail(client.post("/register").form(&[("username", "ada"), ("age", "9")]).send().await);
    assert_eq!(item["type"], "greater_than_equal");
    assert_eq!(item["loc"], json!(["body", "age"]));

    let response = client.post("/register").form(&[("username", "al"), ("age", "40")]).send().await;
    let item = detail(response);
    assert_eq!(item["type"], "string_too_short");
    assert_eq!(item["loc"], json!(["body", "username"]));

    let item = detail(client.post("/pick").form(&[("color", "green")]).send().await);
    assert_eq!(item["type"], "enum");
    assert_eq!(item["loc"], json!(["body", "color"]));
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
        json!({
            "detail": "Unsupported Media Type: expected `application/x-www-form-urlencoded` or `multipart/form-data`"
        })
    );
    // Even when every field could be absent: the body was not a form.
    let response = client.post("/search").json(&json!({ "q": "pen" })).send().await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
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

#[depends]
async fn form_owner(#[form] owner: String) -> String {
    owner
}

/// The handler takes `owner` too, and through its dependency: one field.
#[post("/transfer")]
async fn transfer(
    #[depends(form_owner)] checked: String,
    #[form] owner: String,
    #[form] amount: u32,
) -> String {
    format!("{checked} {owner} {amount}")
}

#[tokio::test]
async fn a_field_shared_with_a_dependency_is_reported_once() {
    let client = TestClient::new(App::new().routes(routes![transfer]));
    let response = client.post("/transfer").form(&[("amount", "x")]).send().await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let detail = response.json::<Value>()["detail"].clone();
    let reported: Vec<_> =
        detail.as_array().unwrap().iter().map(|e| (e["loc"].clone(), e["type"].clone())).collect();
    assert_eq!(
        reported,
        [(json!(["body", "owner"]), json!("missing")), (json!(["body", "amount"]), json!("int_parsing"))]
    );
    let response = client.post("/transfer").form(&[("owner", "ada"), ("amount", "5")]).send().await;
    assert_eq!(response.text(), "ada ada 5");
}

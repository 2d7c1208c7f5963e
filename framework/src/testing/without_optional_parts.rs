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

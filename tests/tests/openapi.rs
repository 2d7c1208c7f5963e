//! The OpenAPI document: made once from the routes' recorded metadata,
//! returned by `App::openapi()` and served at `/openapi.json`.

use brisk::prelude::*;
use brisk::testing::TestClient;
use serde_json::{Value, json};

#[depends]
async fn get_current_user(#[header] authorization: String, #[query] api_version: Option<u8>) -> String {
    let _ = api_version;
    authorization
}

/// Reads one item.
///
/// With its owner's name.
#[get("/items/{item_id}", tags = ["items"])]
async fn read_item(
    item_id: i64,
    #[query(default = 10)] limit: u32,
    #[query(alias = "sort-by")] sort: Option<String>,
    #[header] x_token: String,
    #[cookie] session: Option<String>,
    #[depends(get_current_user)] user: String,
) -> String {
    format!("{item_id} {limit} {sort:?} {x_token} {session:?} {user}")
}

#[derive(Deserialize)]
struct NewItem {
    name: String,
}

#[post(
    "/items",
    status_code = 201,
    summary = "Create an item",
    description = "Stores it.",
    operation_id = "createItem",
    deprecated
)]
async fn create_item(#[body] item: NewItem, #[depends(get_current_user)] user: String) -> String {
    format!("{} {user}", item.name)
}

#[get("/internal", include_in_schema = false)]
async fn internal() -> &'static str {
    "hidden"
}

#[get("/files/{*path}")]
async fn files(path: String) -> String {
    path
}

fn app() -> App {
    App::new().title("Shop").version("2.1.0").description("Items and their owners.").routes(routes![
        read_item,
        create_item,
        internal,
        files
    ])
}

#[test]
fn the_document_has_every_route_with_its_metadata_and_parameters() {
    let document = app().openapi();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document["info"],
        json!({ "title": "Shop", "version": "2.1.0", "description": "Items and their owners." })
    );
    let paths = document["paths"].as_object().unwrap();
    let mut listed: Vec<&str> = paths.keys().map(String::as_str).collect();
    listed.sort_unstable();
    assert_eq!(listed, ["/files/{path}", "/items", "/items/{item_id}"], "internal is left out");

    let read = &document["paths"]["/items/{item_id}"]["get"];
    assert_eq!(read["operationId"], "read_item_items__item_id__get");
    assert_eq!(read["summary"], "Read Item");
    assert_eq!(read["description"], "Reads one item.\n\nWith its owner's name.");
    assert_eq!(read["tags"], json!(["items"]));
    assert!(read.get("deprecated").is_none());
    let parameters: Vec<(Value, Value, Value)> = read["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].clone(), p["in"].clone(), p["required"].clone()))
        .collect();
    assert_eq!(
        parameters,
        [
            (json!("item_id"), json!("path"), json!(true)),
            (json!("limit"), json!("query"), json!(false)),
            (json!("sort-by"), json!("query"), json!(false)),
            (json!("x-token"), json!("header"), json!(true)),
            (json!("session"), json!("cookie"), json!(false)),
            // The dependency's own parameters, flattened in.
            (json!("authorization"), json!("header"), json!(true)),
            (json!("api_version"), json!("query"), json!(false)),
        ]
    );
    assert_eq!(read["responses"]["200"]["description"], "Successful Response");
    assert_eq!(read["responses"]["422"]["description"], "Validation Error");

    let create = &document["paths"]["/items"]["post"];
    assert_eq!(create["operationId"], "createItem");
    assert_eq!(create["summary"], "Create an item");
    assert_eq!(create["description"], "Stores it.");
    assert_eq!(create["deprecated"], true);
    assert!(create["responses"].get("201").is_some() && create["responses"].get("200").is_none());
    // A route reached twice through one dependency lists its parameters once.
    let names: Vec<&str> =
        create["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["authorization", "api_version"]);

    let files = &document["paths"]["/files/{path}"]["get"];
    assert_eq!(files["operationId"], "files_files___path__get");
    assert_eq!(files["parameters"][0]["name"], "path");
}

#[get("/shared")]
async fn shared(#[depends(get_current_user)] first: String, #[header] authorization: String) -> String {
    format!("{first} {authorization}")
}

#[test]
fn a_parameter_of_the_route_and_its_dependency_is_listed_once() {
    let document = App::new().routes(routes![shared]).openapi();
    let names: Vec<&str> = document["paths"]["/shared"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["authorization", "api_version"]);
}

#[tokio::test]
async fn the_document_is_served_at_its_url_and_can_be_moved_or_turned_off() {
    let expected = app().openapi();
    let client = TestClient::new(app());
    let response = client.get("/openapi.json").send().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.json::<Value>(), expected);
    assert!(expected["paths"].get("/openapi.json").is_none(), "the document does not list itself");

    let moved = TestClient::new(app().openapi_url(Some("/api/schema.json")));
    assert_eq!(moved.get("/api/schema.json").send().await.json::<Value>(), expected);
    assert_eq!(moved.get("/openapi.json").send().await.status(), StatusCode::NOT_FOUND);

    let off = TestClient::new(app().openapi_url(None));
    assert_eq!(off.get("/openapi.json").send().await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn routers_tags_and_dependencies_reach_the_document() {
    #[get("/me")]
    async fn me() -> &'static str {
        "me"
    }
    let router =
        Router::new().prefix("/users").tags(["users"]).dependency::<get_current_user>().routes(routes![me]);
    let document = App::new().include(router).openapi();
    let operation = &document["paths"]["/users/me"]["get"];
    assert_eq!(operation["tags"], json!(["users"]));
    assert_eq!(operation["operationId"], "me_users_me_get");
    assert_eq!(operation["parameters"][0]["name"], "authorization");
}

//! Routing through the public API: methods, templates, 404/405, HEAD, conflicts.

use brisk::prelude::*;
use brisk::testing::TestClient;
use serde_json::{Value, json};

#[get("/things")]
async fn list_things() -> &'static str {
    "list"
}

#[post("/things")]
async fn create_thing() -> &'static str {
    "create"
}

#[delete("/things")]
async fn clear_things() -> &'static str {
    "clear"
}

#[put("/things/{id}")]
async fn replace_thing(id: u32) -> String {
    format!("put {id}")
}

#[patch("/things/{id}")]
async fn update_thing(id: u32) -> String {
    format!("patch {id}")
}

#[options("/things/{id}")]
async fn thing_options(id: u32) -> String {
    format!("options {id}")
}

#[get("/files/{*path}")]
async fn file(path: String) -> String {
    path
}

#[get("/names/{name}")]
async fn name(name: String) -> String {
    name
}

#[get("/page")]
async fn page() -> Html<&'static str> {
    Html("<h1>page</h1>")
}

#[get("/custom-head")]
async fn custom_head_get() -> &'static str {
    "from get"
}

#[head("/custom-head")]
async fn custom_head() -> (StatusCode, [(&'static str, &'static str); 1], ()) {
    (StatusCode::OK, [("x-from", "head")], ())
}

fn client() -> TestClient {
    TestClient::new(App::new().routes(routes![
        list_things,
        create_thing,
        clear_things,
        replace_thing,
        update_thing,
        thing_options,
        file,
        name,
        page,
        custom_head_get,
        custom_head,
    ]))
}

#[tokio::test]
async fn every_method_macro_routes_its_method() {
    let client = client();
    assert_eq!(client.get("/things").send().await.text(), "list");
    assert_eq!(client.post("/things").send().await.text(), "create");
    assert_eq!(client.delete("/things").send().await.text(), "clear");
    assert_eq!(client.put("/things/3").send().await.text(), "put 3");
    assert_eq!(client.patch("/things/4").send().await.text(), "patch 4");
    assert_eq!(client.options("/things/5").send().await.text(), "options 5");
}

#[tokio::test]
async fn unknown_path_is_a_json_404() {
    let response = client().get("/nowhere").send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.json::<Value>(), json!({"detail": "Not Found"}));
}

#[tokio::test]
async fn wrong_method_is_a_405_listing_every_method_at_the_path() {
    let response = client().patch("/things").send().await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.json::<Value>(), json!({"detail": "Method Not Allowed"}));
    assert_eq!(response.header("allow"), Some("DELETE, GET, HEAD, POST"));

    let response = client().get("/things/1").send().await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.header("allow"), Some("OPTIONS, PATCH, PUT"));
}

#[tokio::test]
async fn head_is_answered_for_get_routes_without_a_body() {
    let client = client();
    let get = client.get("/page").send().await;
    let head = client.head("/page").send().await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.header("content-type"), get.header("content-type"));
    assert_eq!(head.header("content-length"), Some(get.bytes().len().to_string().as_str()));
    assert!(head.bytes().is_empty());
}

#[tokio::test]
async fn an_explicit_head_route_wins_over_get() {
    let response = client().head("/custom-head").send().await;
    assert_eq!(response.header("x-from"), Some("head"));
}

#[tokio::test]
async fn catch_all_takes_the_rest_of_the_path() {
    let response = client().get("/files/a/b/c.txt").send().await;
    assert_eq!(response.text(), "a/b/c.txt");
}

#[tokio::test]
async fn path_parameters_are_percent_decoded() {
    let response = client().get("/names/hello%20w%C3%B6rld").send().await;
    assert_eq!(response.text(), "hello wörld");
}

/// A parameter takes a whole, non-empty segment, as FastAPI's `[^/]+`:
/// an empty one (`//`) matches no route, whatever the parameter's type.
#[tokio::test]
async fn an_empty_segment_is_no_path_parameter_but_a_404() {
    let client = client();
    for path in ["/names/", "/things//", "/names//x"] {
        let response = client.get(path).send().await;
        assert_eq!(response.status(), 404, "{path}: {}", response.text());
    }
    // A catch-all keeps empty segments inside what it takes.
    assert_eq!(client.get("/files/a//b").send().await.text(), "a//b");
}

#[tokio::test]
async fn path_parameter_of_the_wrong_type_is_a_422() {
    let response = client().put("/things/-1").send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["detail"][0]["loc"], json!(["path", "id"]));
}

#[get("/dup")]
async fn first_dup() -> &'static str {
    "1"
}

#[get("/dup")]
async fn second_dup() -> &'static str {
    "2"
}

#[get("/items/{id}")]
async fn item_by_id(id: u32) -> String {
    id.to_string()
}

#[get("/items/{item_id}")]
async fn item_by_item_id(item_id: u32) -> String {
    item_id.to_string()
}

#[test]
fn the_same_method_and_path_twice_is_reported_naming_both_handlers() {
    let err = App::new().routes(routes![first_dup, second_dup]).build().unwrap_err();
    let message = err.to_string();
    assert!(message.contains("first_dup") && message.contains("second_dup"), "{message}");
}

#[test]
fn overlapping_templates_are_reported_naming_both_handlers() {
    let err = App::new().routes(routes![item_by_id, item_by_item_id]).build().unwrap_err();
    let message = err.to_string();
    assert!(message.contains("item_by_id") && message.contains("item_by_item_id"), "{message}");
}

#[test]
fn routes_can_be_listed() {
    let service = App::new().routes(routes![list_things, create_thing]).build().unwrap();
    let routes: Vec<String> = service.routes().iter().map(|r| format!("{:?}", r)).collect();
    let expected = ["GET /things → list_things", "POST /things → create_thing"]
        .into_iter()
        .chain(brisk_tests::BUILT_IN_ROUTES.lines())
        .collect::<Vec<_>>();
    assert_eq!(routes, expected);
}

mod nested {
    use brisk::prelude::*;

    #[get("/nested")]
    pub async fn nested_handler() -> &'static str {
        "nested"
    }
}

#[tokio::test]
async fn routes_accept_paths_to_handlers_in_other_modules() {
    let client = TestClient::new(App::new().routes(routes![nested::nested_handler]));
    assert_eq!(client.get("/nested").send().await.text(), "nested");
}

use brisk_tests::Color;

#[get("/colors/{color}")]
async fn color(color: Color, #[query(default = Color::Red)] fallback: Color) -> String {
    format!("{color:?} {fallback:?}")
}

#[tokio::test]
async fn user_types_parse_from_path_and_query_through_from_text() {
    let client = TestClient::new(App::new().routes(routes![color]));
    assert_eq!(client.get("/colors/blue").send().await.text(), "Blue Red");
    assert_eq!(client.get("/colors/red?fallback=blue").send().await.text(), "Red Blue");
    let response = client.get("/colors/green").send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json::<Value>()["detail"][0],
        json!({"type": "enum", "loc": ["path", "color"], "msg": "Input should be 'red' or 'blue'", "input": "green"})
    );
}

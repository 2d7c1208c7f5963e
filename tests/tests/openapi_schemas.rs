//! Schemas in the OpenAPI document: models from `#[derive(JsonSchema)]`
//! with their validator constraints, parameters with their options,
//! request bodies, responses (the return type, `response_model`,
//! `responses(...)`), the 422 components, and collision-free names.

use brisk::prelude::*;
use brisk::testing::TestClient;
use serde_json::{Value, json};

mod shop {
    use brisk::prelude::*;

    /// An item in the shop's catalogue.
    #[derive(Deserialize, Serialize, JsonSchema, validator::Validate)]
    pub struct Item {
        #[validate(length(min = 3, max = 20))]
        pub name: String,
        #[validate(range(min = 1, max = 100))]
        pub quantity: i64,
        #[validate(email)]
        pub contact: Option<String>,
    }
}

mod warehouse {
    use brisk::prelude::*;

    /// An item as the warehouse counts it.
    #[derive(Deserialize, Serialize, JsonSchema)]
    pub struct Item {
        pub shelf: u32,
    }
}

#[derive(Serialize, JsonSchema)]
struct Page<T> {
    items: Vec<T>,
    total: u64,
}

#[derive(Serialize, JsonSchema)]
struct NotFound {
    detail: String,
}

/// The stored record, with what must never leave.
struct UserRecord {
    name: String,
    password_hash: String,
}

#[derive(Serialize, JsonSchema)]
struct UserOut {
    name: String,
}

impl From<UserRecord> for UserOut {
    fn from(record: UserRecord) -> Self {
        let _ = record.password_hash;
        UserOut { name: record.name }
    }
}

#[derive(Serialize, JsonSchema)]
struct Shelf {
    code: String,
}

/// A model without `JsonSchema`: documented as any value.
#[derive(Deserialize)]
struct Opaque {
    #[allow(dead_code)]
    anything: Value,
}

#[derive(Deserialize, JsonSchema, validator::Validate)]
struct Signup {
    #[validate(length(min = 3))]
    username: String,
    newsletter: Option<bool>,
}

#[depends]
async fn get_tenant(#[header] x_tenant: String, #[body] audit: Opaque) -> String {
    let _ = audit;
    x_tenant
}

#[post("/items", status_code = 201)]
async fn create_item(#[body] item: shop::Item) -> Json<shop::Item> {
    Json(item)
}

#[get("/items", responses(404 = NotFound, 503 = HttpError))]
async fn list_items(
    #[query(ge = 1, le = 50, default = 10)] limit: u32,
    #[query(min_length = 2, max_length = 8, pattern = "^[a-z]+$")] q: Option<String>,
    #[query(min_length = 1)] tag: Vec<String>,
) -> Result<Json<Page<shop::Item>>, HttpError> {
    let _ = (limit, q, tag);
    Err(HttpError::not_found())
}

#[get("/shelves")]
async fn shelves() -> (StatusCode, Json<Page<Shelf>>) {
    (StatusCode::OK, Json(Page { items: Vec::new(), total: 0 }))
}

#[get("/warehouse")]
async fn warehouse_items() -> Json<Vec<warehouse::Item>> {
    Json(vec![warehouse::Item { shelf: 7 }])
}

#[get("/users/{name}", response_model = UserOut)]
async fn read_user(name: String) -> Result<UserRecord, HttpError> {
    if name == "nobody" {
        return Err(HttpError::not_found());
    }
    Ok(UserRecord { name, password_hash: "secret".into() })
}

#[post("/users", status_code = 201, response_model = UserOut)]
async fn create_user(#[form] name: String) -> Json<UserRecord> {
    Json(UserRecord { name, password_hash: "secret".into() })
}

#[post("/login")]
async fn login(
    #[form] username: String,
    #[form(min_length = 8)] password: String,
    #[form] remember: Option<bool>,
) -> String {
    format!("{username} {} {remember:?}", password.len())
}

#[post("/signup")]
async fn signup(#[form] form: Signup) -> String {
    format!("{} {:?}", form.username, form.newsletter)
}

#[post("/avatar")]
async fn avatar(
    #[form] caption: Option<String>,
    #[file] picture: UploadFile,
    #[file] extras: Vec<UploadFile>,
) -> String {
    format!("{caption:?} {} {}", picture.size(), extras.len())
}

#[post("/audited")]
async fn audited(#[depends(get_tenant)] tenant: String) -> Html<String> {
    Html(tenant)
}

#[post("/stream")]
async fn stream(multipart: brisk::Multipart) -> StatusCode {
    drop(multipart);
    StatusCode::NO_CONTENT
}

/// Read in, written out with a field the input may leave out.
#[derive(Deserialize, Serialize, JsonSchema)]
struct Inner {
    #[serde(default)]
    x: i32,
}

#[derive(Deserialize, Serialize, JsonSchema)]
struct Outer {
    inner: Inner,
}

#[post("/outer")]
async fn outer(#[body] outer: Outer) -> Json<Outer> {
    Json(outer)
}

#[derive(Deserialize, JsonSchema)]
struct Audit {
    actor: String,
}

#[depends]
async fn audit(#[body] audit: Audit) -> String {
    audit.actor
}

/// The handler's body and its dependency's are the same body, read twice.
#[post("/audited-items")]
async fn audited_item(#[body] item: warehouse::Item, #[depends(audit)] actor: String) -> String {
    format!("{} {actor}", item.shelf)
}

#[post("/maybe")]
async fn maybe_body(#[body] item: Option<warehouse::Item>) -> String {
    item.map_or_else(|| "none".to_owned(), |item| item.shelf.to_string())
}

#[delete("/items/{id}", status_code = 204, responses(200 = Shelf))]
async fn delete_item(id: u32) -> Json<Value> {
    Json(json!({ "deleted": id }))
}

#[get("/shelf", responses(200 = Shelf))]
async fn shelf() -> Json<Value> {
    Json(json!({ "code": "A1" }))
}

fn app() -> App {
    App::new().server("https://shop.example.com", Some("Production")).server("/v1", None).routes(routes![
        create_item,
        list_items,
        shelves,
        warehouse_items,
        read_user,
        create_user,
        login,
        signup,
        avatar,
        audited,
        stream,
        outer,
        audited_item,
        maybe_body,
        delete_item,
        shelf
    ])
}

fn operation<'a>(document: &'a Value, path: &str, method: &str) -> &'a Value {
    &document["paths"][path][method]
}

/// Follows a `$ref` into `components/schemas`.
fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(target) => {
            let name = target.strip_prefix("#/components/schemas/").expect("a component reference");
            let component = &document["components"]["schemas"][name];
            assert!(component.is_object(), "{target} is in the components");
            component
        }
        None => schema,
    }
}

fn request_schema<'a>(document: &'a Value, path: &str, method: &str, media_type: &str) -> &'a Value {
    let body = &operation(document, path, method)["requestBody"];
    resolve(document, &body["content"][media_type]["schema"])
}

fn success_schema<'a>(
    document: &'a Value,
    path: &str,
    method: &str,
    status: &str,
    media_type: &str,
) -> &'a Value {
    resolve(
        document,
        &operation(document, path, method)["responses"][status]["content"][media_type]["schema"],
    )
}

#[test]
fn a_models_validator_constraints_are_in_its_schema() {
    let document = app().openapi();
    let item = request_schema(&document, "/items", "post", "application/json");
    assert_eq!(item["type"], "object");
    assert_eq!(item["description"], "An item in the shop's catalogue.");
    assert_eq!(item["required"], json!(["name", "quantity"]));
    let properties = &item["properties"];
    assert_eq!(properties["name"]["minLength"], 3);
    assert_eq!(properties["name"]["maxLength"], 20);
    assert_eq!(properties["quantity"]["minimum"], 1);
    assert_eq!(properties["quantity"]["maximum"], 100);
    assert_eq!(properties["contact"]["format"], "email");
    assert_eq!(operation(&document, "/items", "post")["requestBody"]["required"], true);
}

/// Each constraint the document states is the one the 422 reports, with
/// the same bound: the two come from the same attributes.
#[tokio::test]
async fn the_document_and_the_422s_state_the_same_constraints() {
    let document = app().openapi();
    let item = request_schema(&document, "/items", "post", "application/json").clone();
    let client = TestClient::new(app());
    let valid = json!({ "name": "lamp", "quantity": 5, "contact": "shop@example.com" });
    assert_eq!(client.post("/items").json(&valid).send().await.status(), 201);

    let cases = [
        ("name", json!("ab"), "string_too_short", "min_length", "minLength"),
        ("name", json!("a".repeat(21)), "string_too_long", "max_length", "maxLength"),
        ("quantity", json!(0), "greater_than_equal", "ge", "minimum"),
        ("quantity", json!(101), "less_than_equal", "le", "maximum"),
    ];
    for (field, value, kind, ctx_key, keyword) in cases {
        let mut body = valid.clone();
        body[field] = value;
        let response = client.post("/items").json(&body).send().await;
        assert_eq!(response.status(), 422, "{field} = {}", body[field]);
        let detail: Value = response.json();
        let error = &detail["detail"][0];
        assert_eq!(error["type"], kind);
        assert_eq!(error["loc"], json!(["body", field]));
        assert_eq!(error["ctx"][ctx_key], item["properties"][field][keyword], "{field}: {keyword}");
    }
    let mut body = valid.clone();
    body["contact"] = json!("not an address");
    let response = client.post("/items").json(&body).send().await;
    assert_eq!(response.status(), 422);
    assert_eq!(item["properties"]["contact"]["format"], "email");

    // The parameters' options, likewise.
    let parameters =
        operation(&document, "/items", "get")["parameters"].as_array().expect("parameters").clone();
    let limit = parameters.iter().find(|p| p["name"] == "limit").expect("limit");
    let response = client.get("/items").query(&[("limit", "0")]).send().await;
    assert_eq!(response.status(), 422);
    let detail: Value = response.json();
    assert_eq!(detail["detail"][0]["ctx"]["ge"], limit["schema"]["minimum"]);
    let response = client.get("/items").query(&[("limit", "51")]).send().await;
    let detail: Value = response.json();
    assert_eq!(detail["detail"][0]["ctx"]["le"], limit["schema"]["maximum"]);
    let q = parameters.iter().find(|p| p["name"] == "q").expect("q");
    let response = client.get("/items").query(&[("q", "a")]).send().await;
    let detail: Value = response.json();
    assert_eq!(detail["detail"][0]["type"], "string_too_short");
    assert_eq!(detail["detail"][0]["ctx"]["min_length"], q["schema"]["minLength"]);
    let response = client.get("/items").query(&[("q", "ABC")]).send().await;
    let detail: Value = response.json();
    assert_eq!(detail["detail"][0]["type"], "string_pattern_mismatch");
    assert_eq!(detail["detail"][0]["ctx"]["pattern"], q["schema"]["pattern"]);
}

#[test]
fn parameter_options_are_in_the_parameters_schemas() {
    let document = app().openapi();
    let parameters = &operation(&document, "/items", "get")["parameters"];
    assert_eq!(
        parameters[0],
        json!({
            "name": "limit",
            "in": "query",
            "required": false,
            "schema": {
                "type": "integer", "format": "uint32", "title": "Limit",
                "minimum": 1, "maximum": 50, "default": 10,
            },
        })
    );
    assert_eq!(
        parameters[1]["schema"],
        json!({
            "type": ["string", "null"], "title": "Q",
            "minLength": 2, "maxLength": 8, "pattern": "^[a-z]+$",
        })
    );
    // On a repeated parameter the options constrain each value.
    assert_eq!(
        parameters[2]["schema"],
        json!({ "type": "array", "title": "Tag", "items": { "type": "string", "minLength": 1 } })
    );
    assert_eq!(parameters[2]["required"], false);
}

#[test]
fn request_bodies_are_json_urlencoded_or_multipart() {
    let document = app().openapi();
    // Form fields: urlencoded, one component named as FastAPI names it.
    let login = &operation(&document, "/login", "post")["requestBody"]["content"]["application/x-www-form-urlencoded"]
        ["schema"];
    assert_eq!(login["$ref"], "#/components/schemas/Body_login_login_post");
    let login = resolve(&document, login);
    assert_eq!(login["required"], json!(["username", "password"]));
    assert_eq!(
        login["properties"]["password"],
        json!({ "type": "string", "title": "Password", "minLength": 8 })
    );
    assert_eq!(login["properties"]["remember"]["type"], json!(["boolean", "null"]));

    // A whole-model form is the model.
    let signup = request_schema(&document, "/signup", "post", "application/x-www-form-urlencoded");
    assert_eq!(signup["properties"]["username"]["minLength"], 3);
    assert_eq!(signup["required"], json!(["username"]));

    // A file makes it multipart; files are binary strings.
    let avatar = request_schema(&document, "/avatar", "post", "multipart/form-data");
    assert_eq!(avatar["required"], json!(["picture"]));
    assert_eq!(avatar["properties"]["picture"]["contentMediaType"], "application/octet-stream");
    assert_eq!(avatar["properties"]["extras"]["type"], "array");
    assert_eq!(
        avatar["properties"]["extras"]["items"],
        json!({ "type": "string", "contentMediaType": "application/octet-stream" })
    );

    // A dependency's body and header are the route's; a model without
    // `JsonSchema` is any value.
    let audited = operation(&document, "/audited", "post");
    assert_eq!(audited["parameters"][0]["name"], "x-tenant");
    assert_eq!(audited["requestBody"]["content"]["application/json"]["schema"], json!({}));
    assert_eq!(audited["responses"]["200"]["content"]["text/html"]["schema"]["type"], "string");

    // A streamed multipart body: any parts.
    let stream = operation(&document, "/stream", "post");
    assert_eq!(
        stream["requestBody"]["content"]["multipart/form-data"]["schema"],
        json!({ "type": "object" })
    );
    assert!(stream["responses"]["200"].get("content").is_none());
    assert!(operation(&document, "/shelves", "get").get("requestBody").is_none());
}

#[test]
fn responses_come_from_the_return_type_the_model_and_the_declared_ones() {
    let document = app().openapi();
    let page = success_schema(&document, "/items", "get", "200", "application/json");
    assert_eq!(page["properties"]["total"]["type"], "integer");
    let item = resolve(&document, &page["properties"]["items"]["items"]);
    assert_eq!(item["properties"]["name"]["type"], "string");
    let responses = &operation(&document, "/items", "get")["responses"];
    assert_eq!(responses["404"]["description"], "Not Found");
    let not_found = resolve(&document, &responses["404"]["content"]["application/json"]["schema"]);
    assert_eq!(not_found["properties"]["detail"]["type"], "string");
    assert_eq!(responses["503"]["description"], "Service Unavailable");
    let http_error = resolve(&document, &responses["503"]["content"]["application/json"]["schema"]);
    assert_eq!(http_error["required"], json!(["detail"]));

    // `response_model`: the model's schema, under the route's status.
    let user = success_schema(&document, "/users/{name}", "get", "200", "application/json");
    assert_eq!(user["title"], "UserOut");
    assert_eq!(user["properties"], json!({ "name": { "type": "string", "title": "Name" } }));
    let created = success_schema(&document, "/users", "post", "201", "application/json");
    assert_eq!(created, user);
    // Through a status tuple, too.
    let shelves = success_schema(&document, "/shelves", "get", "200", "application/json");
    assert_eq!(
        resolve(&document, &shelves["properties"]["items"]["items"])["properties"]["code"]["type"],
        "string"
    );
    // Text.
    let login = &operation(&document, "/login", "post")["responses"]["200"]["content"];
    assert_eq!(login["text/plain"]["schema"]["type"], "string");
}

#[tokio::test]
async fn the_response_model_filters_and_converts_what_the_handler_returns() {
    let client = TestClient::new(app());
    let response = client.get("/users/alice").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.json::<Value>(), json!({ "name": "alice" }));
    // The error side is left as it is.
    let response = client.get("/users/nobody").send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.json::<Value>(), json!({ "detail": "Not Found" }));
    // With a status code, from a `Json<T>`.
    let response = client.post("/users").form(&[("name", "bob")]).send().await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.json::<Value>(), json!({ "name": "bob" }));
}

#[tokio::test]
async fn the_422_components_describe_the_apps_actual_validation_errors() {
    let document = app().openapi();
    let responses = &operation(&document, "/items", "post")["responses"];
    assert_eq!(responses["422"]["description"], "Validation Error");
    let http_validation_error = success_schema(&document, "/items", "post", "422", "application/json");
    assert_eq!(http_validation_error["title"], "HTTPValidationError");
    let validation_error = resolve(&document, &http_validation_error["properties"]["detail"]["items"]);
    assert_eq!(validation_error["title"], "ValidationError");
    assert!(validation_error.get("description").is_none(), "no Rust doc comments leak into it");

    // A real 422 (a missing body field, a bad query value, a constraint with
    // its context) has the required keys and no key the component lacks.
    let client = TestClient::new(app());
    let bodies = [
        client.post("/items").json(&json!({ "quantity": 1 })).send().await,
        client.get("/items").query(&[("limit", "many")]).send().await,
        client.get("/items").query(&[("limit", "0")]).send().await,
    ];
    let properties = validation_error["properties"].as_object().expect("properties");
    for response in bodies {
        assert_eq!(response.status(), 422);
        let body: Value = response.json();
        assert_eq!(body.as_object().map(|o| o.keys().collect::<Vec<_>>()), Some(vec![&"detail".to_owned()]));
        for error in body["detail"].as_array().expect("a list") {
            for key in validation_error["required"].as_array().expect("required") {
                assert!(error.get(key.as_str().expect("a key")).is_some(), "{error} has {key}");
            }
            for (key, value) in error.as_object().expect("an object") {
                let property = properties.get(key).unwrap_or_else(|| panic!("{key} is documented"));
                let documented = property["type"].clone();
                let fits = match (documented.as_str(), value) {
                    (Some("string"), Value::String(_)) => true,
                    (Some("array"), Value::Array(_)) => true,
                    (Some("object"), Value::Object(_)) => true,
                    (Some(_), _) => false,
                    (None, _) => key != "ctx" || value.is_object(),
                };
                assert!(fits, "{key} = {value} fits {property}");
            }
        }
    }
    // Routes that read nothing have no 422.
    assert!(operation(&document, "/warehouse", "get")["responses"].get("422").is_none());
}

#[test]
fn components_never_collide_or_overwrite() {
    let document = app().openapi();
    let schemas = document["components"]["schemas"].as_object().expect("components");
    // Two `Item`s from two modules: both kept, each under its own name.
    let warehouse = success_schema(&document, "/warehouse", "get", "200", "application/json");
    let warehouse = resolve(&document, &warehouse["items"]);
    assert_eq!(warehouse["properties"]["shelf"]["type"], "integer");
    let shop = request_schema(&document, "/items", "post", "application/json");
    assert_eq!(shop["properties"]["name"]["type"], "string");
    assert_ne!(warehouse, shop);
    // Two instances of one generic type: both kept.
    let items_page = success_schema(&document, "/items", "get", "200", "application/json");
    let shelves_page = success_schema(&document, "/shelves", "get", "200", "application/json");
    assert_ne!(items_page, shelves_page);
    // A model read in one shape and written in another (an `Option` field
    // is optional when read, always there when written) is split, as
    // FastAPI splits it.
    assert!(
        schemas.contains_key("Item-Input") && schemas.contains_key("Item-Output"),
        "{:?}",
        schemas.keys()
    );
    assert_eq!(schemas["Item-Input"]["required"], json!(["name", "quantity"]));
    assert_eq!(schemas["Item-Output"]["required"], json!(["name", "quantity", "contact"]));
    // Every reference points at a component.
    fn references(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(target)) = object.get("$ref") {
                    out.push(target.clone());
                }
                object.values().for_each(|child| references(child, out));
            }
            Value::Array(items) => items.iter().for_each(|item| references(item, out)),
            _ => {}
        }
    }
    let mut targets = Vec::new();
    references(&document, &mut targets);
    assert!(targets.len() > 10);
    for target in targets {
        let name = target.strip_prefix("#/components/schemas/").expect("a component");
        assert!(schemas.contains_key(name), "{target} exists");
    }
    // Built twice, the document is the same.
    assert_eq!(app().openapi(), document);
}

#[test]
fn servers_are_listed_in_order() {
    let document = app().openapi();
    assert_eq!(
        document["servers"],
        json!([{ "url": "https://shop.example.com", "description": "Production" }, { "url": "/v1" }])
    );
    assert!(App::new().openapi().get("servers").is_none());
}

#[tokio::test]
async fn two_bodies_of_one_request_are_both_the_whole_body() {
    let document = app().openapi();
    let body = &operation(&document, "/audited-items", "post")["requestBody"]["content"]["application/json"]
        ["schema"];
    let all = body["allOf"].as_array().expect("allOf");
    assert_eq!(all.len(), 2);
    assert_eq!(resolve(&document, &all[0])["properties"]["shelf"]["type"], "integer");
    assert_eq!(resolve(&document, &all[1])["properties"]["actor"]["type"], "string");
    // And a body that is both is what the route takes.
    let client = TestClient::new(app());
    let response = client.post("/audited-items").json(&json!({ "shelf": 3, "actor": "ann" })).send().await;
    assert_eq!((response.status().as_u16(), response.text()), (200, "3 ann".to_owned()));
}

#[tokio::test]
async fn an_optional_body_may_be_left_out() {
    let document = app().openapi();
    assert!(operation(&document, "/maybe", "post")["requestBody"].get("required").is_none());
    let client = TestClient::new(app());
    assert_eq!(client.post("/maybe").send().await.text(), "none");
    let empty = client.post("/maybe").header("content-type", "application/json").send().await;
    assert_eq!(empty.text(), "none");
    assert_eq!(client.post("/maybe").json(&json!({ "shelf": 4 })).send().await.text(), "4");
}

#[test]
fn a_model_that_holds_a_split_model_is_split_too() {
    let document = app().openapi();
    let input = request_schema(&document, "/outer", "post", "application/json");
    let output = success_schema(&document, "/outer", "post", "200", "application/json");
    assert_eq!(input["properties"]["inner"]["$ref"], "#/components/schemas/Inner-Input");
    assert_eq!(output["properties"]["inner"]["$ref"], "#/components/schemas/Inner-Output");
    let schemas = &document["components"]["schemas"];
    assert_eq!(schemas["Inner-Input"].get("required"), None);
    assert_eq!(schemas["Inner-Output"]["required"], json!(["x"]));
}

#[tokio::test]
async fn a_204_route_documents_and_sends_no_body() {
    let document = app().openapi();
    let responses = &operation(&document, "/items/{id}", "delete")["responses"];
    assert_eq!(responses["204"], json!({ "description": "Successful Response" }));
    let client = TestClient::new(app());
    let response = client.delete("/items/7").send().await;
    assert_eq!(response.status(), 204);
    assert!(response.bytes().is_empty());
    assert_eq!(response.header("content-type"), None);
}

#[test]
fn a_declared_response_for_the_routes_own_status_describes_it() {
    let document = app().openapi();
    let ok = &operation(&document, "/shelf", "get")["responses"]["200"];
    assert_eq!(ok["description"], "Successful Response");
    assert_eq!(ok["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Shelf");
}

#[get("/a", operation_id = "same")]
async fn first() -> &'static str {
    "a"
}

#[get("/b", operation_id = "same")]
async fn second() -> &'static str {
    "b"
}

#[test]
fn settings_and_metadata_that_would_break_the_document_fail_the_build() {
    let Err(error) = App::new().routes(routes![first, second]).build() else { panic!("a build error") };
    assert_eq!(
        error.to_string(),
        "OpenAPI: `GET /b` and `GET /a` have the same operation_id `same`: give one of them another"
    );
    let cases = [
        (App::new().docs_url(Some("docs")), "`docs_url` is `docs`, which is not a path: write it as `/docs`"),
        (
            App::new().openapi_url(Some("/openapi.json?x=1")),
            "`openapi_url` is `/openapi.json?x=1`, which is not a path: write it as `/openapi.json`",
        ),
        (App::new().redoc_url(Some("")), "`redoc_url` is ``, which is not a path: write it as `/`"),
    ];
    for (app, message) in cases {
        let Err(error) = app.build() else { panic!("a build error") };
        assert_eq!(error.to_string(), format!("OpenAPI: {message}"));
    }
    // Turned off, the pages' URLs do not matter.
    assert!(App::new().openapi_url(None).docs_url(Some("docs")).build().is_ok());
}

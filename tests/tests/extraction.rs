//! The extraction chain through the public API: every source, constraint and
//! error shape, and the single 422 that collects them.

use brisk::extract::{FromRequest, Rejection};
use brisk::prelude::*;
use brisk::testing::TestClient;
use brisk::{ErrorItem, Loc};
use serde_json::{Value, json};

#[get("/repeat")]
async fn repeat(tag: Vec<String>, #[query(alias = "page-size", default = 20)] size: u32) -> Json<Value> {
    Json(json!({ "tag": tag, "size": size }))
}

#[get("/flags")]
async fn flags(on: bool, ratio: Option<f64>, letter: Option<char>) -> Json<Value> {
    Json(json!({ "on": on, "ratio": ratio, "letter": letter }))
}

#[get("/text")]
async fn text(
    #[query(min_length = 2, max_length = 5)] word: String,
    #[query(pattern = "^[a-z]+-[0-9]+$")] code: Option<String>,
    #[query(gt = 0, lt = 1)] fraction: Option<f64>,
) -> String {
    format!("{word} {code:?} {fraction:?}")
}

#[get("/headers")]
async fn headers(
    #[header] x_token: String,
    #[header(alias = "X-Trace")] trace: Option<u64>,
    #[header] accept: Vec<String>,
) -> Json<Value> {
    Json(json!({ "token": x_token, "trace": trace, "accept": accept }))
}

#[get("/cookies")]
async fn cookies(#[cookie] session: String, #[cookie(alias = "theme-name")] theme: Option<String>) -> String {
    format!("{session} {theme:?}")
}

#[post("/login")]
async fn login() -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
    (StatusCode::OK, [("set-cookie", "session=abc123; Path=/; HttpOnly")], "logged in")
}

#[post("/logout")]
async fn logout() -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
    (StatusCode::OK, [("set-cookie", "session=; Max-Age=0")], "logged out")
}

#[derive(Deserialize, Serialize, validator::Validate)]
struct Order {
    product_id: i64,
    #[validate(range(min = 1, max = 100))]
    quantity: u32,
    note: Option<String>,
}

#[post("/orders/{user_id}")]
async fn create_order(
    user_id: u32,
    #[query] source: String,
    #[body] order: Order,
    #[header] x_request_id: Option<String>,
) -> Json<Value> {
    Json(json!({ "user_id": user_id, "source": source, "order": order, "request_id": x_request_id }))
}

#[derive(Deserialize, Serialize)]
struct Plain {
    items: Vec<u8>,
}

#[post("/plain")]
async fn plain(#[body] body: Plain) -> Json<Plain> {
    Json(body)
}

struct Counter(std::sync::atomic::AtomicUsize);

#[get("/count")]
async fn count(counter: State<Counter>) -> String {
    let n = counter.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    n.to_string()
}

#[get("/raw")]
async fn raw(request: Request, q: Option<String>) -> String {
    format!("{} {} {:?} {q:?}", request.method(), request.uri(), request.path_param("nothing"))
}

/// A user-defined extractor: `X-Api-Version` must be 1 or 2.
struct ApiVersion(u8);

impl FromRequest for ApiVersion {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        let value = request.headers().get("x-api-version").map(|v| v.as_bytes().to_vec());
        match value.as_deref() {
            None | Some(b"1") => Ok(ApiVersion(1)),
            Some(b"2") => Ok(ApiVersion(2)),
            Some(b"0") => Err(HttpError::forbidden("version 0 is retired").into()),
            Some(other) => Err(ErrorItem::new(
                "enum",
                vec![Loc::from("header"), Loc::from("x-api-version")],
                "Input should be 1 or 2",
                Value::String(String::from_utf8_lossy(other).into_owned()),
            )
            .into()),
        }
    }
}

#[get("/versioned")]
async fn versioned(version: ApiVersion, limit: u8) -> String {
    format!("v{} {limit}", version.0)
}

fn client() -> TestClient {
    TestClient::new(App::new().state(Counter(std::sync::atomic::AtomicUsize::new(0))).routes(routes![
        repeat,
        flags,
        text,
        headers,
        cookies,
        login,
        logout,
        create_order,
        plain,
        count,
        raw,
        versioned
    ]))
}

fn detail(response: &brisk::testing::TestResponse) -> Vec<Value> {
    assert_eq!(response.status(), 422, "{}", response.text());
    response.json::<Value>()["detail"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn repeated_query_values_fill_a_vec_and_aliases_rename() {
    let client = client();
    let response = client.get("/repeat?tag=a&tag=b&page-size=5").send().await;
    assert_eq!(response.json::<Value>(), json!({"tag": ["a", "b"], "size": 5}));
    let response = client.get("/repeat").send().await;
    assert_eq!(response.json::<Value>(), json!({"tag": [], "size": 20}));
}

/// Keys and values are form-decoded (`+` is a space, `%XX` a byte, `%2B`
/// a plus), encoded keys match their decoded names, and empty pairs are skipped.
#[tokio::test]
async fn query_keys_and_values_are_form_decoded() {
    let response =
        client().get("/repeat?tag=hello+world&&tag=caf%C3%A9&t%61g=x&page%2Dsize=7&tag=a%2Bb").send().await;
    assert_eq!(response.json::<Value>(), json!({"tag": ["hello world", "café", "x", "a+b"], "size": 7}));
}

#[tokio::test]
async fn scalars_parse_like_fastapi() {
    let client = client();
    let response = client.get("/flags?on=yes&ratio=0.5&letter=x").send().await;
    assert_eq!(response.json::<Value>(), json!({"on": true, "ratio": 0.5, "letter": "x"}));
    let response = client.get("/flags?on=OFF").send().await;
    assert_eq!(response.json::<Value>(), json!({"on": false, "ratio": null, "letter": null}));

    let errors = detail(&client.get("/flags?on=maybe&ratio=half").send().await);
    assert_eq!(errors[0]["type"], "bool_parsing");
    assert_eq!(errors[0]["msg"], "Input should be a valid boolean, unable to interpret input");
    assert_eq!(errors[0]["input"], "maybe");
    assert_eq!(errors[1]["type"], "float_parsing");
    assert_eq!(errors[1]["loc"], json!(["query", "ratio"]));
}

#[tokio::test]
async fn missing_required_query_is_field_required() {
    let errors = detail(&client().get("/flags").send().await);
    assert_eq!(
        errors,
        vec![json!({"type": "missing", "loc": ["query", "on"], "msg": "Field required", "input": null})]
    );
}

#[tokio::test]
async fn string_and_number_constraints_report_fastapi_errors() {
    let errors = detail(&client().get("/text?word=a&code=ABC&fraction=1").send().await);
    assert_eq!(
        errors[0],
        json!({"type": "string_too_short", "loc": ["query", "word"],
               "msg": "String should have at least 2 characters", "input": "a", "ctx": {"min_length": 2}})
    );
    assert_eq!(
        errors[1],
        json!({"type": "string_pattern_mismatch", "loc": ["query", "code"],
               "msg": "String should match pattern '^[a-z]+-[0-9]+$'", "input": "ABC",
               "ctx": {"pattern": "^[a-z]+-[0-9]+$"}})
    );
    assert_eq!(errors[2]["type"], "less_than");
    assert_eq!(errors[2]["msg"], "Input should be less than 1");
    assert_eq!(errors.len(), 3);

    let errors = detail(&client().get("/text?word=toolong&fraction=0").send().await);
    assert_eq!(errors[0]["type"], "string_too_long");
    assert_eq!(errors[0]["ctx"], json!({"max_length": 5}));
    assert_eq!(errors[1]["type"], "greater_than");

    let response = client().get("/text?word=ok&code=ab-12&fraction=0.25").send().await;
    assert_eq!(response.text(), r#"ok Some("ab-12") Some(0.25)"#);
}

#[tokio::test]
async fn headers_match_case_insensitively_with_underscores_as_hyphens() {
    let response = client()
        .get("/headers")
        .header("X-TOKEN", "secret")
        .header("x-trace", "77")
        .header("Accept", "text/html")
        .header("accept", "application/json")
        .send()
        .await;
    assert_eq!(
        response.json::<Value>(),
        json!({"token": "secret", "trace": 77, "accept": ["text/html", "application/json"]})
    );
    let errors = detail(&client().get("/headers").header("x-trace", "nope").send().await);
    assert_eq!(errors[0]["loc"], json!(["header", "x-token"]));
    assert_eq!(errors[0]["type"], "missing");
    assert_eq!(errors[1]["loc"], json!(["header", "x-trace"]));
    assert_eq!(errors[1]["type"], "int_parsing");
}

#[tokio::test]
async fn cookies_are_read_and_the_client_keeps_them() {
    let client = client();
    let response = client.get("/cookies").header("cookie", "session=s1; theme-name=dark").send().await;
    assert_eq!(response.text(), r#"s1 Some("dark")"#);

    let errors = detail(&client.get("/cookies").send().await);
    assert_eq!(errors[0]["loc"], json!(["cookie", "session"]));

    client.post("/login").send().await;
    assert_eq!(client.cookie("session").as_deref(), Some("abc123"));
    assert_eq!(client.get("/cookies").send().await.text(), "abc123 None");

    client.post("/logout").send().await;
    assert_eq!(client.cookie("session"), None);
    assert_eq!(client.get("/cookies").send().await.status(), 422);
}

#[tokio::test]
async fn every_source_joins_one_422() {
    let response = client().post("/orders/abc").json(&json!({"product_id": 1, "quantity": 500})).send().await;
    let errors = detail(&response);
    let locs: Vec<&Value> = errors.iter().map(|e| &e["loc"]).collect();
    assert_eq!(
        locs,
        [&json!(["path", "user_id"]), &json!(["query", "source"]), &json!(["body", "quantity"])]
    );
    assert_eq!(errors[2]["type"], "less_than_equal");
    assert_eq!(errors[2]["msg"], "Input should be less than or equal to 100");
    assert_eq!(errors[2]["input"], 500);
}

#[tokio::test]
async fn a_valid_body_reaches_the_handler() {
    let response = client()
        .post("/orders/7?source=web")
        .header("x-request-id", "r-1")
        .json(&json!({"product_id": 3, "quantity": 2}))
        .send()
        .await;
    assert_eq!(
        response.json::<Value>(),
        json!({"user_id": 7, "source": "web", "request_id": "r-1",
               "order": {"product_id": 3, "quantity": 2, "note": null}})
    );
}

#[tokio::test]
async fn json_content_types_are_accepted_and_others_are_415() {
    let client = client();
    let ok = client
        .post("/plain")
        .header("content-type", "application/vnd.api+json; charset=utf-8")
        .body(r#"{"items":[1,2]}"#)
        .send()
        .await;
    assert_eq!(ok.json::<Value>(), json!({"items": [1, 2]}));

    // Media types are case-insensitive.
    let upper = client
        .post("/plain")
        .header("content-type", "Application/JSON")
        .body(r#"{"items":[3]}"#)
        .send()
        .await;
    assert_eq!(upper.json::<Value>(), json!({"items": [3]}));

    let refused = client.post("/plain").header("content-type", "text/plain").body("{}").send().await;
    assert_eq!(refused.status(), 415);
    assert!(refused.json::<Value>()["detail"].as_str().unwrap().contains("application/json"));
    for other in ["application/xml", "application/jsonp", "application/json-seq"] {
        let refused = client.post("/plain").header("content-type", other).body("{}").send().await;
        assert_eq!(refused.status(), 415, "{other}");
    }
}

#[tokio::test]
async fn malformed_json_is_a_422_pointing_at_the_position() {
    let response = client()
        .post("/plain")
        .header("content-type", "application/json")
        .body(r#"{"items": [1,"#)
        .send()
        .await;
    let errors = detail(&response);
    assert_eq!(errors[0]["type"], "json_invalid");
    assert_eq!(errors[0]["loc"][0], "body");
    assert!(errors[0]["loc"][1].is_u64());
    assert_eq!(errors[0]["msg"], "JSON decode error");
}

#[tokio::test]
async fn mistyped_json_names_the_field_and_position() {
    let client = client();
    let errors = detail(&client.post("/plain").json(&json!({"items": [1, "x"]})).send().await);
    assert_eq!(errors[0]["loc"], json!(["body", "items", 1]));
    assert_eq!(errors[0]["type"], "int_parsing");
    assert_eq!(errors[0]["input"], "x");

    let errors = detail(&client.post("/plain").json(&json!({})).send().await);
    assert_eq!(
        errors[0],
        json!({"type": "missing", "loc": ["body", "items"], "msg": "Field required", "input": null})
    );

    let errors = detail(&client.post("/plain").json(&json!("just text")).send().await);
    assert_eq!(errors[0]["type"], "model_attributes_type");

    let errors = detail(&client.post("/plain").send().await);
    assert_eq!(errors[0]["loc"], json!(["body"]));
    assert_eq!(errors[0]["type"], "missing");
}

/// `2.0` is an integer to JSON Schema (and so to the OpenAPI document's
/// `"type": "integer"`) and to pydantic; `2.5` is not.
#[tokio::test]
async fn a_float_without_a_fraction_is_an_integer() {
    let client = client();
    let response = client.post("/plain").json(&json!({"items": [1.0, 2, 255.0]})).send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>(), json!({"items": [1, 2, 255]}));

    let errors = detail(&client.post("/plain").json(&json!({"items": [1, 2.5]})).send().await);
    assert_eq!(errors[0]["loc"], json!(["body", "items", 1]));
    assert_eq!(errors[0]["type"], "int_from_float");
    // Still out of range once an integer.
    let errors = detail(&client.post("/plain").json(&json!({"items": [256.0]})).send().await);
    assert_eq!(errors[0]["loc"], json!(["body", "items", 0]));
    assert_eq!(errors[0]["type"], "int_type");
}

#[tokio::test]
async fn state_is_shared_across_requests() {
    let client = client();
    assert_eq!(client.get("/count").send().await.text(), "1");
    assert_eq!(client.get("/count").send().await.text(), "2");
}

/// An extractor of its own that asks for state the app lacks: the startup
/// check sees only `State<T>` parameters, so this one finds out per request.
struct Counted(State<Counter>);

impl FromRequest for Counted {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        State::<Counter>::from_request(request).await.map(Counted)
    }
}

#[get("/counted")]
async fn counted(counter: Counted) -> String {
    counter.0.0.load(std::sync::atomic::Ordering::SeqCst).to_string()
}

#[tokio::test]
async fn state_missing_at_request_time_is_a_500_not_a_crash() {
    let client = TestClient::new(App::new().routes(routes![counted]));
    assert_eq!(client.get("/counted").send().await.status(), 500);
    assert_eq!(client.get("/counted").send().await.status(), 500, "still serving");
}

#[tokio::test]
async fn the_raw_request_is_available_next_to_other_parameters() {
    let response = client().get("/raw?q=1").send().await;
    assert_eq!(response.text(), r#"GET /raw?q=1 None Some("1")"#);
}

#[tokio::test]
async fn custom_extractors_join_the_422_or_answer_themselves() {
    let client = client();
    assert_eq!(client.get("/versioned?limit=3").header("x-api-version", "2").send().await.text(), "v2 3");

    let errors = detail(&client.get("/versioned").header("x-api-version", "9").send().await);
    assert_eq!(errors[0]["type"], "enum");
    assert_eq!(errors[1]["loc"], json!(["query", "limit"]));

    let response = client.get("/versioned?limit=1").header("x-api-version", "0").send().await;
    assert_eq!(response.status(), 403);
    assert_eq!(response.json::<Value>(), json!({"detail": "version 0 is retired"}));
}

/// The most parameters a route may take (32, the request aside); one more
/// is a compile error (`ui/too_many_parameters.rs`).
#[get("/widest")]
#[allow(clippy::too_many_arguments)]
async fn widest(
    q0: u8,
    q1: u8,
    q2: u8,
    q3: u8,
    q4: u8,
    q5: u8,
    q6: u8,
    q7: u8,
    q8: u8,
    q9: u8,
    q10: u8,
    q11: u8,
    q12: u8,
    q13: u8,
    q14: u8,
    q15: u8,
    q16: u8,
    q17: u8,
    q18: u8,
    q19: u8,
    q20: u8,
    q21: u8,
    q22: u8,
    q23: u8,
    q24: u8,
    q25: u8,
    q26: u8,
    q27: u8,
    q28: u8,
    q29: u8,
    q30: u8,
    q31: u8,
    request: Request,
) -> String {
    let values = [
        q0, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15, q16, q17, q18, q19, q20, q21,
        q22, q23, q24, q25, q26, q27, q28, q29, q30, q31,
    ];
    format!("{} {}", values.iter().map(|&q| u32::from(q)).sum::<u32>(), request.uri().path())
}

#[tokio::test]
async fn a_route_takes_up_to_thirty_two_parameters_and_reports_each_missing_one() {
    let client = TestClient::new(App::new().routes(routes![widest]));
    let query: Vec<String> = (0..32).map(|i| format!("q{i}={i}")).collect();
    let response = client.get(&format!("/widest?{}", query.join("&"))).send().await;
    assert_eq!(response.text(), "496 /widest");

    let errors = detail(&client.get(&format!("/widest?{}", query[1..31].join("&"))).send().await);
    let locs: Vec<&Value> = errors.iter().map(|error| &error["loc"]).collect();
    assert_eq!(locs, [&json!(["query", "q0"]), &json!(["query", "q31"])]);
}

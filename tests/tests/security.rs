//! The authentication extractors of `brisk::security`: what each reads,
//! the 401s it answers with, and how it appears in the OpenAPI document.

use brisk::prelude::*;
use brisk::security::{
    ApiKeyCookie, ApiKeyHeader, ApiKeyName, ApiKeyQuery, HttpBasic, HttpBearer, OAuth2PasswordBearer,
    OAuth2PasswordRequestForm, TokenUrl,
};
use brisk::testing::TestClient;
use serde_json::{Value, json};

struct ShopKey;
impl ApiKeyName for ShopKey {
    const NAME: &'static str = "x-api-key";
    const DESCRIPTION: Option<&'static str> = Some("The shop's key.");
}

struct PartnerKey;
impl ApiKeyName for PartnerKey {
    const NAME: &'static str = "x-partner-key";
}

struct QueryKey;
impl ApiKeyName for QueryKey {
    const NAME: &'static str = "api_key";
    const SCHEME_NAME: Option<&'static str> = Some("QueryKey");
}

struct SessionKey;
impl ApiKeyName for SessionKey {
    const NAME: &'static str = "session";
}

struct Login;
impl TokenUrl for Login {
    const TOKEN_URL: &'static str = "/token";
    const SCOPES: &'static [(&'static str, &'static str)] = &[("orders:read", "Read your orders.")];
}

#[depends]
async fn get_current_user(credentials: HttpBearer) -> Result<String, HttpError> {
    match credentials.credentials.as_str() {
        "alice-token" => Ok("alice".to_owned()),
        _ => Err(HttpError::unauthorized("Invalid token").with_header("www-authenticate", "Bearer")),
    }
}

#[get("/me")]
async fn me(#[depends(get_current_user)] user: String) -> String {
    user
}

#[get("/raw")]
async fn raw(credentials: HttpBearer) -> String {
    format!("{} {}", credentials.scheme, credentials.credentials)
}

#[get("/maybe")]
async fn maybe(credentials: Option<HttpBearer>) -> String {
    credentials.map_or_else(|| "anonymous".to_owned(), |c| c.credentials)
}

#[get("/basic")]
async fn basic(credentials: HttpBasic) -> String {
    format!("{}:{}", credentials.username, credentials.password)
}

#[get("/stock")]
async fn stock(key: ApiKeyHeader<ShopKey>, partner: Option<ApiKeyHeader<PartnerKey>>) -> String {
    format!("{} {:?}", key.key, partner.map(|p| p.key))
}

#[get("/search")]
async fn search(key: ApiKeyQuery<QueryKey>) -> String {
    key.key
}

#[get("/session")]
async fn session(key: ApiKeyCookie<SessionKey>) -> String {
    key.key
}

#[post("/token")]
async fn token(#[form] form: OAuth2PasswordRequestForm) -> Result<Json<Value>, HttpError> {
    if form.username == "alice" && form.password == "wonderland" {
        Ok(Json(json!({ "access_token": "alice-token", "token_type": "bearer", "scopes": form.scopes() })))
    } else {
        Err(HttpError::bad_request("Incorrect username or password"))
    }
}

#[get("/orders")]
async fn orders(token: OAuth2PasswordBearer<Login>) -> String {
    token.token
}

#[get("/public")]
async fn public() -> &'static str {
    "open"
}

fn app() -> App {
    App::new().routes(routes![me, raw, maybe, basic, stock, search, session, token, orders, public])
}

async fn assert_not_authenticated(response: brisk::testing::TestResponse, challenge: &str) {
    assert_eq!(response.status(), 401);
    assert_eq!(response.header("www-authenticate"), Some(challenge));
    assert_eq!(response.json::<Value>(), json!({ "detail": "Not authenticated" }));
}

#[tokio::test]
async fn http_bearer_reads_the_token_and_answers_401_without_one() {
    let client = TestClient::new(app());
    assert_not_authenticated(client.get("/raw").send().await, "Bearer").await;
    assert_not_authenticated(client.get("/raw").header("authorization", "Basic abc").send().await, "Bearer")
        .await;
    assert_not_authenticated(client.get("/raw").header("authorization", "Bearer").send().await, "Bearer")
        .await;
    assert_not_authenticated(client.get("/raw").header("authorization", "Bearer   ").send().await, "Bearer")
        .await;
    // The scheme is case-insensitive (RFC 9110, 11.1).
    let response = client.get("/raw").header("authorization", "bearer abc.def").send().await;
    assert_eq!((response.status().as_u16(), response.text()), (200, "Bearer abc.def".to_owned()));

    // Through a dependency, which checks the token itself.
    let response = client.get("/me").header("authorization", "Bearer alice-token").send().await;
    assert_eq!((response.status().as_u16(), response.text()), (200, "alice".to_owned()));
    let response = client.get("/me").header("authorization", "Bearer wrong").send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<Value>(), json!({ "detail": "Invalid token" }));
    assert_not_authenticated(client.get("/me").send().await, "Bearer").await;

    // `Option<HttpBearer>`: FastAPI's `auto_error=False`.
    assert_eq!(client.get("/maybe").send().await.text(), "anonymous");
    assert_eq!(client.get("/maybe").header("authorization", "Bearer t").send().await.text(), "t");
}

#[tokio::test]
async fn http_basic_decodes_the_user_and_password() {
    let client = TestClient::new(app());
    // "alice:wonder:land"; the password is everything after the first colon.
    let response =
        client.get("/basic").header("authorization", "Basic YWxpY2U6d29uZGVyOmxhbmQ=").send().await;
    assert_eq!((response.status().as_u16(), response.text()), (200, "alice:wonder:land".to_owned()));
    assert_not_authenticated(client.get("/basic").send().await, "Basic").await;
    assert_not_authenticated(client.get("/basic").header("authorization", "Bearer x").send().await, "Basic")
        .await;
    for invalid in ["Basic !!!", "Basic YWxpY2U="] {
        let response = client.get("/basic").header("authorization", invalid).send().await;
        assert_eq!(response.status(), 401, "{invalid}");
        assert_eq!(response.header("www-authenticate"), Some("Basic"));
        assert_eq!(response.json::<Value>(), json!({ "detail": "Invalid authentication credentials" }));
    }
}

#[tokio::test]
async fn api_keys_come_from_a_header_a_query_parameter_or_a_cookie() {
    let client = TestClient::new(app());
    let response = client.get("/stock").header("x-api-key", "k1").send().await;
    assert_eq!(response.text(), "k1 None");
    let response = client.get("/stock").header("x-api-key", "k1").header("x-partner-key", "p").send().await;
    assert_eq!(response.text(), "k1 Some(\"p\")");
    assert_not_authenticated(client.get("/stock").send().await, "APIKey").await;
    assert_not_authenticated(client.get("/stock").header("x-api-key", "").send().await, "APIKey").await;

    assert_eq!(client.get("/search").query(&[("api_key", "q k")]).send().await.text(), "q k");
    assert_not_authenticated(client.get("/search").query(&[("other", "x")]).send().await, "APIKey").await;

    assert_eq!(
        client.get("/session").header("cookie", "theme=dark; session=s%201").send().await.text(),
        "s 1"
    );
    assert_not_authenticated(client.get("/session").header("cookie", "theme=dark").send().await, "APIKey")
        .await;
}

#[tokio::test]
async fn the_oauth2_password_flow_trades_a_form_for_a_token() {
    let client = TestClient::new(app());
    let response = client
        .post("/token")
        .form(&[("username", "alice"), ("password", "wonderland"), ("scope", "orders:read  me")])
        .send()
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json();
    assert_eq!(
        body,
        json!({ "access_token": "alice-token", "token_type": "bearer", "scopes": ["orders:read", "me"] })
    );
    let response = client.get("/orders").header("authorization", "Bearer alice-token").send().await;
    assert_eq!(response.text(), "alice-token");
    assert_not_authenticated(client.get("/orders").send().await, "Bearer").await;

    // The form's own rules: both fields, and a password grant.
    let response = client.post("/token").form(&[("username", "alice")]).send().await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json();
    assert_eq!(body["detail"][0]["loc"], json!(["body", "password"]));
    assert_eq!(body["detail"][0]["type"], "missing");
    let response = client
        .post("/token")
        .form(&[("username", "alice"), ("password", "wonderland"), ("grant_type", "client_credentials")])
        .send()
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json();
    assert_eq!(body["detail"][0]["loc"], json!(["body", "grant_type"]));
    let response = client
        .post("/token")
        .form(&[("grant_type", "password"), ("username", "alice"), ("password", "nope")])
        .send()
        .await;
    assert_eq!(response.status(), 400);
}

#[test]
fn each_scheme_is_in_the_document_and_required_where_it_is_taken() {
    let document = app().openapi();
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["HTTPBearer"], json!({ "type": "http", "scheme": "bearer" }));
    assert_eq!(schemes["HTTPBasic"], json!({ "type": "http", "scheme": "basic" }));
    assert_eq!(
        schemes["APIKeyHeader"],
        json!({ "type": "apiKey", "in": "header", "name": "x-api-key", "description": "The shop's key." })
    );
    // A second key of the same kind keeps its own entry.
    assert_eq!(
        schemes["APIKeyHeader2"],
        json!({ "type": "apiKey", "in": "header", "name": "x-partner-key" })
    );
    assert_eq!(schemes["QueryKey"], json!({ "type": "apiKey", "in": "query", "name": "api_key" }));
    assert_eq!(schemes["APIKeyCookie"], json!({ "type": "apiKey", "in": "cookie", "name": "session" }));
    assert_eq!(
        schemes["OAuth2PasswordBearer"],
        json!({
            "type": "oauth2",
            "flows": { "password": { "scopes": { "orders:read": "Read your orders." }, "tokenUrl": "/token" } },
        })
    );

    let security = |path: &str| document["paths"][path]["get"]["security"].clone();
    // Through the dependency tree, too.
    assert_eq!(security("/me"), json!([{ "HTTPBearer": [] }]));
    assert_eq!(security("/raw"), json!([{ "HTTPBearer": [] }]));
    assert_eq!(security("/maybe"), json!([{ "HTTPBearer": [] }]));
    // Both keys are checked: one requirement naming both (separate objects
    // would read as either).
    assert_eq!(security("/stock"), json!([{ "APIKeyHeader": [], "APIKeyHeader2": [] }]));
    assert_eq!(security("/orders"), json!([{ "OAuth2PasswordBearer": [] }]));
    assert_eq!(security("/public"), Value::Null);
    // The 401 is the extractor's own business: nothing is invented for it.
    assert!(document["paths"]["/me"]["get"]["responses"].get("401").is_none());

    // The token route's form, with the password fields marked as such.
    let token =
        &document["paths"]["/token"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"];
    let name = token["schema"]["$ref"].as_str().expect("a component").rsplit('/').next().expect("a name");
    let form = &document["components"]["schemas"][name];
    assert_eq!(form["required"], json!(["username", "password"]));
    assert_eq!(form["properties"]["password"]["format"], "password");
    assert_eq!(form["properties"]["grant_type"]["pattern"], "^password$");
}

/// The extractors' 401s are `HttpError`s: the app's exception handlers
/// answer them, as FastAPI's handlers see its security classes' errors.
#[exception_handler]
async fn problem_details(_request: &Request, err: HttpError) -> Response {
    (err.status(), Json(json!({ "title": "denied", "status": err.status().as_u16() }))).into_response()
}

#[tokio::test]
async fn exception_handlers_answer_the_extractors_401s() {
    let client = TestClient::new(app().exception_handler(problem_details));
    let response = client.get("/raw").send().await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.json::<Value>(), json!({ "title": "denied", "status": 401 }));
}

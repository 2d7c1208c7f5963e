//! Exception handlers: chosen by the error's type or the response's status,
//! run inside the middleware stack, able to replace the defaults.

use brisk::errors::ErrorInfo;
use brisk::middleware::Next;
use brisk::prelude::*;
use brisk::testing::TestClient;
use serde_json::{Value, json};

#[derive(Debug)]
struct InsufficientFunds {
    balance: f64,
    required: f64,
}

#[exception_handler]
async fn insufficient_funds(request: &Request, err: InsufficientFunds) -> Response {
    let body = json!({
        "error": "insufficient_funds",
        "balance": err.balance,
        "required": err.required,
        "path": request.path(),
    });
    (StatusCode::PAYMENT_REQUIRED, Json(body)).into_response()
}

#[post("/purchase")]
async fn purchase(item_id: u32) -> Result<Json<Value>, InsufficientFunds> {
    if item_id == 2 {
        Err(InsufficientFunds { balance: 5.0, required: 50.0 })
    } else {
        Ok(Json(json!({"balance": 90.0})))
    }
}

#[depends]
async fn wallet(#[header] x_wallet: Option<String>) -> Result<String, InsufficientFunds> {
    x_wallet.ok_or(InsufficientFunds { balance: 0.0, required: 1.0 })
}

#[get("/wallet")]
async fn show_wallet(#[depends(wallet)] wallet: String) -> String {
    wallet
}

#[middleware]
async fn decorate(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert("x-decorated", HeaderValue::from_static("yes"));
    if let Some(info) = response.extensions().get::<ErrorInfo>() {
        let name = info.type_name.rsplit("::").next().unwrap_or("").to_owned();
        if let Ok(value) = HeaderValue::from_str(&name) {
            response.headers_mut().insert("x-error-type", value);
        }
    }
    response
}

#[middleware]
async fn refuses(request: Request, next: Next) -> Result<Response, InsufficientFunds> {
    if request.headers().contains_key("x-broke") {
        return Err(InsufficientFunds { balance: -1.0, required: 0.0 });
    }
    Ok(next.run(request).await)
}

fn app() -> App {
    App::new().middleware(decorate).middleware(refuses).exception_handler(insufficient_funds).routes(routes![
        purchase,
        show_wallet,
        items,
        boom
    ])
}

#[tokio::test]
async fn an_error_type_gets_its_handler_and_middleware_sees_the_result() {
    let client = TestClient::new(app());
    let response = client.post("/purchase?item_id=2").send().await;
    assert_eq!(response.status(), 402);
    assert_eq!(
        response.json::<Value>(),
        json!({"error": "insufficient_funds", "balance": 5.0, "required": 50.0, "path": "/purchase"})
    );
    assert_eq!(response.header("x-decorated"), Some("yes"));
    assert_eq!(response.header("x-error-type"), Some("InsufficientFunds"), "the original error rides along");
    assert_eq!(client.post("/purchase?item_id=1").send().await.status(), 200);
}

#[tokio::test]
async fn errors_from_dependencies_and_middleware_reach_the_handlers() {
    let client = TestClient::new(app());
    let from_dependency = client.get("/wallet").send().await;
    assert_eq!(from_dependency.status(), 402);
    assert_eq!(from_dependency.json::<Value>()["required"], 1.0);

    let from_middleware = client.get("/wallet").header("x-broke", "1").send().await;
    assert_eq!(from_middleware.status(), 402);
    assert_eq!(from_middleware.json::<Value>()["balance"], -1.0);
    assert_eq!(from_middleware.header("x-decorated"), Some("yes"));
}

#[exception_handler]
async fn http_errors(_request: &Request, err: HttpError) -> Response {
    (err.status(), Json(json!({ "error": err.detail() }))).into_response()
}

#[exception_handler]
async fn validation_errors(_request: &Request, err: RequestValidationError) -> Response {
    let fields: Vec<Value> = err.errors().iter().map(|e| json!(e.loc)).collect();
    (StatusCode::BAD_REQUEST, Json(json!({ "invalid": fields }))).into_response()
}

#[post("/echo")]
async fn echo(#[body] value: Value) -> Json<Value> {
    Json(value)
}

#[get("/items/{id}")]
async fn items(id: u32) -> Result<String, HttpError> {
    if id == 0 { Err(HttpError::not_found()) } else { Ok(id.to_string()) }
}

#[tokio::test]
async fn the_defaults_for_http_and_validation_errors_can_be_replaced() {
    let client = TestClient::new(
        App::new()
            .exception_handler(http_errors)
            .exception_handler(validation_errors)
            .routes(routes![items, echo]),
    );
    let missing = client.get("/items/0").send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>(), json!({"error": "Not Found"}));

    let invalid = client.get("/items/abc").send().await;
    assert_eq!(invalid.status(), 400);
    assert_eq!(invalid.json::<Value>(), json!({"invalid": [["path", "id"]]}));

    // The body's 415 is an HttpError too.
    let unsupported = client.post("/echo").header("content-type", "text/plain").body("x").send().await;
    assert_eq!(unsupported.status(), 415);
    assert_eq!(
        unsupported.json::<Value>(),
        json!({"error": "Unsupported Media Type: expected `application/json`"})
    );

    // Routing's own 404 is an HttpError too.
    let unrouted = client.get("/nowhere").send().await;
    assert_eq!(unrouted.json::<Value>(), json!({"error": "Not Found"}));
}

#[exception_handler]
async fn not_found_page(request: &Request, _err: HttpError) -> Html<String> {
    Html(format!("<h1>{} is not here</h1>", request.path()))
}

#[exception_handler]
async fn server_error_page(_request: &Request, err: HttpError) -> (StatusCode, Html<String>) {
    (err.status(), Html("<h1>Something broke</h1>".to_owned()))
}

#[derive(Debug)]
struct Unexpected;

#[get("/boom")]
async fn boom() -> Result<String, Unexpected> {
    Err(Unexpected)
}

#[tokio::test]
async fn status_handlers_render_404_and_500_pages() {
    let client = TestClient::new(
        App::new()
            .status_handler(StatusCode::NOT_FOUND, not_found_page)
            .status_handler(StatusCode::INTERNAL_SERVER_ERROR, server_error_page)
            .routes(routes![boom]),
    );
    let page = client.get("/missing").send().await;
    assert_eq!(page.status(), 200, "the handler decides the status");
    assert_eq!(page.text(), "<h1>/missing is not here</h1>");
    let broken = client.get("/boom").send().await;
    assert_eq!(broken.status(), 500);
    assert_eq!(broken.text(), "<h1>Something broke</h1>");
}

#[test]
fn the_app_lists_its_exception_handlers() {
    let service = app().build().unwrap();
    assert!(service.describe().contains("exception handlers for: exception_handlers::InsufficientFunds\n"));
}

#[derive(Debug)]
struct Unlucky;

#[exception_handler]
async fn panicking_handler(_request: &Request, _err: Unlucky) -> Response {
    panic!("the exception handler broke")
}

#[get("/unlucky")]
async fn unlucky() -> Result<String, Unlucky> {
    Err(Unlucky)
}

#[tokio::test]
async fn a_panicking_exception_handler_is_a_500_and_the_app_keeps_serving() {
    for app in [
        App::new().exception_handler(panicking_handler).routes(routes![unlucky, show_wallet]),
        App::new()
            .middleware(decorate)
            .exception_handler(panicking_handler)
            .routes(routes![unlucky, show_wallet]),
    ] {
        let client = TestClient::new(app);
        let response = client.get("/unlucky").send().await;
        assert_eq!(response.status(), 500);
        assert_eq!(response.json::<Value>(), json!({"detail": "Internal Server Error"}));
        let fine = client.get("/wallet").header("x-wallet", "w1").send().await;
        assert_eq!(fine.status(), 200);
    }
}

//! The hello app: one endpoint per thing brisk does today.

use std::time::Duration;

use brisk::prelude::*;
use serde_json::{Value, json};
use validator::Validate;

#[get("/")]
async fn index() -> Json<Value> {
    Json(json!({ "message": "Hello, World!" }))
}

/// A WebSocket that echoes every text message back until the client closes.
#[websocket("/ws/echo")]
async fn echo(mut socket: brisk::websocket::WebSocket) {
    while let Ok(text) = socket.recv_text().await {
        if socket.send_text(text).await.is_err() {
            break;
        }
    }
}

#[get("/plaintext")]
async fn plaintext() -> &'static str {
    "Hello, World!"
}

#[derive(Serialize)]
struct ItemQuery {
    item_id: i64,
    q: Option<String>,
    limit: u32,
}

#[get("/items/{item_id}")]
async fn read_item(
    item_id: i64,
    q: Option<String>,
    #[query(default = 10, ge = 1, le = 100)] limit: u32,
) -> Json<ItemQuery> {
    Json(ItemQuery { item_id, q, limit })
}

#[derive(Deserialize, Validate)]
struct ItemCreate {
    #[validate(length(min = 1, max = 50))]
    name: String,
    #[validate(range(exclusive_min = 0.0))]
    price: f64,
    tags: Option<Vec<String>>,
}

#[derive(Serialize)]
struct Item {
    id: u64,
    name: String,
    price: f64,
    tags: Option<Vec<String>>,
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

#[post("/items", status_code = 201)]
async fn create_item(#[body] item: ItemCreate) -> Json<Item> {
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Json(Item { id, name: item.name, price: item.price, tags: item.tags })
}

#[get("/headers")]
async fn headers(#[header] user_agent: Option<String>, request: Request) -> Json<Value> {
    let client = request.client_addr().map(|addr| addr.ip().to_string());
    Json(json!({ "user_agent": user_agent, "client": client }))
}

/// A plain `fn`: brisk runs it on the blocking pool, so the sleep stalls no other request.
#[get("/blocking")]
fn blocking() -> Json<Value> {
    std::thread::sleep(Duration::from_millis(200));
    Json(json!({ "ok": true }))
}

/// Answers 202 at once; the notification goes out after the response,
/// and graceful shutdown waits for it.
#[post("/notify/{user}", status_code = 202)]
async fn notify(user: String, tasks: BackgroundTasks) -> Json<Value> {
    let message = format!("notification sent to {user}");
    tasks.add_task(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        tracing::info!("{message}");
    });
    Json(json!({ "queued": true }))
}

#[get("/boom")]
async fn boom() -> &'static str {
    panic!("boom: this handler always panics")
}

#[get("/teapot")]
async fn teapot() -> Result<&'static str, HttpError> {
    Err(HttpError::new(StatusCode::IM_A_TEAPOT, json!({ "reason": "short and stout" }))
        .with_header("x-teapot", "yes"))
}

fn invalid_credentials() -> HttpError {
    HttpError::unauthorized("Invalid credentials").with_header("www-authenticate", "Bearer")
}

/// The token from `Authorization: Bearer <token>` (the scheme may be left out).
#[depends]
async fn get_token(#[header] authorization: Option<String>) -> Result<String, HttpError> {
    let value = authorization.ok_or_else(invalid_credentials)?;
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token,
        _ => value.as_str(),
    };
    Ok(token.trim().to_owned())
}

#[derive(Clone, Serialize)]
struct User {
    user: &'static str,
}

#[depends]
async fn get_current_user(#[depends(get_token)] token: String) -> Result<User, HttpError> {
    match token.as_str() {
        "alice-token" => Ok(User { user: "alice" }),
        "bob-token" => Ok(User { user: "bob" }),
        _ => Err(invalid_credentials()),
    }
}

#[get("/me")]
async fn me(#[depends(get_current_user)] user: User) -> Json<User> {
    Json(user)
}

/// The app with every route registered.
pub fn app() -> App {
    App::new().routes(routes![
        index,
        plaintext,
        read_item,
        create_item,
        headers,
        blocking,
        notify,
        boom,
        teapot,
        me,
        echo
    ])
}

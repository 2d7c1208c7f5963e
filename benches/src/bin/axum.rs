//! axum 0.8, written the way its documentation teaches.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use brisk_benches::{Db, ItemRead, Message, Session, User, session};
use serde::Deserialize;
use serde_json::{Value, json};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn detail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "detail": message }))).into_response()
}

async fn plaintext() -> &'static str {
    "Hello, World!"
}

async fn json_message() -> Json<Message> {
    Json(Message { message: "Hello, World!" })
}

#[derive(Deserialize)]
struct ItemQuery {
    q: Option<String>,
    limit: Option<u32>,
}

async fn read_item(Path(item_id): Path<i64>, Query(query): Query<ItemQuery>) -> Response {
    let limit = query.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return detail(StatusCode::UNPROCESSABLE_ENTITY, "limit");
    }
    Json(ItemRead { item_id, q: query.q, limit }).into_response()
}

#[derive(Deserialize)]
struct ItemCreate {
    name: String,
    price: f64,
    tags: Option<Vec<String>>,
}

async fn create_item(Json(item): Json<ItemCreate>) -> Response {
    let length = item.name.chars().count();
    if !(1..=50).contains(&length) || item.price <= 0.0 {
        return detail(StatusCode::UNPROCESSABLE_ENTITY, "invalid item");
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    (
        StatusCode::CREATED,
        Json(json!({ "id": id, "name": item.name, "price": item.price, "tags": item.tags })),
    )
        .into_response()
}

/// The per-request database session (axum has no dependency cache: each
/// extractor that needs it asks for it).
struct DbSession(Session);

impl FromRequestParts<Arc<Db>> for DbSession {
    type Rejection = Response;
    async fn from_request_parts(_: &mut Parts, db: &Arc<Db>) -> Result<Self, Response> {
        Ok(DbSession(session(db)))
    }
}

struct CurrentUser(User);

impl FromRequestParts<Arc<Db>> for CurrentUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, db: &Arc<Db>) -> Result<Self, Response> {
        let DbSession(session) = DbSession::from_request_parts(parts, db).await?;
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        token
            .and_then(|t| session.user_for_token(t))
            .map(CurrentUser)
            .ok_or_else(|| detail(StatusCode::UNAUTHORIZED, "Invalid credentials"))
    }
}

#[derive(Deserialize)]
struct SourceQuery {
    source: Option<String>,
}

#[derive(Deserialize)]
struct OrderCreate {
    product_id: i64,
    quantity: u32,
}

async fn create_order(
    Path(user_id): Path<i64>,
    Query(query): Query<SourceQuery>,
    CurrentUser(user): CurrentUser,
    DbSession(_db): DbSession,
    Json(order): Json<OrderCreate>,
) -> (StatusCode, Json<Value>) {
    (
        StatusCode::CREATED,
        Json(json!({
            "user_id": user_id,
            "order": { "product_id": order.product_id, "quantity": order.quantity },
            "source": query.source,
            "user": user.name,
        })),
    )
}

async fn timing(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let mut response = next.run(request).await;
    let elapsed = format!("{:.3}", start.elapsed().as_secs_f64() * 1000.0);
    if let Ok(value) = HeaderValue::from_str(&elapsed) {
        response.headers_mut().insert("x-process-time", value);
    }
    response
}

fn main() -> std::io::Result<()> {
    brisk_benches::runtime().block_on(serve())
}

async fn serve() -> std::io::Result<()> {
    let app = Router::new()
        .route("/plaintext", get(plaintext))
        .route("/json", get(json_message))
        .route("/items/{item_id}", get(read_item))
        .route("/items", post(create_item))
        .route("/users/{user_id}/orders", post(create_order))
        .layer(middleware::from_fn(timing))
        .with_state(Arc::new(Db::default()));
    let listener = tokio::net::TcpListener::bind(brisk_benches::addr()).await?;
    axum::serve(listener, app).await
}

//! actix-web 4, written the way its documentation teaches.

use std::future::{Ready, ready};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, FromRequest, HttpRequest, HttpResponse, HttpServer, Responder, get, post, web};
use brisk_benches::{Db, ItemRead, Message, Session, User, session};
use serde::Deserialize;
use serde_json::json;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn detail(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "detail": message }))
}

#[get("/plaintext")]
async fn plaintext() -> impl Responder {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("Hello, World!")
}

#[get("/json")]
async fn json_message() -> impl Responder {
    web::Json(Message { message: "Hello, World!" })
}

#[derive(Deserialize)]
struct ItemQuery {
    q: Option<String>,
    limit: Option<u32>,
}

#[get("/items/{item_id}")]
async fn read_item(item_id: web::Path<i64>, query: web::Query<ItemQuery>) -> HttpResponse {
    let limit = query.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return detail(StatusCode::UNPROCESSABLE_ENTITY, "limit");
    }
    HttpResponse::Ok().json(ItemRead { item_id: *item_id, q: query.into_inner().q, limit })
}

#[derive(Deserialize)]
struct ItemCreate {
    name: String,
    price: f64,
    tags: Option<Vec<String>>,
}

#[post("/items")]
async fn create_item(item: web::Json<ItemCreate>) -> HttpResponse {
    let item = item.into_inner();
    let length = item.name.chars().count();
    if !(1..=50).contains(&length) || item.price <= 0.0 {
        return detail(StatusCode::UNPROCESSABLE_ENTITY, "invalid item");
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    HttpResponse::Created()
        .json(json!({ "id": id, "name": item.name, "price": item.price, "tags": item.tags }))
}

struct DbSession(Session);

impl FromRequest for DbSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let db = request.app_data::<web::Data<Db>>().map(|db| session(&db.clone().into_inner()));
        ready(db.map(DbSession).ok_or_else(|| actix_web::error::ErrorInternalServerError("no db")))
    }
}

struct CurrentUser(User);

impl FromRequest for CurrentUser {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;
    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = DbSession::from_request(request, payload).into_inner().ok().and_then(|DbSession(db)| {
            request
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .and_then(|t| db.user_for_token(t))
        });
        ready(user.map(CurrentUser).ok_or_else(|| {
            actix_web::error::InternalError::from_response(
                "unauthorized",
                detail(StatusCode::UNAUTHORIZED, "Invalid credentials"),
            )
            .into()
        }))
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

#[post("/users/{user_id}/orders")]
async fn create_order(
    user_id: web::Path<i64>,
    query: web::Query<SourceQuery>,
    user: CurrentUser,
    _db: DbSession,
    order: web::Json<OrderCreate>,
) -> HttpResponse {
    HttpResponse::Created().json(json!({
        "user_id": *user_id,
        "order": { "product_id": order.product_id, "quantity": order.quantity },
        "source": query.source,
        "user": user.0.name,
    }))
}

async fn timing(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let start = Instant::now();
    let mut response = next.call(request).await?;
    let elapsed = format!("{:.3}", start.elapsed().as_secs_f64() * 1000.0);
    if let Ok(value) = HeaderValue::from_str(&elapsed) {
        response.headers_mut().insert(HeaderName::from_static("x-process-time"), value);
    }
    Ok(response)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let db = web::Data::new(Db::default());
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(db.clone())
            .wrap(from_fn(timing))
            .service(plaintext)
            .service(json_message)
            .service(read_item)
            .service(create_item)
            .service(create_order)
    });
    // actix-web is thread-per-core already, a worker per core by default;
    // the current-thread flavour is a single worker.
    if brisk_benches::current_thread() {
        server = server.workers(1);
    }
    server.bind(brisk_benches::addr())?.run().await
}

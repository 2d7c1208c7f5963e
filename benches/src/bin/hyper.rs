//! The floor: hyper's HTTP/1.1 connection and nothing else, routed by a
//! `match`, each route doing by hand the work the frameworks do for it
//! (path parameter, query default, JSON body checked, bearer token looked
//! up in shared state, JSON answer, the timing header on every response).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use brisk_benches::{Db, ItemRead, Message, session};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::{Deserialize, Serialize};
use serde_json::json;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn respond(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn json(status: StatusCode, value: &impl Serialize) -> Response<Full<Bytes>> {
    respond(status, "application/json", serde_json::to_vec(value).unwrap_or_default())
}

fn detail(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    json(status, &json!({ "detail": message }))
}

#[derive(Deserialize)]
struct ItemCreate {
    name: String,
    price: f64,
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct OrderCreate {
    product_id: i64,
    quantity: u32,
}

async fn read_json<T: serde::de::DeserializeOwned>(body: Incoming) -> Result<T, Response<Full<Bytes>>> {
    let bytes = body.collect().await.map_err(|_| detail(StatusCode::BAD_REQUEST, "bad body"))?.to_bytes();
    serde_json::from_slice(&bytes).map_err(|_| detail(StatusCode::UNPROCESSABLE_ENTITY, "invalid body"))
}

/// The timing "middleware", around every route as in the other servers.
async fn timed(request: Request<Incoming>, db: Arc<Db>) -> Response<Full<Bytes>> {
    let start = Instant::now();
    let mut response = route(request, db).await;
    let elapsed = format!("{:.3}", start.elapsed().as_secs_f64() * 1000.0);
    if let Ok(value) = HeaderValue::from_str(&elapsed) {
        response.headers_mut().insert("x-process-time", value);
    }
    response
}

async fn route(request: Request<Incoming>, db: Arc<Db>) -> Response<Full<Bytes>> {
    let path = request.uri().path();
    match (request.method(), path) {
        (&Method::GET, "/plaintext") => respond(StatusCode::OK, "text/plain; charset=utf-8", "Hello, World!"),
        (&Method::GET, "/json") => json(StatusCode::OK, &Message { message: "Hello, World!" }),
        (&Method::GET, _) if path.starts_with("/items/") => {
            let Ok(item_id) = path["/items/".len()..].parse::<i64>() else {
                return detail(StatusCode::UNPROCESSABLE_ENTITY, "item_id");
            };
            let mut q = None;
            let mut limit = 10u32;
            for (key, value) in form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()) {
                match &*key {
                    "q" => q = Some(value.into_owned()),
                    "limit" => match value.parse() {
                        Ok(n) if (1..=100).contains(&n) => limit = n,
                        _ => return detail(StatusCode::UNPROCESSABLE_ENTITY, "limit"),
                    },
                    _ => {}
                }
            }
            json(StatusCode::OK, &ItemRead { item_id, q, limit })
        }
        (&Method::POST, "/items") => {
            let item: ItemCreate = match read_json(request.into_body()).await {
                Ok(item) => item,
                Err(response) => return response,
            };
            let length = item.name.chars().count();
            if !(1..=50).contains(&length) || item.price <= 0.0 {
                return detail(StatusCode::UNPROCESSABLE_ENTITY, "invalid item");
            }
            let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
            json(
                StatusCode::CREATED,
                &json!({ "id": id, "name": item.name, "price": item.price, "tags": item.tags }),
            )
        }
        (&Method::POST, _) if path.starts_with("/users/") && path.ends_with("/orders") => {
            let Ok(user_id) = path["/users/".len()..path.len() - "/orders".len()].parse::<i64>() else {
                return detail(StatusCode::UNPROCESSABLE_ENTITY, "user_id");
            };
            let source = form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
                .find(|(k, _)| k == "source")
                .map(|(_, v)| v.into_owned());
            let token = request
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_owned);
            let db = session(&db);
            let Some(user) = token.and_then(|t| db.user_for_token(&t)) else {
                return detail(StatusCode::UNAUTHORIZED, "Invalid credentials");
            };
            let order: OrderCreate = match read_json(request.into_body()).await {
                Ok(order) => order,
                Err(response) => return response,
            };
            json(
                StatusCode::CREATED,
                &json!({
                    "user_id": user_id,
                    "order": { "product_id": order.product_id, "quantity": order.quantity },
                    "source": source,
                    "user": user.name,
                }),
            )
        }
        _ => detail(StatusCode::NOT_FOUND, "Not Found"),
    }
}

fn main() -> std::io::Result<()> {
    brisk_benches::runtime().block_on(serve())
}

async fn serve() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(brisk_benches::addr()).await?;
    let db = Arc::new(Db::default());
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let db = db.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let db = db.clone();
                async move { Ok::<_, Infallible>(timed(request, db).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

//! brisk, written the way its README teaches.

use std::sync::atomic::{AtomicU64, Ordering};

use brisk::prelude::*;
use brisk_benches::{ItemRead, Message};
use serde_json::{Value, json};
use validator::Validate;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

#[get("/plaintext")]
async fn plaintext() -> &'static str {
    "Hello, World!"
}

#[get("/json")]
async fn json_message() -> Json<Message> {
    Json(Message { message: "Hello, World!" })
}

#[get("/items/{item_id}")]
async fn read_item(
    item_id: i64,
    q: Option<String>,
    #[query(default = 10, ge = 1, le = 100)] limit: u32,
) -> Json<ItemRead> {
    Json(ItemRead { item_id, q, limit })
}

#[derive(Deserialize, Validate)]
struct ItemCreate {
    #[validate(length(min = 1, max = 50))]
    name: String,
    #[validate(range(exclusive_min = 0.0))]
    price: f64,
    tags: Option<Vec<String>>,
}

#[post("/items", status_code = 201)]
async fn create_item(#[body] item: ItemCreate) -> Json<Value> {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    Json(json!({ "id": id, "name": item.name, "price": item.price, "tags": item.tags }))
}

/// Routes that isolate what dependencies cost (`benches/instructions.py`).
mod deps {
    use brisk::prelude::*;
    use brisk_benches::{Db, Session, session};

    #[depends]
    pub async fn get_db(db: State<Db>) -> Session {
        session(&db.into_arc())
    }

    #[depends]
    pub async fn get_user(#[depends(get_db)] db: Session) -> Result<u64, HttpError> {
        db.user_for_token("alice-token")
            .map(|user| user.id)
            .ok_or(HttpError::unauthorized("Invalid credentials"))
    }

    #[depends]
    pub async fn get_tx(#[depends(get_db)] db: Session) -> Session {
        let outcome = yield_!(db);
        let _ = outcome.is_ok();
    }

    #[get("/deps/none")]
    pub async fn none() -> &'static str {
        "ok"
    }

    #[get("/deps/chain")]
    pub async fn chain(#[depends(get_user)] user: u64, #[depends(get_db)] _db: Session) -> &'static str {
        if user == 1 { "ok" } else { "other" }
    }

    #[get("/deps/yield")]
    pub async fn with_yield(#[depends(get_tx)] _tx: Session) -> &'static str {
        "ok"
    }
}

/// The realistic route: a cached `get_db` → `get_current_user` chain and
/// the timing middleware, as the peers serve it.
mod orders {
    use brisk::middleware::Next;
    use brisk::prelude::*;
    use brisk_benches::{Session, User};
    use serde_json::{Value, json};

    use super::deps::get_db;

    #[depends]
    pub async fn get_current_user(
        #[header] authorization: Option<String>,
        #[depends(get_db)] db: Session,
    ) -> Result<User, HttpError> {
        authorization
            .as_deref()
            .and_then(|value| value.strip_prefix("Bearer "))
            .and_then(|token| db.user_for_token(token))
            .ok_or_else(|| HttpError::unauthorized("Invalid credentials"))
    }

    #[derive(Deserialize)]
    pub struct OrderCreate {
        product_id: i64,
        quantity: u32,
    }

    #[post("/users/{user_id}/orders", status_code = 201)]
    pub async fn create_order(
        user_id: i64,
        source: Option<String>,
        #[body] order: OrderCreate,
        #[depends(get_current_user)] user: User,
        #[depends(get_db)] _db: Session,
    ) -> Json<Value> {
        Json(json!({
            "user_id": user_id,
            "order": { "product_id": order.product_id, "quantity": order.quantity },
            "source": source,
            "user": user.name,
        }))
    }

    #[middleware]
    pub async fn timing(request: Request, next: Next) -> Response {
        let start = std::time::Instant::now();
        let mut response = next.run(request).await;
        let elapsed = format!("{:.3}", start.elapsed().as_secs_f64() * 1000.0);
        if let Ok(value) = HeaderValue::from_str(&elapsed) {
            response.headers_mut().insert("x-process-time", value);
        }
        response
    }
}

fn main() -> Result<(), brisk::Error> {
    let mut app = App::new()
        .state(brisk_benches::Db::default())
        .routes(routes![plaintext, json_message, read_item, create_item])
        .routes(routes![deps::none, deps::chain, deps::with_yield, orders::create_order])
        .middleware(orders::timing);
    if let Some(workers) = brisk_benches::workers() {
        app = app.workers(workers);
    }
    brisk_benches::runtime().block_on(app.serve(brisk_benches::addr()))
}

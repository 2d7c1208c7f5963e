//! brisk, written the way its README teaches.

use std::sync::atomic::{AtomicU64, Ordering};

use brisk::prelude::*;
use serde_json::{Value, json};
use validator::Validate;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

#[get("/plaintext")]
async fn plaintext() -> &'static str {
    "Hello, World!"
}

#[derive(Serialize)]
struct Message {
    message: &'static str,
}

#[get("/json")]
async fn json_message() -> Json<Message> {
    Json(Message { message: "Hello, World!" })
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

#[post("/items", status_code = 201)]
async fn create_item(#[body] item: ItemCreate) -> Json<Value> {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    Json(json!({ "id": id, "name": item.name, "price": item.price, "tags": item.tags }))
}

#[tokio::main]
async fn main() -> Result<(), brisk::Error> {
    App::new()
        .state(brisk_benches::Db::default())
        .routes(routes![plaintext, json_message, read_item, create_item])
        .serve(brisk_benches::addr())
        .await
}

// Representative handlers; `cargo test -p brisk-macros` expands each one and
// compares the result with hello.expanded.rs (BRISK_BLESS=1 rewrites it).
use brisk::prelude::*;

#[get("/plaintext")]
async fn plaintext() -> &'static str {
    "Hello, World!"
}

#[get("/items/{item_id}")]
async fn read_item(
    item_id: i64,
    q: Option<String>,
    #[query(default = 10, ge = 1, le = 100)] limit: u32,
) -> Json<Item> {
    Json(Item { item_id, q, limit })
}

#[post("/items", status_code = 201)]
async fn create_item(#[body] item: ItemCreate, request: Request) -> Result<Json<Item>, HttpError> {
    save(item, request.client_addr()).await
}

#[get("/search")]
fn search(
    #[header] user_agent: Option<String>,
    #[cookie(alias = "session-id")] session: String,
    #[query(min_length = 3, pattern = "^[a-z]+$")] tags: Vec<String>,
    #[query(gt = 0)] ratio: f64,
    db: State<Db>,
) -> Json<Vec<Hit>> {
    Json(db.search(&tags, ratio, user_agent.as_deref(), &session))
}

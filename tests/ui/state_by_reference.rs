use brisk::prelude::*;

struct Pool;

#[get("/items")]
async fn list_items(pool: &State<Pool>) -> &'static str {
    let _ = pool;
    "items"
}

fn main() {
    let _ = App::new().state(Pool).routes(routes![list_items]);
}

use brisk::prelude::*;

#[get("/items?limit=10")]
async fn list_items(limit: u32) -> String {
    limit.to_string()
}

fn main() {
    let _ = App::new().routes(routes![list_items]);
}

use brisk::prelude::*;

#[get("/items/{item_id")]
async fn read_item(item_id: i64) -> String {
    item_id.to_string()
}

fn main() {}

use brisk::prelude::*;

#[get("/items/{item_id}")]
async fn read_item(item_id: i64, #[path] owner_id: i64) -> String {
    format!("{item_id} {owner_id}")
}

fn main() {}

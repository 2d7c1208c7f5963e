use brisk::prelude::*;

#[get("/items/{item_id}")]
async fn read_item(q: Option<String>) -> String {
    format!("{q:?}")
}

fn main() {}

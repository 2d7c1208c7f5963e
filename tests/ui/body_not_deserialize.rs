use brisk::prelude::*;

struct Item {
    name: String,
}

#[post("/items")]
async fn create_item(#[body] item: Item) -> String {
    item.name
}

fn main() {}

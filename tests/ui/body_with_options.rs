use brisk::prelude::*;

#[derive(Deserialize)]
struct Item {
    name: String,
}

#[post("/items")]
async fn create_item(#[body(max_length = 10)] item: Item) -> String {
    item.name
}

fn main() {}

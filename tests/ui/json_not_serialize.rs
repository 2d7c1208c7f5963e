use brisk::prelude::*;

struct Item {
    name: String,
}

#[get("/item")]
async fn read_item() -> Json<Item> {
    Json(Item { name: "hammer".into() })
}

fn main() {}

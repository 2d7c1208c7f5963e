use brisk::prelude::*;

#[derive(Deserialize)]
struct Item {
    name: String,
}

#[derive(Deserialize)]
struct Owner {
    email: String,
}

#[post("/items")]
async fn create_item(#[body] item: Item, #[body] owner: Owner) -> String {
    format!("{} {}", item.name, owner.email)
}

fn main() {}

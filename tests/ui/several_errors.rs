use brisk::prelude::*;

#[derive(Deserialize)]
struct Item {
    name: String,
}

#[post("/users/{user_id}/items", stauts_code = 201)]
async fn create_item(
    #[querry] q: String,
    #[body] item: Item,
    #[body] other: Item,
    #[query(maximum = 3)] limit: u32,
) -> String {
    format!("{q} {} {} {limit}", item.name, other.name)
}

fn main() {}

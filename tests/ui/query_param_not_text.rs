use brisk::prelude::*;

#[derive(Deserialize)]
struct Filters {
    tag: String,
}

#[get("/items")]
async fn list_items(#[query] filters: Filters) -> String {
    filters.tag
}

fn main() {}

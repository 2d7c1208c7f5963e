use brisk::prelude::*;

struct Filters {
    tag: String,
}

#[get("/items")]
async fn list_items(filters: Filters) -> String {
    filters.tag
}

fn main() {}

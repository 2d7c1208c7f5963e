use brisk::prelude::*;

#[get("/items")]
async fn list_items(#[query(min_length = 3)] page: u32) -> String {
    page.to_string()
}

fn main() {}

use brisk::prelude::*;

#[get("/items")]
async fn list_items(#[query(ge = "one")] page: u32) -> String {
    page.to_string()
}

fn main() {}

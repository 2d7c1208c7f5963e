use brisk::prelude::*;

#[get("/items")]
async fn list_items(#[query(pattern = "^[a-z+$")] q: String) -> String {
    q
}

fn main() {}

use brisk::prelude::*;

#[get("/items", tags = "items")]
async fn list_items() -> &'static str {
    "[]"
}

#[get("/users", tags = ["users", 7])]
async fn list_users() -> &'static str {
    "[]"
}

fn main() {}

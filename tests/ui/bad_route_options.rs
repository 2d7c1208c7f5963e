use brisk::prelude::*;

#[get("/items", summary = 5, hidden, tags, status_code = 200, status_code = 204)]
async fn list_items() -> &'static str {
    "[]"
}

#[get("/users" status_code = 201)]
async fn list_users() -> &'static str {
    "[]"
}

fn main() {}

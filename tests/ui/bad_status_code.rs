use brisk::prelude::*;

#[post("/items", status_code = 2010)]
async fn create_item() -> &'static str {
    "created"
}

#[post("/users", status_code = "201")]
async fn create_user() -> &'static str {
    "created"
}

fn main() {}

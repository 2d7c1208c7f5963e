use brisk::prelude::*;

#[post("/items", stauts_code = 201)]
async fn create_item() -> &'static str {
    "created"
}

fn main() {}

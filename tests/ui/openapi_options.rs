use brisk::prelude::*;

#[get("/items", include_in_schema = "no", deprecated = 1, operation_id = "")]
async fn items() -> &'static str {
    "items"
}

fn main() {}

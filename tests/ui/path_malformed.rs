use brisk::prelude::*;

#[get("/items/{}")]
async fn empty_variable() -> String {
    String::new()
}

#[get("/items/v{item_id}")]
async fn partial_segment(item_id: i64) -> String {
    item_id.to_string()
}

#[get("/a/{x}/b/{x}")]
async fn repeated_variable(x: i64) -> String {
    x.to_string()
}

#[get("/files/{*rest}/raw")]
async fn catch_all_not_last(rest: String) -> String {
    rest
}

#[get("/items/}")]
async fn unmatched_close(rest: String) -> String {
    rest
}

#[get("/items/{item-id}")]
async fn not_an_identifier() -> String {
    String::new()
}

fn main() {}

use brisk::prelude::*;

#[get("/")]
async fn index() -> &'static str {
    yield_!("hello");
    "hello"
}

fn main() {}

use brisk::prelude::*;

#[get]
async fn index() -> &'static str {
    "hello"
}

#[get(status_code = 200)]
async fn no_path_first() -> &'static str {
    "hello"
}

fn main() {}

use brisk::prelude::*;

#[get("/items")]
struct Items {
    count: usize,
}

fn main() {}

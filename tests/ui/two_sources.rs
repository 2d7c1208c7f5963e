use brisk::prelude::*;

#[get("/search")]
async fn search(#[query] #[header] x: String) -> String {
    x
}

fn main() {}

use brisk::prelude::*;

#[get("/search")]
async fn search(#[querry] q: String) -> String {
    q
}

fn main() {}

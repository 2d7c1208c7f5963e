use brisk::prelude::*;

#[depends]
async fn get_db() -> u32 {
    1
}

#[get("/a")]
async fn a(#[depends] db: u32) -> String {
    db.to_string()
}

#[get("/b")]
async fn b(#[depends(get_db, use_cache = "no")] db: u32) -> String {
    db.to_string()
}

#[get("/c")]
async fn c(#[depends(get_db, scoped = true)] db: u32) -> String {
    db.to_string()
}

#[depends(use_cache = false)]
async fn with_arguments() -> u32 {
    1
}

fn main() {}

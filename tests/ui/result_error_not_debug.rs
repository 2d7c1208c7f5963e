use brisk::prelude::*;

struct NotFound;

#[get("/item")]
async fn read_item() -> Result<String, NotFound> {
    Err(NotFound)
}

fn main() {}

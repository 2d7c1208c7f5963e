use brisk::prelude::*;

#[get("/items/{item}")]
async fn read_item(item: Request) -> String {
    item.uri().to_string()
}

fn main() {}

use brisk::prelude::*;

#[get("/items")]
async fn list_items(#[query(convert_underscores = false)] page_size: u32) -> String {
    page_size.to_string()
}

fn main() {}

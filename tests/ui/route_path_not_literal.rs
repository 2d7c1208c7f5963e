use brisk::prelude::*;

const ITEMS: &str = "/items";

#[get(ITEMS)]
async fn list_items() -> &'static str {
    "items"
}

fn main() {
    let _ = App::new().routes(routes![list_items]);
}

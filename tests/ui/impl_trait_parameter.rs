use brisk::prelude::*;

#[post("/items")]
async fn create_item(#[body] item: impl serde::de::DeserializeOwned) -> &'static str {
    let _ = item;
    "created"
}

fn main() {
    let _ = App::new().routes(routes![create_item]);
}

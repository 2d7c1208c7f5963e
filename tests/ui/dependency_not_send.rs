use brisk::prelude::*;
use std::rc::Rc;

async fn audit() {}

#[depends]
async fn get_name() -> String {
    let name = Rc::new(String::from("alice"));
    audit().await;
    name.to_string()
}

#[get("/name")]
async fn name(#[depends(get_name)] name: String) -> String {
    name
}

fn main() {
    let _ = App::new().routes(routes![name]);
}

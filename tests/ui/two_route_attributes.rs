use brisk::prelude::*;

#[get("/items")]
#[post("/items")]
async fn items() -> &'static str {
    "items"
}

fn main() {
    let _ = App::new().routes(routes![items]);
}

use brisk::prelude::*;

#[get("/items")]
async fn items() -> &'static str {
    "[]"
}

fn main() {
    // A route list is not a service: routes go in `.routes(...)`, apps are mounted built.
    let _ = App::new().mount("/v2", routes![items]);
}

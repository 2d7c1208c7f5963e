use brisk::prelude::*;

// No route attribute: a plain function is not a route.
async fn health() -> &'static str {
    "ok"
}

fn main() {
    let _ = App::new().routes(routes![health]);
}

use brisk::prelude::*;

#[get("/")]
async fn index() -> &'static str {
    "index"
}

fn main() {
    let _ = App::new().routes(routes![index()]);
}

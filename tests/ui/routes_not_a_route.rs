use brisk::prelude::*;

#[get("/")]
async fn index() -> &'static str {
    "index"
}

#[depends]
async fn get_user() -> String {
    String::from("alice")
}

fn main() {
    let _ = App::new().routes(routes![index, get_user]);
}

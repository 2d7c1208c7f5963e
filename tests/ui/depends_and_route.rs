use brisk::prelude::*;

#[depends]
#[get("/user")]
async fn get_user() -> String {
    String::from("alice")
}

fn main() {}

use brisk::prelude::*;

#[post("/avatar")]
async fn avatar(#[file] picture: String) -> String {
    picture
}

fn main() {}

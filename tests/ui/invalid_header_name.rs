use brisk::prelude::*;

#[get("/whoami")]
async fn whoami(#[header(alias = "x user")] user: String) -> String {
    user
}

fn main() {}

use brisk::prelude::*;

#[get("/items")]
async fn list_items(#[query(maximum = 100)] limit: u32) -> String {
    limit.to_string()
}

#[get("/whoami")]
async fn whoami(#[header(convert_underscore = false)] x_user: String) -> String {
    x_user
}

fn main() {}

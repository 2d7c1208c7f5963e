use brisk::prelude::*;

#[get("/items")]
async fn list_items(
    #[query(alias = 5, default = 1, default = 2)] page: u32,
    #[query(ge)] size: u32,
    #[header(convert_underscores = "no")] x_token: String,
) -> String {
    format!("{page} {size} {x_token}")
}

fn main() {}

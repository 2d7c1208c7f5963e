use brisk::prelude::*;

#[get("/items")]
async fn list_items(
    #[query(default = 500, le = 100)] limit: u32,
    #[query(default = 0, gt = 0)] page: u32,
    #[query(default = "ab", min_length = 3)] sort: String,
) -> String {
    format!("{limit} {page} {sort}")
}

fn main() {
    let _ = App::new().routes(routes![list_items]);
}

use brisk::prelude::*;

#[get("/items")]
async fn list_items(
    #[query(ge = 10, le = 1)] limit: u32,
    #[query(min_length = 5, max_length = 2)] q: String,
    #[query(gt = 3, lt = 3)] ratio: f64,
) -> String {
    format!("{limit} {q} {ratio}")
}

fn main() {
    let _ = App::new().routes(routes![list_items]);
}

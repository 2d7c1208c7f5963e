use brisk::prelude::*;

#[depends]
async fn get_db() -> u32 {
    1
}

#[get("/items")]
async fn list_items(
    #[depends(get_db, use_cache = "no")] db: u32,
    #[depends(get_db, cache = false)] other: u32,
    #[depends(use_cache = false)] third: u32,
) -> String {
    format!("{db} {other} {third}")
}

fn main() {
    let _ = App::new().routes(routes![list_items]);
}

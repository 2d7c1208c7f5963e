use brisk::prelude::*;

#[get("/items")]
async fn list_items(tags: Option<Vec<String>>, q: Option<Option<String>>) -> String {
    format!("{tags:?} {q:?}")
}

fn main() {
    let _ = App::new().routes(routes![list_items]);
}

use brisk::prelude::*;

mod items {
    use brisk::prelude::*;

    #[get("/items")]
    pub async fn list_items() -> &'static str {
        "items"
    }
}

#[get("/")]
async fn index() -> &'static str {
    "index"
}

fn main() {
    let _ = App::new().routes(routes![index, items::list_items, index, items :: list_items]);
}

use brisk::prelude::*;

#[post("/items", status_code = 201, status_code = 202, tags = ["items"], tags = ["more"])]
async fn create_item() -> &'static str {
    "created"
}

fn main() {
    let _ = App::new().routes(routes![create_item]);
}

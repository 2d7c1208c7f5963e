use brisk::prelude::*;

#[get("/items/{id}/copies/{id}")]
async fn read_copy(id: i64) -> String {
    id.to_string()
}

fn main() {
    let _ = App::new().routes(routes![read_copy]);
}

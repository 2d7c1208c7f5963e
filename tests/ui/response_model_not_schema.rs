use brisk::prelude::*;

#[derive(Serialize)]
struct UserOut {
    name: String,
}

#[get("/users/{name}", response_model = UserOut)]
async fn read_user(name: String) -> UserOut {
    UserOut { name }
}

#[derive(Serialize)]
struct NotFound {
    detail: String,
}

#[get("/items", responses(404 = NotFound))]
async fn items() -> &'static str {
    "items"
}

fn main() {}

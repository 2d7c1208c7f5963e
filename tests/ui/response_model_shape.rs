use brisk::prelude::*;

#[derive(Serialize, JsonSchema)]
struct UserOut {
    name: String,
}

#[get("/a", response_model = UserOut)]
async fn tuple() -> (StatusCode, String) {
    (StatusCode::OK, String::new())
}

#[get("/b", response_model = UserOut)]
async fn nothing() {}

#[get("/c", response_model = UserOut)]
async fn opaque() -> impl IntoResponse {
    "text"
}

fn main() {}

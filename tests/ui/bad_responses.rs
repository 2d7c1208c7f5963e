use brisk::prelude::*;

#[derive(Serialize, JsonSchema)]
struct NotFound {
    detail: String,
}

#[get("/a", responses(not_found = NotFound, 99 = NotFound, "404" = NotFound, 404 = NotFound, 404 = NotFound))]
async fn a() -> &'static str {
    "a"
}

#[get("/b", responses = NotFound, response_model = NotFound, response_model = NotFound)]
async fn b() -> Json<NotFound> {
    Json(NotFound { detail: String::new() })
}

fn main() {}

use brisk::prelude::*;

#[depends]
async fn owned(request: Request) -> String {
    request.uri().to_string()
}

#[depends]
fn blocking(request: &Request) -> String {
    request.uri().to_string()
}

#[get("/h")]
async fn handler(request: &Request) -> String {
    request.uri().to_string()
}

fn main() {}

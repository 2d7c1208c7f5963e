use brisk::prelude::*;
use brisk::response::FileResponse;

// A shape the route cannot answer conditional requests through.
#[get("/report")]
async fn report() -> Vec<FileResponse> {
    vec![FileResponse::open("report.pdf").await.unwrap()]
}

fn main() {}

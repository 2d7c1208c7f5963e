use brisk::Multipart;
use brisk::prelude::*;

#[post("/album")]
async fn album(mut parts: Multipart, #[form] title: String, #[file] cover: UploadFile) -> String {
    let _ = parts.next_field().await;
    format!("{title} {:?}", cover.filename())
}

fn main() {}

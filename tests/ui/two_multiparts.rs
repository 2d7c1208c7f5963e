use brisk::Multipart;
use brisk::prelude::*;

#[post("/album")]
async fn album(mut photos: Multipart, mut captions: Multipart) -> String {
    let _ = (photos.next_field().await, captions.next_field().await);
    String::new()
}

fn main() {}

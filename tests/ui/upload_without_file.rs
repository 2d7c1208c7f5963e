use brisk::prelude::*;

#[post("/avatar")]
async fn avatar(picture: UploadFile, #[query] thumbnail: Option<UploadFile>, #[form] extra: Vec<UploadFile>) -> String {
    let _ = (thumbnail, extra);
    format!("{:?}", picture.filename())
}

fn main() {}

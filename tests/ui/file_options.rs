use brisk::prelude::*;

#[post("/avatar")]
async fn avatar(#[file(max_size = 1024, alias = "picture")] avatar: UploadFile) -> String {
    format!("{:?}", avatar.filename())
}

fn main() {}

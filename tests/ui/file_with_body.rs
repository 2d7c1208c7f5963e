use brisk::prelude::*;

#[derive(Deserialize)]
struct Profile {
    name: String,
}

#[post("/profile")]
async fn update(#[body] profile: Profile, #[file] avatar: UploadFile) -> String {
    format!("{} {:?}", profile.name, avatar.filename())
}

fn main() {}

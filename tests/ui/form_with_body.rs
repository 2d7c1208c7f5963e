use brisk::prelude::*;

#[derive(Deserialize)]
struct Profile {
    name: String,
}

#[post("/profile")]
async fn update(#[body] profile: Profile, #[form] avatar_url: String) -> String {
    format!("{} {avatar_url}", profile.name)
}

fn main() {}

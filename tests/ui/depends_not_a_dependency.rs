use brisk::prelude::*;

#[get("/other")]
async fn other() -> &'static str {
    "other"
}

#[get("/me", dependencies = [other])]
async fn me(#[depends(other)] value: String) -> String {
    value
}

fn main() {}

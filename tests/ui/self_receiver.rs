use brisk::prelude::*;

struct Service;

impl Service {
    #[get("/status")]
    async fn status(&self) -> &'static str {
        "ok"
    }
}

fn main() {}

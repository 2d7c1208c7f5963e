use brisk::prelude::*;
use std::sync::Mutex;

static COUNTER: Mutex<u32> = Mutex::new(0);

async fn audit() {}

#[get("/count")]
async fn count() -> String {
    let guard = COUNTER.lock().unwrap();
    audit().await;
    guard.to_string()
}

fn main() {
    let _ = App::new().routes(routes![count]);
}

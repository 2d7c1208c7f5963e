use brisk::prelude::*;

#[lifespan]
async fn no_yield() -> AppState {
    AppState::new()
}

#[lifespan]
async fn wrong_state() -> AppState {
    yield_!(42u32);
}

fn main() {}

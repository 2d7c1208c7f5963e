use brisk::prelude::*;

#[depends(scope = "function")]
async fn transaction() -> u32 {
    yield_!(1);
}

#[depends]
async fn session(#[depends(transaction)] tx: u32) -> u32 {
    yield_!(tx);
}

#[depends(scope = "function")]
async fn no_teardown() -> u32 {
    1
}

#[depends(scope = "forever")]
async fn bad_scope() -> u32 {
    yield_!(1);
}

#[depends]
async fn borrows(request: &Request) -> String {
    yield_!(request.uri().to_string());
}

#[get("/s")]
async fn uses(#[depends(session)] s: u32) -> String {
    s.to_string()
}

fn main() {}

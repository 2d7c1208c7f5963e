use brisk::middleware::Next;
use brisk::prelude::*;

#[middleware]
async fn wrong_request(request: String, next: Next) -> Response {
    let _ = (request, next);
    Response::new(Default::default())
}

fn main() {
    let _ = App::new().middleware(wrong_request);
}

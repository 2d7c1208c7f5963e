use brisk::middleware::Next;
use brisk::prelude::*;

#[middleware]
fn not_async(request: Request, next: Next) -> Response {
    let _ = (request, next);
    Response::new(Default::default())
}

#[middleware]
async fn one_parameter(request: Request) -> Response {
    let _ = request;
    Response::new(Default::default())
}

#[middleware]
struct NotAFunction;

fn main() {}

use brisk::prelude::*;

#[derive(Debug)]
struct MyError;

#[exception_handler]
fn not_async(request: &Request, err: MyError) -> Response {
    let _ = (request, err);
    Response::new(Default::default())
}

#[exception_handler]
async fn owned_request(request: Request, err: MyError) -> Response {
    let _ = (request, err);
    Response::new(Default::default())
}

#[exception_handler]
async fn only_error(err: MyError) -> Response {
    let _ = err;
    Response::new(Default::default())
}

#[exception_handler]
async fn not_a_response(request: &Request, err: MyError) -> MyError {
    let _ = request;
    err
}

fn main() {}

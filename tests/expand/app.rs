// The app-level macros: a middleware, an exception handler, a lifespan, a
// yield dependency with `scope = "function"`, and the `routes!` list; see
// hello.rs for how the snapshot test reads these files.
use brisk::prelude::*;

#[middleware]
async fn timing(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    response.headers_mut().insert("x-process-time", elapsed_header(started));
    response
}

#[exception_handler]
async fn out_of_stock(request: &Request, err: OutOfStock) -> Response {
    (StatusCode::CONFLICT, Json(json!({ "detail": err.to_string(), "path": request.uri().path() })))
        .into_response()
}

#[lifespan]
async fn lifespan(settings: Settings) -> Result<AppState, sqlx::Error> {
    let pool = Pool::connect(&settings.database_url).await?;
    yield_!(AppState::new().with(pool.clone()));
    pool.close().await;
}

#[depends(scope = "function")]
async fn get_lock(locks: State<Locks>) -> Result<Lock, HttpError> {
    let lock = locks.acquire().await?;
    yield_!(lock.clone());
    lock.release().await
}

routes![read_item, items::create_item];

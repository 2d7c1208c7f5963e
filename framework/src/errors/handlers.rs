//! Exception handlers: the error a handler, a dependency or a middleware
//! returned rides on its default response until the app's handlers, chosen
//! by the error's type (or the response's status), have had their say.

use std::any::{Any, TypeId};
use std::future::Future;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use http::StatusCode;

use super::HttpError;
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// An exception handler: `async fn(request: &Request, err: E) -> impl IntoResponse`.
///
/// ```
/// use brisk::prelude::*;
///
/// #[derive(Debug)]
/// struct InsufficientFunds { balance: f64 }
///
/// #[exception_handler]
/// async fn insufficient_funds(_request: &Request, err: InsufficientFunds) -> Response {
///     (StatusCode::PAYMENT_REQUIRED, Json(serde_json::json!({ "balance": err.balance }))).into_response()
/// }
///
/// let app = App::new().exception_handler(insufficient_funds);
/// # let _ = app;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an exception handler for `{E}`",
    note = "an exception handler is an `async fn(request: &Request, err: YourError) -> Response`"
)]
pub trait ExceptionHandler<'a, E>: Send + Sync + 'static {
    /// The handler's future.
    type Future: Future<Output = Response> + Send + 'a;
    /// Turns the error into a response.
    fn call(&self, request: &'a Request, error: E) -> Self::Future;
}

impl<'a, E, F, Fut, R> ExceptionHandler<'a, E> for F
where
    F: Fn(&'a Request, E) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'a,
    R: IntoResponse,
{
    type Future = Pin<Box<dyn Future<Output = Response> + Send + 'a>>;

    fn call(&self, request: &'a Request, error: E) -> Self::Future {
        let future = (self)(request, error);
        Box::pin(async move { future.await.into_response() })
    }
}

type BoxFuture<'a> = Pin<Box<dyn Future<Output = Response> + Send + 'a>>;

pub(crate) trait ErasedHandler: Send + Sync {
    fn call<'a>(&'a self, request: &'a Request, error: Box<dyn Any + Send>) -> BoxFuture<'a>;
}

struct Typed<E, H> {
    handler: H,
    error: PhantomData<fn(E)>,
}

impl<E, H> ErasedHandler for Typed<E, H>
where
    E: Send + 'static,
    H: for<'a> ExceptionHandler<'a, E>,
{
    fn call<'a>(&'a self, request: &'a Request, error: Box<dyn Any + Send>) -> BoxFuture<'a> {
        match error.downcast::<E>() {
            Ok(error) => Box::pin(self.handler.call(request, *error)),
            // Registered under E's TypeId, so the downcast cannot fail.
            Err(_) => Box::pin(async { super::internal_error_response() }),
        }
    }
}

/// The app's exception handlers: by error type, and by status code.
#[derive(Default)]
pub(crate) struct Handlers {
    by_type: Vec<(TypeId, &'static str, &'static dyn ErasedHandler)>,
    by_status: Vec<(StatusCode, &'static dyn ErasedHandler)>,
}

impl Handlers {
    pub(crate) fn insert<E, H>(&mut self, handler: H)
    where
        E: Send + 'static,
        H: for<'a> ExceptionHandler<'a, E>,
    {
        let id = TypeId::of::<E>();
        let erased: &'static dyn ErasedHandler = Box::leak(Box::new(Typed { handler, error: PhantomData }));
        self.by_type.retain(|(t, _, _)| *t != id);
        self.by_type.push((id, std::any::type_name::<E>(), erased));
    }

    pub(crate) fn insert_status<H>(&mut self, status: StatusCode, handler: H)
    where
        H: for<'a> ExceptionHandler<'a, HttpError>,
    {
        let erased: &'static dyn ErasedHandler =
            Box::leak(Box::new(Typed::<HttpError, H> { handler, error: PhantomData }));
        self.by_status.retain(|(s, _)| *s != status);
        self.by_status.push((status, erased));
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_type.iter().map(|(_, name, _)| *name)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_type.is_empty() && self.by_status.is_empty()
    }

    /// Lets the handlers answer for the error riding on `response`, if any.
    pub(crate) async fn resolve(&self, request: &Request, mut response: Response) -> Response {
        let Some(pending) = response.extensions_mut().remove::<PendingError>() else {
            return response;
        };
        let Some(error) = pending.take() else { return response };
        let info = response.extensions().get::<ErrorInfo>().cloned();
        let id = (*error).type_id();
        let handled = match self.by_type.iter().find(|(t, _, _)| *t == id) {
            Some((_, name, handler)) => guarded(handler.call(request, error), name).await,
            None => {
                let status = response.status();
                match self.by_status.iter().find(|(s, _)| *s == status) {
                    Some((_, handler)) => {
                        let detail = error_detail(&error, status);
                        guarded(handler.call(request, Box::new(detail)), "status exception handler").await
                    }
                    None => {
                        if status.is_server_error() {
                            tracing::error!(
                                target: "brisk::errors",
                                method = %request.method(),
                                path = request.path(),
                                error = info.as_ref().map_or("", |i| i.message.as_str()),
                                "unhandled error"
                            );
                        }
                        return keep_info(response, info);
                    }
                }
            }
        };
        // The cookies the route set (`ResponseHeaders`) ride on the error's
        // response: the handled one keeps them, as every other exit does.
        let mut handled = keep_info(handled, info);
        for cookie in response.headers().get_all(http::header::SET_COOKIE) {
            handled.headers_mut().append(http::header::SET_COOKIE, cookie.clone());
        }
        handled
    }
}

/// Runs an exception handler. A panic in it becomes a logged 500, as one in
/// a route does: the handler may run outside every route and layer (for a
/// 404, or for an error the outermost layer returned).
async fn guarded(handler: BoxFuture<'_>, name: &'static str) -> Response {
    match AssertUnwindSafe(handler).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => crate::panic::panicked(name, &*panic),
    }
}

fn keep_info(mut response: Response, info: Option<ErrorInfo>) -> Response {
    if let Some(info) = info {
        response.extensions_mut().insert(info);
    }
    response
}

/// The `HttpError` a status handler receives: the original one, or one made from the status.
fn error_detail(error: &Box<dyn Any + Send>, status: StatusCode) -> HttpError {
    error.downcast_ref::<HttpError>().cloned().unwrap_or_else(|| HttpError::from_status(status))
}

/// The original error of an error response, for middleware that logs it.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::errors::ErrorInfo;
/// use brisk::middleware::Next;
///
/// #[middleware]
/// async fn log_errors(request: Request, next: Next) -> Response {
///     let response = next.run(request).await;
///     if let Some(error) = response.extensions().get::<ErrorInfo>() {
///         eprintln!("{} failed: {}", error.type_name, error.message);
///     }
///     response
/// }
/// ```
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The error's type.
    pub type_name: &'static str,
    /// The error's `Debug` text.
    pub message: String,
}

/// The error itself, until an exception handler takes it.
#[derive(Clone)]
pub(crate) struct PendingError(Arc<Mutex<Option<Box<dyn Any + Send>>>>);

impl PendingError {
    pub(crate) fn new<E: Send + 'static>(error: E) -> Self {
        PendingError(Arc::new(Mutex::new(Some(Box::new(error)))))
    }

    fn take(&self) -> Option<Box<dyn Any + Send>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }
}

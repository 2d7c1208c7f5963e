//! Error values and the responses they become.

mod handlers;
mod http_error;
mod validation;

pub use handlers::{ErrorInfo, ExceptionHandler};
pub(crate) use handlers::{Handlers, PendingError};
pub use http_error::HttpError;
pub use validation::{ErrorItem, Loc, RequestValidationError};

use std::any::Any;

use crate::response::{IntoResponse, Response};

/// The response for an error returned by a handler.
///
/// [`HttpError`] and [`RequestValidationError`] carry their own response;
/// any other error is logged with its `Debug` form and answered with a
/// generic 500 so that no internal detail reaches the client.
///
/// The error itself rides along on the response (with an [`ErrorInfo`] for
/// logging middleware) until the app's exception handlers have seen it;
/// an unknown error nobody handles is logged there.
pub(crate) fn error_response<E: std::fmt::Debug + Send + 'static>(err: E) -> Response {
    let any: &dyn Any = &err;
    let mut response = if let Some(http) = any.downcast_ref::<HttpError>() {
        http.clone().into_json_response()
    } else if let Some(invalid) = any.downcast_ref::<RequestValidationError>() {
        invalid.clone().into_response()
    } else {
        internal_error_response()
    };
    let info = ErrorInfo { type_name: std::any::type_name::<E>(), message: format!("{err:?}") };
    response.extensions_mut().insert(info);
    response.extensions_mut().insert(PendingError::new(err));
    response
}

/// `500 {"detail":"Internal Server Error"}`.
pub(crate) fn internal_error_response() -> Response {
    HttpError::internal().into_response()
}

/// Fails to compile, on the function, when it is not an exception handler.
#[doc(hidden)]
pub fn assert_exception_handler<E, H>(_: &H)
where
    E: Send + 'static,
    H: for<'a> ExceptionHandler<'a, E>,
{
}

/// Without exception handlers, the error riding on a response only needs
/// logging when it became a 500.
pub(crate) fn discard_pending(response: &mut Response) {
    if response.extensions_mut().remove::<PendingError>().is_some()
        && response.status().is_server_error()
        && let Some(info) = response.extensions().get::<ErrorInfo>()
    {
        tracing::error!(target: "brisk::errors", error = info.message, error_type = info.type_name, "unhandled error");
    }
}

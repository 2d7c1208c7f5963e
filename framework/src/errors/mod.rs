//! Error values and the responses they become.

mod http_error;
mod validation;

pub use http_error::HttpError;
pub use validation::{ErrorItem, Loc, RequestValidationError};

use std::any::Any;

use crate::response::{IntoResponse, Response};

/// The response for an error returned by a handler.
///
/// [`HttpError`] and [`RequestValidationError`] carry their own response;
/// any other error is logged with its `Debug` form and answered with a
/// generic 500 so that no internal detail reaches the client.
pub(crate) fn error_response<E: std::fmt::Debug + Send + 'static>(err: E) -> Response {
    // Looking through `Option<E>` lets us take the value out by type without boxing it.
    let mut slot = Some(err);
    let any: &mut dyn Any = &mut slot;
    if let Some(http) = any.downcast_mut::<Option<HttpError>>().and_then(Option::take) {
        return http.into_response();
    }
    if let Some(invalid) = any.downcast_mut::<Option<RequestValidationError>>().and_then(Option::take) {
        return invalid.into_response();
    }
    tracing::error!(target: "brisk::errors", error = ?slot, "unhandled error in handler");
    internal_error_response()
}

/// `500 {"detail":"Internal Server Error"}`.
pub(crate) fn internal_error_response() -> Response {
    HttpError::internal().into_response()
}

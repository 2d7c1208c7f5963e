//! Error values and the responses they become.

mod handlers;
mod http_error;
mod validation;

pub use handlers::{ErrorInfo, ExceptionHandler};
pub(crate) use handlers::{Handlers, PendingError};
pub use http_error::HttpError;
pub use validation::{ErrorItem, Loc, RequestValidationError};

use std::any::Any;
use std::borrow::Cow;

use http::StatusCode;

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
    crate::response::internal_server_error()
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

// Where a handler's return value is an error, it becomes an error response.

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.into_json_response()
    }
}

impl<T: IntoResponse> IntoResponse for Option<T> {
    fn failure(&self) -> Option<(Cow<'static, str>, String)> {
        match self {
            Some(value) => value.failure(),
            None => Some(("NotFound".into(), "None".to_owned())),
        }
    }

    fn into_response(self) -> Response {
        match self {
            Some(value) => value.into_response(),
            None => HttpError::not_found().into_response(),
        }
    }

    fn into_response_with_status(self, status: StatusCode) -> Response {
        match self {
            Some(value) => value.into_response_with_status(status),
            None => HttpError::not_found().into_response(),
        }
    }
}

impl<T, E> IntoResponse for Result<T, E>
where
    T: IntoResponse,
    E: std::fmt::Debug + Send + 'static,
{
    fn failure(&self) -> Option<(Cow<'static, str>, String)> {
        match self {
            Ok(value) => value.failure(),
            Err(err) => Some((std::any::type_name::<E>().into(), format!("{err:?}"))),
        }
    }

    fn into_response(self) -> Response {
        match self {
            Ok(value) => value.into_response(),
            Err(err) => error_response(err),
        }
    }

    fn into_response_with_status(self, status: StatusCode) -> Response {
        match self {
            Ok(value) => value.into_response_with_status(status),
            Err(err) => error_response(err),
        }
    }
}

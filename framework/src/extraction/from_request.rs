use std::future::Future;

use crate::errors::{ErrorItem, HttpError, RequestValidationError};
use crate::request::Request;
use crate::response::Response;
use crate::state::State;

/// Why an extractor could not produce its value.
#[derive(Debug)]
pub enum Rejection {
    /// Validation failures, merged into the request's single 422.
    Invalid(Vec<ErrorItem>),
    /// A failure with a response of its own, sent as is.
    Respond(Response),
}

impl From<HttpError> for Rejection {
    /// The error rides on its response, so the app's exception handlers
    /// answer it as they answer a handler's `Err` (FastAPI's security
    /// classes raise `HTTPException`, which the handlers see).
    fn from(err: HttpError) -> Self {
        Rejection::Respond(crate::errors::error_response(err))
    }
}

impl From<RequestValidationError> for Rejection {
    fn from(err: RequestValidationError) -> Self {
        Rejection::Invalid(err.errors().to_vec())
    }
}

impl From<ErrorItem> for Rejection {
    fn from(item: ErrorItem) -> Self {
        Rejection::Invalid(vec![item])
    }
}

impl From<Response> for Rejection {
    fn from(response: Response) -> Self {
        Rejection::Respond(response)
    }
}

/// A type that a handler can take as a parameter with no annotation.
///
/// brisk implements it for [`State<T>`]; implement it for your own types to
/// make them extractors. Returning an [`ErrorItem`] joins the request's 422;
/// returning an [`HttpError`] answers with that error.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::extract::{FromRequest, Rejection};
///
/// struct ApiVersion(u8);
///
/// impl FromRequest for ApiVersion {
///     async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
///         match request.headers().get("x-api-version").map(|v| v.as_bytes()) {
///             Some(b"2") => Ok(ApiVersion(2)),
///             _ => Ok(ApiVersion(1)),
///         }
///     }
/// }
///
/// #[get("/version")]
/// async fn version(v: ApiVersion) -> String {
///     v.0.to_string()
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an extractor brisk knows",
    label = "brisk cannot tell where this parameter comes from",
    note = "annotate the parameter with #[query], #[path], #[header], #[cookie], #[form], #[file] or #[body], or implement `brisk::extract::FromRequest` for `{Self}`"
)]
pub trait FromRequest: Sized + Send {
    /// Extracts the value, possibly reading the body.
    fn from_request(request: &mut Request) -> impl Future<Output = Result<Self, Rejection>> + Send;
}

/// Extracts `T`: what a route's generated code calls for a parameter
/// read through [`FromRequest`]. The bound sits on this function, so a
/// type that is not an extractor is reported once, on the parameter.
#[doc(hidden)]
pub fn extract<T: FromRequest>(request: &mut Request) -> impl Future<Output = Result<T, Rejection>> + Send {
    T::from_request(request)
}

impl<T: Send + Sync + 'static> FromRequest for State<T> {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        request.state::<T>().ok_or_else(|| {
            tracing::error!(
                target: "brisk::extract",
                state = std::any::type_name::<T>(),
                "a handler asks for State of a type the app never registered; call App::state"
            );
            Rejection::Respond(crate::errors::internal_error_response())
        })
    }
}

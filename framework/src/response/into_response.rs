use std::borrow::Cow;

use bytes::Bytes;
use http::StatusCode;
use http::header::{HeaderMap, HeaderName, HeaderValue};

use super::{Response, json_bytes, with_content_type};
use crate::body::Body;

/// Anything a handler may return.
///
/// Implemented for text (`&'static str`, `String`), [`Json`](crate::Json),
/// [`Html`](crate::Html), `()`, [`StatusCode`], `(StatusCode, T)`,
/// `(StatusCode, headers, T)`, [`Response`], `Option<T>` (None is a 404) and
/// `Result<T, E>` for any error type (errors become error responses).
///
/// ```
/// use brisk::prelude::*;
///
/// struct Teapot;
///
/// impl IntoResponse for Teapot {
///     fn into_response(self) -> Response {
///         (StatusCode::IM_A_TEAPOT, "short and stout").into_response()
///     }
/// }
///
/// #[get("/tea")]
/// async fn tea() -> Teapot { Teapot }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a brisk handler",
    label = "not a response type",
    note = "return `String`, `&'static str`, `Json<T>`, `Html<T>`, `()`, `StatusCode`, `(StatusCode, T)`, `Response`, `Option<T>` or `Result<T, E>`, or implement `brisk::IntoResponse` for `{Self}`"
)]
pub trait IntoResponse {
    /// Builds the response.
    fn into_response(self) -> Response;

    /// Builds the response for a route declared with `status_code = N`.
    ///
    /// Types whose status is implied (text, JSON, `()`) take the route's
    /// status; types that carry their own ([`Response`], `(StatusCode, T)`,
    /// errors) keep theirs, which is what the default does.
    fn into_response_with_status(self, status: StatusCode) -> Response
    where
        Self: Sized,
    {
        let _ = status;
        self.into_response()
    }

    /// The error this value carries, as `(type name, Debug text)`, for the
    /// teardowns of yield dependencies. `None` for successful values.
    fn failure(&self) -> Option<(Cow<'static, str>, String)> {
        None
    }
}

fn set_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

macro_rules! text_response {
    ($($ty:ty),*) => {$(
        impl IntoResponse for $ty {
            fn into_response(self) -> Response {
                with_content_type(Body::from(self), super::TEXT_PLAIN)
            }

            fn into_response_with_status(self, status: StatusCode) -> Response {
                set_status(self.into_response(), status)
            }
        }
    )*};
}

text_response!(&'static str, String);

impl IntoResponse for Cow<'static, str> {
    fn into_response(self) -> Response {
        match self {
            Cow::Borrowed(text) => text.into_response(),
            Cow::Owned(text) => text.into_response(),
        }
    }

    fn into_response_with_status(self, status: StatusCode) -> Response {
        set_status(self.into_response(), status)
    }
}

impl IntoResponse for Bytes {
    fn into_response(self) -> Response {
        with_content_type(Body::from(self), super::OCTET_STREAM)
    }

    fn into_response_with_status(self, status: StatusCode) -> Response {
        set_status(self.into_response(), status)
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        Bytes::from(self).into_response()
    }

    fn into_response_with_status(self, status: StatusCode) -> Response {
        set_status(self.into_response(), status)
    }
}

impl IntoResponse for serde_json::Value {
    fn into_response(self) -> Response {
        json_bytes(&self)
    }

    fn into_response_with_status(self, status: StatusCode) -> Response {
        set_status(self.into_response(), status)
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(Body::empty())
    }

    fn into_response_with_status(self, status: StatusCode) -> Response {
        set_status(self.into_response(), status)
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        set_status(Response::new(Body::empty()), self)
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        set_status(self.1.into_response(), self.0)
    }
}

impl<H: IntoHeaders, T: IntoResponse> IntoResponse for (StatusCode, H, T) {
    fn into_response(self) -> Response {
        let (status, headers, body) = self;
        let mut response = set_status(body.into_response(), status);
        headers.append_to(response.headers_mut());
        response
    }
}

/// Headers that a `(StatusCode, headers, body)` response adds.
///
/// Implemented for [`HeaderMap`] and for arrays of `(name, value)` pairs.
pub trait IntoHeaders {
    /// Appends the headers; an invalid name or value is logged and skipped.
    fn append_to(self, headers: &mut HeaderMap);
}

impl IntoHeaders for HeaderMap {
    fn append_to(self, headers: &mut HeaderMap) {
        headers.extend(self);
    }
}

impl<K, V, const N: usize> IntoHeaders for [(K, V); N]
where
    K: TryInto<HeaderName>,
    K::Error: std::fmt::Display,
    V: TryInto<HeaderValue>,
    V::Error: std::fmt::Display,
{
    fn append_to(self, headers: &mut HeaderMap) {
        for (name, value) in self {
            match (name.try_into(), value.try_into()) {
                (Ok(name), Ok(value)) => {
                    headers.append(name, value);
                }
                (Err(err), _) => {
                    tracing::error!(target: "brisk::response", error = %err, "invalid response header name")
                }
                (_, Err(err)) => {
                    tracing::error!(target: "brisk::response", error = %err, "invalid response header value")
                }
            }
        }
    }
}

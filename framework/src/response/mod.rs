//! Turning what a handler returns into an HTTP response.

mod cookie;
mod describe;
#[cfg(feature = "fs")]
pub(crate) mod file;
mod headers;
mod into_response;
mod json;
mod redirect;
mod sse;
mod streaming;

pub use cookie::{Cookie, SameSite};
pub use describe::{DeclaredResponse, DescribeResponse, ResponseContent, ResponseFn};
#[doc(hidden)]
pub use describe::{NoResponseContent, ResponseOf, model};
#[cfg(feature = "fs")]
pub use file::FileResponse;
pub use headers::ResponseHeaders;

pub use into_response::{IntoHeaders, IntoResponse};
pub use json::{Html, Json};
pub use redirect::Redirect;
pub use sse::{Event, EventStream};
pub use streaming::StreamingResponse;

use crate::body::Body;

/// The response type that flows back through brisk.
pub type Response<B = Body> = http::Response<B>;

pub(crate) fn with_content_type(body: Body, content_type: http::HeaderValue) -> Response {
    let mut response = Response::new(body);
    response.headers_mut().insert(http::header::CONTENT_TYPE, content_type);
    response
}

// Checked once at compile time rather than on every response.
pub(crate) const TEXT_PLAIN: http::HeaderValue = http::HeaderValue::from_static("text/plain; charset=utf-8");
pub(crate) const TEXT_HTML: http::HeaderValue = http::HeaderValue::from_static("text/html; charset=utf-8");
pub(crate) const APPLICATION_JSON: http::HeaderValue = http::HeaderValue::from_static("application/json");
pub(crate) const OCTET_STREAM: http::HeaderValue = http::HeaderValue::from_static("application/octet-stream");

pub(crate) fn json_bytes(value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => with_content_type(Body::from(bytes), APPLICATION_JSON),
        Err(err) => {
            tracing::error!(target: "brisk::response", error = %err, "response serialization failed");
            internal_server_error()
        }
    }
}

/// `500 {"detail":"Internal Server Error"}`: the answer when the app's own
/// code failed (a panic, a response that would not serialize), and what
/// `HttpError::internal()` becomes.
pub(crate) fn internal_server_error() -> Response {
    let mut response =
        with_content_type(Body::from(&br#"{"detail":"Internal Server Error"}"#[..]), APPLICATION_JSON);
    *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    response
}

/// A route declared `status_code = 204` (or 304) answers without a body,
/// whatever its handler returned (RFC 9110, 15.3.5): the macros apply this
/// to such a route's success response. An error response keeps its body.
#[doc(hidden)]
pub fn bodiless(response: Response) -> Response {
    if !matches!(response.status(), http::StatusCode::NO_CONTENT | http::StatusCode::NOT_MODIFIED) {
        return response;
    }
    let (mut head, _) = response.into_parts();
    head.headers.remove(http::header::CONTENT_TYPE);
    head.headers.remove(http::header::CONTENT_LENGTH);
    Response::from_parts(head, Body::empty())
}

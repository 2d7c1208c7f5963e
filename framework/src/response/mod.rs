//! Turning what a handler returns into an HTTP response.

mod into_response;
mod json;

pub use into_response::IntoResponse;
pub use json::{Html, Json};

use crate::body::Body;

/// The response type that flows back through brisk.
pub type Response<B = Body> = http::Response<B>;

pub(crate) fn with_content_type(body: Body, content_type: &'static str) -> Response {
    let mut response = Response::new(body);
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    response
}

pub(crate) fn json_bytes(value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => with_content_type(Body::from(bytes), "application/json"),
        Err(err) => {
            tracing::error!(target: "brisk::response", error = %err, "response serialization failed");
            crate::errors::internal_error_response()
        }
    }
}

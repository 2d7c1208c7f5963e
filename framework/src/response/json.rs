use serde::Serialize;

use super::{IntoResponse, Response, json_bytes, with_content_type};
use crate::body::Body;

/// A JSON response (`application/json`), serialized with serde.
///
/// ```
/// use brisk::prelude::*;
///
/// #[derive(Serialize)]
/// struct Message { message: &'static str }
///
/// #[get("/")]
/// async fn index() -> Json<Message> {
///     Json(Message { message: "Hello, World!" })
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        json_bytes(&self.0)
    }

    fn into_response_with_status(self, status: http::StatusCode) -> Response {
        let mut response = self.into_response();
        if response.status().is_success() {
            *response.status_mut() = status;
        }
        response
    }
}

/// An HTML response (`text/html; charset=utf-8`).
///
/// ```
/// use brisk::prelude::*;
///
/// #[get("/page")]
/// async fn page() -> Html<&'static str> {
///     Html("<h1>Hello</h1>")
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Html<T>(pub T);

impl<T: Into<Body>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        with_content_type(self.0.into(), super::TEXT_HTML)
    }

    fn into_response_with_status(self, status: http::StatusCode) -> Response {
        let mut response = self.into_response();
        *response.status_mut() = status;
        response
    }
}

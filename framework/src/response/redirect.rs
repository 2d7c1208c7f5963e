use http::{HeaderValue, StatusCode};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::{IntoResponse, Response};
use crate::body::Body;

/// What a `Location` may not carry as is: controls, space, non-ASCII and the
/// characters RFC 3986 leaves out of URIs. `%` stays, so a location that is
/// already percent-encoded is kept as it is (Starlette's rule too).
const NOT_IN_LOCATION: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A redirect: an empty response with a status and a `Location` header.
///
/// [`Redirect::to`] answers `307 Temporary Redirect`, FastAPI's
/// `RedirectResponse` default, which keeps the method and body; the others
/// give the status their name says. The location may be absolute
/// (`https://example.com/`) or relative (`/items?page=2`); spaces, non-ASCII
/// and other characters a URI cannot hold are percent-encoded, and an
/// existing `%XX` is kept, so a location built from user input can never
/// break the header.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::response::Redirect;
///
/// #[get("/old")]
/// async fn old() -> Redirect {
///     Redirect::permanent("/new")
/// }
///
/// let response = Redirect::see_other("/orders/7").into_response();
/// assert_eq!(response.status(), StatusCode::SEE_OTHER);
/// assert_eq!(response.headers()["location"], "/orders/7");
/// ```
#[derive(Debug, Clone)]
pub struct Redirect {
    status: StatusCode,
    location: HeaderValue,
}

impl Redirect {
    fn with_status(status: StatusCode, location: &str) -> Self {
        let encoded = utf8_percent_encode(location, NOT_IN_LOCATION).to_string();
        // Every byte left is visible ASCII, which a header value accepts.
        let location = HeaderValue::try_from(encoded).unwrap_or_else(|_| HeaderValue::from_static("/"));
        Redirect { status, location }
    }

    /// `307 Temporary Redirect`: the client repeats the same request there.
    pub fn to(location: impl AsRef<str>) -> Self {
        Redirect::with_status(StatusCode::TEMPORARY_REDIRECT, location.as_ref())
    }

    /// `307 Temporary Redirect`, the same as [`Redirect::to`].
    pub fn temporary(location: impl AsRef<str>) -> Self {
        Redirect::to(location)
    }

    /// `308 Permanent Redirect`: as 307, and clients may remember it.
    pub fn permanent(location: impl AsRef<str>) -> Self {
        Redirect::with_status(StatusCode::PERMANENT_REDIRECT, location.as_ref())
    }

    /// `301 Moved Permanently` (clients may turn a POST into a GET).
    pub fn moved_permanently(location: impl AsRef<str>) -> Self {
        Redirect::with_status(StatusCode::MOVED_PERMANENTLY, location.as_ref())
    }

    /// `302 Found` (clients may turn a POST into a GET).
    pub fn found(location: impl AsRef<str>) -> Self {
        Redirect::with_status(StatusCode::FOUND, location.as_ref())
    }

    /// `303 See Other`: the client fetches the location with GET, the usual
    /// answer to a form POST.
    pub fn see_other(location: impl AsRef<str>) -> Self {
        Redirect::with_status(StatusCode::SEE_OTHER, location.as_ref())
    }

    /// The status this redirect answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Location` header's value, as sent.
    pub fn location(&self) -> &HeaderValue {
        &self.location
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status;
        response.headers_mut().insert(http::header::LOCATION, self.location);
        response
    }
}

use std::sync::{Arc, Mutex, PoisonError};

use http::header::{HeaderName, SET_COOKIE};
use http::{HeaderMap, HeaderValue};

use super::{Cookie, Response};

/// Headers and cookies to add to the response, collected while the request
/// runs: FastAPI's `response: Response` parameter.
///
/// Take it as a parameter of a handler or of a `#[depends]` function; every
/// handle in one request adds to the same set. When the route answers, they
/// are added to its response — also when the handler returns an error, a
/// parameter is invalid or a dependency fails, where FastAPI drops them (a
/// logout that must clear the session cookie even when it then fails keeps
/// its `Set-Cookie`). Cookies are appended; any other header replaces the
/// response's own of that name. A handler that panics answers a bare 500:
/// what it collected is dropped with it.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::response::{Cookie, ResponseHeaders};
///
/// #[post("/login")]
/// async fn login(headers: ResponseHeaders) -> &'static str {
///     headers.set_cookie(Cookie::new("session", "abc123").http_only(true));
///     headers.insert("x-login", "ok");
///     "welcome"
/// }
///
/// #[post("/logout")]
/// async fn logout(headers: ResponseHeaders) -> Result<&'static str, HttpError> {
///     headers.delete_cookie("session");
///     Err(HttpError::unauthorized("the session had expired already"))
/// }
/// ```
#[derive(Clone, Default)]
pub struct ResponseHeaders(Arc<Mutex<HeaderMap>>);

impl ResponseHeaders {
    fn headers(&self) -> std::sync::MutexGuard<'_, HeaderMap> {
        // Poisoned by a panic elsewhere in the request: the headers are still whole.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets `name` to `value`, replacing the response's own `name`.
    ///
    /// # Panics
    /// When the name or value is not a valid header: they are written by the
    /// programmer. For a value built from client input use
    /// [`insert_value`](Self::insert_value) with a checked `HeaderValue`.
    pub fn insert(&self, name: &str, value: &str) {
        let name = HeaderName::try_from(name).expect("a valid header name");
        let value = HeaderValue::try_from(value).expect("a valid header value");
        self.insert_value(name, value);
    }

    /// Sets `name` to an already checked `value`.
    pub fn insert_value(&self, name: HeaderName, value: HeaderValue) {
        self.headers().insert(name, value);
    }

    /// Adds a `Set-Cookie` for `cookie`; several cookies may be set.
    pub fn set_cookie(&self, cookie: Cookie) {
        self.headers().append(SET_COOKIE, cookie.to_header_value());
    }

    /// Tells the browser to drop the cookie `name` set with `Path=/` (see
    /// [`Cookie::removal`] for another path or domain).
    pub fn delete_cookie(&self, name: &str) {
        self.set_cookie(Cookie::removal(name));
    }

    /// `response` with the collected headers added: cookies appended, the
    /// rest replacing. Out of line, so that the routes that collect none
    /// pass their response straight through.
    #[inline(never)]
    pub(crate) fn applied(&self, mut response: Response) -> Response {
        let target = response.headers_mut();
        for (name, value) in self.headers().iter() {
            if name == SET_COOKIE {
                target.append(name.clone(), value.clone());
            } else {
                target.insert(name.clone(), value.clone());
            }
        }
        response
    }
}

impl std::fmt::Debug for ResponseHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ResponseHeaders").field(&*self.headers()).finish()
    }
}

use std::time::{Duration, SystemTime};

use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};

/// A cookie to set on a response, with FastAPI's defaults: `Path=/` and
/// `SameSite=Lax`; `HttpOnly`, `Secure`, `Max-Age`, `Expires` and `Domain`
/// only when asked for.
///
/// The name and value are percent-encoded where RFC 6265 does not allow a
/// character (spaces, `;`, `,`, `"`, non-ASCII…), and brisk's `#[cookie]`
/// parameters decode them again, so any text round-trips. Set it with
/// [`ResponseHeaders::set_cookie`](crate::response::ResponseHeaders::set_cookie)
/// from a handler or dependency, or [`Cookie::append_to`] on a response in
/// middleware.
///
/// ```
/// use std::time::Duration;
/// use brisk::response::Cookie;
///
/// let session = Cookie::new("session", "abc123").http_only(true).secure(true).max_age(Duration::from_secs(3600));
/// assert_eq!(session.to_string(), "session=abc123; HttpOnly; SameSite=Lax; Secure; Path=/; Max-Age=3600");
///
/// // Deleting a cookie sends an expired one, with the path it was set with.
/// assert!(Cookie::removal("session").to_string().contains("Max-Age=0"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Cookie(cookie::Cookie<'static>);

impl Cookie {
    /// A cookie `name=value`, for the whole site (`Path=/`), `SameSite=Lax`,
    /// ending with the browser session.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        let mut cookie = cookie::Cookie::new(name.into(), value.into());
        cookie.set_path("/");
        cookie.set_same_site(cookie::SameSite::Lax);
        Cookie(cookie)
    }

    /// The cookie that deletes `name` (FastAPI's `delete_cookie`): empty,
    /// `Max-Age=0` and an `Expires` in the past. Give it the same `path` and
    /// `domain` the cookie was set with, or the browser keeps the original.
    pub fn removal(name: impl Into<String>) -> Self {
        let mut cookie = Cookie::new(name, "");
        cookie.0.make_removal();
        cookie
    }

    /// `Max-Age`, in whole seconds: how long the browser keeps it.
    pub fn max_age(mut self, age: Duration) -> Self {
        let seconds = i64::try_from(age.as_secs()).unwrap_or(i64::MAX);
        self.0.set_max_age(cookie::time::Duration::seconds(seconds));
        self
    }

    /// `Expires`: when the browser drops it.
    pub fn expires(mut self, at: SystemTime) -> Self {
        self.0.set_expires(cookie::time::OffsetDateTime::from(at));
        self
    }

    /// `Domain`: which hosts receive it (by default only the one that set it).
    /// Characters an attribute cannot hold (`;`, controls, spaces,
    /// non-ASCII) are percent-encoded, so no text can add an attribute.
    pub fn domain(mut self, domain: impl AsRef<str>) -> Self {
        self.0.set_domain(attribute(domain.as_ref()));
        self
    }

    /// `Path` (default `/`); encoded as [`domain`](Self::domain) is.
    pub fn path(mut self, path: impl AsRef<str>) -> Self {
        self.0.set_path(attribute(path.as_ref()));
        self
    }

    /// `Secure`: sent over HTTPS only.
    pub fn secure(mut self, secure: bool) -> Self {
        self.0.set_secure(secure);
        self
    }

    /// `HttpOnly`: out of reach of the page's scripts.
    pub fn http_only(mut self, http_only: bool) -> Self {
        self.0.set_http_only(http_only);
        self
    }

    /// `SameSite` (default `Lax`). `None` needs [`secure`](Self::secure) in
    /// current browsers.
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.0.set_same_site(match same_site {
            SameSite::Strict => cookie::SameSite::Strict,
            SameSite::Lax => cookie::SameSite::Lax,
            SameSite::None => cookie::SameSite::None,
        });
        self
    }

    /// The `Set-Cookie` header value.
    pub fn to_header_value(&self) -> HeaderValue {
        // Percent-encoded name and value, and attributes brisk wrote:
        // visible ASCII only, which any header value accepts.
        HeaderValue::try_from(self.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// Appends this cookie's `Set-Cookie` header to `headers` (a response's,
    /// in middleware), keeping any cookie already there.
    pub fn append_to(&self, headers: &mut HeaderMap) {
        headers.append(SET_COOKIE, self.to_header_value());
    }
}

impl std::fmt::Display for Cookie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0.encoded(), f)
    }
}

/// What an attribute value cannot hold as is (RFC 6265, 4.1.1: no controls
/// and no `;`), percent-encoded with spaces and non-ASCII, which a header
/// value could not carry either.
const NOT_IN_ATTRIBUTE: &percent_encoding::AsciiSet =
    &percent_encoding::CONTROLS.add(b';').add(b' ').add(b'%');

fn attribute(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, NOT_IN_ATTRIBUTE).to_string()
}

/// The `SameSite` attribute of a [`Cookie`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// Sent only with requests from the same site.
    Strict,
    /// Also sent when the user follows a link to the site (the default).
    Lax,
    /// Sent with every request, cross-site included (requires `Secure`).
    None,
}

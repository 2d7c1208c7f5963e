//! What HTTP/1 requires of a request head before the app may see it,
//! beyond what hyper's parser checks: one `Host` for HTTP/1.1, never two
//! in any version (RFC 9112, 3.2) and a target no longer than the app allows (414).
//!
//! Only for requests read off a socket: HTTP/2 carries the authority in
//! its `:authority` pseudo-header and bounds the path with its header list,
//! and a [`Service`](crate::Service) embedded elsewhere or driven by
//! `TestClient` gets requests that never had a request line.

use http::header::{CONNECTION, HOST};
use http::{HeaderValue, StatusCode, Version};

use crate::errors::HttpError;
use crate::request::Request;
use crate::response::Response;

/// What answers a head the app must not see, or `None` to serve it.
///
/// Each answer closes the connection: after a head this malformed, what
/// the client sends next on it cannot be trusted to be a new request.
pub(crate) fn refuse(request: &Request, max_uri_length: usize) -> Option<fn() -> Response> {
    if uri_length(request) > max_uri_length {
        return Some(|| refusal(StatusCode::URI_TOO_LONG, "URI Too Long"));
    }
    let headers = request.headers();
    // HTTP/1.0 may leave the host out; 1.1 must send one. A scan of the
    // names rather than a lookup: clients send `Host` first, so this stops
    // at once where a hashed lookup costs some sixty instructions.
    if request.version() == Version::HTTP_11 && !headers.keys().any(|name| name == HOST) {
        return Some(|| refusal(StatusCode::BAD_REQUEST, "Missing Host header"));
    }
    // Never two, in any version: a server that picks one of them is what a
    // cache-poisoning attack needs. Only a map with a repeated name can
    // hold two.
    if headers.len() != headers.keys_len() && headers.get_all(HOST).iter().nth(1).is_some() {
        return Some(|| refusal(StatusCode::BAD_REQUEST, "More than one Host header"));
    }
    None
}

/// The request target's length as the client sent it: the path and query
/// (origin form), with the scheme and authority of an absolute form.
fn uri_length(request: &Request) -> usize {
    let uri = request.uri();
    let path_and_query = uri.path_and_query().map_or(0, |target| target.as_str().len());
    match uri.authority() {
        None => path_and_query,
        Some(authority) => {
            // "http://" is 7 bytes, "https://" 8.
            let scheme = uri.scheme_str().map_or(0, |scheme| scheme.len() + 3);
            scheme + authority.as_str().len() + path_and_query
        }
    }
}

fn refusal(status: StatusCode, detail: &'static str) -> Response {
    HttpError::new(status, detail)
        .with_header_value(CONNECTION, HeaderValue::from_static("close"))
        .into_json_response()
}

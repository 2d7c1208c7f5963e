//! Host header validation, as Starlette's `TrustedHostMiddleware` does it.

use http::StatusCode;
use http::header;

use super::{Middleware, Next};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// Refuses requests for hosts the app does not serve, with 400 `Invalid host
/// header`: a guard against Host header attacks (poisoned password-reset
/// links, cache poisoning).
///
/// Patterns are host names without port, compared in any case:
/// `"example.com"` allows exactly that host, `"*.example.com"` any subdomain
/// of it (not `example.com` itself), and `"*"` any host. The host is read
/// from the `Host` header, or from the request target when a client sends
/// none (HTTP/2's `:authority`); a request with two `Host` headers is refused.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::TrustedHost;
///
/// let app = App::new().middleware(TrustedHost::new(["example.com", "*.example.com"]));
/// # let _ = app;
/// ```
#[derive(Clone, Debug)]
pub struct TrustedHost {
    any: bool,
    patterns: Vec<Pattern>,
}

#[derive(Clone, Debug)]
enum Pattern {
    Exact(String),
    /// `.example.com` for `*.example.com`.
    Subdomains(String),
}

impl TrustedHost {
    /// Allows the hosts that match one of `patterns`.
    ///
    /// # Panics
    /// When a pattern has a `*` anywhere but as a whole `*.` first label (or
    /// is `*` alone), as Starlette refuses such patterns.
    ///
    /// ```
    /// let trusted = brisk::TrustedHost::new(["api.example.com", "*.internal.example.com", "localhost"]);
    /// # let _ = trusted;
    /// ```
    pub fn new<I>(patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut trusted = TrustedHost { any: false, patterns: Vec::new() };
        for pattern in patterns {
            let pattern = pattern.as_ref().trim();
            if pattern == "*" {
                trusted.any = true;
                continue;
            }
            let wildcard = pattern.strip_prefix('*');
            let rest = wildcard.unwrap_or(pattern);
            if rest.contains('*') || wildcard.is_some_and(|suffix| !suffix.starts_with('.')) {
                panic!(
                    "TrustedHost: {pattern:?} is not a host pattern: a wildcard must be like '*.example.com'"
                );
            }
            trusted.patterns.push(match wildcard {
                Some(suffix) => Pattern::Subdomains(suffix.to_owned()),
                None => Pattern::Exact(pattern.to_owned()),
            });
        }
        trusted
    }

    fn allows(&self, host: &str) -> bool {
        self.patterns.iter().any(|pattern| match pattern {
            Pattern::Exact(exact) => host.eq_ignore_ascii_case(exact),
            Pattern::Subdomains(suffix) => {
                let start = host.len().saturating_sub(suffix.len());
                host.len() > suffix.len()
                    && host
                        .as_bytes()
                        .get(start..)
                        .is_some_and(|end| end.eq_ignore_ascii_case(suffix.as_bytes()))
            }
        })
    }
}

impl Middleware for TrustedHost {
    async fn handle(&self, request: Request, next: Next) -> Response {
        if self.any || request_host(&request).is_some_and(|host| self.allows(host)) {
            return next.run(request).await;
        }
        (StatusCode::BAD_REQUEST, "Invalid host header").into_response()
    }

    fn name(&self) -> &'static str {
        "brisk::TrustedHost"
    }
}

/// The host the client asked for, without its port.
fn request_host(request: &Request) -> Option<&str> {
    let mut values = request.headers().get_all(header::HOST).iter();
    let authority = match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().ok()?,
        (None, _) => request.uri().host()?,
        (Some(_), Some(_)) => return None,
    };
    Some(strip_port(authority))
}

fn strip_port(authority: &str) -> &str {
    if let Some(bracketed) = authority.strip_prefix('[') {
        // An IPv6 literal: `[::1]:8000` → `::1`.
        return match bracketed.split_once(']') {
            Some((address, rest)) if rest.is_empty() || rest.starts_with(':') => address,
            _ => authority,
        };
    }
    authority.split_once(':').map_or(authority, |(host, _port)| host)
}

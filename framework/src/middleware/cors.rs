//! Cross-Origin Resource Sharing, with the semantics of Starlette's `CORSMiddleware`.

use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use regex_lite::Regex;

use super::{Middleware, Next, add_vary};
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// What [`Cors::allow_any_method`] allows.
const ALL_METHODS: [&str; 7] = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
/// Request headers every preflight allows: browsers may send them on any request.
const SAFELISTED_HEADERS: [&str; 4] = ["Accept", "Accept-Language", "Content-Language", "Content-Type"];

const REQUEST_PRIVATE_NETWORK: HeaderName = HeaderName::from_static("access-control-request-private-network");
const ALLOW_PRIVATE_NETWORK: HeaderName = HeaderName::from_static("access-control-allow-private-network");
const ANY: HeaderValue = HeaderValue::from_static("*");
const TRUE: HeaderValue = HeaderValue::from_static("true");

/// Lets browsers call the app from other origins (CORS), as Starlette's
/// `CORSMiddleware` does.
///
/// A preflight (an `OPTIONS` request with `Origin` and
/// `Access-Control-Request-Method`) is answered here, without reaching the
/// routes: 200 when the origin, method and headers are all allowed, 400
/// `Disallowed CORS origin, method, headers` (the failing parts) otherwise.
/// Any other request with an `Origin` goes through, and its response, errors
/// included, says which origin may read it. Requests without `Origin` pass
/// untouched.
///
/// Nothing is allowed until configured, except the `GET` method (Starlette's
/// defaults); preflights may be cached for 600 seconds.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::Cors;
///
/// let cors = Cors::new()
///     .allow_origin("https://yourapp.com")
///     .allow_methods([Method::GET, Method::POST])
///     .allow_headers(["Authorization"])
///     .allow_credentials(true);
/// let app = App::new().middleware(cors);
/// # let _ = app;
/// ```
#[derive(Clone, Debug)]
pub struct Cors {
    origins: Vec<String>,
    any_origin: bool,
    origin_regex: Option<Regex>,
    methods: Vec<String>,
    methods_value: HeaderValue,
    /// The allowed request headers, as configured, safelisted ones included.
    headers: Vec<String>,
    headers_value: HeaderValue,
    any_header: bool,
    credentials: bool,
    private_network: bool,
    expose_value: Option<HeaderValue>,
    max_age: HeaderValue,
}

impl Default for Cors {
    fn default() -> Self {
        Cors::new()
    }
}

impl Cors {
    /// A policy that allows no origin yet, the `GET` method and the safelisted headers.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_origin("https://a.com");
    /// # let _ = cors;
    /// ```
    pub fn new() -> Self {
        Cors {
            origins: Vec::new(),
            any_origin: false,
            origin_regex: None,
            methods: vec!["GET".to_owned()],
            methods_value: HeaderValue::from_static("GET"),
            headers: Vec::new(),
            headers_value: HeaderValue::from_static(""),
            any_header: false,
            credentials: false,
            private_network: false,
            expose_value: None,
            max_age: HeaderValue::from_static("600"),
        }
        .allow_headers::<[&str; 0]>([])
    }

    /// Allows one origin, compared exactly (scheme, host and port, no
    /// trailing slash); call it again for more. `"*"` allows any origin.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_origin("https://a.com").allow_origin("https://b.com");
    /// # let _ = cors;
    /// ```
    pub fn allow_origin(mut self, origin: impl Into<String>) -> Self {
        let origin = origin.into();
        if origin == "*" {
            self.any_origin = true;
        } else {
            self.origins.push(origin);
        }
        self
    }

    /// Allows each of these origins, as [`allow_origin`](Cors::allow_origin) does.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_origins(["https://a.com", "http://localhost:3000"]);
    /// # let _ = cors;
    /// ```
    pub fn allow_origins<I>(self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        origins.into_iter().fold(self, |cors, origin| cors.allow_origin(origin))
    }

    /// Allows the origins that the whole of `pattern` matches (regex-lite syntax).
    ///
    /// # Panics
    /// When `pattern` is not a valid regular expression.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_origin_regex(r"https://.*\.example\.com");
    /// # let _ = cors;
    /// ```
    pub fn allow_origin_regex(mut self, pattern: &str) -> Self {
        let anchored = format!("^(?:{pattern})$");
        match Regex::new(&anchored) {
            Ok(regex) => self.origin_regex = Some(regex),
            Err(err) => panic!("Cors: invalid origin pattern {pattern:?}: {err}"),
        }
        self
    }

    /// Allows every origin. Without credentials, responses say `*`; with
    /// them, the request's origin is echoed back instead.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_any_origin();
    /// # let _ = cors;
    /// ```
    pub fn allow_any_origin(mut self) -> Self {
        self.any_origin = true;
        self
    }

    /// Sets the methods a preflight may ask for (compared exactly, so write
    /// them in capitals); `"*"` allows the usual seven. The default is `GET`.
    ///
    /// # Panics
    /// When a method contains characters a header cannot carry.
    ///
    /// ```
    /// use brisk::Method;
    /// let cors = brisk::Cors::new().allow_methods([Method::GET, Method::POST, Method::DELETE]);
    /// # let _ = cors;
    /// ```
    pub fn allow_methods<I>(mut self, methods: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.methods = methods.into_iter().map(|method| method.as_ref().to_owned()).collect();
        if self.methods.iter().any(|method| method == "*") {
            self.methods = ALL_METHODS.map(str::to_owned).to_vec();
        }
        self.methods_value = list_value(&self.methods);
        self
    }

    /// Allows any of the usual methods: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_any_method();
    /// # let _ = cors;
    /// ```
    pub fn allow_any_method(self) -> Self {
        self.allow_methods(["*"])
    }

    /// Sets the request headers a preflight may ask for (any case), on top
    /// of the always-allowed `Accept`, `Accept-Language`, `Content-Language`
    /// and `Content-Type`; `"*"` allows any.
    ///
    /// # Panics
    /// When a name contains characters a header cannot carry.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_headers(["Authorization", "X-Request-Id"]);
    /// # let _ = cors;
    /// ```
    pub fn allow_headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.headers = SAFELISTED_HEADERS.map(str::to_owned).to_vec();
        for name in headers {
            let name = name.as_ref().trim();
            if name == "*" {
                self.any_header = true;
            } else if !self.headers.iter().any(|known| known.eq_ignore_ascii_case(name)) {
                self.headers.push(name.to_owned());
            }
        }
        self.headers.sort_by_key(|name| name.to_ascii_lowercase());
        self.headers_value = list_value(&self.headers);
        self
    }

    /// Allows any request header: a preflight's requested headers are echoed back.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_any_header();
    /// # let _ = cors;
    /// ```
    pub fn allow_any_header(mut self) -> Self {
        self.any_header = true;
        self
    }

    /// Lets the browser send cookies and `Authorization` with cross-origin
    /// requests and read the answers (`Access-Control-Allow-Credentials: true`).
    /// The allowed origin is then always echoed back, never `*`.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_origin("https://a.com").allow_credentials(true);
    /// # let _ = cors;
    /// ```
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.credentials = allow;
        self
    }

    /// Answers preflights that carry `Access-Control-Request-Private-Network`
    /// (a public page calling a private address) with permission; without
    /// it, such preflights fail with `Disallowed CORS private-network`.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_any_origin().allow_private_network(true);
    /// # let _ = cors;
    /// ```
    pub fn allow_private_network(mut self, allow: bool) -> Self {
        self.private_network = allow;
        self
    }

    /// Sets the response headers, beyond the safelisted ones, that scripts
    /// on the allowed origins may read.
    ///
    /// # Panics
    /// When a name contains characters a header cannot carry.
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_any_origin().expose_headers(["X-Total-Count"]);
    /// # let _ = cors;
    /// ```
    pub fn expose_headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let names: Vec<String> = headers.into_iter().map(|name| name.as_ref().to_owned()).collect();
        self.expose_value = (!names.is_empty()).then(|| list_value(&names));
        self
    }

    /// How long, in seconds, a browser may cache a preflight's answer (default 600).
    ///
    /// ```
    /// let cors = brisk::Cors::new().allow_any_origin().max_age(3600);
    /// # let _ = cors;
    /// ```
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = HeaderValue::from(seconds);
        self
    }

    fn is_allowed(&self, origin: &HeaderValue) -> bool {
        if self.any_origin {
            return true;
        }
        let Ok(origin) = origin.to_str() else { return false };
        self.origins.iter().any(|allowed| allowed == origin)
            || self.origin_regex.as_ref().is_some_and(|regex| regex.is_match(origin))
    }

    /// Whether answers name the request's origin (and so vary with it) rather than `*`.
    fn echoes_origin(&self) -> bool {
        !self.any_origin || self.credentials
    }

    fn allows_headers(&self, requested: &HeaderValue) -> bool {
        let Ok(requested) = requested.to_str() else { return false };
        requested
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .all(|name| self.headers.iter().any(|allowed| allowed.eq_ignore_ascii_case(name)))
    }

    fn preflight(&self, origin: &HeaderValue, request: &HeaderMap) -> Response {
        let mut headers = HeaderMap::new();
        let mut failures = Vec::new();
        let origin_allowed = self.is_allowed(origin);
        if !self.echoes_origin() {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, ANY);
        } else {
            add_vary(&mut headers, "Origin");
            if origin_allowed {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            }
        }
        if !origin_allowed {
            failures.push("origin");
        }

        let method = request.get(header::ACCESS_CONTROL_REQUEST_METHOD);
        if !method.is_some_and(|method| self.methods.iter().any(|m| m.as_bytes() == method.as_bytes())) {
            failures.push("method");
        }
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, self.methods_value.clone());

        let requested = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS);
        if self.any_header {
            if let Some(requested) = requested {
                headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
            }
        } else {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, self.headers_value.clone());
            if requested.is_some_and(|requested| !self.allows_headers(requested)) {
                failures.push("headers");
            }
        }

        if request.contains_key(REQUEST_PRIVATE_NETWORK) {
            if self.private_network {
                headers.insert(ALLOW_PRIVATE_NETWORK, TRUE);
            } else {
                failures.push("private-network");
            }
        }
        if self.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, self.max_age.clone());

        let mut response = if failures.is_empty() {
            (StatusCode::OK, "OK").into_response()
        } else {
            (StatusCode::BAD_REQUEST, format!("Disallowed CORS {}", failures.join(", "))).into_response()
        };
        response.headers_mut().extend(headers);
        response
    }

    /// Marks an actual (non-preflight) response readable by `origin`, when it is allowed.
    fn decorate(&self, headers: &mut HeaderMap, origin: HeaderValue) {
        if !self.echoes_origin() {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, ANY);
        } else {
            // Allowed or not, this response depends on the origin.
            add_vary(headers, "Origin");
            if !self.is_allowed(&origin) {
                return;
            }
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        if self.credentials {
            headers.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE);
        }
        if let Some(expose) = &self.expose_value {
            headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
        }
    }
}

impl Middleware for Cors {
    async fn handle(&self, request: Request, next: Next) -> Response {
        let Some(origin) = request.headers().get(header::ORIGIN).cloned() else {
            return next.run(request).await;
        };
        let headers = request.headers();
        if request.method() == Method::OPTIONS && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            return self.preflight(&origin, headers);
        }
        let mut response = next.run(request).await;
        self.decorate(response.headers_mut(), origin);
        response
    }

    fn name(&self) -> &'static str {
        "brisk::Cors"
    }
}

/// `a, b, c` as one header value; the names come from the app's configuration.
fn list_value(items: &[String]) -> HeaderValue {
    let joined = items.join(", ");
    match HeaderValue::try_from(&joined) {
        Ok(value) => value,
        Err(_) => panic!("Cors: {joined:?} cannot be sent in a header"),
    }
}

use http::StatusCode;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::response::{IntoResponse, Response, json_bytes};

/// An error with an HTTP status: FastAPI's `HTTPException`.
///
/// The response body is `{"detail": <detail>}`, where the detail may be any
/// JSON value; extra headers go along with it.
///
/// ```
/// use brisk::prelude::*;
///
/// #[get("/teapot")]
/// async fn teapot() -> Result<&'static str, HttpError> {
///     Err(HttpError::new(StatusCode::IM_A_TEAPOT, serde_json::json!({"reason": "short and stout"}))
///         .with_header("x-teapot", "yes"))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct HttpError(Box<Inner>);

// Boxed so that `Result<T, HttpError>` stays one pointer wide on the happy path.
#[derive(Debug, Clone)]
struct Inner {
    status: StatusCode,
    detail: serde_json::Value,
    headers: HeaderMap,
}

impl HttpError {
    /// An error with this status and detail (any serializable value).
    pub fn new(status: StatusCode, detail: impl Serialize) -> Self {
        let detail = serde_json::to_value(detail).unwrap_or_else(|err| {
            tracing::error!(target: "brisk::errors", error = %err, "HttpError detail is not serializable");
            serde_json::Value::Null
        });
        HttpError(Box::new(Inner { status, detail, headers: HeaderMap::new() }))
    }

    /// An error whose detail is the status's standard reason phrase.
    pub fn from_status(status: StatusCode) -> Self {
        HttpError::new(status, status.canonical_reason().unwrap_or("Error"))
    }

    /// 400 with this detail.
    pub fn bad_request(detail: impl Serialize) -> Self {
        HttpError::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401 with this detail.
    pub fn unauthorized(detail: impl Serialize) -> Self {
        HttpError::new(StatusCode::UNAUTHORIZED, detail)
    }

    /// 403 with this detail.
    pub fn forbidden(detail: impl Serialize) -> Self {
        HttpError::new(StatusCode::FORBIDDEN, detail)
    }

    /// `404 {"detail":"Not Found"}`.
    pub fn not_found() -> Self {
        HttpError::from_status(StatusCode::NOT_FOUND)
    }

    /// `500 {"detail":"Internal Server Error"}`.
    pub fn internal() -> Self {
        HttpError::from_status(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Adds a header to the error response.
    ///
    /// # Panics
    /// When the name or value is not a valid header: they are written by the
    /// programmer, never taken from a client.
    pub fn with_header(mut self, name: &'static str, value: impl AsRef<str>) -> Self {
        let name = HeaderName::from_static(name);
        let value = HeaderValue::from_str(value.as_ref()).expect("a valid header value");
        self.0.headers.append(name, value);
        self
    }

    /// Adds a header whose value is already checked.
    pub fn with_header_value(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.append(name, value);
        self
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The detail value.
    pub fn detail(&self) -> &serde_json::Value {
        &self.0.detail
    }

    /// The extra headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    pub(crate) fn into_json_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            detail: &'a serde_json::Value,
        }
        let Inner { status, detail, headers } = *self.0;
        let mut response = json_bytes(&Body { detail: &detail });
        *response.status_mut() = status;
        response.headers_mut().extend(headers);
        response
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.status, self.0.detail)
    }
}

impl std::error::Error for HttpError {}

impl From<StatusCode> for HttpError {
    fn from(status: StatusCode) -> Self {
        HttpError::from_status(status)
    }
}

impl IntoResponse for &HttpError {
    fn into_response(self) -> Response {
        self.clone().into_json_response()
    }
}

/// Its body, `{"detail": …}`, for routes that declare it:
/// `responses(404 = HttpError)`.
impl schemars::JsonSchema for HttpError {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HTTPError".into()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        "brisk::HttpError".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "title": "HTTPError",
            "properties": { "detail": { "title": "Detail" } },
            "required": ["detail"],
        })
    }
}

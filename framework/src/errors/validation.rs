use http::StatusCode;
use serde::Serialize;
use serde_json::Value;

use crate::response::{IntoResponse, Response, json_bytes};

/// One part of an error's location: a name or a list position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
#[schemars(inline, transform = undocumented)]
pub enum Loc {
    /// A field, parameter or source name (`"query"`, `"limit"`).
    Name(std::borrow::Cow<'static, str>),
    /// A position in a list.
    Index(usize),
}

impl From<&'static str> for Loc {
    fn from(name: &'static str) -> Self {
        Loc::Name(name.into())
    }
}

impl From<String> for Loc {
    fn from(name: String) -> Self {
        Loc::Name(name.into())
    }
}

impl From<usize> for Loc {
    fn from(index: usize) -> Self {
        Loc::Index(index)
    }
}

/// One entry of a 422 response, shaped like FastAPI's (pydantic's) errors.
///
/// ```
/// use brisk::ErrorItem;
/// let item = ErrorItem::missing(vec!["query".into(), "limit".into()]);
/// assert_eq!(
///     serde_json::to_value(&item).unwrap(),
///     serde_json::json!({"type": "missing", "loc": ["query", "limit"], "msg": "Field required", "input": null})
/// );
/// ```
///
/// The OpenAPI document describes it, from this definition, as FastAPI's
/// `ValidationError` component.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "ValidationError", title = "ValidationError", transform = undocumented)]
pub struct ErrorItem {
    /// The machine-readable kind (`missing`, `int_parsing`, …).
    #[serde(rename = "type")]
    #[schemars(title = "Error Type")]
    pub kind: &'static str,
    /// Where the error is: source first, then the names down to the value.
    #[schemars(title = "Location")]
    pub loc: Vec<Loc>,
    /// The human-readable message.
    #[schemars(title = "Message")]
    pub msg: String,
    /// The offending input (`null` when it was missing).
    #[schemars(title = "Input")]
    pub input: Value,
    /// The constraint that failed, when there is one (`{"ge": 1}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(title = "Context", with = "serde_json::Map<String, Value>")]
    pub ctx: Option<Value>,
}

impl ErrorItem {
    /// An error of any kind.
    pub fn new(kind: &'static str, loc: Vec<Loc>, msg: impl Into<String>, input: Value) -> Self {
        ErrorItem { kind, loc, msg: msg.into(), input, ctx: None }
    }

    /// A required value that is absent: `Field required`.
    pub fn missing(loc: Vec<Loc>) -> Self {
        ErrorItem::new("missing", loc, "Field required", Value::Null)
    }

    /// Attaches the failed constraint.
    pub fn with_ctx(mut self, ctx: Value) -> Self {
        self.ctx = Some(ctx);
        self
    }
}

/// Every parameter and body error of one request, answered as a single 422.
///
/// ```
/// use brisk::{ErrorItem, IntoResponse, RequestValidationError};
/// let err = RequestValidationError::new(vec![ErrorItem::missing(vec!["query".into(), "q".into()])]);
/// assert_eq!(err.into_response().status(), 422);
/// ```
///
/// The OpenAPI document describes its body, from this definition, as
/// FastAPI's `HTTPValidationError` component.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "HTTPValidationError", title = "HTTPValidationError", transform = undocumented)]
pub struct RequestValidationError {
    #[schemars(title = "Detail")]
    detail: Vec<ErrorItem>,
}

impl RequestValidationError {
    /// A validation error made of these items.
    pub fn new(errors: Vec<ErrorItem>) -> Self {
        RequestValidationError { detail: errors }
    }

    /// The individual errors, in parameter order.
    pub fn errors(&self) -> &[ErrorItem] {
        &self.detail
    }
}

/// The document shows these types as FastAPI does, without the Rust doc
/// comments schemars would take as their descriptions, nor the width of
/// the Rust integers (`format: uint`, which OpenAPI does not register).
fn undocumented(schema: &mut schemars::Schema) {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(object) => {
                object.remove("description");
                object.remove("format");
                object.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    if let Some(object) = schema.as_object_mut() {
        object.remove("description");
        object.values_mut().for_each(strip);
    }
}

impl std::fmt::Display for RequestValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} validation error(s)", self.detail.len())
    }
}

impl std::error::Error for RequestValidationError {}

impl IntoResponse for RequestValidationError {
    fn into_response(self) -> Response {
        let mut response = json_bytes(&self);
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        response
    }
}

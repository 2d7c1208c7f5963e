//! The extraction chain: how each handler parameter is taken from the request.
//!
//! The route macros generate, per handler, one call per parameter into this
//! module, in parameter order. Every failure is recorded in [`Errors`] rather
//! than returned early, so a request with three bad parameters gets one 422
//! that lists all three.

mod body;
mod form;
mod from_request;
#[cfg(feature = "multipart")]
mod multipart;
mod params;
mod text;
#[cfg(feature = "multipart")]
mod upload;

pub use body::json_body;
pub(crate) use form::FormFields;
#[doc(hidden)]
pub use form::{FieldForm, FormField, FormModel, FormTarget, ModelForm, WholeForm, read_form};
pub use from_request::{FromRequest, Rejection, extract};
#[cfg(feature = "multipart")]
pub use multipart::{Field, Multipart, MultipartError};
pub use params::{Param, ParamValue};
pub use text::{FromText, TextError};
#[cfg(feature = "multipart")]
#[doc(hidden)]
pub use upload::upload;
#[cfg(feature = "multipart")]
pub use upload::{FromUploads, UploadFile};

#[doc(hidden)]
pub use body::{NoValidation, Validated};

use crate::errors::{ErrorItem, RequestValidationError};
use crate::response::Response;

/// Where a documented parameter is read: OpenAPI's `in`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

impl ParamLocation {
    /// OpenAPI's name for it: `path`, `query`, `header` or `cookie`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// A path, query, header or cookie parameter as the macros record it for
/// the OpenAPI document: its name on the wire, where it is, whether a
/// request must carry it (neither `Option`, `Vec` nor a `default`), and
/// its schema with the options' constraints (`ge` → `minimum`, …).
#[derive(Clone, Copy, Debug)]
pub struct ParamInfo {
    /// The name on the wire (the alias, or the header name).
    pub name: &'static str,
    /// Where it is read.
    pub location: ParamLocation,
    /// Whether it must be present.
    pub required: bool,
    /// Its type's schema, constrained as its options say.
    pub schema: crate::schema::SchemaFn,
}

/// A part of the request body as the macros record it for the OpenAPI
/// document: a `#[body]` model, a `#[form]` field or model, or a `#[file]`.
#[derive(Clone, Copy, Debug)]
pub struct BodyField {
    /// The parameter's name on the wire (its alias, for forms and files).
    pub name: &'static str,
    /// How it is read.
    pub kind: BodyKind,
    /// Whether a request must carry it.
    pub required: bool,
    /// Its schema, and for a form whether it is the whole form.
    pub schema: fn(&mut crate::schema::SchemaGenerator) -> BodySchema,
}

/// How a [`BodyField`] is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// `#[body]`: the JSON body.
    Json,
    /// `#[form]`: a field of a form, or the whole form as a model.
    Form,
    /// `#[file]`: an uploaded file, so the form is multipart.
    File,
}

/// A body part's schema, with whether a `#[form]` parameter is the whole
/// form (a model) rather than one field of it.
#[derive(Debug)]
pub struct BodySchema {
    /// The schema.
    pub schema: crate::schema::Schema,
    /// `#[form] signup: Signup`: the model is the form.
    pub whole: bool,
}

/// How a handler or dependency reads the request body, as its parameters
/// say: recorded by the macros in [`RouteInfo`](crate::RouteInfo) and
/// [`DependencyInfo`](crate::dependencies::DependencyInfo), so that
/// [`App::build`](crate::App::build) refuses a route whose handler and
/// dependencies would read the one body in two ways (JSON here, a form
/// there), which no request could satisfy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BodyReader {
    /// Not through its parameters.
    #[default]
    None,
    /// `#[body]`: as JSON.
    Json,
    /// `#[form]` or `#[file]`: as a form; every such reader shares one read.
    Form,
    /// A `Multipart` parameter: streamed, by one reader only.
    Multipart,
}

impl BodyReader {
    fn describe(self) -> &'static str {
        match self {
            BodyReader::None => "nothing",
            BodyReader::Json => "the body as JSON (#[body])",
            BodyReader::Form => "the body as a form (#[form]/#[file])",
            BodyReader::Multipart => "the body as a stream (Multipart)",
        }
    }

    /// Why readers `a` (of function `first`) and `b` (of `second`) cannot
    /// share one request body, if they cannot.
    pub(crate) fn conflict(first: (&str, BodyReader), second: (&str, BodyReader)) -> Option<String> {
        let ((a_name, a), (b_name, b)) = (first, second);
        let clash = !matches!(
            (a, b),
            (BodyReader::None, _)
                | (_, BodyReader::None)
                | (BodyReader::Form, BodyReader::Form)
                | (BodyReader::Json, BodyReader::Json)
        );
        clash.then(|| {
            format!(
                "`{a_name}` reads {} and `{b_name}` reads {}, but a request has one body, read once: \
                 take it one way in the whole dependency tree",
                a.describe(),
                b.describe()
            )
        })
    }
}

/// The failures collected while extracting one request's parameters.
///
/// ```
/// use brisk::extract::Errors;
/// use brisk::ErrorItem;
///
/// let mut errors = Errors::new();
/// errors.push(ErrorItem::missing(vec!["query".into(), "q".into()]));
/// assert_eq!(errors.into_response().status(), 422);
/// ```
#[derive(Default)]
pub struct Errors {
    items: Vec<ErrorItem>,
    rejection: Option<Response>,
}

impl Errors {
    /// No failures yet.
    pub fn new() -> Self {
        Errors::default()
    }

    /// Records a validation failure; it will be part of the 422.
    pub fn push(&mut self, item: ErrorItem) {
        self.items.push(item);
    }

    /// Records a failure that has its own response (such as 413 or 415).
    /// The first one recorded wins over any validation failures.
    pub fn reject(&mut self, response: Response) {
        if self.rejection.is_none() {
            self.rejection = Some(response);
        }
    }

    /// Records a failure as an error value, so that the app's exception
    /// handlers see it like any other (an override for `HttpError` covers
    /// 413 and 415 too).
    pub fn reject_error<E: std::fmt::Debug + Send + 'static>(&mut self, error: E) {
        self.reject(crate::errors::error_response(error));
    }

    /// Keeps the value of a successful extraction and records a failed one.
    pub fn absorb<T>(&mut self, result: Result<T, Rejection>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(Rejection::Invalid(items)) => {
                self.items.extend(items);
                None
            }
            Err(Rejection::Respond(response)) => {
                self.reject(response);
                None
            }
        }
    }

    /// Whether a failure with its own response was recorded: the request is
    /// decided, so nothing further (dependencies, the handler) should run.
    pub fn has_rejection(&self) -> bool {
        self.rejection.is_some()
    }

    /// Whether nothing has failed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.rejection.is_none()
    }

    /// The response for the recorded failures: the first rejection, or one 422.
    pub fn into_response(self) -> Response {
        if let Some(response) = self.rejection {
            return response;
        }
        if self.items.is_empty() {
            tracing::error!(target: "brisk::extract", "an extractor failed without saying why");
            return crate::errors::internal_error_response();
        }
        // A parameter that a dependency and the handler both take (the
        // same form field, the same header) fails for each: FastAPI lists
        // such a shared parameter once, and so does brisk.
        let mut items: Vec<ErrorItem> = Vec::with_capacity(self.items.len());
        for item in self.items {
            if !items.contains(&item) {
                items.push(item);
            }
        }
        crate::errors::error_response(RequestValidationError::new(items))
    }
}

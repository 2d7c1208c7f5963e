//! Form bodies (`application/x-www-form-urlencoded` and
//! `multipart/form-data`), read once per request for every `#[form]` and
//! `#[file]` parameter of the handler and its dependencies.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde_json::json;

#[cfg(feature = "multipart")]
use super::multipart::Multipart;
use super::params::{Param, ParamValue};
#[cfg(feature = "multipart")]
use super::upload::{UploadFile, UploadFiles};
use super::{Errors, Rejection};
use crate::errors::{ErrorItem, HttpError, Loc};
use crate::request::Request;

const URLENCODED: &[u8] = b"application/x-www-form-urlencoded";

/// The 415's detail: the types a form is read from.
#[cfg(feature = "multipart")]
const UNSUPPORTED: &str =
    "Unsupported Media Type: expected `application/x-www-form-urlencoded` or `multipart/form-data`";
/// Without the `multipart` feature a multipart body cannot be read either.
#[cfg(not(feature = "multipart"))]
const UNSUPPORTED: &str = "Unsupported Media Type: expected `application/x-www-form-urlencoded`";

/// The fields of the request's form body, kept in its extensions once read.
#[derive(Clone, Debug, Default)]
pub(crate) struct FormFields(pub(crate) Vec<(String, String)>);

/// Whether a `Content-Type`'s media type, its parameters aside, is `media_type`
/// (compared ignoring ASCII case, as RFC 9110 says).
fn media_type_is(content_type: &[u8], media_type: &[u8]) -> bool {
    let essence = content_type.split(|&b| b == b';').next().unwrap_or_default().trim_ascii();
    essence.eq_ignore_ascii_case(media_type)
}

/// Whether a `Content-Type` is `multipart/form-data` (any parameters).
/// Also known without the `multipart` feature, to refuse such a body by name.
pub(crate) fn is_multipart(content_type: &[u8]) -> bool {
    media_type_is(content_type, b"multipart/form-data")
}

fn is_urlencoded(content_type: &[u8]) -> bool {
    media_type_is(content_type, URLENCODED)
}

/// Reads the form body into the request, for the `#[form]` parameters that
/// follow; does nothing when it was read already (a dependency's fields and
/// the handler's share one body).
///
/// - `application/x-www-form-urlencoded`: parsed (`+` and `%XX` decoded),
///   within the app's body limit (413 beyond it).
/// - `multipart/form-data`: parsed part by part as it arrives, within the
///   app's [`MultipartLimits`](crate::MultipartLimits) (413 beyond them,
///   400 for a malformed body). Text parts become fields; parts with a
///   `filename` become [`UploadFile`]s for the `#[file]` parameters.
/// - no `Content-Type` and no body: an empty form, so every field is
///   missing or takes its default.
/// - any other type is 415 Unsupported Media Type, naming the types
///   expected: the fields cannot be read from it, and saying so is clearer
///   than reporting each one missing.
#[doc(hidden)]
pub async fn read_form(request: &mut Request, errors: &mut Errors) {
    if request.extensions().get::<FormFields>().is_some() {
        return;
    }
    let content_type =
        request.headers().get(http::header::CONTENT_TYPE).map(|value| value.as_bytes().to_vec());
    match content_type.as_deref() {
        Some(content_type) if is_urlencoded(content_type) => {}
        #[cfg(feature = "multipart")]
        Some(content_type) if is_multipart(content_type) => {
            let (fields, files) = match read_multipart(request).await {
                Ok(read) => read,
                Err(err) => {
                    errors.reject_error(err);
                    Default::default()
                }
            };
            request.extensions_mut().insert(FormFields(fields));
            request.extensions_mut().insert(UploadFiles::new(files));
            return;
        }
        None if request.body_is_empty() => {
            request.extensions_mut().insert(FormFields::default());
            return;
        }
        other => {
            #[cfg(not(feature = "multipart"))]
            if other.is_some_and(is_multipart) {
                // The client is told only what is read; the developer, once, why.
                static WARNED: std::sync::Once = std::sync::Once::new();
                WARNED.call_once(|| {
                    tracing::warn!(
                        target: "brisk::extract",
                        "a multipart/form-data body was answered 415: brisk is built without its `multipart` feature"
                    );
                });
            }
            // Only a build without `multipart` looks at the type here.
            #[cfg(feature = "multipart")]
            let _ = other;
            errors.reject_error(HttpError::new(http::StatusCode::UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED));
            request.extensions_mut().insert(FormFields::default());
            return;
        }
    }
    let bytes = match request.bytes().await {
        Ok(bytes) => bytes,
        Err(err) => {
            errors.reject_error(super::body::unreadable(err));
            request.extensions_mut().insert(FormFields::default());
            return;
        }
    };
    let fields =
        form_urlencoded::parse(&bytes).map(|(name, value)| (name.into_owned(), value.into_owned())).collect();
    request.extensions_mut().insert(FormFields(fields));
}

#[cfg(feature = "multipart")]
type Parts = (Vec<(String, String)>, Vec<(String, UploadFile)>);

/// Every part of a multipart body: the text fields, and the files (empty
/// file inputs left out). The first failure ends the read; what was read
/// so far is dropped with its temporary files.
#[cfg(feature = "multipart")]
async fn read_multipart(request: &mut Request) -> Result<Parts, HttpError> {
    let limits = request.multipart_limits().clone();
    let mut multipart = Multipart::open(request)?;
    let (mut fields, mut files) = (Vec::new(), Vec::new());
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            let file = UploadFile::receive(field, &limits).await?;
            if !file.is_empty_input() {
                files.push((name, file));
            }
        } else {
            fields.push((name, field.text().await?));
        }
    }
    Ok((fields, files))
}

/// A `#[form]` parameter of a type the macro cannot classify by its name:
/// a single field when the type is a parameter type ([`ParamValue`]), a
/// whole model when it deserializes. The generated code calls
/// `(&&FormTarget::<T>::new(name)).extract_form(..)`; method lookup finds
/// [`FormField`] on `&FormTarget` first and falls back to [`FormModel`] on
/// `FormTarget`, which works because the type is concrete at the call site.
#[doc(hidden)]
pub struct FormTarget<T>(&'static str, PhantomData<fn() -> T>);

impl<T> FormTarget<T> {
    pub const fn new(name: &'static str) -> Self {
        FormTarget(name, PhantomData)
    }
}

#[doc(hidden)]
pub trait FormField<T> {
    fn extract_form(&self, request: &Request, errors: &mut Errors) -> Option<T>;
}

impl<T: ParamValue> FormField<T> for &FormTarget<T> {
    fn extract_form(&self, request: &Request, errors: &mut Errors) -> Option<T> {
        Param::<T>::form(self.0).extract(request, errors)
    }
}

#[doc(hidden)]
pub trait FormModel<T> {
    fn extract_form(&self, request: &Request, errors: &mut Errors) -> Option<T>;
}

/// Whether a `#[form]` parameter of type `T` is the whole form, for the
/// OpenAPI document: `(&&WholeForm::<T>::new()).whole()` is `false` for a
/// parameter type (one field), as [`FormTarget`] decides, and `true`
/// otherwise. A type that is neither is reported once, by `FormTarget`.
#[doc(hidden)]
pub struct WholeForm<T>(PhantomData<fn() -> T>);

impl<T> WholeForm<T> {
    pub const fn new() -> Self {
        WholeForm(PhantomData)
    }
}

impl<T> Default for WholeForm<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[doc(hidden)]
pub trait FieldForm {
    fn whole(&self) -> bool;
}

impl<T: ParamValue> FieldForm for &WholeForm<T> {
    fn whole(&self) -> bool {
        false
    }
}

#[doc(hidden)]
pub trait ModelForm {
    fn whole(&self) -> bool;
}

impl<T> ModelForm for WholeForm<T> {
    fn whole(&self) -> bool {
        true
    }
}

impl<T: DeserializeOwned> FormModel<T> for FormTarget<T> {
    fn extract_form(&self, request: &Request, errors: &mut Errors) -> Option<T> {
        errors.absorb(form_model(request))
    }
}

/// A whole model from the form's fields (`#[form] login: LoginForm`), by
/// serde: each field of the model is the form field of its name, a
/// sequence takes every repeated field, and empty values count as absent
/// (so `Option` fields are `None` and `#[serde(default)]` applies), as in
/// FastAPI. The first field that fails is reported, at `["body", field]`
/// (pydantic reports every one). A `bool` field reads `true`, `on` (what a
/// checked box sends) or `false`: serde_html_form's reading, narrower than
/// a single `#[form] flag: bool`, which also takes `1`/`0`/`yes`/`no`/`off`.
fn form_model<T: DeserializeOwned>(request: &Request) -> Result<T, Rejection> {
    let fields =
        request.extensions().get::<FormFields>().map(|fields| fields.0.as_slice()).unwrap_or_default();
    let present = fields.iter().filter(|(_, value)| !value.is_empty());
    let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(present).finish();
    let deserializer = serde_html_form::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let mut loc: Vec<Loc> = vec!["body".into()];
        for segment in err.path().iter() {
            if let serde_path_to_error::Segment::Map { key } = segment {
                loc.push(Loc::from(key.clone()));
            }
        }
        let message = err.inner().to_string();
        if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
            loc.push(Loc::from(field.to_owned()));
            return Rejection::Invalid(vec![ErrorItem::missing(loc)]);
        }
        let name = match loc.last() {
            Some(Loc::Name(name)) if loc.len() > 1 => name.as_ref(),
            _ => "",
        };
        let input = fields.iter().find(|(field, _)| field == name).map(|(_, value)| value.as_str());
        Rejection::Invalid(vec![describe_form_error(&message, loc, input)])
    })
}

/// Maps the parse errors of form values onto FastAPI's error types.
fn describe_form_error(message: &str, loc: Vec<Loc>, input: Option<&str>) -> ErrorItem {
    let (kind, msg) = if message.contains("invalid digit")
        || message.contains("number too large")
        || message.contains("number too small")
        || message.contains("cannot parse integer")
    {
        ("int_parsing", "Input should be a valid integer, unable to parse string as an integer".to_owned())
    } else if message.contains("invalid float literal") {
        ("float_parsing", "Input should be a valid number, unable to parse string as a number".to_owned())
    } else if message.contains("\"on\"") {
        ("bool_parsing", "Input should be a valid boolean, unable to interpret input".to_owned())
    } else if message.starts_with("unknown variant") {
        ("enum", format!("Input should be {}", message.rsplit_once("expected ").map_or(message, |(_, e)| e)))
    } else {
        ("value_error", format!("Value error, {message}"))
    };
    ErrorItem::new(kind, loc, msg, input.map_or(serde_json::Value::Null, |input| json!(input)))
}

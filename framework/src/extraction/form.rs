//! Form bodies (`application/x-www-form-urlencoded`), read once per request
//! for every `#[form]` parameter of the handler and its dependencies.

use crate::body::BodyError;
use crate::errors::HttpError;
use crate::request::Request;

use super::Errors;

const URLENCODED: &[u8] = b"application/x-www-form-urlencoded";

/// The fields of the request's form body, kept in its extensions once read.
#[derive(Clone, Debug, Default)]
pub(crate) struct FormFields(pub(crate) Vec<(String, String)>);

fn is_urlencoded(content_type: &[u8]) -> bool {
    let essence = content_type.split(|&b| b == b';').next().unwrap_or_default().trim_ascii();
    essence.eq_ignore_ascii_case(URLENCODED)
}

/// Reads the form body into the request, for the `#[form]` parameters that
/// follow; does nothing when it was read already (a dependency's fields and
/// the handler's share one body).
///
/// - `application/x-www-form-urlencoded`: parsed (`+` and `%XX` decoded),
///   within the app's body limit (413 beyond it).
/// - no `Content-Type` and no body: an empty form, so every field is
///   missing or takes its default.
/// - any other type is 415 Unsupported Media Type, naming the type
///   expected: the fields cannot be read from it, and saying so is clearer
///   than reporting each one missing. `multipart/form-data` is among them
///   for now.
#[doc(hidden)]
pub async fn read_form(request: &mut Request, errors: &mut Errors) {
    if request.extensions().get::<FormFields>().is_some() {
        return;
    }
    let content_type =
        request.headers().get(http::header::CONTENT_TYPE).map(|value| value.as_bytes().to_vec());
    match content_type {
        Some(content_type) if is_urlencoded(&content_type) => {}
        None if request.body_is_empty() => {
            request.extensions_mut().insert(FormFields::default());
            return;
        }
        _ => {
            errors.reject_error(HttpError::new(
                http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type: expected `application/x-www-form-urlencoded`",
            ));
            request.extensions_mut().insert(FormFields::default());
            return;
        }
    }
    let bytes = match request.bytes().await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            errors
                .reject_error(HttpError::new(http::StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"));
            request.extensions_mut().insert(FormFields::default());
            return;
        }
        Err(BodyError::Read(err)) => {
            tracing::debug!(target: "brisk::extract", error = %err, "client body read failed");
            errors.reject_error(HttpError::bad_request("Could not read the request body"));
            request.extensions_mut().insert(FormFields::default());
            return;
        }
    };
    let fields =
        form_urlencoded::parse(&bytes).map(|(name, value)| (name.into_owned(), value.into_owned())).collect();
    request.extensions_mut().insert(FormFields(fields));
}

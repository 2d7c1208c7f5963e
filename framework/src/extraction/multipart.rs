//! `multipart/form-data` bodies, parsed by `multer` as they arrive: the
//! streaming [`Multipart`] parameter, and the reader that `#[form]` and
//! `#[file]` parameters share (in `form.rs` and `upload.rs`).

use bytes::Bytes;
use futures_util::TryStreamExt;
use http::{HeaderMap, StatusCode};
use http_body_util::BodyDataStream;

use super::form::is_multipart;
use super::from_request::{FromRequest, Rejection};
use crate::errors::HttpError;
use crate::limits::MultipartLimits;
use crate::request::Request;

/// Starts parsing the request's body as multipart, within `limits`.
///
/// The caller has checked the content type; a missing or malformed
/// boundary is a 400.
fn open(request: &mut Request) -> Result<multer::Multipart<'static>, HttpError> {
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| HttpError::bad_request("Invalid multipart body: the Content-Type has no boundary"))?;
    let limits = request.multipart_limits();
    // A body declared longer than the limit is refused before it is read
    // (and before a `100 Continue` invites it).
    if let Some(declared) = request.declared_body_len()
        && declared > limits.max_body_size
    {
        return Err(too_large(format!(
            "Multipart body too large: the limit is {} bytes",
            limits.max_body_size
        )));
    }
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limits.max_body_size));
    let idle = request.body_read_timeout();
    let stream = BodyDataStream::new(crate::body::ReadTimeout::new(request.take_body(), Some(idle)));
    Ok(multer::Multipart::with_constraints(stream, boundary, constraints))
}

/// The response for a multipart body that could not be read: 413 for a
/// limit, 400 for a malformed body or a client that went away.
pub(crate) fn error(err: multer::Error) -> HttpError {
    match err {
        multer::Error::StreamSizeExceeded { limit } => {
            too_large(format!("Multipart body too large: the limit is {limit} bytes"))
        }
        multer::Error::FieldSizeExceeded { limit, field_name } => too_large(format!(
            "Multipart part `{}` too large: the limit is {limit} bytes",
            field_name.unwrap_or_default()
        )),
        multer::Error::StreamReadFailed(err) => super::body::unreadable(crate::body::read_error(err)),
        multer::Error::LockFailure => {
            // The handler's own mistake, not the client's.
            tracing::error!(
                target: "brisk::extract",
                "Multipart::next_field was called while the previous Field was still alive: \
                 read it to its end or drop it first"
            );
            HttpError::internal()
        }
        other => HttpError::bad_request(format!("Invalid multipart body: {other}")),
    }
}

pub(crate) fn too_large(detail: String) -> HttpError {
    HttpError::new(StatusCode::PAYLOAD_TOO_LARGE, detail)
}

/// The limits of one kind of part, with the words that name it in a 413.
pub(crate) fn part_limit(limits: &MultipartLimits, is_file: bool) -> (u64, &'static str) {
    if is_file { (limits.max_file_size, "file") } else { (limits.max_field_size, "text field") }
}

/// A `multipart/form-data` body, read part by part as it streams in, with
/// nothing buffered or spooled: each [`Field`] yields its bytes as the
/// client sends them.
///
/// Take it as a handler parameter (no annotation) instead of `#[form]` and
/// `#[file]` parameters when the parts are too large to spool, or should go
/// straight somewhere else (a hash, object storage). The parts arrive in
/// the order the client sent them; each must be read (or dropped) before
/// the next.
///
/// - A request whose `Content-Type` is not `multipart/form-data` is
///   rejected before the handler runs: `415 Unsupported Media Type`.
/// - The app's [`MultipartLimits`] apply: whole body, parts, and each
///   file or text part. Passing one makes [`next_field`](Self::next_field)
///   or [`Field::chunk`] return a [`MultipartError`] that answers 413; a
///   malformed body answers 400. Both convert into [`HttpError`], so `?`
///   works in a handler returning `Result<_, HttpError>`.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::Multipart;
///
/// #[post("/checksum")]
/// async fn checksum(mut form: Multipart) -> Result<Json<serde_json::Value>, HttpError> {
///     let mut sizes = serde_json::Map::new();
///     while let Some(mut field) = form.next_field().await? {
///         let name = field.name().unwrap_or_default().to_owned();
///         let mut size = 0;
///         while let Some(chunk) = field.chunk().await? {
///             size += chunk.len();
///         }
///         sizes.insert(name, size.into());
///     }
///     Ok(Json(sizes.into()))
/// }
/// ```
///
/// Needs the `multipart` feature (on by default).
pub struct Multipart {
    inner: multer::Multipart<'static>,
    limits: MultipartLimits,
    parts: usize,
}

impl std::fmt::Debug for Multipart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Multipart").field("parts", &self.parts).finish_non_exhaustive()
    }
}

impl FromRequest for Multipart {
    async fn from_request(request: &mut Request) -> Result<Self, Rejection> {
        let content_type = request.headers().get(http::header::CONTENT_TYPE).map(|v| v.as_bytes());
        if !content_type.is_some_and(is_multipart) {
            return Err(HttpError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type: expected `multipart/form-data`",
            )
            .into());
        }
        Ok(Multipart::open(request)?)
    }
}

impl Multipart {
    /// Starts reading the request's body as multipart; the caller has
    /// checked the content type.
    pub(crate) fn open(request: &mut Request) -> Result<Multipart, HttpError> {
        let limits = request.multipart_limits().clone();
        let inner = open(request)?;
        Ok(Multipart { inner, limits, parts: 0 })
    }

    /// The next part, or `None` after the last one.
    ///
    /// Errors: more parts than [`MultipartLimits::max_parts`] (413), a body
    /// over `max_body_size` (413), or a malformed body (400).
    pub async fn next_field(&mut self) -> Result<Option<Field>, MultipartError> {
        let Some(field) = self.inner.next_field().await.map_err(|err| MultipartError(error(err)))? else {
            return Ok(None);
        };
        self.parts += 1;
        if self.parts > self.limits.max_parts {
            return Err(MultipartError(too_large(format!(
                "Too many multipart parts: the limit is {}",
                self.limits.max_parts
            ))));
        }
        let (limit, kind) = part_limit(&self.limits, field.file_name().is_some());
        Ok(Some(Field { inner: field, limit, kind, read: 0 }))
    }
}

/// One part of a [`Multipart`] body: its headers, then its bytes in
/// chunks as they arrive.
pub struct Field {
    inner: multer::Field<'static>,
    limit: u64,
    kind: &'static str,
    read: u64,
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Field")
            .field("name", &self.name())
            .field("file_name", &self.file_name())
            .finish_non_exhaustive()
    }
}

impl Field {
    /// The part's `name` (from `Content-Disposition`), if it has one.
    pub fn name(&self) -> Option<&str> {
        self.inner.name()
    }

    /// The part's `filename`, if it has one: then it is a file.
    pub fn file_name(&self) -> Option<&str> {
        self.inner.file_name()
    }

    /// The part's `Content-Type`, if the client sent one.
    pub fn content_type(&self) -> Option<&str> {
        self.inner.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// Every header of the part.
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The next chunk of the part's bytes, or `None` at its end.
    ///
    /// Errors: the part passes its limit ([`MultipartLimits::max_file_size`]
    /// for a file, `max_field_size` for a text part: 413), or the body is
    /// malformed or cut off (400).
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, MultipartError> {
        let chunk = self.inner.chunk().await.map_err(|err| MultipartError(error(err)))?;
        if let Some(chunk) = &chunk {
            self.read += chunk.len() as u64;
            if self.read > self.limit {
                return Err(MultipartError(self.over_limit()));
            }
        }
        Ok(chunk)
    }

    /// The rest of the part's bytes, within its limit.
    pub async fn bytes(mut self) -> Result<Bytes, MultipartError> {
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }

    /// The rest of the part as UTF-8 text (400 if it is not).
    pub async fn text(self) -> Result<String, MultipartError> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.into())
            .map_err(|_| MultipartError(HttpError::bad_request("A multipart text part is not valid UTF-8")))
    }

    /// The part's bytes as a stream of chunks, each checked as by
    /// [`chunk`](Self::chunk).
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<Bytes, MultipartError>> + Send {
        futures_util::stream::try_unfold(self, |mut field| async move {
            Ok(field.chunk().await?.map(|chunk| (chunk, field)))
        })
        .map_err(|err: MultipartError| err)
    }

    fn over_limit(&self) -> HttpError {
        too_large(format!(
            "Multipart {} `{}` too large: the limit is {} bytes",
            self.kind,
            self.name().unwrap_or_default(),
            self.limit
        ))
    }
}

/// Why a [`Multipart`] body could not be read further. It answers as the
/// [`HttpError`] it holds (413 for a limit, 400 for a malformed body), and
/// converts into one for `?`.
#[derive(Debug)]
pub struct MultipartError(HttpError);

impl MultipartError {
    /// The status the error answers with: 413 or 400.
    pub fn status(&self) -> StatusCode {
        self.0.status()
    }
}

impl std::fmt::Display for MultipartError {
    /// The detail the response carries, as in "Multipart body too large: …".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.detail() {
            serde_json::Value::String(detail) => f.write_str(detail),
            other => write!(f, "{other}"),
        }
    }
}

impl std::error::Error for MultipartError {}

impl From<MultipartError> for HttpError {
    fn from(err: MultipartError) -> Self {
        err.0
    }
}

impl crate::response::IntoResponse for MultipartError {
    fn into_response(self) -> crate::response::Response {
        crate::errors::error_response(self.0)
    }
}

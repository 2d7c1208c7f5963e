//! `FileResponse`: a file from disk, with the validators, conditional
//! requests and byte ranges of RFC 9110; and the byte-range machinery that
//! static files share.

use std::collections::VecDeque;
use std::io;
use std::path::Path;
use std::time::SystemTime;

use ::headers::{ETag, HeaderMapExt, IfMatch, IfModifiedSince, IfNoneMatch, IfUnmodifiedSince, LastModified};
use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{IntoResponse, Response};
use crate::body::Body;

/// A file sent from disk: Starlette's `FileResponse`.
///
/// [`open`](Self::open) it in the handler (asynchronously: the open and
/// the metadata read never block the executor), then return it. The
/// response carries:
///
/// - `Content-Type` from the file's extension (`mime_guess`;
///   `application/octet-stream` when unknown), or
///   [`media_type`](Self::media_type);
/// - `Content-Length`, `Last-Modified`, a strong `ETag` (from the size and
///   the modification time, as Starlette makes it) and
///   `Accept-Ranges: bytes`;
/// - with [`filename`](Self::filename), `Content-Disposition: attachment`,
///   the name as `filename="…"` (ASCII) and `filename*=UTF-8''…` (RFC 6266,
///   for any other name).
///
/// When the route's return type names `FileResponse` (as `FileResponse`,
/// `Result<FileResponse, E>`, `Option<FileResponse>`, or in a
/// `(StatusCode, …)` tuple, whose status replaces a 200), the route macro
/// hands the response the request's method and conditional headers, and
/// it answers them as RFC 9110 says: `If-Match` and `If-Unmodified-Since`
/// → 412; `If-None-Match` and `If-Modified-Since` → 304; `Range` → 206 with
/// one range, or `multipart/byteranges` with up to 16 (more, and the whole
/// file answers); no satisfiable range → 416; `If-Range` with a stale
/// validator → the whole file. HEAD gets the GET's headers. Behind a type
/// alias the macro cannot see the name, and the whole file answers every
/// request.
///
/// The file is read in 64 KiB chunks as the body is sent.
///
/// ```no_run
/// use brisk::prelude::*;
/// use brisk::response::FileResponse;
///
/// #[get("/reports/{year}")]
/// async fn report(year: u16) -> Result<FileResponse, HttpError> {
///     let path = format!("reports/{year}.pdf");
///     let file = FileResponse::open(&path).await.map_err(|_| HttpError::not_found())?;
///     Ok(file.filename(format!("report-{year}.pdf")))
/// }
/// ```
///
/// Needs the `fs` feature (on by default).
pub struct FileResponse {
    file: tokio::fs::File,
    size: u64,
    modified: Option<SystemTime>,
    etag: Option<ETag>,
    content_type: HeaderValue,
    headers: HeaderMap,
}

impl std::fmt::Debug for FileResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileResponse")
            .field("size", &self.size)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

/// Characters of a filename kept as they are in `filename*` (RFC 8187's
/// `attr-char`); every other byte is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

impl FileResponse {
    /// Opens the file at `path` and reads its metadata.
    ///
    /// Errors: the file's own (`NotFound`, `PermissionDenied`), and
    /// `InvalidInput` for a path that is not a regular file (a directory).
    /// Map them to the answer you want, usually 404.
    pub async fn open(path: impl AsRef<Path>) -> io::Result<FileResponse> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path).await?;
        let metadata = file.metadata().await?;
        if !metadata.is_file() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
        }
        let modified = metadata.modified().ok();
        let size = metadata.len();
        let stamp = modified
            .and_then(|time| time.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |since| since.as_nanos());
        let etag = format!("\"{size:x}-{stamp:x}\"").parse::<ETag>().ok();
        let guessed = mime_guess::from_path(path).first_raw().unwrap_or("application/octet-stream");
        let content_type = HeaderValue::from_str(guessed).unwrap_or(super::OCTET_STREAM);
        Ok(FileResponse { file, size, modified, etag, content_type, headers: HeaderMap::new() })
    }

    /// Sends it as a download named `name`: `Content-Disposition: attachment`.
    pub fn filename(mut self, name: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        // The fallback keeps printable ASCII but `%`, which some browsers
        // would decode (RFC 6266, appendix D); `filename*` carries the rest.
        let ascii: String = name
            .chars()
            .map(|c| if (c.is_ascii_graphic() || c == ' ') && c != '%' { c } else { '_' })
            .collect();
        let quoted = ascii.replace('\\', "\\\\").replace('"', "\\\"");
        let value = if ascii == name {
            format!("attachment; filename=\"{quoted}\"")
        } else {
            let encoded = utf8_percent_encode(name, ATTR_CHAR);
            format!("attachment; filename=\"{quoted}\"; filename*=UTF-8''{encoded}")
        };
        if let Ok(value) = HeaderValue::try_from(value) {
            self.headers.insert(header::CONTENT_DISPOSITION, value);
        }
        self
    }

    /// Sets the `Content-Type` instead of guessing it from the extension.
    ///
    /// # Panics
    /// If `media_type` is not a valid header value (the code wrote it).
    pub fn media_type(mut self, media_type: &str) -> Self {
        self.content_type = HeaderValue::from_str(media_type).expect("a valid media type");
        self
    }

    /// Sets a header (as `Cache-Control`), replacing brisk's own of that
    /// name: `Content-Type`, `Content-Disposition`, `ETag` or
    /// `Last-Modified` given here are sent instead of the computed ones
    /// (the conditional requests are still answered with the computed
    /// validators). The length and range headers cannot be set: they
    /// describe the bytes sent.
    ///
    /// # Panics
    /// If `name` or `value` is invalid (the code wrote them).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::try_from(name).expect("a valid header name");
        if name != header::CONTENT_LENGTH && name != header::CONTENT_RANGE && name != header::ACCEPT_RANGES {
            self.headers.insert(name, HeaderValue::try_from(value).expect("a valid header value"));
        }
        self
    }

    /// The file's length in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The response to `request`'s method and conditional headers.
    fn respond(self, request: &FileRequest) -> Response {
        let headers = &request.headers;
        // Preconditions, in RFC 9110's order (13.2.2).
        let precondition_failed = match headers.typed_get::<IfMatch>() {
            Some(condition) => self.etag.as_ref().is_none_or(|etag| !condition.precondition_passes(etag)),
            None => headers
                .typed_get::<IfUnmodifiedSince>()
                .zip(self.modified)
                .is_some_and(|(condition, modified)| !condition.precondition_passes(modified)),
        };
        if precondition_failed {
            return self.without_body(StatusCode::PRECONDITION_FAILED);
        }
        let safe = request.method == Method::GET || request.method == Method::HEAD;
        let not_modified = match headers.typed_get::<IfNoneMatch>() {
            Some(condition) => self.etag.as_ref().is_some_and(|etag| !condition.precondition_passes(etag)),
            None => {
                safe && headers
                    .typed_get::<IfModifiedSince>()
                    .zip(self.modified)
                    .is_some_and(|(condition, modified)| !condition.is_modified(modified))
            }
        };
        if not_modified {
            let status = if safe { StatusCode::NOT_MODIFIED } else { StatusCode::PRECONDITION_FAILED };
            return self.without_body(status);
        }
        if request.method != Method::GET {
            return self.into_response();
        }
        let Some(range) = headers.get(header::RANGE) else { return self.into_response() };
        let current = headers.get(header::IF_RANGE).is_none_or(|condition| self.if_range_holds(condition));
        let Some(specs) = current.then(|| parse_ranges(range)).flatten() else {
            return self.into_response();
        };
        let ranges = resolve(&specs, self.size);
        match ranges.as_slice() {
            [] => {
                let size = self.size;
                let mut response = self.without_body(StatusCode::RANGE_NOT_SATISFIABLE);
                response.headers_mut().remove(header::ETAG);
                response.headers_mut().remove(header::LAST_MODIFIED);
                if let Ok(value) = HeaderValue::try_from(format!("bytes */{size}")) {
                    response.headers_mut().insert(header::CONTENT_RANGE, value);
                }
                response
            }
            [(start, end)] => {
                let (start, end, size) = (*start, *end, self.size);
                let mut response = self.with_body(|file| {
                    Body::from_http_body(http_body_util::StreamBody::new(futures_util::stream::unfold(
                        Parts::new(file, VecDeque::from([(Bytes::new(), (start, end))]), None),
                        Parts::next,
                    )))
                });
                *response.status_mut() = StatusCode::PARTIAL_CONTENT;
                let headers = response.headers_mut();
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start + 1));
                if let Ok(value) = HeaderValue::try_from(format!("bytes {start}-{end}/{size}")) {
                    headers.insert(header::CONTENT_RANGE, value);
                }
                response
            }
            _ => {
                let content_type = self.content_type.clone();
                let size = self.size;
                let mut built = None;
                let mut response = self.with_body(|file| {
                    let (body, length, kind) = byte_ranges_body(file, ranges, &content_type, size);
                    built = Some((length, kind));
                    body
                });
                *response.status_mut() = StatusCode::PARTIAL_CONTENT;
                if let Some((length, kind)) = built {
                    response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(length));
                    response.headers_mut().insert(header::CONTENT_TYPE, kind);
                }
                response
            }
        }
    }

    /// Whether an `If-Range` names this file as it is (RFC 9110, 13.1.5):
    /// its strong `ETag`, or exactly its `Last-Modified` date. A weak tag,
    /// another date or anything unreadable does not: the whole file answers.
    fn if_range_holds(&self, condition: &HeaderValue) -> bool {
        let condition = condition.as_bytes().trim_ascii();
        if condition.starts_with(b"\"") {
            let ours = self.etag.as_ref().map(|etag| {
                let mut headers = HeaderMap::new();
                headers.typed_insert(etag.clone());
                headers.get(header::ETAG).map(|value| value.as_bytes().to_vec())
            });
            return ours.flatten().is_some_and(|ours| ours == condition);
        }
        let Some(modified) = self.modified else { return false };
        let mut headers = HeaderMap::new();
        headers.typed_insert(LastModified::from(modified));
        headers.get(header::LAST_MODIFIED).is_some_and(|ours| ours.as_bytes() == condition)
    }

    /// The response's headers around the body `make` builds from the file.
    fn with_body(self, make: impl FnOnce(tokio::fs::File) -> Body) -> Response {
        let FileResponse { file, size, modified, etag, content_type, headers } = self;
        let mut response = Response::new(make(file));
        let out = response.headers_mut();
        out.insert(header::CONTENT_TYPE, content_type);
        out.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        if let Some(modified) = modified {
            out.typed_insert(LastModified::from(modified));
        }
        if let Some(etag) = etag {
            out.typed_insert(etag);
        }
        for (name, value) in headers {
            if let Some(name) = name {
                out.insert(name, value);
            }
        }
        response
    }

    /// A 304, 412 or 416: the validators, no body (and no length).
    fn without_body(self, status: StatusCode) -> Response {
        let mut response = self.with_body(|_| Body::empty());
        *response.status_mut() = status;
        let headers = response.headers_mut();
        for name in [header::CONTENT_LENGTH, header::CONTENT_TYPE, header::CONTENT_DISPOSITION] {
            headers.remove(name);
        }
        response
    }
}

impl IntoResponse for FileResponse {
    /// The whole file, `200 OK`, whatever the request asked.
    fn into_response(self) -> Response {
        let size = self.size;
        self.with_body(|file| {
            if size == 0 {
                return Body::empty();
            }
            Body::from_http_body(http_body_util::StreamBody::new(futures_util::stream::unfold(
                Parts::new(file, VecDeque::from([(Bytes::new(), (0, size - 1))]), None),
                Parts::next,
            )))
        })
    }
}

/// What a file response needs of its request: the method and the
/// conditional headers. The route macros capture it for routes that
/// return a [`FileResponse`].
#[doc(hidden)]
pub struct FileRequest {
    method: Method,
    headers: HeaderMap,
}

/// The request headers a [`FileResponse`] answers.
const CONDITIONAL: [HeaderName; 6] = [
    header::RANGE,
    header::IF_RANGE,
    header::IF_MATCH,
    header::IF_NONE_MATCH,
    header::IF_MODIFIED_SINCE,
    header::IF_UNMODIFIED_SINCE,
];

impl FileRequest {
    #[doc(hidden)]
    pub fn capture(method: &Method, headers: &HeaderMap) -> FileRequest {
        let mut kept = HeaderMap::new();
        for name in CONDITIONAL {
            for value in headers.get_all(&name) {
                kept.append(name.clone(), value.clone());
            }
        }
        FileRequest { method: method.clone(), headers: kept }
    }
}

/// A handler's output that holds a [`FileResponse`], answered with the
/// request's conditional headers.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` holds a `FileResponse` in a shape brisk cannot answer conditional requests for",
    note = "return `FileResponse`, `Result<FileResponse, E>`, `Option<FileResponse>`, or a `(StatusCode, …)` tuple of one"
)]
pub trait ResolveFile {
    type Resolved: IntoResponse;
    fn resolve(self, request: &FileRequest) -> Self::Resolved;
}

impl ResolveFile for FileResponse {
    type Resolved = Response;
    fn resolve(self, request: &FileRequest) -> Response {
        self.respond(request)
    }
}

impl<T: ResolveFile, E> ResolveFile for Result<T, E>
where
    Result<T::Resolved, E>: IntoResponse,
{
    type Resolved = Result<T::Resolved, E>;
    fn resolve(self, request: &FileRequest) -> Self::Resolved {
        self.map(|file| file.resolve(request))
    }
}

impl<T: ResolveFile> ResolveFile for (StatusCode, T) {
    type Resolved = Response;
    /// The status is set over the file's: a 206, 304 or 416 stays one.
    fn resolve(self, request: &FileRequest) -> Response {
        let mut response = self.1.resolve(request).into_response();
        if response.status() == StatusCode::OK {
            *response.status_mut() = self.0;
        }
        response
    }
}

impl<H: super::IntoHeaders, T: ResolveFile> ResolveFile for (StatusCode, H, T) {
    type Resolved = (StatusCode, H, Response);
    fn resolve(self, request: &FileRequest) -> Self::Resolved {
        let response = self.2.resolve(request).into_response();
        let status = if response.status() == StatusCode::OK { self.0 } else { response.status() };
        (status, self.1, response)
    }
}

impl<T: ResolveFile> ResolveFile for Option<T>
where
    Option<T::Resolved>: IntoResponse,
{
    type Resolved = Option<T::Resolved>;
    fn resolve(self, request: &FileRequest) -> Self::Resolved {
        self.map(|file| file.resolve(request))
    }
}

/// At most this many ranges in one request; more, and the whole file
/// answers (RFC 9110 lets a server ignore a `Range`), so that a client
/// cannot make one small file into a huge response.
pub(crate) const MAX_RANGES: usize = 16;

/// A byte range as written: `a-b`, `a-` or `-n` (the last n bytes).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Spec {
    From(u64, Option<u64>),
    Last(u64),
}

/// The byte-range specs of a `Range` header (RFC 9110, 14.1.1), or `None`
/// when it is to be ignored: another unit, bad syntax, or more than
/// [`MAX_RANGES`]. The unit is case-insensitive, empty list elements are
/// skipped (5.6.1), and positions past `u64` saturate (they are past any
/// file). An invalid spec (`5-2`) makes the whole set invalid: `Some` of no
/// specs, which answers 416.
pub(crate) fn parse_ranges(value: &HeaderValue) -> Option<Vec<Spec>> {
    let text = value.to_str().ok()?.trim();
    let (unit, specs) = text.split_once('=')?;
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return None;
    }
    let mut parsed = Vec::new();
    for spec in specs.split(',').map(str::trim).filter(|spec| !spec.is_empty()) {
        let (start, end) = spec.split_once('-')?;
        let (start, end) = (start.trim(), end.trim());
        parsed.push(match (start.is_empty(), end.is_empty()) {
            (true, false) => Spec::Last(position(end)?),
            (false, true) => Spec::From(position(start)?, None),
            (false, false) => {
                let (first, last) = (position(start)?, position(end)?);
                if last < first {
                    return Some(Vec::new());
                }
                Spec::From(first, Some(last))
            }
            (true, true) => return None,
        });
    }
    (!parsed.is_empty() && parsed.len() <= MAX_RANGES).then_some(parsed)
}

/// A byte position: digits only (no sign), saturating at `u64::MAX`.
fn position(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0u64, |n, digit| n.saturating_mul(10).saturating_add(u64::from(digit - b'0'))))
}

/// Each spec as `start..=end` within a file of `size` bytes, the
/// unsatisfiable ones left out, then sorted and merged where they overlap
/// or touch (RFC 9110, 14.2 lets a server coalesce them): sixteen copies of
/// `0-` cost one file, not sixteen. A suffix longer than the file selects
/// all of it (14.1.2).
pub(crate) fn resolve(specs: &[Spec], size: u64) -> Vec<(u64, u64)> {
    if size == 0 {
        // No byte of an empty file can be selected (RFC 9110, 14.1.2).
        return Vec::new();
    }
    let mut ranges: Vec<(u64, u64)> = specs
        .iter()
        .filter_map(|spec| match *spec {
            Spec::From(start, _) if start >= size => None,
            Spec::From(start, end) => {
                let end = end.map_or(size - 1, |end| end.min(size - 1));
                (start <= end).then_some((start, end))
            }
            Spec::Last(0) => None,
            Spec::Last(count) => Some((size.saturating_sub(count), size - 1)),
        })
        .collect();
    if ranges.len() < 2 {
        return ranges;
    }
    ranges.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// A `multipart/byteranges` body of `ranges` of `file` (RFC 9110, 14.6),
/// read part by part as it is sent: the body, its length, and its
/// `Content-Type` with the boundary.
pub(crate) fn byte_ranges_body(
    file: tokio::fs::File,
    ranges: Vec<(u64, u64)>,
    content_type: &HeaderValue,
    size: u64,
) -> (Body, u64, HeaderValue) {
    let boundary = boundary();
    let content_type = String::from_utf8_lossy(content_type.as_bytes()).into_owned();
    let parts: VecDeque<(Bytes, (u64, u64))> = ranges
        .into_iter()
        .map(|(start, end)| {
            let head = format!(
                "\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Range: bytes {start}-{end}/{size}\r\n\r\n"
            );
            (Bytes::from(head), (start, end))
        })
        .collect();
    let closing = Bytes::from(format!("\r\n--{boundary}--\r\n"));
    let length = parts.iter().map(|(head, (start, end))| head.len() as u64 + end - start + 1).sum::<u64>()
        + closing.len() as u64;
    let stream = futures_util::stream::unfold(Parts::new(file, parts, Some(closing)), Parts::next);
    let kind = HeaderValue::try_from(format!("multipart/byteranges; boundary={boundary}"))
        .unwrap_or(super::OCTET_STREAM);
    (Body::from_http_body(http_body_util::StreamBody::new(stream)), length, kind)
}

/// A boundary no part's bytes will contain by chance: 32 hex digits.
fn boundary() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    let high = hasher.finish();
    hasher.write_u64(high);
    format!("{high:016x}{:016x}", hasher.finish())
}

/// A body of byte ranges, one frame at a time: a part's head (empty for a
/// single range), then its bytes in chunks of at most 64 KiB, then the
/// next part; the closing delimiter last.
struct Parts {
    file: tokio::fs::File,
    parts: VecDeque<(Bytes, (u64, u64))>,
    /// The next byte to send of the current part, and its last.
    current: Option<(u64, u64)>,
    closing: Option<Bytes>,
}

impl Parts {
    fn new(file: tokio::fs::File, parts: VecDeque<(Bytes, (u64, u64))>, closing: Option<Bytes>) -> Parts {
        Parts { file, parts, current: None, closing }
    }

    async fn next(mut self) -> Option<(Result<http_body::Frame<Bytes>, io::Error>, Parts)> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        loop {
            if let Some((at, end)) = self.current {
                let length = (end.saturating_sub(at) + 1).min(64 * 1024) as usize;
                let mut chunk = vec![0; length];
                if let Err(err) = self.file.read_exact(&mut chunk).await {
                    // The file shrank while being sent: the body ends in error.
                    return Some((Err(err), self.stopped()));
                }
                let next = at + length as u64;
                self.current = (next <= end).then_some((next, end));
                return Some((Ok(http_body::Frame::data(Bytes::from(chunk))), self));
            }
            if let Some((head, range)) = self.parts.pop_front() {
                // One seek per part; its chunks are then read in order.
                if let Err(err) = self.file.seek(io::SeekFrom::Start(range.0)).await {
                    return Some((Err(err), self.stopped()));
                }
                self.current = Some(range);
                if head.is_empty() {
                    continue;
                }
                return Some((Ok(http_body::Frame::data(head)), self));
            }
            let closing = self.closing.take()?;
            return Some((Ok(http_body::Frame::data(closing)), self));
        }
    }

    fn stopped(self) -> Parts {
        Parts { current: None, parts: VecDeque::new(), closing: None, ..self }
    }
}

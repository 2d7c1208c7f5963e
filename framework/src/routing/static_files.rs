//! Static files under a mount: Starlette's `StaticFiles`, on tower-http's
//! `ServeDir`, with one check added (no symlink out of the directory).

use std::convert::Infallible;
use std::future::Future;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::HeaderValue;
use percent_encoding::percent_decode_str;
use tower_http::services::ServeDir;
use tower_service::Service;

use crate::body::Body;
use crate::errors::HttpError;
use crate::response::file::{Spec, byte_ranges_body, parse_ranges, resolve};
use crate::response::{IntoResponse, Response};

/// A directory served under a prefix with [`App::mount_static`](crate::App::mount_static).
///
/// Files answer `GET` and `HEAD` with their content type (from the
/// extension), `Content-Length`, `Last-Modified` and an `ETag`;
/// `If-None-Match` and `If-Modified-Since` give 304, `Range` gives 206 (one
/// range or several, as `multipart/byteranges`) or 416, and `If-Range` is
/// honoured. tower-http's `ServeDir` does the work; brisk adds what it
/// leaves out: `If-Range` (a stale validator gets the whole file), and
/// several ranges in one request (up to 16, streamed from the file part by
/// part; more, and the whole file answers, as RFC 9110 allows).
///
/// Anything missing is a 404, and so is every path that would leave the
/// directory: `..` (also percent-encoded as `%2e%2e`, or reached through an
/// encoded slash, `..%2f..`), an absolute path, and a symbolic link that
/// points outside the directory (checked by resolving it, which `ServeDir`
/// alone does not do). An encoded slash inside the directory is read as a
/// separator: `css%2fsite.css` is `css/site.css`.
/// A directory is a 404 too, unless [`html`](Self::html) is on; then its
/// `index.html` answers, and `/docs` redirects to `/docs/`.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::routing::StaticFiles;
///
/// let app = App::new()
///     .mount_static("/static", "static")
///     .mount_static("/site", StaticFiles::new("public").html(true));
/// # let _ = app;
/// ```
///
/// Needs the `fs` feature (on by default).
#[derive(Clone, Debug)]
pub struct StaticFiles {
    root: PathBuf,
    html: bool,
}

impl StaticFiles {
    /// The files under `directory` (relative to the working directory, or absolute).
    pub fn new(directory: impl Into<PathBuf>) -> Self {
        StaticFiles { root: directory.into(), html: false }
    }

    /// Whether a directory answers with its `index.html` (default `false`,
    /// as Starlette's `html=False`).
    pub fn html(mut self, html: bool) -> Self {
        self.html = html;
        self
    }

    /// The service a mount at `prefix` runs.
    pub(crate) fn service(self) -> StaticService {
        let files = ServeDir::new(&self.root)
            .append_index_html_on_directories(self.html)
            .redirect_to_trailing_slash(self.html);
        StaticService { files, root: Arc::new(self.root) }
    }
}

impl From<&str> for StaticFiles {
    fn from(directory: &str) -> Self {
        StaticFiles::new(directory)
    }
}

impl From<PathBuf> for StaticFiles {
    fn from(directory: PathBuf) -> Self {
        StaticFiles::new(directory)
    }
}

impl From<&Path> for StaticFiles {
    fn from(directory: &Path) -> Self {
        StaticFiles::new(directory)
    }
}

/// `ServeDir`, after the check that the file the path names stays inside
/// the directory once symbolic links are resolved.
#[derive(Clone)]
pub(crate) struct StaticService {
    files: ServeDir,
    root: Arc<PathBuf>,
}

/// The longest file name and path the file system takes (Linux's
/// `NAME_MAX` and `PATH_MAX`; macOS's are smaller still for paths).
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4096;

/// The file `path` names under `root`, or `None` for a path that tries to
/// leave it (the same rule as `ServeDir`'s: only plain components) or that
/// no file system could hold: opening it would fail with an error
/// (`ENAMETOOLONG`) that ServeDir answers with a 500.
fn joined(root: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path.trim_start_matches('/')).decode_utf8().ok()?;
    let mut file = root.to_path_buf();
    for component in Path::new(&*decoded).components() {
        match component {
            Component::Normal(part) if part.len() <= NAME_MAX => file.push(part),
            _ => return None,
        }
    }
    (file.as_os_str().len() < PATH_MAX).then_some(file)
}

async fn call(
    files: &mut ServeDir,
    request: http::Request<Body>,
) -> http::Response<tower_http::services::fs::ServeFileSystemResponseBody> {
    match files.call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The file's `ETag` and `Last-Modified`, as ServeDir computes them (from
/// a `HEAD` of the same path).
async fn validators(
    files: &mut ServeDir,
    request: &http::Request<Body>,
) -> (Option<HeaderValue>, Option<HeaderValue>) {
    let head = head_of(request);
    let response = call(files, head).await;
    let headers = response.headers();
    (headers.get(http::header::ETAG).cloned(), headers.get(http::header::LAST_MODIFIED).cloned())
}

fn head_of(request: &http::Request<Body>) -> http::Request<Body> {
    let mut head = http::Request::new(Body::empty());
    *head.method_mut() = http::Method::HEAD;
    *head.uri_mut() = request.uri().clone();
    head
}

/// Where ServeDir's single ranges part from RFC 9110, fixes the `Range`
/// before it sees it: a unit other than `bytes` is ignored (14.2: "MUST
/// ignore"), and a suffix longer than the file (`bytes=-500` of 20 bytes)
/// selects the whole file (14.1.2), where ServeDir would answer 416. No
/// range of an empty file is satisfiable: that is a 416 here, where
/// ServeDir would answer `bytes=0-` with a 206 of a negative range.
async fn normalize_single_range(files: &mut ServeDir, request: &mut http::Request<Body>) -> Option<Response> {
    let range = request.headers().get(http::header::RANGE)?;
    let text = range.to_str().unwrap_or_default().trim();
    let Some(specs) = text.strip_prefix("bytes=") else {
        request.headers_mut().remove(http::header::RANGE);
        return None;
    };
    let suffix = specs.trim().strip_prefix('-').and_then(|n| n.trim().parse::<u64>().ok());
    let head = call(files, head_of(request)).await;
    if head.status() != http::StatusCode::OK {
        return None;
    }
    let size = head
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())?;
    // Preconditions come before ranges (RFC 9110, 13.2.2): with any, ServeDir answers.
    if size == 0 && !CONDITIONS.iter().any(|name| request.headers().contains_key(name)) {
        return Some(unsatisfiable(0));
    }
    if suffix.is_some_and(|suffix| suffix >= size) {
        request.headers_mut().insert(http::header::RANGE, HeaderValue::from_static("bytes=0-"));
    }
    None
}

/// `416 Range Not Satisfiable`, with the size the client can ask within.
fn unsatisfiable(size: u64) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = http::StatusCode::RANGE_NOT_SATISFIABLE;
    if let Ok(value) = HeaderValue::try_from(format!("bytes */{size}")) {
        response.headers_mut().insert(http::header::CONTENT_RANGE, value);
    }
    response
}

/// The preconditions ServeDir evaluates (RFC 9110, 13.1).
const CONDITIONS: [http::header::HeaderName; 4] = [
    http::header::IF_MATCH,
    http::header::IF_NONE_MATCH,
    http::header::IF_MODIFIED_SINCE,
    http::header::IF_UNMODIFIED_SINCE,
];

/// The specs of a `GET` whose `Range` asks for two or more byte ranges
/// (or whose set is invalid); `None` for anything else (one range, another
/// unit, bad syntax, too many), which ServeDir answers.
fn several_ranges(request: &http::Request<Body>) -> Option<Vec<Spec>> {
    if request.method() != http::Method::GET && request.method() != http::Method::HEAD {
        return None;
    }
    parse_ranges(request.headers().get(http::header::RANGE)?).filter(|specs| specs.len() != 1)
}

/// `206 Partial Content` as `multipart/byteranges` (RFC 9110, 14.6), read
/// from the file part by part as it is sent; 416 when no range fits.
async fn byte_ranges(
    files: &mut ServeDir,
    mut request: http::Request<Body>,
    file: &Path,
    specs: Vec<Spec>,
) -> Response {
    // The preconditions first (RFC 9110, 13.2.2): a 304 or 412 answers
    // instead, without the ranges; only then are the ranges evaluated.
    let mut probe = head_of(&request);
    for name in CONDITIONS {
        if let Some(value) = request.headers().get(&name) {
            probe.headers_mut().insert(name, value.clone());
        }
    }
    let head = call(files, probe).await;
    if matches!(head.status(), http::StatusCode::NOT_MODIFIED | http::StatusCode::PRECONDITION_FAILED) {
        request.headers_mut().remove(http::header::RANGE);
        return call(files, request).await.map(Body::from_http_body);
    }
    if head.status() != http::StatusCode::OK {
        // Missing, a directory, a method ServeDir refuses: its answer stands.
        return call(files, request).await.map(Body::from_http_body);
    }
    let Some(size) =
        head.headers().get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
    else {
        return call(files, request).await.map(Body::from_http_body);
    };
    let ranges = resolve(&specs, size);
    if ranges.is_empty() {
        return unsatisfiable(size);
    }
    let content_type = head
        .headers()
        .get(http::header::CONTENT_TYPE)
        .cloned()
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let heads_only = request.method() == http::Method::HEAD;
    let opened = match tokio::fs::File::open(file).await {
        Ok(opened) => opened,
        Err(_) => return HttpError::not_found().into_response(),
    };
    let (body, length, kind) = byte_ranges_body(opened, ranges, &content_type, size);
    let body = if heads_only { Body::empty() } else { body };
    let mut response = Response::new(body);
    *response.status_mut() = http::StatusCode::PARTIAL_CONTENT;
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, kind);
    headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(length));
    for name in [http::header::ETAG, http::header::LAST_MODIFIED, http::header::ACCEPT_RANGES] {
        if let Some(value) = head.headers().get(&name) {
            headers.insert(name, value.clone());
        }
    }
    response
}

/// Whether `file` (which exists) resolves to a place under `root`.
async fn stays_inside(root: &Path, file: &Path) -> bool {
    let (Ok(root), Ok(file)) = (tokio::fs::canonicalize(root).await, tokio::fs::canonicalize(file).await)
    else {
        // Missing: ServeDir answers 404 for it.
        return true;
    };
    file.starts_with(root)
}

impl Service<http::Request<Body>> for StaticService {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let mut files = self.files.clone();
        let root = self.root.clone();
        Box::pin(async move {
            let not_found = || Ok(HttpError::not_found().into_response());
            let Some(file) = joined(&root, request.uri().path()) else { return not_found() };
            if !stays_inside(&root, &file).await {
                return not_found();
            }
            let mut request = request;
            let has_range = request.headers().contains_key(http::header::RANGE);
            if has_range && request.headers().contains_key(http::header::IF_RANGE) {
                // ServeDir does not read If-Range: when the file is no longer
                // the one the client's part came from, the whole file answers.
                let (etag, modified) = validators(&mut files, &request).await;
                let expected = request.headers().get(http::header::IF_RANGE);
                let current = expected.is_some_and(|value| {
                    value.as_bytes().starts_with(b"\"") && etag.as_ref() == Some(value)
                        || modified.as_ref() == Some(value)
                });
                if !current {
                    request.headers_mut().remove(http::header::RANGE);
                }
            }
            if let Some(ranges) = several_ranges(&request) {
                return Ok(byte_ranges(&mut files, request, &file, ranges).await);
            }
            if let Some(refused) = normalize_single_range(&mut files, &mut request).await {
                return Ok(refused);
            }
            // ServeDir's redirects (a directory without its slash) know only
            // the path it saw: put back the prefixes it was mounted under.
            let root_path =
                request.extensions().get::<super::RootPath>().map(|root| root.as_str().to_owned());
            let mut response = call(&mut files, request).await;
            // ServeDir's own 404 and 405 are empty: answer them as brisk does.
            match response.status() {
                http::StatusCode::NOT_FOUND => return not_found(),
                http::StatusCode::METHOD_NOT_ALLOWED => {
                    let refused = HttpError::from_status(http::StatusCode::METHOD_NOT_ALLOWED)
                        .with_header_value(http::header::ALLOW, HeaderValue::from_static("GET, HEAD"));
                    return Ok(refused.into_response());
                }
                status if status.is_redirection() => {
                    let location =
                        response.headers().get(http::header::LOCATION).and_then(|l| l.to_str().ok());
                    if let (Some(root), Some(location)) = (&root_path, location)
                        && location.starts_with('/')
                        && let Ok(value) = HeaderValue::try_from(format!("{root}{location}"))
                    {
                        response.headers_mut().insert(http::header::LOCATION, value);
                    }
                }
                _ => {}
            }
            Ok(response.map(Body::from_http_body))
        })
    }
}

//! Uploaded files (`#[file]` parameters): received part by part from a
//! multipart body, kept in memory while small and spooled to an unnamed
//! temporary file past the app's threshold.

use std::io::{self, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use serde_json::json;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

use super::Errors;
use super::multipart::Field;
use crate::errors::{ErrorItem, HttpError};
use crate::limits::MultipartLimits;
use crate::request::Request;

/// How much [`UploadFile::chunks`] reads at a time.
const CHUNK: usize = 64 * 1024;

/// A file uploaded in a `multipart/form-data` body: FastAPI's `UploadFile`.
///
/// Take one with `#[file] file: UploadFile` (the part named `file`),
/// `#[file] file: Option<UploadFile>` (absent allowed) or
/// `#[file] files: Vec<UploadFile>` (every part of that name, empty when
/// none); `#[file(alias = "upload")]` reads another name. A file input left
/// empty by a browser (no filename, no content) counts as absent. A part of
/// that name without a `filename` is a text field, not a file: 422
/// `value_error`. A body that is not `multipart/form-data` is 415.
///
/// The content is in memory up to the app's
/// [`spool_threshold`](crate::MultipartLimits::spool_threshold) (1 MiB by
/// default) and in an unnamed temporary file past it, written as it
/// arrives, so the whole body is never held. The temporary file is removed
/// by the operating system when the last handle to it closes: when the
/// request ends, however it ends (response, error, panic, disconnect),
/// unless the handler keeps a clone (a background task, say).
///
/// A dependency and its handler that both take `#[file] avatar` get the
/// same file. Clones are cheap (the bytes are shared) and each has its own
/// read position.
/// Size limits answer 413; see [`MultipartLimits`](crate::MultipartLimits).
///
/// ```
/// use brisk::prelude::*;
/// use brisk::UploadFile;
///
/// #[post("/files")]
/// async fn upload(
///     #[form] description: String,
///     #[file] mut file: UploadFile,
/// ) -> Result<Json<serde_json::Value>, HttpError> {
///     let head = file.read(16).await.map_err(|_| HttpError::internal())?;
///     Ok(Json(serde_json::json!({
///         "filename": file.filename(),
///         "size": file.size(),
///         "description": description,
///         "starts_with": String::from_utf8_lossy(&head),
///     })))
/// }
/// ```
///
/// Needs the `multipart` feature (on by default).
#[derive(Clone)]
pub struct UploadFile {
    filename: Option<String>,
    content_type: Option<String>,
    headers: HeaderMap,
    size: u64,
    content: Content,
    /// Where [`read`](Self::read) goes on from; each clone has its own.
    position: u64,
    spool_dir: Arc<Path>,
}

/// The bytes, shared by every clone: a spooled file is read at explicit
/// offsets, so clones never move each other's position.
#[derive(Clone)]
enum Content {
    Memory(Bytes),
    Spooled(Arc<std::fs::File>),
}

impl std::fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadFile")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("size", &self.size)
            .field("in_memory", &self.is_in_memory())
            .finish_non_exhaustive()
    }
}

impl UploadFile {
    /// The file's name as the client sent it (`filename` in the part's
    /// `Content-Disposition`). Never use it as a path unchecked: it may
    /// hold `..` or `/`.
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The part's `Content-Type`, as the client sent it.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Every header of the part.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The content's length in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Whether the content is held in memory (at most the spool
    /// threshold) rather than in a temporary file.
    pub fn is_in_memory(&self) -> bool {
        matches!(self.content, Content::Memory(_))
    }

    /// The whole content, wherever the read position is. A spooled file is
    /// read into memory: prefer [`chunks`](Self::chunks) or
    /// [`save_to`](Self::save_to) for large ones.
    pub async fn bytes(&self) -> io::Result<Bytes> {
        self.read_at(0, self.size as usize).await
    }

    /// Up to `max` bytes from the read position, which moves past them
    /// (FastAPI's `await file.read(size)`); empty at the end.
    pub async fn read(&mut self, max: usize) -> io::Result<Bytes> {
        let chunk = self.read_at(self.position, max).await?;
        self.position += chunk.len() as u64;
        Ok(chunk)
    }

    /// Moves the read position to `offset` bytes from the start (at most
    /// the end; FastAPI's `await file.seek(offset)`).
    pub async fn seek(&mut self, offset: u64) -> io::Result<()> {
        self.position = offset.min(self.size);
        Ok(())
    }

    /// The whole content as a stream of chunks of up to 64 KiB, from the
    /// start: hand it to a [`StreamingResponse`](crate::StreamingResponse),
    /// a hasher or an object store without holding the file in memory.
    pub fn chunks(self) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send + 'static {
        futures_util::stream::try_unfold((self, 0u64), |(file, offset)| async move {
            let chunk = file.read_at(offset, CHUNK).await?;
            let next = offset + chunk.len() as u64;
            Ok((!chunk.is_empty()).then_some((chunk, (file, next))))
        })
    }

    /// Writes the whole content to a new file at `path` (replacing one that
    /// is there), and returns the number of bytes written. Asynchronous:
    /// the copy runs on tokio's file I/O and the blocking pool, never
    /// blocking the executor. The read position does not move.
    pub async fn save_to(&self, path: impl AsRef<Path>) -> io::Result<u64> {
        let mut out = tokio::fs::File::create(path).await?;
        let mut offset = 0;
        loop {
            let chunk = self.read_at(offset, CHUNK).await?;
            if chunk.is_empty() {
                break;
            }
            out.write_all(&chunk).await?;
            offset += chunk.len() as u64;
        }
        out.flush().await?;
        Ok(offset)
    }

    /// The content as a file, positioned at its start. A file still in
    /// memory is written to an unnamed temporary file first (in the
    /// spool directory); either way the file has no name, and disappears
    /// when the last handle to it is closed.
    pub async fn into_file(self) -> io::Result<tokio::fs::File> {
        let mut file = match self.content {
            Content::Memory(bytes) => {
                let mut file = temp_file(&self.spool_dir).await?;
                file.write_all(&bytes).await?;
                file.flush().await?;
                file
            }
            Content::Spooled(shared) => {
                let own = match Arc::try_unwrap(shared) {
                    Ok(file) => file,
                    Err(shared) => tokio::task::spawn_blocking(move || shared.try_clone())
                        .await
                        .map_err(io::Error::other)??,
                };
                tokio::fs::File::from_std(own)
            }
        };
        file.seek(SeekFrom::Start(0)).await?;
        Ok(file)
    }

    /// Up to `max` bytes from `offset`; a spooled file is read on the
    /// blocking pool, at the offset, so no handle's position matters.
    async fn read_at(&self, offset: u64, max: usize) -> io::Result<Bytes> {
        let start = offset.min(self.size);
        let length = (self.size - start).min(max as u64) as usize;
        match &self.content {
            Content::Memory(bytes) => Ok(bytes.slice(start as usize..start as usize + length)),
            Content::Spooled(file) => {
                let file = file.clone();
                tokio::task::spawn_blocking(move || read_exact_at(&file, start, length))
                    .await
                    .map_err(io::Error::other)?
            }
        }
    }

    /// Receives a file part, spooling it past the threshold. Errors: the
    /// part's limit or the body's (413), a malformed body (400), or a
    /// temporary file that cannot be written (500, logged).
    pub(crate) async fn receive(mut field: Field, limits: &MultipartLimits) -> Result<UploadFile, HttpError> {
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let headers = field.headers().clone();
        let spool_dir = limits.spool_dir();
        let mut memory = BytesMut::new();
        let mut spooled: Option<tokio::fs::File> = None;
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(HttpError::from)? {
            size += chunk.len() as u64;
            if let Some(file) = &mut spooled {
                file.write_all(&chunk).await.map_err(spool_failed)?;
                continue;
            }
            if memory.len() + chunk.len() <= limits.spool_threshold {
                memory.extend_from_slice(&chunk);
                continue;
            }
            let mut file = temp_file(&spool_dir).await.map_err(spool_failed)?;
            file.write_all(&memory).await.map_err(spool_failed)?;
            file.write_all(&chunk).await.map_err(spool_failed)?;
            memory = BytesMut::new();
            spooled = Some(file);
        }
        let content = match spooled {
            Some(mut file) => {
                file.flush().await.map_err(spool_failed)?;
                Content::Spooled(Arc::new(file.into_std().await))
            }
            None => Content::Memory(memory.freeze()),
        };
        Ok(UploadFile { filename, content_type, headers, size, content, position: 0, spool_dir })
    }

    /// A browser posts an untouched file input as a part with an empty
    /// filename and no content.
    pub(crate) fn is_empty_input(&self) -> bool {
        self.size == 0 && self.filename.as_deref().is_none_or(str::is_empty)
    }
}

/// Exactly `length` bytes at `offset` (fewer only if the file shrank).
fn read_exact_at(file: &std::fs::File, offset: u64, length: usize) -> io::Result<Bytes> {
    let mut out = vec![0; length];
    let mut filled = 0;
    while filled < length {
        #[cfg(unix)]
        let read = std::os::unix::fs::FileExt::read_at(file, &mut out[filled..], offset + filled as u64);
        #[cfg(windows)]
        let read = std::os::windows::fs::FileExt::seek_read(file, &mut out[filled..], offset + filled as u64);
        match read {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    out.truncate(filled);
    Ok(out.into())
}

/// An unnamed temporary file in `dir`: opened on the blocking pool (the
/// open is a blocking call), then used through tokio's file I/O.
async fn temp_file(dir: &Path) -> io::Result<tokio::fs::File> {
    let dir = dir.to_owned();
    let file = tokio::task::spawn_blocking(move || tempfile::tempfile_in(dir))
        .await
        .map_err(|err| io::Error::other(err.to_string()))??;
    Ok(tokio::fs::File::from_std(file))
}

fn spool_failed(err: io::Error) -> HttpError {
    tracing::error!(target: "brisk::extract", error = %err, "could not write an upload to its temporary file");
    HttpError::internal()
}

/// The files of the request's multipart body, by part name, kept in its
/// extensions once read (behind an `Arc`: the extensions need `Clone`).
/// Each `#[file]` parameter gets clones, which share the bytes; the last
/// one dropped, at the latest when the request ends, removes a spooled file.
#[derive(Clone, Default)]
pub(crate) struct UploadFiles(Arc<Mutex<Vec<(String, UploadFile)>>>);

impl UploadFiles {
    pub(crate) fn new(files: Vec<(String, UploadFile)>) -> Self {
        UploadFiles(Arc::new(Mutex::new(files)))
    }

    /// The files of part `name` (the first only, unless `all`): clones, so
    /// a dependency and its handler that both take the file both get it.
    fn get(&self, name: &str, all: bool) -> Vec<UploadFile> {
        let files = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut found = files.iter().filter(|(part, _)| part == name).map(|(_, file)| file.clone());
        if all { found.collect() } else { found.next().into_iter().collect() }
    }
}

/// The declared type of a `#[file]` parameter: `UploadFile` (required),
/// `Option<UploadFile>` or `Vec<UploadFile>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a #[file] parameter",
    label = "not an upload type",
    note = "a #[file] parameter is `brisk::UploadFile`, `Option<UploadFile>` or `Vec<UploadFile>`; text parts are #[form] parameters"
)]
pub trait FromUploads: Sized + Send {
    /// Whether every part of the name is taken, not only the first.
    #[doc(hidden)]
    const ALL: bool;
    /// Builds the value from the files found; `None` means a required file is missing.
    #[doc(hidden)]
    fn from_files(files: Vec<UploadFile>) -> Option<Self>;
}

impl FromUploads for UploadFile {
    const ALL: bool = false;
    fn from_files(mut files: Vec<UploadFile>) -> Option<Self> {
        files.pop()
    }
}

impl FromUploads for Option<UploadFile> {
    const ALL: bool = false;
    fn from_files(mut files: Vec<UploadFile>) -> Option<Self> {
        Some(files.pop())
    }
}

impl FromUploads for Vec<UploadFile> {
    const ALL: bool = true;
    fn from_files(files: Vec<UploadFile>) -> Option<Self> {
        Some(files)
    }
}

/// Takes the `#[file]` parameter `name` out of the request's files, which
/// [`read_form`](super::read_form) has read. Records a 422 `missing` for an
/// absent required file and `value_error` for a text part of that name.
#[doc(hidden)]
pub fn upload<T: FromUploads>(name: &'static str, request: &Request, errors: &mut Errors) -> Option<T> {
    let files = request.extensions().get::<UploadFiles>().map(|files| files.get(name, T::ALL));
    let files = files.unwrap_or_default();
    if files.is_empty()
        && let Some(fields) = request.extensions().get::<super::FormFields>()
        && let Some((_, text)) = fields.0.iter().find(|(field, value)| field == name && !value.is_empty())
    {
        errors.push(ErrorItem::new(
            "value_error",
            vec!["body".into(), name.into()],
            "Value error, Expected UploadFile, received: str",
            json!(text),
        ));
        return None;
    }
    let value = T::from_files(files);
    if value.is_none() {
        errors.push(ErrorItem::missing(vec!["body".into(), name.into()]));
    }
    value
}

/// An upload is documented as OpenAPI 3.1 documents a file: a string whose
/// content is octet-stream (`contentMediaType`), so Swagger UI offers a
/// file picker for it.
impl schemars::JsonSchema for UploadFile {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UploadFile".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "contentMediaType": "application/octet-stream" })
    }
}

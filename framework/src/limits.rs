//! What one request's multipart body may cost the server: bytes, parts,
//! memory and disk. The app holds one set; the multipart readers in
//! `extract` enforce it.

#[cfg(feature = "multipart")]
use std::path::{Path, PathBuf};
#[cfg(feature = "multipart")]
use std::sync::Arc;

const MIB: u64 = 1024 * 1024;

/// Limits on `multipart/form-data` bodies, set with
/// [`App::multipart_limits`](crate::App::multipart_limits).
///
/// They bound what a client can make the server hold: every limit that is
/// passed ends the request with `413 Content Too Large` and a
/// `{"detail": …}` body naming the limit, and whatever was read so far is
/// dropped (a spooled file with it).
///
/// | limit | default | applies to |
/// |---|---|---|
/// | [`max_body_size`](Self::max_body_size) | 64 MiB | the whole body, boundaries and part headers included |
/// | [`max_file_size`](Self::max_file_size) | 64 MiB | each part with a `filename` |
/// | [`max_field_size`](Self::max_field_size) | 1 MiB | each text part (no `filename`) |
/// | [`max_parts`](Self::max_parts) | 1,000 | the number of parts, text and file together |
/// | [`spool_threshold`](Self::spool_threshold) | 1 MiB | a file larger than this goes to a temporary file |
/// | [`temp_dir`](Self::temp_dir) | [`std::env::temp_dir`] | where those temporary files are made |
///
/// The app's [`body_limit`](crate::App::body_limit) (for JSON and
/// urlencoded bodies, which are read whole into memory) does not apply to
/// multipart bodies: they are read part by part and never held whole.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::MultipartLimits;
///
/// let app = App::new().multipart_limits(
///     MultipartLimits::default()
///         .max_body_size(512 * 1024 * 1024)
///         .max_file_size(500 * 1024 * 1024)
///         .spool_threshold(256 * 1024),
/// );
/// # let _ = app;
/// ```
///
/// Needs the `multipart` feature (on by default).
#[derive(Clone, Debug)]
#[cfg(feature = "multipart")]
pub struct MultipartLimits {
    pub(crate) max_body_size: u64,
    pub(crate) max_file_size: u64,
    pub(crate) max_field_size: u64,
    pub(crate) max_parts: usize,
    pub(crate) spool_threshold: usize,
    /// Shared by every upload that names it, so none copies the path.
    pub(crate) temp_dir: Option<Arc<Path>>,
}

#[cfg(feature = "multipart")]
impl Default for MultipartLimits {
    fn default() -> Self {
        MultipartLimits {
            max_body_size: 64 * MIB,
            max_file_size: 64 * MIB,
            // Starlette's limit for a text part, and its count of parts.
            max_field_size: MIB,
            max_parts: 1000,
            spool_threshold: MIB as usize,
            temp_dir: None,
        }
    }
}

#[cfg(feature = "multipart")]
impl MultipartLimits {
    /// The largest whole multipart body, in bytes (default 64 MiB).
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The largest file part, in bytes (default 64 MiB).
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// The largest text part, in bytes (default 1 MiB).
    pub fn max_field_size(mut self, bytes: u64) -> Self {
        self.max_field_size = bytes;
        self
    }

    /// The most parts one body may have (default 1,000).
    pub fn max_parts(mut self, parts: usize) -> Self {
        self.max_parts = parts;
        self
    }

    /// The size in bytes above which an uploaded file is written to a
    /// temporary file instead of kept in memory (default 1 MiB). Memory per
    /// request is then bounded by `max_parts × spool_threshold` as well as
    /// by `max_body_size`.
    pub fn spool_threshold(mut self, bytes: usize) -> Self {
        self.spool_threshold = bytes;
        self
    }

    /// The directory for spooled uploads (default [`std::env::temp_dir`]).
    ///
    /// The files made there have no name: the operating system removes
    /// them when the last handle closes, so they cannot outlive the request
    /// (or the process, if it is killed) unless a handler keeps the
    /// [`UploadFile`](crate::UploadFile).
    pub fn temp_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.temp_dir = Some(Arc::from(dir.into()));
        self
    }

    /// The directory for spooled files, shared; settled once by
    /// [`resolved`](Self::resolved) when the app is built.
    pub(crate) fn spool_dir(&self) -> Arc<Path> {
        self.temp_dir.clone().unwrap_or_else(|| Arc::from(std::env::temp_dir()))
    }

    /// These limits with the spool directory settled (the system's
    /// temporary directory when none was set), so requests never look it up.
    pub(crate) fn resolved(mut self) -> Self {
        self.temp_dir = Some(self.spool_dir());
        self
    }
}

/// Limits on WebSocket connections, set with
/// [`App::websocket_limits`](crate::App::websocket_limits).
///
/// | limit | default | when passed |
/// |---|---|---|
/// | [`max_message_size`](Self::max_message_size) | 1 MiB | the socket closes with 1009 (message too big) |
/// | [`max_frame_size`](Self::max_frame_size) | 1 MiB | the socket closes with 1009 |
/// | [`idle_timeout`](Self::idle_timeout) | none | nothing received for that long while the handler is in `recv`: the socket closes with 1001 (going away) |
///
/// A message is every frame of one text or binary message together; a
/// client can send no more than this many bytes before the handler sees
/// them. uvicorn's `ws_max_size` is 16 MiB; brisk's default is 1 MiB, as
/// browsers' messages rarely come near it (raise it for binary uploads
/// over a socket). The idle timeout counts from the last frame received
/// (pings and pongs included), however the handler waits for it.
///
/// ```
/// use std::time::Duration;
/// use brisk::prelude::*;
/// use brisk::WebSocketLimits;
///
/// let app = App::new().websocket_limits(
///     WebSocketLimits::default().max_message_size(64 * 1024).idle_timeout(Some(Duration::from_secs(60))),
/// );
/// # let _ = app;
/// ```
///
/// Needs the `websockets` feature (on by default).
#[derive(Clone, Copy, Debug)]
#[cfg(feature = "websockets")]
pub struct WebSocketLimits {
    pub(crate) max_message_size: usize,
    pub(crate) max_frame_size: usize,
    pub(crate) idle_timeout: Option<std::time::Duration>,
}

#[cfg(feature = "websockets")]
impl Default for WebSocketLimits {
    fn default() -> Self {
        WebSocketLimits { max_message_size: MIB as usize, max_frame_size: MIB as usize, idle_timeout: None }
    }
}

#[cfg(feature = "websockets")]
impl WebSocketLimits {
    /// The largest message, in bytes, of all its frames' payloads.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// The largest frame payload, in bytes.
    pub fn max_frame_size(mut self, bytes: usize) -> Self {
        self.max_frame_size = bytes;
        self
    }

    /// How long a socket may stay without receiving anything (a message,
    /// a ping or a pong) before the server closes it; `None` (the
    /// default) keeps it open as long as both ends do.
    pub fn idle_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.idle_timeout = timeout;
        self
    }
}

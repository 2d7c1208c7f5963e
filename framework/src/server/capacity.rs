//! How many connections the server takes on: the descriptor limit raised
//! at startup, a cap on open connections derived from it (each socket,
//! WebSockets included, holds its place until it closes), and an accept
//! loop that waits at the cap and backs off when accepting fails.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Raises the soft `RLIMIT_NOFILE` to the hard limit, as Go's runtime does
/// at startup: the common soft default of 1,024 descriptors is what a
/// thousand slow clients exhaust, while the hard limit is usually far
/// higher. Returns the limit now in force (`None` where there is none to
/// read), and logs it.
pub(crate) fn raise_descriptor_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            tracing::info!(target: "brisk::server", limit, "file descriptor limit");
            Some(limit)
        }
        Err(err) => {
            tracing::warn!(target: "brisk::server", error = %err, "could not read or raise the file descriptor limit");
            None
        }
    }
}

/// Three quarters of the descriptors for connections; the rest stays free
/// for the files, pools and pipes the app opens while it serves.
pub(crate) fn default_max_connections(descriptors: Option<u64>) -> usize {
    let descriptors = descriptors.unwrap_or(1024);
    usize::try_from(descriptors / 4 * 3).unwrap_or(usize::MAX).clamp(1, Semaphore::MAX_PERMITS)
}

/// The open-connection cap: each accepted connection holds a permit until
/// it closes, and the accept loop takes one before it accepts.
#[derive(Clone)]
pub(crate) struct Capacity(Arc<Semaphore>);

impl Capacity {
    pub(crate) fn new(connections: usize) -> Self {
        Capacity(Arc::new(Semaphore::new(connections.min(Semaphore::MAX_PERMITS))))
    }

    /// Room for one more connection, if there is some now.
    pub(crate) fn try_room(&self) -> Option<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }

    /// Waits for room for one more connection.
    pub(crate) async fn room(&self) -> OwnedSemaphorePermit {
        match self.0.clone().acquire_owned().await {
            Ok(permit) => permit,
            // The semaphore is never closed.
            Err(_) => std::future::pending().await,
        }
    }
}

/// A connection's socket with its place under the cap: the place is given
/// back when the socket closes, not when hyper is done with it, so that a
/// connection upgraded to a WebSocket (which outlives hyper's part) still
/// counts. Reads and writes go straight through.
pub(crate) struct Counted<S> {
    stream: S,
    _room: OwnedSemaphorePermit,
}

impl<S> Counted<S> {
    pub(crate) fn new(stream: S, room: OwnedSemaphorePermit) -> Self {
        Counted { stream, _room: room }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Accept failures (out of descriptors, mostly) come in bursts: the first
/// is logged, the loop sleeps between retries instead of spinning, and the
/// recovery is logged with how many attempts failed.
#[derive(Default)]
pub(crate) struct AcceptErrors {
    failed: u64,
}

impl AcceptErrors {
    const PAUSE: Duration = Duration::from_millis(50);

    pub(crate) async fn failed(&mut self, err: &std::io::Error) {
        if self.failed == 0 {
            tracing::warn!(
                target: "brisk::server",
                error = %err,
                "accept failed; retrying every 50 ms until it succeeds (out of file descriptors?)"
            );
        }
        self.failed += 1;
        tokio::time::sleep(Self::PAUSE).await;
    }

    pub(crate) fn accepted(&mut self) {
        if self.failed > 0 {
            tracing::info!(target: "brisk::server", failed = self.failed, "accepting again");
            self.failed = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::default_max_connections;

    #[test]
    fn the_default_cap_leaves_a_quarter_of_the_descriptors() {
        assert_eq!(default_max_connections(Some(1024)), 768);
        assert_eq!(default_max_connections(Some(65_536)), 49_152);
        assert_eq!(default_max_connections(None), 768);
        assert_eq!(default_max_connections(Some(1)), 1);
    }
}

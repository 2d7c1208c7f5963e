//! Work still running after its response: background tasks, request-scoped
//! teardowns and WebSocket conversations, counted so that graceful
//! shutdown can wait for them (and ask the sockets to close).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::sync::Notify;

/// Counts the work still running after responses (background tasks,
/// teardowns, open WebSockets), so graceful shutdown can wait for it.
#[derive(Clone, Default)]
pub(crate) struct Pending(Arc<Shared>);

#[derive(Default)]
struct Shared {
    running: AtomicUsize,
    drained: Notify,
    /// Set when the server shuts down: open WebSockets close (1001).
    closing: AtomicBool,
    close: Notify,
}

impl Pending {
    /// Spawns `work`, counted until it finishes.
    pub(crate) fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(target: "brisk::background", "no runtime left to run background work on");
            return;
        };
        self.0.running.fetch_add(1, Ordering::SeqCst);
        let pending = self.clone();
        runtime.spawn(async move {
            work.await;
            if pending.0.running.fetch_sub(1, Ordering::SeqCst) == 1 {
                pending.0.drained.notify_waiters();
            }
        });
    }

    /// Resolves once nothing is running.
    pub(crate) async fn drained(&self) {
        loop {
            let notified = self.0.drained.notified();
            if self.0.running.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Tells long-lived work (open WebSockets) that the server is shutting down.
    pub(crate) fn close(&self) {
        self.0.closing.store(true, Ordering::SeqCst);
        self.0.close.notify_waiters();
    }

    /// Resolves once [`close`](Self::close) has been called.
    #[cfg(feature = "websockets")]
    pub(crate) async fn closing(&self) {
        loop {
            let notified = self.0.close.notified();
            if self.0.closing.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}

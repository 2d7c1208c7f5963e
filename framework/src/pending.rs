//! Work still running after its response: background tasks and request-scoped
//! teardowns, counted so that graceful shutdown can wait for them.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

/// Counts the work still running after responses (background tasks and
/// teardowns), so graceful shutdown can wait for it.
#[derive(Clone, Default)]
pub(crate) struct Pending(Arc<(AtomicUsize, Notify)>);

impl Pending {
    /// Spawns `work`, counted until it finishes.
    pub(crate) fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(target: "brisk::background", "no runtime left to run background work on");
            return;
        };
        self.0.0.fetch_add(1, Ordering::SeqCst);
        let pending = self.clone();
        runtime.spawn(async move {
            work.await;
            if pending.0.0.fetch_sub(1, Ordering::SeqCst) == 1 {
                pending.0.1.notify_waiters();
            }
        });
    }

    /// Resolves once nothing is running.
    pub(crate) async fn drained(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.0.0.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

//! Graceful shutdown of open connections: each is asked to finish the
//! request it is serving and close, and the server waits until all have.
//!
//! hyper-util's `GracefulShutdown` polls a channel receiver every time a
//! connection is polled, a cost paid on every request. Here a connection
//! registers its task's waker once and then checks one flag per poll; the
//! shutdown wakes every registered connection.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use tokio::sync::Notify;

/// A connection that can be asked to close after its current request:
/// hyper's and hyper-util's, each by its own method.
pub(crate) trait Graceful: Future {
    fn shut_down(self: Pin<&mut Self>);
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<I, B, S> Graceful for hyper::server::conn::http1::UpgradeableConnection<I, S>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B>,
    S::Error: Into<BoxError>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    B: hyper::body::Body + 'static,
    B::Error: Into<BoxError>,
{
    fn shut_down(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

impl<I, B, S, E> Graceful for hyper::server::conn::http2::Connection<I, S, E>
where
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = B>,
    S::Error: Into<BoxError>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin,
    B: hyper::body::Body + 'static,
    B::Error: Into<BoxError>,
    E: hyper::rt::bounds::Http2ServerConnExec<S::Future, B>,
{
    fn shut_down(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

/// hyper-util's connections, through their own graceful trait.
pub(crate) struct ViaHyperUtil<C>(pub(crate) Pin<Box<C>>);

impl<C: hyper_util::server::graceful::GracefulConnection> Future for ViaHyperUtil<C> {
    type Output = C::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.as_mut().poll(cx)
    }
}

impl<C: hyper_util::server::graceful::GracefulConnection> Graceful for ViaHyperUtil<C> {
    fn shut_down(mut self: Pin<&mut Self>) {
        self.0.as_mut().graceful_shutdown();
    }
}

/// The server's side: tells connections to drain and waits for them.
#[derive(Clone, Default)]
pub(crate) struct Drain(Arc<Shared>);

#[derive(Default)]
struct Shared {
    draining: AtomicBool,
    /// One slot per open connection: its task's waker, once polled.
    open: Mutex<Slots>,
    all_closed: Notify,
}

#[derive(Default)]
struct Slots {
    wakers: Vec<Option<Waker>>,
    free: Vec<usize>,
}

impl Slots {
    fn open(&self) -> usize {
        self.wakers.len() - self.free.len()
    }

    fn take_slot(&mut self) -> usize {
        match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.wakers.push(None);
                self.wakers.len() - 1
            }
        }
    }
}

impl Drain {
    /// Whether a shutdown has started: connections still deciding their
    /// protocol check this and close.
    pub(crate) fn is_draining(&self) -> bool {
        self.0.draining.load(Ordering::SeqCst)
    }

    /// Wraps `connection` so that a shutdown reaches it.
    pub(crate) fn watch<C: Graceful>(&self, connection: C) -> Watched<C> {
        let slot = self.0.open.lock().unwrap_or_else(PoisonError::into_inner).take_slot();
        // Boxed once per connection, so that the wrapper needs no pin projection.
        let connection = Box::pin(connection);
        Watched { connection, shared: self.0.clone(), slot, registered: false, asked: false }
    }

    /// Completes once a shutdown has been asked for (for connections that
    /// are not yet watched).
    pub(crate) async fn draining(&self) {
        loop {
            let notified = self.0.all_closed.notified();
            if self.is_draining() {
                return;
            }
            notified.await;
        }
    }

    /// Asks every open connection to close after its current request, then
    /// waits until all have.
    pub(crate) async fn shutdown(&self) {
        self.0.draining.store(true, Ordering::SeqCst);
        // Wakes the connections not yet watched, waiting in `draining`.
        self.0.all_closed.notify_waiters();
        let wakers: Vec<Waker> = {
            let mut open = self.0.open.lock().unwrap_or_else(PoisonError::into_inner);
            open.wakers.iter_mut().filter_map(Option::take).collect()
        };
        wakers.into_iter().for_each(Waker::wake);
        loop {
            let notified = self.0.all_closed.notified();
            if self.0.open.lock().unwrap_or_else(PoisonError::into_inner).open() == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// A connection that a shutdown can reach.
pub(crate) struct Watched<C> {
    connection: Pin<Box<C>>,
    shared: Arc<Shared>,
    slot: usize,
    registered: bool,
    asked: bool,
}

impl<C: Graceful> Future for Watched<C> {
    type Output = C::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if !this.registered {
            // The connection runs as its own task, whose waker stays the
            // same: registering it once is enough.
            let mut open = this.shared.open.lock().unwrap_or_else(PoisonError::into_inner);
            open.wakers[this.slot] = Some(cx.waker().clone());
            this.registered = true;
        }
        // Read after registering: a shutdown that starts later finds the waker.
        if !this.asked && this.shared.draining.load(Ordering::SeqCst) {
            this.asked = true;
            this.connection.as_mut().shut_down();
        }
        this.connection.as_mut().poll(cx)
    }
}

impl<C> Drop for Watched<C> {
    fn drop(&mut self) {
        let mut open = self.shared.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.wakers[self.slot] = None;
        open.free.push(self.slot);
        if open.open() == 0 {
            drop(open);
            self.shared.all_closed.notify_waiters();
        }
    }
}

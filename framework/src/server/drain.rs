//! Graceful shutdown of open connections: each is asked to finish the
//! request it is serving and close, and the server waits until all have.
//!
//! hyper-util's `GracefulShutdown` polls a channel receiver every time a
//! connection is polled, a cost paid on every request. Here a connection
//! registers its task's waker once and then checks one flag per poll; the
//! shutdown wakes every registered connection.

use std::future::Future;
use std::pin::Pin;
#[cfg(feature = "http2")]
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

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

#[cfg(feature = "http2")]
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

/// The server's side: tells connections to drain and waits for them, and
/// at the connection cap makes room: it closes the oldest connection that
/// sent no request in its first [`GRACE`], or else asks the oldest one idle
/// for a whole sweep interval to close, as nginx reclaims idle keep-alive
/// connections when it runs out.
#[derive(Clone, Default)]
pub(crate) struct Drain(Arc<Shared>);

#[derive(Default)]
struct Shared {
    draining: AtomicBool,
    /// One slot per open connection, taken when it is accepted.
    open: Mutex<Slots>,
    all_closed: Notify,
}

#[derive(Default)]
struct Slots {
    entries: Vec<Option<Entry>>,
    free: Vec<usize>,
    /// Accept order, for shedding the oldest first.
    accepted: u64,
}

struct Entry {
    /// Its task's waker, once the connection is watched and polled.
    waker: Option<Waker>,
    state: Arc<ConnectionState>,
    accepted: u64,
    /// When it was accepted: one younger than [`GRACE`] is never shed
    /// for want of a request, which may be on its way.
    since: Instant,
}

impl Slots {
    fn open(&self) -> usize {
        self.entries.len() - self.free.len()
    }
}

/// What the server may ask of one connection, and whether it has sent a
/// request yet.
#[derive(Default)]
pub(crate) struct ConnectionState {
    /// `NONE`, `DRAIN` (finish the current request, then close) or `SHED`
    /// (close now).
    asked: AtomicU8,
    /// `NEVER` until its first request; then `RECENT` on each request,
    /// `SEEN` once a sweep at the cap has passed it, and `IDLE` once a
    /// second sweep finds no request since the first: a whole sweep
    /// interval, at least, without a new request.
    requests: AtomicU8,
    /// HTTP/2 connections only: requests whose response has not been
    /// sent yet, and whether one began since the last idle check.
    #[cfg(feature = "http2")]
    active: AtomicUsize,
    #[cfg(feature = "http2")]
    recent: AtomicBool,
    /// Wakes the connection while it is still deciding its protocol.
    shed: Notify,
}

const NONE: u8 = 0;
const DRAIN: u8 = 1;
const SHED: u8 = 2;

const NEVER: u8 = 0;
const IDLE: u8 = 1;
const SEEN: u8 = 2;
const RECENT: u8 = 3;

impl ConnectionState {
    /// Records that a request head arrived (hyper called the service).
    pub(crate) fn got_request(&self) {
        self.requests.store(RECENT, Ordering::Relaxed);
    }

    #[cfg(feature = "http2")]
    pub(crate) fn has_had_request(&self) -> bool {
        self.requests.load(Ordering::Relaxed) != NEVER
    }

    /// Records a request on a connection that tracks its streams; the
    /// returned guard ends it, when its response body has been sent (or
    /// dropped), through [`crate::body::Body::on_end`].
    #[cfg(feature = "http2")]
    pub(crate) fn stream_started(self: &Arc<Self>) -> StreamEnd {
        self.requests.store(RECENT, Ordering::Relaxed);
        self.recent.store(true, Ordering::Relaxed);
        self.active.fetch_add(1, Ordering::Relaxed);
        StreamEnd(self.clone())
    }

    /// Whether no request is in flight and none began since the last call.
    #[cfg(feature = "http2")]
    pub(crate) fn idle_since_last_check(&self) -> bool {
        !self.recent.swap(false, Ordering::Relaxed) && self.active.load(Ordering::Relaxed) == 0
    }

    /// Asks the connection to finish what it is serving and close, as a
    /// shutdown does (an HTTP/2 GOAWAY).
    #[cfg(feature = "http2")]
    pub(crate) fn ask_to_close(&self) {
        let _ = self.asked.compare_exchange(NONE, DRAIN, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Completes when the connection is shed before it has been watched.
    pub(crate) async fn shed(&self) {
        loop {
            let notified = self.shed.notified();
            if self.asked.load(Ordering::SeqCst) == SHED {
                return;
            }
            notified.await;
        }
    }
}

/// One request in flight on a connection that counts them; ends it when dropped.
#[cfg(feature = "http2")]
pub(crate) struct StreamEnd(Arc<ConnectionState>);

#[cfg(feature = "http2")]
impl Drop for StreamEnd {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(feature = "http2")]
impl crate::body::EndWork for StreamEnd {
    fn run(self) {}
}

/// How often, at the connection cap, connections are checked for requests:
/// one with no new request for a whole interval may be closed for a client
/// that waits.
pub(crate) const SWEEP: Duration = Duration::from_millis(250);

/// How long a connection just accepted has to send its request head and
/// have it read before it may be closed, at the cap, as a slow or silent
/// client: long enough for a real client's first bytes on a busy server,
/// short next to a slowloris's pace.
pub(crate) const GRACE: Duration = Duration::from_millis(200);

/// How often the accept loop, at the cap and with a client waiting, looks
/// again for a connection to close.
pub(crate) const TICK: Duration = Duration::from_millis(50);

/// When the accept loop, at the cap, last swept.
#[derive(Default)]
pub(crate) struct Sweeps {
    last: Option<Instant>,
}

impl Sweeps {
    /// Sweeps `drain` if [`SWEEP`] has passed since the last sweep. The
    /// first call only starts the clock: a sweep finds "no request since
    /// the previous one", which needs a previous one.
    pub(crate) fn due(&mut self, drain: &Drain) {
        let now = Instant::now();
        match self.last {
            Some(last) if now.duration_since(last) < SWEEP => {}
            Some(_) => {
                drain.sweep();
                self.last = Some(now);
            }
            None => self.last = Some(now),
        }
    }
}

/// One open connection's place in the registry, from accept to close.
pub(crate) struct Registration {
    shared: Arc<Shared>,
    slot: usize,
    pub(crate) state: Arc<ConnectionState>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut open = self.shared.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.entries[self.slot] = None;
        open.free.push(self.slot);
        if open.open() == 0 {
            drop(open);
            self.shared.all_closed.notify_waiters();
        }
    }
}

impl Drain {
    /// Whether a shutdown has started: connections still deciding their
    /// protocol check this and close.
    pub(crate) fn is_draining(&self) -> bool {
        self.0.draining.load(Ordering::SeqCst)
    }

    /// Registers a connection just accepted.
    pub(crate) fn register(&self) -> Registration {
        let state = Arc::new(ConnectionState::default());
        let mut open = self.0.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.accepted += 1;
        let entry =
            Entry { waker: None, state: state.clone(), accepted: open.accepted, since: Instant::now() };
        let slot = match open.free.pop() {
            Some(slot) => {
                open.entries[slot] = Some(entry);
                slot
            }
            None => {
                open.entries.push(Some(entry));
                open.entries.len() - 1
            }
        };
        drop(open);
        Registration { shared: self.0.clone(), slot, state }
    }

    /// Wraps `connection` so that a shutdown or a shed reaches it.
    pub(crate) fn watch<C: Graceful>(&self, connection: C, registration: Registration) -> Watched<C> {
        // Boxed once per connection, so that the wrapper needs no pin projection.
        let connection = Box::pin(connection);
        Watched { connection, registration, registered: false, asked: false }
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

    /// Whether some open connection could be closed to make room: one that
    /// has sent no request in its first [`GRACE`], or none for a whole
    /// sweep interval.
    pub(crate) fn has_sheddable(&self) -> bool {
        let now = Instant::now();
        let open = self.0.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.entries.iter().flatten().any(|entry| Self::sheddable(entry, now).is_some())
    }

    /// The request state of a connection that could be shed, if it could.
    fn sheddable(entry: &Entry, now: Instant) -> Option<u8> {
        if entry.state.asked.load(Ordering::SeqCst) != NONE {
            return None;
        }
        match entry.state.requests.load(Ordering::Relaxed) {
            // A newcomer just let in has its request on the way.
            NEVER if now.duration_since(entry.since) >= GRACE => Some(NEVER),
            IDLE => Some(IDLE),
            _ => None,
        }
    }

    /// At the connection cap, called every [`SWEEP`]: marks idle every
    /// connection that has had no request since the sweep before (the
    /// "clock" approximation of least recently used: one store per request
    /// rather than a timestamp). Marked idle by one sweep alone, a
    /// connection between two quick requests would be closed under its
    /// client, whose next request may already be on the way.
    pub(crate) fn sweep(&self) {
        let open = self.0.open.lock().unwrap_or_else(PoisonError::into_inner);
        for entry in open.entries.iter().flatten() {
            let requests = &entry.state.requests;
            let (now, next) = match requests.load(Ordering::Relaxed) {
                RECENT => (RECENT, SEEN),
                SEEN => (SEEN, IDLE),
                _ => continue,
            };
            // Lost to a request that came meanwhile: it stays recent.
            let _ = requests.compare_exchange(now, next, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// At the connection cap, so that a client waiting in the backlog gets
    /// a place: closes the connection accepted first among those that have
    /// not sent a whole request head in their first [`GRACE`] (slow or
    /// silent clients);
    /// without one, asks the one accepted first among those idle since the
    /// last sweep to close after what it is serving, as a shutdown does (an
    /// idle HTTP/1 connection closes at once, HTTP/2 gets a GOAWAY).
    /// Returns whether there was one.
    pub(crate) fn shed_one(&self) -> bool {
        let now = Instant::now();
        let mut open = self.0.open.lock().unwrap_or_else(PoisonError::into_inner);
        let oldest = open
            .entries
            .iter_mut()
            .flatten()
            .filter_map(|entry| Some((Self::sheddable(entry, now)?, entry)))
            // Silent clients first (NEVER < IDLE), then by age.
            .min_by_key(|(requests, entry)| (*requests, entry.accepted));
        let Some((requests, entry)) = oldest else { return false };
        if requests == NEVER {
            entry.state.asked.store(SHED, Ordering::SeqCst);
            entry.state.shed.notify_one();
        } else {
            entry.state.asked.store(DRAIN, Ordering::SeqCst);
        }
        if let Some(waker) = entry.waker.take() {
            waker.wake();
        }
        true
    }

    /// Asks every open connection to close after its current request, then
    /// waits until all have.
    pub(crate) async fn shutdown(&self) {
        self.0.draining.store(true, Ordering::SeqCst);
        // Wakes the connections not yet watched, waiting in `draining`.
        self.0.all_closed.notify_waiters();
        let wakers: Vec<Waker> = {
            let mut open = self.0.open.lock().unwrap_or_else(PoisonError::into_inner);
            open.entries
                .iter_mut()
                .flatten()
                .filter_map(|entry| {
                    let _ =
                        entry.state.asked.compare_exchange(NONE, DRAIN, Ordering::SeqCst, Ordering::SeqCst);
                    entry.waker.take()
                })
                .collect()
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

/// A connection that a shutdown or a shed can reach; `None` when it was
/// shed (closed without finishing).
pub(crate) struct Watched<C> {
    connection: Pin<Box<C>>,
    registration: Registration,
    registered: bool,
    asked: bool,
}

impl<C: Graceful> Future for Watched<C> {
    type Output = Option<C::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if !this.registered {
            // The connection runs as its own task, whose waker stays the
            // same: registering it once is enough.
            let shared = &this.registration.shared;
            let mut open = shared.open.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(entry) = &mut open.entries[this.registration.slot] {
                entry.waker = Some(cx.waker().clone());
            }
            this.registered = true;
        }
        // Read after registering: a shutdown that starts later finds the waker.
        if !this.asked {
            match this.registration.state.asked.load(Ordering::SeqCst) {
                NONE => {}
                DRAIN => {
                    this.asked = true;
                    this.connection.as_mut().shut_down();
                }
                _ => return Poll::Ready(None),
            }
        }
        this.connection.as_mut().poll(cx).map(Some)
    }
}

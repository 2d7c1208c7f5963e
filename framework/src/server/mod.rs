//! Sockets and connections: HTTP/1.1 and HTTP/2 on one port, graceful shutdown.

mod capacity;
mod connection;
mod drain;
mod head;
mod workers;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::{App, Service};
use crate::error::Error;
use connection::Protocols;
use drain::Drain;

// Serving is the server's part of the app's API: the app itself knows
// nothing of sockets.
impl App {
    /// Builds the app and serves it on `addr` until SIGINT or SIGTERM.
    ///
    /// Speaks HTTP/1.1 (keep-alive) and HTTP/2 (prior knowledge) on the same
    /// port; without brisk's `http2` feature, HTTP/1.1 alone (a connection
    /// that opens with the HTTP/2 preface is closed unanswered). On a signal it stops accepting (new connections are refused),
    /// lets in-flight requests, background tasks and teardowns finish within
    /// the grace period ([`App::shutdown_grace`]), runs the lifespan's
    /// shutdown, and returns `Ok(())`.
    ///
    /// A second SIGINT or SIGTERM while it drains exits the process at
    /// once, as uvicorn does: nothing more is waited for, the lifespan's
    /// shutdown included. The exit status is 128 plus the signal's number
    /// (130 for SIGINT, 143 for SIGTERM), as a shell reports a process
    /// that signal ended.
    pub async fn serve(self, addr: impl tokio::net::ToSocketAddrs) -> Result<(), Error> {
        let (app, running) = self.start().await?;
        let served = async {
            let service = app.build()?;
            let mut first = Signals::new();
            let listening = match service.config.workers {
                None => Listening::One(TcpListener::bind(addr).await?),
                Some(count) => Listening::Workers(workers::bind(resolve(addr).await?, count)?),
            };
            let (stop, stopped) = watch::channel(false);
            until(serving(service, listening, stopped, true), stop, async move {
                first.next().await;
            })
            .await
        };
        let result = served.await;
        if let Some(running) = running {
            running.shutdown().await;
        }
        result
    }

    /// Serves on an already bound listener until `shutdown` completes, then
    /// drains like [`serve`](App::serve). Handy for tests and for embedding.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), brisk::Error> {
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// # drop(stop);
    /// brisk::App::new().serve_with(listener, async { let _ = stopped.await; }).await
    /// # }
    /// ```
    pub async fn serve_with(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), Error> {
        let (app, running) = self.start().await?;
        let result = match app.build() {
            Ok(service) => {
                let listening = match service.config.workers {
                    None => Ok(Listening::One(listener)),
                    // The workers take turns accepting from the one listener.
                    Some(count) => workers::share(listener, count).map(Listening::Workers),
                };
                match listening {
                    Ok(listening) => {
                        let (stop, stopped) = watch::channel(false);
                        until(serving(service, listening, stopped, false), stop, shutdown).await
                    }
                    Err(err) => Err(err.into()),
                }
            }
            Err(err) => Err(err),
        };
        if let Some(running) = running {
            running.shutdown().await;
        }
        result
    }
}

/// Where the app listens: one socket on the caller's runtime, or one per
/// worker thread.
enum Listening {
    One(TcpListener),
    Workers(Vec<std::net::TcpListener>),
}

/// Serves until `stopped` turns true, then drains. With `second_signal`, a
/// SIGINT or SIGTERM during the drain exits the process at once.
///
/// Not generic, so in unoptimized builds (the edit-compile loop) the whole
/// of serving (the accept loop, the connections, hyper's HTTP/1 and HTTP/2
/// state machines) is compiled once, with brisk, behind one box, instead of
/// again in every app that calls the generic [`App::serve`] or
/// [`App::serve_with`]. Optimized builds skip the box: there the app's crate
/// compiles the future itself, so the optimizer sees it whole, as it always
/// has.
fn serving(
    service: Service,
    listening: Listening,
    stopped: watch::Receiver<bool>,
    second_signal: bool,
) -> impl Future<Output = Result<(), Error>> + Send {
    let serving = async move {
        match listening {
            Listening::One(listener) => serve(service, listener, stopped, second_signal).await,
            Listening::Workers(listeners) => workers::serve(service, listeners, stopped, second_signal).await,
        }
    };
    #[cfg(debug_assertions)]
    let serving: std::pin::Pin<Box<dyn Future<Output = Result<(), Error>> + Send>> = Box::pin(serving);
    serving
}

/// Runs `serving` to its end; once `shutdown` completes, tells it to drain.
async fn until(
    serving: impl Future<Output = Result<(), Error>>,
    stop: watch::Sender<bool>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    tokio::pin!(serving, shutdown);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = &mut serving => return result,
            () = &mut shutdown, if !stopping => {
                stopping = true;
                let _ = stop.send(true);
            }
        }
    }
}

/// The first address `addr` resolves to.
async fn resolve(addr: impl tokio::net::ToSocketAddrs) -> std::io::Result<std::net::SocketAddr> {
    tokio::net::lookup_host(addr)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address to listen on"))
}

/// Completes once `stopped` turns true (or its sender is gone).
async fn stopping(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// The future a drain races: with `second_signal`, the number of the next
/// SIGINT or SIGTERM, listened for from the first poll (when the drain
/// starts, so it sees only a second signal); without, never.
async fn second_signal(second_signal: bool) -> i32 {
    if second_signal { Signals::new().next().await } else { std::future::pending().await }
}

/// Accepts connections on `listener` until `shutdown` completes, then
/// drains; if the future `force` makes when the drain starts completes
/// first, with a signal's number, the process exits at once.
pub(crate) async fn serve(
    service: Service,
    listener: TcpListener,
    stopped: watch::Receiver<bool>,
    second_signal: bool,
) -> Result<(), Error> {
    let descriptors = capacity::raise_descriptor_limit();
    let connections =
        service.config.max_connections.unwrap_or_else(|| capacity::default_max_connections(descriptors));
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(target: "brisk::server", %addr, "listening");
    }
    accept(service, listener, connections, stopped, second_signal).await
}

/// Accepts connections on `listener`, at most `connections` open at once,
/// until `stopped` turns true; then drains as [`serve`] says. One worker's
/// whole serving, in thread-per-core mode.
async fn accept(
    service: Service,
    listener: TcpListener,
    connections: usize,
    stopped: watch::Receiver<bool>,
    second_signal: bool,
) -> Result<(), Error> {
    let shutdown = stopping(stopped);
    let config = service.config.clone();
    let protocols = Arc::new(Protocols::new(&config));
    let capacity = capacity::Capacity::new(connections);
    let mut accept_errors = capacity::AcceptErrors::default();
    let drain = Drain::default();
    let mut sweeps = drain::Sweeps::default();
    tokio::pin!(shutdown);
    'accepting: loop {
        // Room under the cap; at the cap, a newcomer found waiting is let in
        // by closing a connection that sent no request in its first
        // `drain::GRACE` (a slow or silent client) or none for a whole
        // sweep interval (idle), and without such a connection clients
        // queue in the listen backlog until one closes.
        let (room, accepted) = match capacity.try_room() {
            Some(room) => (room, None),
            None => tokio::select! {
                room = capacity.room() => (room, None),
                accepted = listener.accept(), if drain.has_sheddable() => {
                    // Shed one and wait for it to close. A connection idle
                    // by the sweeps may be in the middle of a long request
                    // (HTTP/1 does not count its requests in flight): it
                    // closes after that response, and meanwhile the next
                    // candidate is shed a tick later. With none
                    // (a request came first), wait for a connection to
                    // close or a sweep to find one idle.
                    let room = loop {
                        drain.shed_one();
                        tokio::select! {
                            room = capacity.room() => break room,
                            () = tokio::time::sleep(drain::TICK) => sweeps.due(&drain),
                            () = &mut shutdown => break 'accepting,
                        }
                    };
                    (room, Some(accepted))
                }
                // Newcomers' grace running out, or a sweep due: look again.
                () = tokio::time::sleep(drain::TICK) => {
                    sweeps.due(&drain);
                    continue;
                }
                () = &mut shutdown => break,
            },
        };
        let accepted = match accepted {
            Some(accepted) => accepted,
            None => tokio::select! {
                accepted = listener.accept() => accepted,
                () = &mut shutdown => break,
            },
        };
        let (stream, client) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                accept_errors.failed(&err).await;
                continue;
            }
        };
        accept_errors.accepted();
        let _ = stream.set_nodelay(true);
        let connection = (service.clone(), protocols.clone(), drain.clone(), drain.register(), room);
        tokio::spawn(connection::serve(stream, client, connection));
    }
    drop(listener);
    tracing::info!(target: "brisk::server", "shutting down: draining in-flight requests");
    let pending = service.shared.pending.clone();
    let drained = async {
        drain.shutdown().await;
        // Then the work that outlives its response: background tasks,
        // teardowns, and WebSockets, which are asked to close (1001).
        pending.close();
        pending.drained().await;
    };
    tokio::select! {
        drained = tokio::time::timeout(config.shutdown_grace, drained) => {
            if drained.is_err() {
                tracing::warn!(target: "brisk::server", grace = ?config.shutdown_grace, "grace period over; dropping the remaining connections and background work");
            }
        }
        signal = self::second_signal(second_signal) => exit_now(signal),
    }
    Ok(())
}

/// Ends the process at once on a second signal, with the status a shell
/// gives a process that signal ended.
fn exit_now(signal: i32) -> ! {
    tracing::warn!(target: "brisk::server", signal, "second signal while draining: exiting now");
    std::process::exit(128 + signal)
}

/// SIGINT (Ctrl-C) and, on Unix, SIGTERM, listened for from the moment
/// this is made.
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            // A signal that cannot be listened for is never awaited.
            Signals {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// The next signal's number: 2 (SIGINT) or 15 (SIGTERM).
    async fn next(&mut self) -> i32 {
        #[cfg(unix)]
        {
            async fn next(signal: &mut Option<tokio::signal::unix::Signal>) {
                let received = match signal {
                    Some(signal) => signal.recv().await,
                    None => None,
                };
                if received.is_none() {
                    std::future::pending::<()>().await;
                }
            }
            let Signals { interrupt, terminate } = self;
            tokio::select! {
                () = next(interrupt) => 2,
                () = next(terminate) => 15,
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            2
        }
    }
}

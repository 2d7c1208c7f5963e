//! Sockets and connections: HTTP/1.1 and HTTP/2 on one port, graceful shutdown.

mod capacity;
mod connection;
mod drain;
mod head;
mod workers;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

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
    /// port. On a signal it stops accepting (new connections are refused),
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
            let shutdown = async move {
                first.next().await;
            };
            // Registered once the drain starts, so it sees only a second signal.
            let second = || {
                let mut second = Signals::new();
                async move { second.next().await }
            };
            match service.config.workers {
                None => {
                    let listener = tokio::net::TcpListener::bind(addr).await?;
                    serve(service, listener, shutdown, second).await
                }
                Some(count) => {
                    let listeners = workers::bind(addr, count).await?;
                    workers::serve(service, listeners, shutdown, second).await
                }
            }
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
            Ok(service) => match service.config.workers {
                None => serve(service, listener, shutdown, std::future::pending).await,
                // The workers take turns accepting from the one listener.
                Some(count) => match workers::share(listener, count) {
                    Ok(listeners) => workers::serve(service, listeners, shutdown, std::future::pending).await,
                    Err(err) => Err(err.into()),
                },
            },
            Err(err) => Err(err),
        };
        if let Some(running) = running {
            running.shutdown().await;
        }
        result
    }
}

/// Accepts connections on `listener` until `shutdown` completes, then
/// drains; if the future `force` makes when the drain starts completes
/// first, with a signal's number, the process exits at once.
pub(crate) async fn serve<F: Future<Output = i32>>(
    service: Service,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    force: impl FnOnce() -> F,
) -> Result<(), Error> {
    let descriptors = capacity::raise_descriptor_limit();
    let connections =
        service.config.max_connections.unwrap_or_else(|| capacity::default_max_connections(descriptors));
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(target: "brisk::server", %addr, "listening");
    }
    accept(service, listener, connections, shutdown, force).await
}

/// Accepts connections on `listener`, at most `connections` open at once,
/// until `shutdown` completes; then drains as [`serve`] says. One worker's
/// whole serving, in thread-per-core mode.
async fn accept<F: Future<Output = i32>>(
    service: Service,
    listener: TcpListener,
    connections: usize,
    shutdown: impl Future<Output = ()>,
    force: impl FnOnce() -> F,
) -> Result<(), Error> {
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
        signal = force() => exit_now(signal),
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

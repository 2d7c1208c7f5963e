//! Sockets and connections: HTTP/1.1 and HTTP/2 on one port, graceful shutdown.

mod capacity;
mod connection;
mod drain;

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
    /// port. On a signal it stops accepting, lets in-flight requests finish
    /// within the grace period, and returns `Ok(())`.
    pub async fn serve(self, addr: impl tokio::net::ToSocketAddrs) -> Result<(), Error> {
        let (app, running) = self.start().await?;
        let served = async {
            let service = app.build()?;
            let listener = tokio::net::TcpListener::bind(addr).await?;
            serve(service, listener, shutdown_signal()).await
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
            Ok(service) => serve(service, listener, shutdown).await,
            Err(err) => Err(err),
        };
        if let Some(running) = running {
            running.shutdown().await;
        }
        result
    }
}

/// Accepts connections on `listener` until `shutdown` completes, then drains.
pub(crate) async fn serve(
    service: Service,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    let config = service.config.clone();
    let protocols = Arc::new(Protocols::new(&config));
    let descriptors = capacity::raise_descriptor_limit();
    let connections =
        config.max_connections.unwrap_or_else(|| capacity::default_max_connections(descriptors));
    let capacity = capacity::Capacity::new(connections);
    let mut accept_errors = capacity::AcceptErrors::default();

    if let Ok(addr) = listener.local_addr() {
        tracing::info!(target: "brisk::server", %addr, "listening");
    }
    let drain = Drain::default();
    tokio::pin!(shutdown);
    loop {
        // Room under the cap; at the cap, a newcomer found waiting is let in
        // by closing the oldest connection that has sent no request yet (a
        // slow or silent client), and without such a connection clients
        // queue in the listen backlog until one closes.
        let (room, accepted) = match capacity.try_room() {
            Some(room) => (room, None),
            None => tokio::select! {
                room = capacity.room() => (room, None),
                accepted = listener.accept(), if drain.has_sheddable() => {
                    drain.shed_one();
                    tokio::select! {
                        room = capacity.room() => (room, Some(accepted)),
                        () = &mut shutdown => break,
                    }
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
    if tokio::time::timeout(config.shutdown_grace, drained).await.is_err() {
        tracing::warn!(target: "brisk::server", grace = ?config.shutdown_grace, "grace period over; dropping the remaining connections and background work");
    }
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

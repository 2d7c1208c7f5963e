//! Sockets and connections: HTTP/1.1 and HTTP/2 on one port, graceful shutdown.

mod connection;
mod drain;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::app::Service;
use crate::error::Error;
use connection::Protocols;
use drain::Drain;

/// Accepts connections on `listener` until `shutdown` completes, then drains.
pub(crate) async fn serve(
    service: Service,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    let config = service.0.config.clone();
    let protocols = Arc::new(Protocols::new(&config));

    if let Ok(addr) = listener.local_addr() {
        tracing::info!(target: "brisk::server", %addr, "listening");
    }
    let drain = Drain::default();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, client) = match accepted {
                    Ok(accepted) => accepted,
                    Err(err) => {
                        // Usually out of file descriptors: back off instead of spinning.
                        tracing::warn!(target: "brisk::server", error = %err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection::serve(stream, client, service.clone(), protocols.clone(), drain.clone()));
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!(target: "brisk::server", "shutting down: draining in-flight requests");
    let pending = service.0.pending.clone();
    let drained = async {
        drain.shutdown().await;
        // Then the work that outlives its response: background tasks, teardowns.
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

//! Sockets and connections: HTTP/1.1 and HTTP/2 on one port, graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::app::Service;
use crate::body::Body;
use crate::error::Error;

/// Accepts connections on `listener` until `shutdown` completes, then drains.
pub(crate) async fn serve(
    service: Service,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    let config = service.0.config.clone();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(config.header_read_timeout).keep_alive(true);
    builder.http2().timer(TokioTimer::new());

    if let Ok(addr) = listener.local_addr() {
        tracing::info!(target: "brisk::server", %addr, "listening");
    }
    let graceful = GracefulShutdown::new();
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
                let service = service.clone();
                let got_request = Arc::new(AtomicBool::new(false));
                let seen = got_request.clone();
                let hyper_service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
                    let service = service.clone();
                    seen.store(true, Ordering::Relaxed);
                    async move {
                        Ok::<_, Infallible>(service.call(request.map(Body::incoming), Some(client)).await)
                    }
                });
                // Without upgrade support: hyper would prepare an upgrade channel
                // for every request, and nothing upgrades yet.
                let connection = builder
                    .serve_connection(TokioIo::new(stream), hyper_service)
                    .into_owned();
                let connection = graceful.watch(connection);
                let header_read_timeout = config.header_read_timeout;
                tokio::spawn(async move {
                    tokio::pin!(connection);
                    // hyper times out HTTP/1 headers only once the protocol is
                    // known, and never before the first byte: a client must
                    // start its first request within the header read timeout.
                    let ended = tokio::select! {
                        ended = &mut connection => ended,
                        () = tokio::time::sleep(header_read_timeout) => {
                            if !got_request.load(Ordering::Relaxed) {
                                tracing::debug!(target: "brisk::server", %client, "no request within the header read timeout; closing");
                                return;
                            }
                            connection.await
                        }
                    };
                    if let Err(err) = ended {
                        tracing::debug!(target: "brisk::server", %client, error = %err, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!(target: "brisk::server", "shutting down: draining in-flight requests");
    let pending = service.0.pending.clone();
    let drain = async {
        graceful.shutdown().await;
        // Then the work that outlives its response: background tasks, teardowns.
        pending.drained().await;
    };
    if tokio::time::timeout(config.shutdown_grace, drain).await.is_err() {
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

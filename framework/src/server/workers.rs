//! Thread-per-core serving ([`App::workers`](crate::App::workers)): N
//! threads, each with a single-threaded runtime that accepts on its own
//! listening socket and serves what it accepts to the end, so no request's
//! work ever moves between threads.

use std::io;
use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{mpsc, watch};

use super::{accept, capacity};
use crate::app::Service;
use crate::error::Error;

/// The listen backlog of each worker's socket (tokio's and std's default).
const BACKLOG: u32 = 1024;

/// One listening socket per worker on `addr`. On Unix each is its own
/// socket with `SO_REUSEPORT`, so the kernel spreads new connections over
/// the workers' accept queues; elsewhere the workers share one socket.
pub(super) fn bind(addr: SocketAddr, workers: usize) -> io::Result<Vec<std::net::TcpListener>> {
    let mut bound = addr;
    #[cfg(unix)]
    {
        let mut listeners = Vec::with_capacity(workers);
        for _ in 0..workers {
            let socket = if bound.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
            // SO_REUSEADDR as std's and tokio's `bind` set it on Unix.
            socket.set_reuseaddr(true)?;
            socket.set_reuseport(true)?;
            socket.bind(bound)?;
            let listener = socket.listen(BACKLOG)?;
            // Port 0: the others join the port the first one was given.
            bound = listener.local_addr()?;
            listeners.push(listener.into_std()?);
        }
        Ok(listeners)
    }
    #[cfg(not(unix))]
    {
        let socket = if bound.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
        socket.bind(bound)?;
        share(socket.listen(BACKLOG)?, workers)
    }
}

/// `listener`, shared by `workers` threads: each accepts from the same queue.
pub(super) fn share(listener: TcpListener, workers: usize) -> io::Result<Vec<std::net::TcpListener>> {
    let listener = listener.into_std()?;
    let mut listeners = Vec::with_capacity(workers);
    for _ in 1..workers {
        listeners.push(listener.try_clone()?);
    }
    listeners.push(listener);
    Ok(listeners)
}

/// Serves `service` with one worker thread per listener until `stopped`
/// turns true, then has every worker drain; `second_signal` is as for
/// [`super::serve`], and is watched here, on the caller's runtime.
pub(super) async fn serve(
    service: Service,
    listeners: Vec<std::net::TcpListener>,
    stopped: watch::Receiver<bool>,
    second_signal: bool,
) -> Result<(), Error> {
    let shutdown = super::stopping(stopped);
    let workers = listeners.len();
    let descriptors = capacity::raise_descriptor_limit();
    let connections =
        service.config.max_connections.unwrap_or_else(|| capacity::default_max_connections(descriptors));
    let per_worker = (connections / workers).max(1);
    if let Some(Ok(addr)) = listeners.first().map(std::net::TcpListener::local_addr) {
        tracing::info!(target: "brisk::server", %addr, workers, "listening");
    }
    // The workers' own stop: the signal, or one worker failing.
    let (stop, workers_stopped) = watch::channel(false);
    let (finished, mut results) = mpsc::unbounded_channel::<Result<(), Error>>();
    for (index, listener) in listeners.into_iter().enumerate() {
        let (service, stopped, finished) = (service.clone(), workers_stopped.clone(), finished.clone());
        let worker = move || {
            let result = (|| {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                let served = runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener)?;
                    accept(service, listener, per_worker, stopped, false).await
                });
                // What outlived the grace period is dropped, not waited for
                // (a blocking handler still running, say).
                runtime.shutdown_background();
                served
            })();
            let _ = finished.send(result);
        };
        std::thread::Builder::new().name(format!("brisk-worker-{index}")).spawn(worker)?;
    }
    drop(finished);

    // A worker ends before the signal only when it failed: stop the rest.
    let mut outcome = Ok(());
    let mut running = workers;
    tokio::pin!(shutdown);
    tokio::select! {
        () = &mut shutdown => {}
        Some(result) = results.recv() => {
            running -= 1;
            outcome = result;
        }
    }
    tracing::info!(target: "brisk::server", "shutting down: draining in-flight requests on every worker");
    let _ = stop.send(true);
    let drained = async {
        while running > 0 {
            match results.recv().await {
                Some(result) => {
                    running -= 1;
                    if outcome.is_ok() {
                        outcome = result;
                    }
                }
                None => break,
            }
        }
    };
    tokio::select! {
        () = drained => {}
        signal = super::second_signal(second_signal) => super::exit_now(signal),
    }
    outcome
}

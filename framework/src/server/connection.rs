//! One accepted connection: which protocol it speaks, then serving it
//! until the client leaves or the server drains.

use std::convert::Infallible;
use std::fmt::Display;
#[cfg(feature = "http2")]
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
#[cfg(feature = "http2")]
use hyper::server::conn::http2;
#[cfg(feature = "http2")]
use hyper_util::rt::TokioExecutor;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;

#[cfg(feature = "http2")]
use super::drain::ConnectionState;
use super::drain::{Drain, Registration};
use crate::app::{Config, Service};
use crate::body::Body;
#[cfg(feature = "http2")]
use crate::body::OnEnd;

/// What an HTTP/2 client with prior knowledge sends first.
const H2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The protocol settings every connection shares, built once per server.
pub(crate) struct Protocols {
    http1: http1::Builder,
    #[cfg(feature = "http2")]
    http2: http2::Builder<TokioExecutor>,
    header_read_timeout: Duration,
    /// HTTP/1 request targets longer than this are answered 414.
    max_uri_length: usize,
}

impl Protocols {
    pub(crate) fn new(config: &Config) -> Self {
        let mut http1 = http1::Builder::new();
        http1
            .timer(TokioTimer::new())
            .header_read_timeout(config.header_read_timeout)
            .keep_alive(true)
            // Also the head's limit: a longer head is a 431.
            .max_buf_size(config.max_header_size);
        Protocols {
            http1,
            #[cfg(feature = "http2")]
            http2: {
                let mut http2 = http2::Builder::new(TokioExecutor::new());
                http2.timer(TokioTimer::new());
                limit_http2(&mut http2, config);
                http2
            },
            header_read_timeout: config.header_read_timeout,
            max_uri_length: config.max_uri_length,
        }
    }
}

/// HTTP/2's limits, set rather than left to hyper's defaults so they are
/// part of brisk's contract: streams at once per connection, the header
/// list's size, and how many streams a client may open and reset before the
/// server answers them (the "rapid reset" flood, CVE-2023-44487) or make
/// the server reset, before the connection is closed with an error.
#[cfg(feature = "http2")]
const HTTP2_MAX_CONCURRENT_STREAMS: u32 = 200;
#[cfg(feature = "http2")]
const HTTP2_MAX_PENDING_RESETS: usize = 20;
#[cfg(feature = "http2")]
const HTTP2_MAX_LOCAL_RESETS: usize = 1024;

#[cfg(feature = "http2")]
fn limit_http2(http2: &mut http2::Builder<TokioExecutor>, config: &Config) {
    http2
        .max_concurrent_streams(HTTP2_MAX_CONCURRENT_STREAMS)
        .max_header_list_size(header_list_size(config))
        .max_pending_accept_reset_streams(HTTP2_MAX_PENDING_RESETS)
        .max_local_error_reset_streams(HTTP2_MAX_LOCAL_RESETS);
}

#[cfg(feature = "http2")]
fn header_list_size(config: &Config) -> u32 {
    u32::try_from(config.max_header_size).unwrap_or(u32::MAX)
}

enum Protocol {
    Http1,
    Http2,
}

/// How long a client whose first bytes are a strict prefix of the HTTP/2
/// preface is left before the next look, at most (the wait doubles from a
/// millisecond up to this).
const SNIFF_BACKOFF_CAP: Duration = Duration::from_millis(50);

/// Looks at the first bytes without consuming them, so that the chosen
/// protocol reads the socket directly: detecting the protocol while
/// reading would put a rewind buffer in front of every later read, and a
/// second instance of both protocols' connection code (over that buffer)
/// in the binary.
///
/// A client whose bytes so far are a strict prefix of the preface (`P` of a
/// `POST` sent alone, or a preface split across packets) is looked at again
/// after a short wait: a peek that found data does not clear the socket's
/// readiness, so waiting on readiness would spin. The caller's header read
/// timeout bounds the waiting, and such clients are rare, so the few timer
/// wakeups cost nothing in practice.
async fn sniff(stream: &TcpStream) -> std::io::Result<Option<Protocol>> {
    let mut first = [0u8; H2_PREFACE.len()];
    let mut wait = Duration::from_millis(1);
    loop {
        let read = stream.peek(&mut first).await?;
        if read == 0 {
            return Ok(None);
        }
        if first[..read] != H2_PREFACE[..read] {
            return Ok(Some(Protocol::Http1));
        }
        if read == H2_PREFACE.len() {
            return Ok(Some(Protocol::Http2));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(SNIFF_BACKOFF_CAP);
    }
}

/// What one connection is served with: the app, the protocol settings,
/// the shutdown watch and the connection's registration with it, and its
/// place under the connection cap (released when the socket closes).
pub(crate) type Shared = (Service, Arc<Protocols>, Drain, Registration, OwnedSemaphorePermit);

/// Serves one connection to its end.
pub(crate) async fn serve(stream: TcpStream, client: SocketAddr, shared: Shared) {
    let (service, protocols, drain, registration, room) = shared;
    let state = registration.state.clone();
    let timeout = protocols.header_read_timeout;
    let sniffed = tokio::select! {
        sniffed = tokio::time::timeout(timeout, sniff(&stream)) => sniffed,
        // The server is shutting down before this client said anything.
        () = drain.draining() => return,
        // Or it is at its connection cap, and this one is the oldest silent.
        () = state.shed() => return shed(client),
    };
    let protocol = match sniffed {
        Ok(Ok(Some(protocol))) => protocol,
        Ok(Ok(None)) => return,
        Ok(Err(err)) => return ended(client, Err(err)),
        Err(_) => return no_request(client),
    };
    #[cfg(not(feature = "http2"))]
    if let Protocol::Http2 = protocol {
        return without_http2(client);
    }
    // HTTP/1 connections can be upgraded (WebSockets): hyper prepares the
    // upgrade only for requests that ask for one.
    let io = TokioIo::new(super::capacity::Counted::new(stream, room));
    if let Protocol::Http1 = protocol {
        let max_uri_length = protocols.max_uri_length;
        let hyper_service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
            state.got_request();
            // Started here, not inside an async block: hyper then moves a
            // future that holds a boxed request rather than the request's
            // head, and the response passes through one layer fewer.
            service.answer(
                request.map(Body::incoming),
                Some(client),
                move |request| super::head::refuse(request, max_uri_length),
                Ok::<_, Infallible>,
            )
        });
        // From here hyper's own header read timeout covers every request.
        let connection = protocols.http1.serve_connection(io, hyper_service).with_upgrades();
        return match drain.watch(connection, registration).await {
            Some(result) => ended(client, result),
            None => shed(client),
        };
    }
    #[cfg(feature = "http2")]
    serve_http2(io, client, service, &protocols, drain, registration, state).await;
}

/// Serves an HTTP/2 connection (prior knowledge: the preface was sniffed).
#[cfg(feature = "http2")]
async fn serve_http2(
    io: TokioIo<super::capacity::Counted<TcpStream>>,
    client: SocketAddr,
    service: Service,
    protocols: &Protocols,
    drain: Drain,
    registration: Registration,
    state: Arc<ConnectionState>,
) {
    // HTTP/2 has no idle timeout of its own: this service counts the
    // requests in flight, so that `guarded` can tell an idle connection.
    let counted = state.clone();
    let counting_service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
        let stream = counted.stream_started();
        service.answer(
            request.map(Body::incoming),
            Some(client),
            |_| None,
            move |response: crate::response::Response| {
                Ok::<_, Infallible>(response.map(|body| Body::on_end(body, OnEnd::new(stream))))
            },
        )
    });
    let connection = drain.watch(protocols.http2.serve_connection(io, counting_service), registration);
    guarded(connection, state, protocols.header_read_timeout, client).await
}

/// Runs `connection`, closing it if no request arrived within the header
/// read timeout, and then whenever a whole timeout passes with no request
/// in flight and none begun (keep-alive idle): hyper has neither limit for
/// HTTP/2. An idle connection is asked to close as a shutdown would
/// (GOAWAY), so a request racing the close is still answered or refused
/// cleanly.
#[cfg(feature = "http2")]
async fn guarded<E: Display>(
    connection: impl Future<Output = Option<Result<(), E>>>,
    state: Arc<ConnectionState>,
    timeout: Duration,
    client: SocketAddr,
) {
    tokio::pin!(connection);
    let mut asked_to_close = false;
    let result = loop {
        tokio::select! {
            result = &mut connection => break result,
            () = tokio::time::sleep(timeout) => {
                if !state.has_had_request() {
                    return no_request(client);
                }
                if !state.idle_since_last_check() {
                    continue;
                }
                // HTTP/2's graceful close waits for the client to answer a
                // PING; a client that is gone or will not gets one more
                // timeout, then the connection is dropped.
                if asked_to_close {
                    return idle(client);
                }
                state.ask_to_close();
                asked_to_close = true;
            }
        }
    };
    match result {
        Some(result) => ended(client, result),
        None => shed(client),
    }
}

fn shed(client: SocketAddr) {
    tracing::debug!(target: "brisk::server", %client, "at the connection cap: closing this connection, which sent no request");
}

#[cfg(not(feature = "http2"))]
fn without_http2(client: SocketAddr) {
    tracing::debug!(target: "brisk::server", %client, "an HTTP/2 preface, and this server is built without brisk's `http2` feature; closing");
}

#[cfg(feature = "http2")]
fn idle(client: SocketAddr) {
    tracing::debug!(target: "brisk::server", %client, "idle for the keep-alive timeout, and not closing when asked; dropping it");
}

fn no_request(client: SocketAddr) {
    tracing::debug!(target: "brisk::server", %client, "no request within the header read timeout; closing");
}

fn ended<E: Display>(client: SocketAddr, result: Result<(), E>) {
    if let Err(err) = result {
        tracing::debug!(target: "brisk::server", %client, error = %err, "connection ended with an error");
    }
}

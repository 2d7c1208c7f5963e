//! WebSockets (RFC 6455): the handshake a `#[websocket]` route checks
//! before anything else, the 101 it answers once its parameters and
//! dependencies have resolved, and the [`WebSocket`] its handler then talks
//! through, on a task of its own. Needs the `websockets` feature (on by
//! default).
//!
//! The framing (masking, fragmentation, control frames, the closing
//! handshake) is tokio-tungstenite's, over the connection hyper hands over
//! after the 101. brisk adds the parts a FastAPI user expects around it:
//! text, binary and JSON messages, limits that close the socket with the
//! right code, the socket closed for the handler when it returns (1000) or
//! fails (1011), and graceful shutdown (1001).
//!
//! A refused handshake is an HTTP response, not a closed socket: a plain
//! GET gets `426 Upgrade Required`, a malformed handshake `400`, and a
//! parameter or dependency that fails answers with its own response (422,
//! 401, …) instead of the 101 — RFC 6455 (4.2.2) lets a server refuse a
//! handshake with any HTTP status. FastAPI accepts the connection first and
//! then closes it with 1008; refusing before the upgrade tells the client
//! why, over HTTP, and costs the server no socket.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{FutureExt, SinkExt, StreamExt};
use http::header::{
    CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION,
    UPGRADE,
};
use http::{HeaderMap, HeaderValue, StatusCode};
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};

use crate::body::Body;
use crate::dependencies::{Failure, Outcome, Teardowns};
use crate::errors::HttpError;
use crate::limits::WebSocketLimits;
use crate::pending::Pending;
use crate::request::Request;
use crate::response::{IntoResponse, Response};

/// Close codes (RFC 6455, 7.4.1), for [`WebSocket::close`].
pub mod close_code {
    /// 1000: the conversation is over.
    pub const NORMAL: u16 = 1000;
    /// 1001: the server is shutting down, or the socket was idle too long.
    pub const GOING_AWAY: u16 = 1001;
    /// 1002: the peer broke the protocol.
    pub const PROTOCOL_ERROR: u16 = 1002;
    /// 1003: a message of a kind the endpoint does not take (binary for text).
    pub const UNSUPPORTED: u16 = 1003;
    /// 1007: a message whose content is not what was expected (invalid JSON).
    pub const INVALID_PAYLOAD: u16 = 1007;
    /// 1008: a message that breaks the endpoint's rules.
    pub const POLICY: u16 = 1008;
    /// 1009: a message larger than the limit.
    pub const TOO_BIG: u16 = 1009;
    /// 1011: the server failed (the handler panicked or returned an error).
    pub const INTERNAL_ERROR: u16 = 1011;
}

type Stream = WebSocketStream<TokioIo<Upgraded>>;

/// A message received on a [`WebSocket`]. Pings are answered with pongs
/// by brisk and never show here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message (UTF-8, checked).
    Text(String),
    /// A binary message.
    Binary(Bytes),
    /// The client closed the socket, with its code and reason if it gave
    /// them. Nothing more will be received.
    Close(Option<(u16, String)>),
}

/// Why a WebSocket operation failed.
#[derive(Debug)]
pub enum WebSocketError {
    /// The socket is closed: by the client (its code and reason, if it
    /// gave them) or by the server. A connection that dropped without a
    /// closing frame is [`Connection`](Self::Connection).
    Closed(Option<(u16, String)>),
    /// A message that was not what the handler asked for: binary where
    /// text was expected, text that is not the JSON of the type, or a text
    /// frame that is not UTF-8. The socket has been closed with 1003 or
    /// 1007 and this reason.
    Invalid(String),
    /// A message or frame over the app's [`WebSocketLimits`]; the socket
    /// has been closed with 1009.
    TooBig,
    /// Nothing arrived within the idle timeout; the socket has been closed
    /// with 1001.
    Idle,
    /// The connection failed: an I/O error, or a protocol error (a broken
    /// frame), after which the socket has been closed with 1002.
    Connection(String),
}

impl std::fmt::Display for WebSocketError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebSocketError::Closed(Some((code, reason))) => {
                write!(f, "the WebSocket is closed ({code} {reason})")
            }
            WebSocketError::Closed(None) => f.write_str("the WebSocket is closed"),
            WebSocketError::Invalid(reason) => write!(f, "invalid WebSocket message: {reason}"),
            WebSocketError::TooBig => f.write_str("WebSocket message over the size limit"),
            WebSocketError::Idle => f.write_str("WebSocket idle for longer than the idle timeout"),
            WebSocketError::Connection(err) => write!(f, "WebSocket connection failed: {err}"),
        }
    }
}

impl std::error::Error for WebSocketError {}

/// Where the socket's parts go when the handler lets go of them (returns,
/// fails or is cancelled), so brisk can send the closing frame.
enum Part {
    // Sent once per socket: boxed, so the channel's slots stay small.
    Whole(Box<Stream>, bool),
    Sink(SplitSink<Stream, Frame>, bool),
    Stream(SplitStream<Stream>, bool),
}

/// What the receiving side needs: the idle timeout, and where it leaves
/// the close code a limit calls for, for whoever sends the closing frame
/// (the socket itself, or brisk once a split socket's halves come home).
#[derive(Clone)]
struct Receiving {
    idle_timeout: Option<Duration>,
    limit: std::sync::Arc<std::sync::Mutex<Option<(u16, &'static str)>>>,
    /// When a frame last arrived: the idle timeout counts from it, however
    /// often the handler comes back to `recv` (a `select!` loop that also
    /// sends).
    last_frame: std::sync::Arc<std::sync::Mutex<tokio::time::Instant>>,
}

impl Receiving {
    /// The close a receive error calls for, recorded for the closer.
    fn record(&self, error: &WebSocketError) -> Option<(u16, &'static str)> {
        let close = match error {
            WebSocketError::TooBig => (close_code::TOO_BIG, "message too big"),
            WebSocketError::Idle => (close_code::GOING_AWAY, "idle timeout"),
            WebSocketError::Invalid(reason) if reason == INVALID_UTF8 => {
                (close_code::INVALID_PAYLOAD, INVALID_UTF8)
            }
            WebSocketError::Connection(reason) if reason.starts_with(PROTOCOL) => {
                (close_code::PROTOCOL_ERROR, "protocol error")
            }
            _ => return None,
        };
        *self.limit.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(close);
        Some(close)
    }

    fn heard(&self) {
        *self.last_frame.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            tokio::time::Instant::now();
    }

    fn idle_deadline(&self) -> Option<tokio::time::Instant> {
        let last = *self.last_frame.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.idle_timeout.map(|timeout| last + timeout)
    }

    fn recorded(&self) -> Option<(u16, &'static str)> {
        *self.limit.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An accepted WebSocket, as a `#[websocket]` handler takes it.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::websocket::{Message, WebSocket};
///
/// /// Echoes every text message back, upper-cased, until the client closes.
/// #[websocket("/ws/echo")]
/// async fn echo(mut socket: WebSocket) {
///     while let Some(Ok(Message::Text(text))) = socket.recv().await {
///         if socket.send_text(text.to_uppercase()).await.is_err() {
///             break;
///         }
///     }
/// }
/// ```
///
/// When the handler returns, brisk closes the socket with 1000 (1011 if it
/// panicked or returned an `Err`), unless the handler or the client closed
/// it first. Ping frames are answered with pongs as they are read.
///
/// Needs the `websockets` feature (on by default).
pub struct WebSocket {
    stream: Option<Stream>,
    closed: bool,
    home: mpsc::UnboundedSender<Part>,
    receiving: Receiving,
    protocol: Option<&'static str>,
}

impl WebSocket {
    /// The subprotocol agreed in the handshake (`Sec-WebSocket-Protocol`),
    /// if the route offers any and the client asked for one of them.
    pub fn protocol(&self) -> Option<&'static str> {
        self.protocol
    }

    fn stream(&mut self) -> Result<&mut Stream, WebSocketError> {
        match self.stream.as_mut() {
            Some(stream) if !self.closed => Ok(stream),
            _ => Err(WebSocketError::Closed(None)),
        }
    }

    /// The next message: `None` once the socket is closed and every
    /// message has been read. A client's close is returned once, as
    /// [`Message::Close`]; brisk answers it.
    pub async fn recv(&mut self) -> Option<Result<Message, WebSocketError>> {
        let receiving = self.receiving.clone();
        let stream = self.stream.as_mut()?;
        if self.closed {
            return None;
        }
        let (message, closed) = receive(stream, &receiving).await;
        self.closed = closed;
        if let Some(Err(error)) = &message
            && let Some((code, reason)) = receiving.record(error)
        {
            let _ = self.close(code, reason).await;
        }
        message
    }

    /// The next text message. Binary closes the socket with 1003.
    pub async fn recv_text(&mut self) -> Result<String, WebSocketError> {
        match self.recv().await {
            Some(Ok(Message::Text(text))) => Ok(text),
            Some(Ok(Message::Binary(_))) => {
                Err(self.refuse(close_code::UNSUPPORTED, "expected a text message, got binary").await)
            }
            Some(Ok(Message::Close(frame))) => Err(WebSocketError::Closed(frame)),
            Some(Err(err)) => Err(err),
            None => Err(WebSocketError::Closed(None)),
        }
    }

    /// The next message, a text message of `T`'s JSON. Anything else
    /// closes the socket: binary with 1003, text that is not `T` with 1007,
    /// the reason naming what was wrong (truncated to fit a close frame).
    pub async fn recv_json<T: DeserializeOwned>(&mut self) -> Result<T, WebSocketError> {
        let text = self.recv_text().await?;
        match serde_json::from_str(&text) {
            Ok(value) => Ok(value),
            Err(err) => Err(self.refuse(close_code::INVALID_PAYLOAD, &format!("invalid JSON: {err}")).await),
        }
    }

    async fn refuse(&mut self, code: u16, reason: &str) -> WebSocketError {
        let _ = self.close(code, reason).await;
        WebSocketError::Invalid(reason.to_owned())
    }

    /// Sends a text message.
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), WebSocketError> {
        send(self.stream()?, Frame::text(text.into())).await
    }

    /// Sends a binary message.
    pub async fn send_binary(&mut self, bytes: impl Into<Bytes>) -> Result<(), WebSocketError> {
        send(self.stream()?, Frame::binary(bytes.into())).await
    }

    /// Sends `value` as a JSON text message.
    pub async fn send_json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WebSocketError> {
        let text = serde_json::to_string(value).map_err(|err| WebSocketError::Invalid(err.to_string()))?;
        self.send_text(text).await
    }

    /// Closes the socket with `code` ([`close_code`]) and `reason` (at
    /// most 123 bytes: longer ones are cut at a character boundary), and
    /// waits briefly for the client's answer, as the closing handshake
    /// asks. On a socket already closed (by either end) it returns
    /// [`WebSocketError::Closed`] and sends nothing.
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), WebSocketError> {
        self.stream()?;
        self.closed = true;
        if let Some(stream) = self.stream.as_mut() {
            close_stream(stream, code, reason).await;
        }
        Ok(())
    }

    /// Splits the socket in two halves that work at the same time: one
    /// task receives while another sends.
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::websocket::{Message, WebSocket};
    ///
    /// #[websocket("/ws/ticker")]
    /// async fn ticker(socket: WebSocket) {
    ///     let (mut sender, mut receiver) = socket.split();
    ///     let ticks = tokio::spawn(async move {
    ///         for tick in 0..3 {
    ///             if sender.send_text(tick.to_string()).await.is_err() {
    ///                 break;
    ///             }
    ///         }
    ///     });
    ///     while let Some(Ok(message)) = receiver.recv().await {
    ///         if matches!(message, Message::Close(_)) {
    ///             break;
    ///         }
    ///     }
    ///     let _ = ticks.await;
    /// }
    /// ```
    pub fn split(mut self) -> (WebSocketSender, WebSocketReceiver) {
        let closed = self.closed;
        let Some(stream) = self.stream.take() else {
            unreachable!("a WebSocket owns its stream until it is dropped or split")
        };
        let (sink, stream) = stream.split();
        let sender = WebSocketSender { sink: Some(sink), closed, home: self.home.clone() };
        let receiver = WebSocketReceiver {
            stream: Some(stream),
            closed,
            client_closed: closed,
            home: self.home.clone(),
            receiving: self.receiving.clone(),
        };
        (sender, receiver)
    }
}

impl Drop for WebSocket {
    fn drop(&mut self) {
        if let Some(stream) = self.stream.take() {
            let _ = self.home.send(Part::Whole(Box::new(stream), self.closed));
        }
    }
}

impl std::fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSocket").field("protocol", &self.protocol).field("closed", &self.closed).finish()
    }
}

/// The sending half of a [`WebSocket::split`].
pub struct WebSocketSender {
    sink: Option<SplitSink<Stream, Frame>>,
    closed: bool,
    home: mpsc::UnboundedSender<Part>,
}

impl WebSocketSender {
    fn sink(&mut self) -> Result<&mut SplitSink<Stream, Frame>, WebSocketError> {
        match self.sink.as_mut() {
            Some(sink) if !self.closed => Ok(sink),
            _ => Err(WebSocketError::Closed(None)),
        }
    }

    /// Sends a text message.
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), WebSocketError> {
        send(self.sink()?, Frame::text(text.into())).await
    }

    /// Sends a binary message.
    pub async fn send_binary(&mut self, bytes: impl Into<Bytes>) -> Result<(), WebSocketError> {
        send(self.sink()?, Frame::binary(bytes.into())).await
    }

    /// Sends `value` as a JSON text message.
    pub async fn send_json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WebSocketError> {
        let text = serde_json::to_string(value).map_err(|err| WebSocketError::Invalid(err.to_string()))?;
        self.send_text(text).await
    }

    /// Sends the closing frame with `code` and `reason`; the receiving half
    /// then sees the client's answer.
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), WebSocketError> {
        self.sink()?;
        self.closed = true;
        match self.sink.as_mut() {
            Some(sink) => send(sink, Frame::Close(Some(close_frame(code, reason)))).await,
            None => Err(WebSocketError::Closed(None)),
        }
    }
}

impl Drop for WebSocketSender {
    fn drop(&mut self) {
        if let Some(sink) = self.sink.take() {
            let _ = self.home.send(Part::Sink(sink, self.closed));
        }
    }
}

/// The receiving half of a [`WebSocket::split`].
pub struct WebSocketReceiver {
    stream: Option<SplitStream<Stream>>,
    closed: bool,
    /// The client's close was read (its answer is queued): not a limit.
    client_closed: bool,
    home: mpsc::UnboundedSender<Part>,
    receiving: Receiving,
}

impl WebSocketReceiver {
    /// The next message, as [`WebSocket::recv`]. The half cannot close the
    /// socket on a bad message: [`recv`](Self::recv) hands every message over.
    pub async fn recv(&mut self) -> Option<Result<Message, WebSocketError>> {
        let receiving = self.receiving.clone();
        let stream = self.stream.as_mut()?;
        if self.closed {
            return None;
        }
        let (message, closed) = receive(stream, &receiving).await;
        // Over a limit, the socket is closed once its halves come home.
        self.client_closed |= closed;
        self.closed = closed || matches!(&message, Some(Err(error)) if receiving.record(error).is_some());
        message
    }
}

impl Drop for WebSocketReceiver {
    fn drop(&mut self) {
        if let Some(stream) = self.stream.take() {
            let _ = self.home.send(Part::Stream(stream, self.client_closed));
        }
    }
}

const INVALID_UTF8: &str = "text message is not UTF-8";
const PROTOCOL: &str = "WebSocket protocol error";

/// One message from `stream`, and whether the socket is closed after it.
async fn receive<S>(stream: &mut S, receiving: &Receiving) -> (Option<Result<Message, WebSocketError>>, bool)
where
    S: futures_util::Stream<Item = Result<Frame, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        let next = match receiving.idle_deadline() {
            Some(deadline) => match tokio::time::timeout_at(deadline, stream.next()).await {
                Ok(next) => next,
                Err(_) => return (Some(Err(WebSocketError::Idle)), false),
            },
            None => stream.next().await,
        };
        if matches!(next, Some(Ok(_))) {
            receiving.heard();
        }
        return match next {
            None => (None, true),
            Some(Ok(Frame::Text(text))) => (Some(Ok(Message::Text(text.as_str().to_owned()))), false),
            Some(Ok(Frame::Binary(bytes))) => (Some(Ok(Message::Binary(bytes))), false),
            // Answered by tungstenite as it reads; a pong answers our pings.
            Some(Ok(Frame::Ping(_) | Frame::Pong(_) | Frame::Frame(_))) => continue,
            Some(Ok(Frame::Close(frame))) => {
                let frame = frame.map(|frame| (u16::from(frame.code), frame.reason.as_str().to_owned()));
                (Some(Ok(Message::Close(frame))), true)
            }
            Some(Err(tokio_tungstenite::tungstenite::Error::Capacity(_))) => {
                (Some(Err(WebSocketError::TooBig)), false)
            }
            Some(Err(
                tokio_tungstenite::tungstenite::Error::ConnectionClosed
                | tokio_tungstenite::tungstenite::Error::AlreadyClosed,
            )) => (None, true),
            // RFC 6455 (7.1.7, 8.1): a broken frame or invalid UTF-8 is
            // answered with a close, 1002 or 1007, before the connection ends.
            Some(Err(tokio_tungstenite::tungstenite::Error::Utf8(_))) => {
                (Some(Err(WebSocketError::Invalid(INVALID_UTF8.to_owned()))), false)
            }
            Some(Err(tokio_tungstenite::tungstenite::Error::Protocol(err))) => {
                (Some(Err(WebSocketError::Connection(format!("{PROTOCOL}: {err}")))), false)
            }
            Some(Err(err)) => (Some(Err(WebSocketError::Connection(err.to_string()))), true),
        };
    }
}

async fn send<S>(sink: &mut S, frame: Frame) -> Result<(), WebSocketError>
where
    S: futures_util::Sink<Frame, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
{
    sink.send(frame).await.map_err(|err| match err {
        tokio_tungstenite::tungstenite::Error::ConnectionClosed
        | tokio_tungstenite::tungstenite::Error::AlreadyClosed => WebSocketError::Closed(None),
        err => WebSocketError::Connection(err.to_string()),
    })
}

/// A close frame; the reason cut to the 123 bytes a control frame leaves.
fn close_frame(code: u16, reason: &str) -> CloseFrame {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    CloseFrame { code: CloseCode::from(code), reason: reason[..end].to_owned().into() }
}

/// Sends the closing frame and reads until the client's answer (or a
/// second), so the TCP connection closes after the closing handshake.
async fn close_stream(stream: &mut Stream, code: u16, reason: &str) {
    if stream.send(Frame::Close(Some(close_frame(code, reason)))).await.is_err() {
        // Already closing (the client's close was read): its answer may
        // still wait in the buffer.
        let _ = stream.flush().await;
        return;
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(frame)) = stream.next().await {
            if matches!(frame, Frame::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// What a `#[websocket]` handler may return: `()`, or `Result<(), E>`,
/// whose `Err` is logged and closes the socket with 1011.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a WebSocket handler returns `()` or `Result<(), E>`, not `{Self}`",
    label = "the conversation's outcome",
    note = "send what the client should get on the socket (`send_json`), and return `()` or `Result<(), E>`"
)]
pub trait SocketResult {
    fn into_failure(self) -> Option<String>;
}

impl SocketResult for () {
    fn into_failure(self) -> Option<String> {
        None
    }
}

impl<E: std::fmt::Debug> SocketResult for Result<(), E> {
    fn into_failure(self) -> Option<String> {
        self.err().map(|err| format!("{err:?}"))
    }
}

/// A WebSocket handshake that passed, waiting for the route's parameters
/// and dependencies before it is answered.
#[doc(hidden)]
pub struct Upgrade {
    on_upgrade: OnUpgrade,
    accept: HeaderValue,
    protocol: Option<&'static str>,
    limits: WebSocketLimits,
    pending: Pending,
}

/// `header` lists `token` (comma-separated, case-insensitive), as the
/// `Connection` and `Upgrade` headers do.
fn lists(headers: &HeaderMap, header: http::header::HeaderName, token: &str) -> bool {
    headers
        .get_all(header)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.split(',').any(|item| item.trim().eq_ignore_ascii_case(token)))
}

impl Upgrade {
    /// Checks the opening handshake (RFC 6455, 4.2.1): a plain request
    /// gets 426 `Upgrade Required`, a malformed handshake 400; `protocols`
    /// are the route's subprotocols, in its order of preference.
    pub fn check(request: &mut Request, protocols: &'static [&'static str]) -> Result<Upgrade, Response> {
        let headers = request.headers();
        let wants_upgrade = lists(headers, UPGRADE, "websocket") && lists(headers, CONNECTION, "upgrade");
        if !wants_upgrade
            || request.version() != http::Version::HTTP_11
            || request.method() != http::Method::GET
        {
            let response = HttpError::new(
                StatusCode::UPGRADE_REQUIRED,
                "This route speaks WebSocket: upgrade the connection",
            )
            .with_header("upgrade", "websocket")
            .with_header("connection", "upgrade");
            return Err(response.into_response());
        }
        let bad = |detail: &'static str| {
            HttpError::bad_request(detail).with_header("sec-websocket-version", "13").into_response()
        };
        let once = |name| headers.get_all(name).iter().count() <= 1;
        if headers.get(SEC_WEBSOCKET_VERSION).map(HeaderValue::as_bytes) != Some(b"13")
            || !once(SEC_WEBSOCKET_VERSION)
        {
            return Err(bad("Unsupported WebSocket version: Sec-WebSocket-Version must be 13"));
        }
        // A base64-encoded 16-byte nonce: 22 base64 characters, then `==`.
        let base64 = |b: &u8| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/';
        let key = match headers.get(SEC_WEBSOCKET_KEY) {
            Some(key)
                if once(SEC_WEBSOCKET_KEY)
                    && key.len() == 24
                    && key.as_bytes()[..22].iter().all(base64)
                    && key.as_bytes().ends_with(b"==") =>
            {
                key
            }
            _ => return Err(bad("Missing or malformed Sec-WebSocket-Key")),
        };
        if !headers.contains_key(http::header::HOST) {
            return Err(bad("A WebSocket handshake names its Host"));
        }
        // After the 101 the connection carries frames: a body would be read as them.
        let has_body = headers.contains_key(http::header::TRANSFER_ENCODING)
            || headers.get(http::header::CONTENT_LENGTH).is_some_and(|length| length.as_bytes() != b"0");
        if has_body {
            return Err(bad("A WebSocket handshake has no body"));
        }
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let Ok(accept) = HeaderValue::from_str(&accept) else {
            return Err(bad("Malformed Sec-WebSocket-Key"));
        };
        // The server's first choice among those the client offers.
        let offered: Vec<&str> = headers
            .get_all(SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let protocol = protocols.iter().copied().find(|protocol| offered.contains(protocol));
        let Some(on_upgrade) = request.extensions_mut().remove::<OnUpgrade>() else {
            // Not served by hyper's HTTP/1 connection (HTTP/2, or a client
            // that drives the service directly): it cannot be upgraded.
            return Err(HttpError::new(
                StatusCode::UPGRADE_REQUIRED,
                "This connection cannot be upgraded to a WebSocket",
            )
            .into_response());
        };
        Ok(Upgrade {
            on_upgrade,
            accept,
            protocol,
            limits: request.websocket_limits(),
            pending: request.app().pending.clone(),
        })
    }

    /// Answers 101 and runs `run` with the socket once hyper hands the
    /// connection over, on a task counted as pending work (so graceful
    /// shutdown waits for it, after asking it to close with 1001); then
    /// closes the socket for the handler and runs `teardowns`.
    pub fn accept<F, Fut>(self, mut teardowns: Teardowns, handler: &'static str, run: F) -> Response
    where
        F: FnOnce(WebSocket) -> Fut + Send + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: SocketResult,
    {
        let Upgrade { on_upgrade, accept, protocol, limits, pending } = self;
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(SEC_WEBSOCKET_ACCEPT, accept);
        if let Some(protocol) = protocol {
            headers.insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static(protocol));
        }
        let response = teardowns.upgrade_response(response);
        let closing = pending.clone();
        pending.spawn(async move {
            let upgraded = match on_upgrade.await {
                Ok(upgraded) => upgraded,
                Err(err) => {
                    tracing::debug!(target: "brisk::websocket", handler, error = %err, "the upgrade did not complete");
                    teardowns.after_socket(Outcome::Err(Failure::interrupted())).await;
                    return;
                }
            };
            // tungstenite's default read buffer is 128 KiB, allocated up
            // front: 1.3 GiB for 10,000 idle sockets. 4 KiB holds most
            // messages whole; larger ones are read in several chunks.
            let config = WebSocketConfig::default()
                .read_buffer_size(4 * 1024)
                .write_buffer_size(0)
                .max_message_size(Some(limits.max_message_size))
                .max_frame_size(Some(limits.max_frame_size));
            let stream = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
            let (home, mut parts) = mpsc::unbounded_channel();
            let receiving = Receiving {
                idle_timeout: limits.idle_timeout,
                limit: Default::default(),
                last_frame: std::sync::Arc::new(std::sync::Mutex::new(tokio::time::Instant::now())),
            };
            let socket = WebSocket {
                stream: Some(stream),
                closed: false,
                home,
                receiving: receiving.clone(),
                protocol,
            };
            let conversation = AssertUnwindSafe(run(socket)).catch_unwind();
            let (code, reason, outcome) = tokio::select! {
                ended = conversation => match ended {
                    Ok(result) => match result.into_failure() {
                        None => (close_code::NORMAL, "", Outcome::Ok),
                        Some(err) => {
                            tracing::error!(target: "brisk::websocket", handler, error = %err, "WebSocket handler failed");
                            (close_code::INTERNAL_ERROR, "internal error", Outcome::Err(Failure::socket("HandlerError", err)))
                        }
                    },
                    Err(panic) => {
                        let message = crate::panic::panic_message(&*panic).to_owned();
                        tracing::error!(target: "brisk::panic", stage = handler, panic = message, "panicked");
                        (close_code::INTERNAL_ERROR, "internal error", Outcome::Err(Failure::socket("Panic", message)))
                    }
                },
                // The handler is dropped where it waits, and its socket comes home.
                () = closing.closing() => (close_code::GOING_AWAY, "server shutting down", Outcome::Ok),
            };
            // A limit the receiving half ran into decides the code.
            let (code, reason) = receiving.recorded().unwrap_or((code, reason));
            come_home(&mut parts, code, reason).await;
            teardowns.after_socket(outcome).await;
        });
        response
    }
}

/// Closes the socket the handler let go of: whole, or by its sending half
/// as soon as that is back (a receiving half the handler moved into a task
/// of its own reads the client's answer there and ends). A socket already
/// closed only has the answer to a client's close flushed.
async fn come_home(parts: &mut mpsc::UnboundedReceiver<Part>, code: u16, reason: &str) {
    let mut sink: Option<(SplitSink<Stream, Frame>, bool)> = None;
    let mut stream: Option<(SplitStream<Stream>, bool)> = None;
    loop {
        // What the handler let go of is all here already; only a half it
        // moved into a task of its own is still on its way.
        let part = match parts.try_recv() {
            Ok(part) => part,
            Err(mpsc::error::TryRecvError::Empty) if sink.is_some() => break,
            Err(mpsc::error::TryRecvError::Empty) => match parts.recv().await {
                Some(part) => part,
                None => return,
            },
            Err(mpsc::error::TryRecvError::Disconnected) => break,
        };
        match part {
            Part::Whole(whole, closed) => return close_whole(*whole, closed, code, reason).await,
            Part::Sink(half, closed) => sink = Some((half, closed)),
            Part::Stream(half, closed) => stream = Some((half, closed)),
        }
        if sink.is_some() && stream.is_some() {
            break;
        }
    }
    match (sink, stream) {
        (Some((sink, sink_closed)), Some((half, stream_closed))) => {
            if let Ok(whole) = sink.reunite(half) {
                close_whole(whole, sink_closed || stream_closed, code, reason).await;
            }
        }
        // The receiving half is still out: close through this one (or, once
        // closed, send what is queued: the answer to a client's close).
        (Some((mut sink, closed)), None) => {
            let sent = !closed && sink.send(Frame::Close(Some(close_frame(code, reason)))).await.is_ok();
            if !sent {
                let _ = sink.flush().await;
            }
        }
        _ => {}
    }
}

async fn close_whole(mut whole: Stream, closed: bool, code: u16, reason: &str) {
    if closed {
        let _ = whole.flush().await;
    } else {
        close_stream(&mut whole, code, reason).await;
    }
}

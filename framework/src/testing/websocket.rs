//! The `TestClient`'s WebSockets: the handshake and the frames go over an
//! in-memory HTTP/1 connection that hyper serves with the app's own
//! pipeline, exactly as a socket would be served, only without the socket.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};

use super::{TestClient, TestResponse};
use crate::body::Body;
use crate::websocket::Message;

/// A WebSocket handshake being prepared: [`TestClient::websocket`].
pub struct TestWebSocketRequest<'a> {
    pub(super) client: &'a TestClient,
    pub(super) path: String,
    pub(super) headers: HeaderMap,
    pub(super) protocols: Vec<String>,
}

impl TestWebSocketRequest<'_> {
    /// Adds a header to the handshake request (an `Authorization`, say).
    ///
    /// # Panics
    /// On a name or value that is not a valid header: a test should fail loudly.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::try_from(name).expect("a valid header name");
        let value = HeaderValue::try_from(value).expect("a valid header value");
        self.headers.append(name, value);
        self
    }

    /// Offers a subprotocol (`Sec-WebSocket-Protocol`); call it again to
    /// offer several, preferred first.
    pub fn protocol(mut self, protocol: &str) -> Self {
        self.protocols.push(protocol.to_owned());
        self
    }

    /// Sends the handshake. `Ok` with the socket when the app answered 101;
    /// `Err` with the app's whole HTTP response when it refused (a 426, a
    /// 400, a 401 from a dependency, a 422), for inspection.
    ///
    /// # Panics
    /// When the in-memory connection itself fails, which is a bug in brisk.
    pub async fn connect(self) -> Result<TestWebSocket, TestResponse> {
        let service = self.client.service().await.clone();
        let client_addr = self.client.client_addr;
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        let server = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
            service.answer(
                request.map(Body::incoming),
                Some(client_addr),
                |_| None,
                Ok::<_, std::convert::Infallible>,
            )
        });
        tokio::spawn(async move {
            let connection =
                hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(server_io), server);
            let _ = connection.with_upgrades().await;
        });
        // The handshake is written by hand: a client library here would
        // compile its code into every app's server (hyper's client feature
        // adds work to each server response).
        let head = format!("GET {} HTTP/1.1\r\n", self.path);
        let key = tokio_tungstenite::tungstenite::handshake::client::generate_key();
        let mut headers = HeaderMap::new();
        headers.insert(http::header::HOST, HeaderValue::from_static("testserver"));
        headers.insert(http::header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(http::header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(http::header::SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        headers.insert(http::header::SEC_WEBSOCKET_KEY, HeaderValue::try_from(key).expect("a base64 key"));
        if !self.protocols.is_empty() {
            let offered = HeaderValue::try_from(self.protocols.join(", ")).expect("valid subprotocols");
            headers.insert(http::header::SEC_WEBSOCKET_PROTOCOL, offered);
        }
        if let Some(cookies) = self.client.cookie_header() {
            headers.insert(http::header::COOKIE, cookies);
        }
        for (name, value) in &self.headers {
            headers.append(name, value.clone());
        }
        let mut bytes = head.into_bytes();
        for (name, value) in &headers {
            bytes.extend_from_slice(name.as_str().as_bytes());
            bytes.extend_from_slice(b": ");
            bytes.extend_from_slice(value.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"\r\n");
        let mut io = client_io;
        io.write_all(&bytes).await.expect("the in-memory connection takes the handshake");

        // The response's head, then what follows it.
        let mut buffer = Vec::new();
        let (status, headers, consumed) = loop {
            let mut chunk = [0u8; 4096];
            let read = io.read(&mut chunk).await.expect("the in-memory connection answers");
            assert!(read > 0, "the app closed the connection before answering the handshake");
            buffer.extend_from_slice(&chunk[..read]);
            let mut parsed = [httparse::EMPTY_HEADER; 64];
            let mut response = httparse::Response::new(&mut parsed);
            if let httparse::Status::Complete(consumed) = response.parse(&buffer).expect("an HTTP/1 response")
            {
                let status = http::StatusCode::from_u16(response.code.unwrap_or(500)).expect("a status");
                let mut headers = HeaderMap::new();
                for header in response.headers.iter() {
                    let name = HeaderName::try_from(header.name).expect("a header name");
                    let value = HeaderValue::from_bytes(header.value).expect("a header value");
                    headers.append(name, value);
                }
                break (status, headers, consumed);
            }
        };
        let rest = buffer.split_off(consumed);
        self.client.store_cookies(&headers);
        if status != http::StatusCode::SWITCHING_PROTOCOLS {
            let length = headers
                .get(http::header::CONTENT_LENGTH)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse::<usize>().ok());
            let mut body = rest;
            match length {
                Some(length) => {
                    while body.len() < length {
                        let mut chunk = [0u8; 4096];
                        let read = io.read(&mut chunk).await.expect("the body");
                        if read == 0 {
                            break;
                        }
                        body.extend_from_slice(&chunk[..read]);
                    }
                    body.truncate(length);
                }
                None => {
                    let _ = io.shutdown().await;
                    let _ = io.read_to_end(&mut body).await;
                }
            }
            return Err(TestResponse { status, headers, body: body.into() });
        }
        let stream = WebSocketStream::from_partially_read(io, rest, Role::Client, None).await;
        Ok(TestWebSocket { stream, headers })
    }
}

/// The client end of a WebSocket opened by a [`TestClient`].
///
/// ```
/// use brisk::prelude::*;
/// use brisk::testing::TestClient;
/// use brisk::websocket::WebSocket;
///
/// #[websocket("/ws/echo")]
/// async fn echo(mut socket: WebSocket) {
///     while let Ok(text) = socket.recv_text().await {
///         if socket.send_text(text).await.is_err() {
///             break;
///         }
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let client = TestClient::new(App::new().routes(routes![echo]));
/// let mut socket = client.websocket("/ws/echo").connect().await.expect("upgraded");
/// socket.send_text("hello").await;
/// assert_eq!(socket.recv_text().await, "hello");
/// socket.close(1000, "done").await;
/// # }
/// ```
///
/// Needs the `websockets` feature (on by default).
pub struct TestWebSocket {
    stream: WebSocketStream<tokio::io::DuplexStream>,
    headers: HeaderMap,
}

impl TestWebSocket {
    /// The headers of the app's 101 response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The subprotocol the app chose, if any.
    pub fn protocol(&self) -> Option<&str> {
        self.headers.get(http::header::SEC_WEBSOCKET_PROTOCOL).and_then(|value| value.to_str().ok())
    }

    /// Sends a text message.
    ///
    /// # Panics
    /// When the socket is closed.
    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.stream.send(Frame::text(text.into())).await.expect("the socket to be open");
    }

    /// Sends a binary message.
    ///
    /// # Panics
    /// When the socket is closed.
    pub async fn send_binary(&mut self, bytes: impl Into<Bytes>) {
        self.stream.send(Frame::binary(bytes.into())).await.expect("the socket to be open");
    }

    /// Sends `value` as a JSON text message.
    pub async fn send_json<T: Serialize + ?Sized>(&mut self, value: &T) {
        let text = serde_json::to_string(value).expect("a serializable value");
        self.send_text(text).await;
    }

    /// Sends a ping; the app's pong is read (and skipped) by the next receive.
    pub async fn ping(&mut self, payload: impl Into<Bytes>) {
        self.stream.send(Frame::Ping(payload.into())).await.expect("the socket to be open");
    }

    /// The next message from the app (pings and pongs skipped); `None`
    /// once the connection has ended. A close from the app is returned as
    /// [`Message::Close`] with its code and reason.
    pub async fn recv(&mut self) -> Option<Message> {
        loop {
            return match self.stream.next().await? {
                Ok(Frame::Text(text)) => Some(Message::Text(text.as_str().to_owned())),
                Ok(Frame::Binary(bytes)) => Some(Message::Binary(bytes)),
                Ok(Frame::Close(frame)) => Some(Message::Close(
                    frame.map(|frame| (u16::from(frame.code), frame.reason.as_str().to_owned())),
                )),
                Ok(_) => continue,
                Err(_) => None,
            };
        }
    }

    /// The next message, which must be text.
    ///
    /// # Panics
    /// On anything else: a test should fail loudly.
    pub async fn recv_text(&mut self) -> String {
        match self.recv().await {
            Some(Message::Text(text)) => text,
            other => panic!("expected a text message, got {other:?}"),
        }
    }

    /// The next message, which must be `T` as JSON text.
    ///
    /// # Panics
    /// On anything else.
    pub async fn recv_json<T: DeserializeOwned>(&mut self) -> T {
        let text = self.recv_text().await;
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("expected JSON, got {text:?}: {err}"))
    }

    /// The app's close: its code and reason, skipping any message before it.
    /// `None` when the connection ended without a close frame.
    pub async fn recv_close(&mut self) -> Option<(u16, String)> {
        loop {
            match self.recv().await? {
                Message::Close(frame) => return frame,
                _ => continue,
            }
        }
    }

    /// Closes the socket with `code` and `reason`, and reads until the
    /// app's answer.
    pub async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame { code: CloseCode::from(code), reason: reason.to_owned().into() };
        if self.stream.send(Frame::Close(Some(frame))).await.is_ok() {
            while let Some(Ok(frame)) = self.stream.next().await {
                if matches!(frame, Frame::Close(_)) {
                    break;
                }
            }
        }
    }
}

impl std::fmt::Debug for TestWebSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestWebSocket").field("protocol", &self.protocol()).finish_non_exhaustive()
    }
}

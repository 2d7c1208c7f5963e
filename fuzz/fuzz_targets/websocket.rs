//! The WebSocket handshake and frames as brisk drives them: over a real
//! HTTP/1 connection served by hyper (in memory), any handshake gets a
//! 101 or a 4xx, and after a 101 any bytes a client sends (masked or not,
//! fragmented, oversized, control frames, a close) end with the socket
//! closed and the connection done, never a panic or a hang.
//!
//! Input: one byte of handshake flags, then the bytes sent after the
//! handshake.
#![no_main]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::OnceLock;

use brisk::prelude::*;
use brisk::websocket::{Message, WebSocket};
use brisk::{Body, WebSocketLimits};
use brisk_fuzz::Harness;
use hyper_util::rt::TokioIo;
use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[websocket("/ws/echo")]
async fn echo(mut socket: WebSocket) {
    while let Ok(text) = socket.recv_text().await {
        if socket.send_text(text).await.is_err() {
            break;
        }
    }
}

#[derive(Deserialize, Serialize)]
struct Move {
    x: i32,
    y: i32,
}

#[websocket("/ws/json", subprotocols = ["game.v1"])]
async fn game(mut socket: WebSocket) {
    while let Ok(step) = socket.recv_json::<Move>().await {
        if socket.send_json(&step).await.is_err() {
            break;
        }
    }
}

#[websocket("/ws/any")]
async fn any(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.recv().await {
        let sent = match message {
            Message::Text(text) => socket.send_text(text).await,
            Message::Binary(bytes) => socket.send_binary(bytes).await,
            _ => Ok(()),
        };
        if sent.is_err() {
            break;
        }
    }
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let limits = WebSocketLimits::default().max_message_size(4096).max_frame_size(1024);
        Harness::new(App::new().routes(routes![echo, game, any]).websocket_limits(limits).openapi_url(None))
    })
}

fn handshake(flags: u8) -> (Vec<u8>, bool) {
    let path = match flags & 0b11 {
        0 => "/ws/echo",
        1 => "/ws/json",
        2 => "/ws/any",
        _ => "/ws/missing",
    };
    let key = if flags & 0b100 == 0 { "dGhlIHNhbXBsZSBub25jZQ==" } else { "not a key" };
    let version = if flags & 0b1000 == 0 { "13" } else { "8" };
    let upgrade = if flags & 0b1_0000 == 0 { "websocket" } else { "h2c" };
    let mut head = format!(
        "GET {path} HTTP/1.1\r\nHost: testserver\r\nUpgrade: {upgrade}\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: {version}\r\nSec-WebSocket-Key: {key}\r\n"
    );
    if flags & 0b10_0000 != 0 {
        head.push_str("Sec-WebSocket-Protocol: chat, game.v1\r\n");
    }
    head.push_str("\r\n");
    let valid = flags & 0b1_1111 < 3;
    (head.into_bytes(), valid)
}

fuzz_target!(|input: &[u8]| {
    let Some((&flags, frames)) = input.split_first() else { return };
    let harness = harness();
    let service = harness.service().clone();
    let (head, valid) = handshake(flags);
    let received = harness.block_on(async move {
        // Room for everything either side writes, so neither waits on the other.
        let (mut client, server_io) = tokio::io::duplex(1 << 20);
        let server = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
            // A handshake has no body; the upgrade travels in the extensions.
            let (parts, _) = request.into_parts();
            let answer = service.call(
                http::Request::from_parts(parts, Body::empty()),
                Some(SocketAddr::from(([127, 0, 0, 1], 50000))),
            );
            async move { Ok::<_, Infallible>(answer.await) }
        });
        let connection = tokio::spawn(
            hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(server_io), server)
                .with_upgrades(),
        );
        client.write_all(&head).await.expect("the handshake is written");
        // The answer's head first: a client that closed its half now would
        // be taken for one that went away, and its answer dropped.
        let mut received = Vec::new();
        while !received.windows(4).any(|window| window == b"\r\n\r\n") {
            let mut chunk = [0u8; 1024];
            let read = client.read(&mut chunk).await.expect("the server's bytes are read");
            assert!(read > 0, "the connection closed before the handshake was answered");
            received.extend_from_slice(&chunk[..read]);
        }
        if received.starts_with(b"HTTP/1.1 101 ") {
            client.write_all(frames).await.expect("the frames are written");
            client.shutdown().await.expect("the client's half closes");
            client.read_to_end(&mut received).await.expect("the server's bytes are read");
            connection.await.expect("the connection's task ends without a panic").ok();
        }
        received
    });
    if valid {
        assert!(
            received.starts_with(b"HTTP/1.1 101 "),
            "a valid handshake was refused: {}",
            String::from_utf8_lossy(&received)
        );
    } else {
        assert!(
            received.starts_with(b"HTTP/1.1 4"),
            "an invalid handshake was not refused with a 4xx: {}",
            String::from_utf8_lossy(&received)
        );
    }
});

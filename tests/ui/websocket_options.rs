use brisk::prelude::*;
use brisk::websocket::WebSocket;

#[websocket("/ws", status_code = 101, tags = ["chat"], subprotocols = ["v1 chat", 7], timeout = 5)]
async fn chat(socket: WebSocket) {
    drop(socket);
}

fn main() {}

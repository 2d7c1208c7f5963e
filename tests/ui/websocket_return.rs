use brisk::prelude::*;
use brisk::websocket::WebSocket;

#[websocket("/ws")]
async fn answers(socket: WebSocket) -> Json<u32> {
    drop(socket);
    Json(1)
}

fn main() {}

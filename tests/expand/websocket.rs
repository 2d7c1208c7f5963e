// A WebSocket route; `cargo test -p brisk-macros` expands it and compares
// the result with websocket.expanded.rs (BRISK_BLESS=1 rewrites it).
use brisk::prelude::*;
use brisk::websocket::WebSocket;

#[depends]
async fn get_user(#[query] token: String) -> Result<String, HttpError> {
    Ok(token)
}

/// Echoes every text message into the room.
#[websocket("/ws/{room}", subprotocols = ["v2.chat"])]
async fn chat(mut socket: WebSocket, room: String, #[depends(get_user)] user: String) {
    while let Ok(text) = socket.recv_text().await {
        let _ = socket.send_text(format!("{user}@{room}: {text}")).await;
    }
}

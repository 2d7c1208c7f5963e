use brisk::prelude::*;
use brisk::websocket::WebSocket;

// No socket parameter.
#[websocket("/ws/a")]
async fn no_socket(room: String) {
    let _ = room;
}

// Two sockets.
#[websocket("/ws/b")]
async fn two_sockets(first: WebSocket, second: WebSocket) {
    drop((first, second));
}

// A plain fn, and a body.
#[websocket("/ws/c")]
fn blocking(socket: WebSocket, #[body] message: String) {
    drop((socket, message));
}

// A WebSocket on an HTTP route.
#[get("/ws/d")]
async fn http_route(socket: WebSocket) -> &'static str {
    drop(socket);
    "no"
}



// A dependency runs before the upgrade.
#[depends]
async fn get_socket(socket: WebSocket) -> String {
    drop(socket);
    String::new()
}

// The socket written other ways.
#[websocket("/ws/e")]
async fn annotated(#[query] socket: WebSocket) {
    drop(socket);
}

#[websocket("/ws/f")]
async fn optional(socket: Option<WebSocket>) {
    drop(socket);
}

#[websocket("/ws/g")]
async fn borrowed(socket: &mut WebSocket) {
    let _ = socket;
}
fn main() {}

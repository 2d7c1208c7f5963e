use brisk::prelude::*;
use brisk::websocket::WebSocket;

#[websocket("/ws")]
async fn feed(socket: WebSocket, #[body] hello: String) {
    let _ = (socket, hello);
}

fn main() {
    let _ = App::new().routes(routes![feed]);
}

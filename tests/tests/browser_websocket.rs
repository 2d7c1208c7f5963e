//! A real browser on the other end of a WebSocket: headless Chromium loads
//! a page whose script connects to the app, sends a message, and shows the
//! echo (and the close code), which the test reads from the page.
//! Ignored by a plain `cargo test`: `.ci/run` installs Chromium and runs it.

use std::time::Duration;

use brisk::prelude::*;
use brisk::websocket::WebSocket;

/// Echoes each message upper-cased, then closes with its own code.
#[websocket("/ws/echo", subprotocols = ["echo.v1"])]
async fn echo(mut socket: WebSocket, #[query] greeting: String) {
    let _ = socket.send_text(greeting).await;
    if let Ok(text) = socket.recv_text().await {
        let _ = socket.send_text(text.to_uppercase()).await;
    }
    let _ = socket.close(4001, "bye").await;
}

/// Answers after a moment. The page keeps one of these in flight while its
/// socket talks: Chromium's virtual time stands still during a fetch, but
/// not during a WebSocket, and would otherwise end the page early.
#[get("/wait")]
async fn wait() -> &'static str {
    tokio::time::sleep(Duration::from_millis(50)).await;
    "waited"
}

#[get("/")]
async fn page() -> Html<&'static str> {
    Html(
        r#"<!doctype html><html><body><div id="result">pending</div><script>
const seen = [];
let done = false;
(async () => { while (!done) { await fetch("/wait"); } })();
const socket = new WebSocket("ws://" + location.host + "/ws/echo?greeting=hello", ["echo.v1"]);
socket.onopen = () => seen.push("open:" + socket.protocol);
socket.onmessage = (event) => {
  seen.push("message:" + event.data);
  if (event.data === "hello") socket.send("from the browser");
};
socket.onclose = (event) => {
  seen.push("close:" + event.code + ":" + event.reason);
  document.getElementById("result").textContent = seen.join("|");
  done = true;
};
socket.onerror = () => seen.push("error");
</script></body></html>"#,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs headless Chromium: apt-get install chromium (.ci/run installs it)"]
async fn a_browser_talks_to_a_websocket_route() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let port = listener.local_addr().expect("an address").port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(App::new().routes(routes![page, wait, echo]).serve_with(listener, async {
        let _ = stopped.await;
    }));
    let (dom, stderr) =
        brisk_tests::browser::dump_dom(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(10), None)
            .await;
    let _ = stop.send(());
    let result = brisk_tests::browser::result_of(&dom, &stderr);
    assert_eq!(result, "open:echo.v1|message:hello|message:FROM THE BROWSER|close:4001:bye");
}

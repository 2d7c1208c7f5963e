//! WebSocket routes: the handshake and its refusals, parameters and
//! dependencies resolved before the upgrade, the `WebSocket` API, how the
//! socket closes, teardowns after the conversation, and a real client on
//! a real socket.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use brisk::prelude::*;
use brisk::security::HttpBearer;
use brisk::testing::TestClient;
use brisk::websocket::{Message, WebSocket, close_code};
use brisk::{Response, WebSocketLimits};
use serde_json::{Value, json};

/// What happened, in order, across the route, its dependency and its teardown.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<String>>>);

impl Events {
    fn push(&self, event: impl Into<String>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(event.into());
    }

    fn list(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[depends]
async fn get_current_user(credentials: HttpBearer) -> Result<String, HttpError> {
    match credentials.credentials.as_str() {
        "alice-token" => Ok("alice".to_owned()),
        _ => Err(HttpError::unauthorized("Invalid token")),
    }
}

/// Echoes each text message with the room and the user, until the client closes.
#[websocket("/ws/{room}")]
async fn chat(
    mut socket: WebSocket,
    room: String,
    #[query(ge = 1, le = 10)] volume: Option<u8>,
    #[header] x_client: Option<String>,
    #[depends(get_current_user)] user: String,
) {
    let greeting = json!({ "room": room, "user": user, "volume": volume, "client": x_client });
    if socket.send_json(&greeting).await.is_err() {
        return;
    }
    while let Some(Ok(message)) = socket.recv().await {
        match message {
            Message::Text(text) => {
                if socket.send_text(format!("{user}@{room}: {text}")).await.is_err() {
                    break;
                }
            }
            Message::Binary(bytes) => {
                let reversed: Vec<u8> = bytes.iter().rev().copied().collect();
                if socket.send_binary(reversed).await.is_err() {
                    break;
                }
            }
            Message::Close(_) => break,
        }
    }
}

#[derive(Deserialize, Serialize)]
struct Move {
    x: i32,
    y: i32,
}

/// Doubles each move; anything that is not a move closes the socket.
#[websocket("/ws/moves")]
async fn moves(mut socket: WebSocket) {
    while let Ok(mv) = socket.recv_json::<Move>().await {
        if socket.send_json(&Move { x: mv.x * 2, y: mv.y * 2 }).await.is_err() {
            break;
        }
    }
}

/// Returns after one message: brisk closes with 1000.
#[websocket("/ws/once")]
async fn once(mut socket: WebSocket) {
    let _ = socket.recv_text().await;
}

#[websocket("/ws/panics")]
async fn panics(mut socket: WebSocket) {
    let _ = socket.recv_text().await;
    panic!("the handler broke");
}

#[websocket("/ws/fails")]
async fn fails(mut socket: WebSocket) -> Result<(), String> {
    let _ = socket.recv_text().await;
    Err("the handler gave up".to_owned())
}

#[websocket("/ws/bye")]
async fn bye(mut socket: WebSocket) {
    let _ = socket.close(4000, "see you").await;
}

#[websocket("/ws/chat", subprotocols = ["v2.chat", "v1.chat"])]
async fn versioned(mut socket: WebSocket) {
    let protocol = socket.protocol().unwrap_or("none");
    let _ = socket.send_text(protocol).await;
}

/// Sends while it receives, on two tasks.
#[websocket("/ws/split")]
async fn split(socket: WebSocket) {
    let (mut sender, mut receiver) = socket.split();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(8);
    let writer = tokio::spawn(async move {
        let _ = sender.send_text("ready").await;
        while let Some(text) = rx.recv().await {
            if sender.send_text(text).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(Message::Text(text))) = receiver.recv().await {
        if tx.send(text.chars().rev().collect()).await.is_err() {
            break;
        }
    }
    drop(tx);
    let _ = writer.await;
}

/// Splits, leaves the receiving half to a task of its own, sends, and returns.
#[websocket("/ws/held")]
async fn held(socket: WebSocket) {
    let (mut sender, mut receiver) = socket.split();
    tokio::spawn(async move { while let Some(Ok(_)) = receiver.recv().await {} });
    let _ = sender.send_text("hi").await;
}

/// Sends a tick every 50 ms while it waits for the client, who says nothing.
#[websocket("/ws/ticks")]
async fn ticks(mut socket: WebSocket) {
    let mut interval = tokio::time::interval(Duration::from_millis(50));
    loop {
        tokio::select! {
            _ = interval.tick() => {
                if socket.send_text("tick").await.is_err() {
                    break;
                }
            }
            message = socket.recv() => match message {
                Some(Ok(_)) => {}
                _ => break,
            },
        }
    }
}

#[depends]
async fn session(events: State<Events>) -> Events {
    let events = (*events).clone();
    events.push("opened");
    let outcome = yield_!(events.clone());
    events.push(format!("closed ok={}", outcome.is_ok()));
}

/// The teardown of its dependency runs when the conversation ends.
#[websocket("/ws/session")]
async fn with_session(mut socket: WebSocket, #[depends(session)] events: Events) {
    while let Ok(text) = socket.recv_text().await {
        events.push(format!("message {text}"));
        let _ = socket.send_text("ack").await;
    }
}

#[middleware]
async fn tag_responses(request: Request, next: brisk::middleware::Next) -> Response {
    let upgrade = request.headers().contains_key("upgrade");
    let mut response = next.run(request).await;
    let seen = if upgrade { "upgrade" } else { "plain" };
    response.headers_mut().insert("x-seen", HeaderValue::from_static(seen));
    response
}

fn app(events: Events) -> App {
    App::new().state(events).middleware(tag_responses).routes(routes![
        chat,
        moves,
        once,
        panics,
        fails,
        bye,
        versioned,
        split,
        with_session,
        held,
        ticks
    ])
}

fn client() -> TestClient {
    TestClient::new(app(Events::default()))
}

#[tokio::test]
async fn parameters_and_dependencies_resolve_before_the_upgrade() {
    let client = client();
    let mut socket = client
        .websocket("/ws/lobby?volume=3")
        .header("authorization", "Bearer alice-token")
        .header("x-client", "tests")
        .connect()
        .await
        .expect("the handshake succeeds");
    assert_eq!(socket.headers().get("x-seen").map(|v| v.as_bytes()), Some(&b"upgrade"[..]));
    let greeting: Value = socket.recv_json().await;
    assert_eq!(greeting, json!({ "room": "lobby", "user": "alice", "volume": 3, "client": "tests" }));
    socket.send_text("hello").await;
    assert_eq!(socket.recv_text().await, "alice@lobby: hello");
    socket.send_binary(vec![1u8, 2, 3]).await;
    assert_eq!(socket.recv().await, Some(Message::Binary(vec![3u8, 2, 1].into())));
    socket.close(close_code::NORMAL, "done").await;
}

#[tokio::test]
async fn a_failing_dependency_or_parameter_answers_the_handshake_over_http() {
    let client = client();
    let denied = client.websocket("/ws/lobby").connect().await.expect_err("no credentials");
    assert_eq!(denied.status(), 401);
    assert_eq!(denied.json::<Value>(), json!({ "detail": "Not authenticated" }));
    assert_eq!(denied.header("www-authenticate"), Some("Bearer"));
    let denied = client
        .websocket("/ws/lobby")
        .header("authorization", "Bearer wrong")
        .connect()
        .await
        .expect_err("a wrong token");
    assert_eq!(denied.json::<Value>(), json!({ "detail": "Invalid token" }));
    let invalid = client
        .websocket("/ws/lobby?volume=11")
        .header("authorization", "Bearer alice-token")
        .connect()
        .await
        .expect_err("a volume out of range");
    assert_eq!(invalid.status(), 422);
    let body: Value = invalid.json();
    assert_eq!(body["detail"][0]["loc"], json!(["query", "volume"]));
    assert_eq!(body["detail"][0]["type"], "less_than_equal");
    // The middleware saw the refused handshake too.
    assert_eq!(invalid.header("x-seen"), Some("upgrade"));
}

#[tokio::test]
async fn a_plain_request_gets_426_and_a_malformed_handshake_400() {
    let client = client();
    let plain = client.get("/ws/moves").send().await;
    assert_eq!(plain.status(), 426);
    assert_eq!(plain.header("upgrade"), Some("websocket"));
    fn upgrade(client: &TestClient) -> brisk::testing::TestRequest<'_> {
        client.get("/ws/moves").header("connection", "keep-alive, Upgrade").header("upgrade", "WebSocket")
    }
    let no_version = upgrade(&client).header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==").send().await;
    assert_eq!(no_version.status(), 400);
    assert_eq!(no_version.header("sec-websocket-version"), Some("13"));
    let old_version = upgrade(&client)
        .header("sec-websocket-version", "8")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await;
    assert_eq!(old_version.status(), 400);
    let no_key = upgrade(&client).header("sec-websocket-version", "13").send().await;
    assert_eq!(no_key.status(), 400);
    assert_eq!(no_key.json::<Value>(), json!({ "detail": "Missing or malformed Sec-WebSocket-Key" }));
    let bad_key = upgrade(&client)
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "short")
        .send()
        .await;
    assert_eq!(bad_key.status(), 400);
    // A POST is no handshake.
    assert_eq!(client.post("/ws/moves").send().await.status(), 405);
}

#[tokio::test]
async fn json_messages_and_what_closes_the_socket_for_an_invalid_one() {
    let client = client();
    let mut socket = client.websocket("/ws/moves").connect().await.expect("upgraded");
    socket.send_json(&json!({ "x": 1, "y": -2 })).await;
    assert_eq!(socket.recv_json::<Value>().await, json!({ "x": 2, "y": -4 }));
    socket.send_text("{\"x\": 1}").await;
    let (code, reason) = socket.recv_close().await.expect("a close frame");
    assert_eq!(code, close_code::INVALID_PAYLOAD);
    assert!(reason.starts_with("invalid JSON: missing field `y`"), "{reason}");

    let mut socket = client.websocket("/ws/moves").connect().await.expect("upgraded");
    socket.send_binary(vec![0u8; 4]).await;
    let (code, reason) = socket.recv_close().await.expect("a close frame");
    assert_eq!((code, reason.as_str()), (close_code::UNSUPPORTED, "expected a text message, got binary"));
}

#[tokio::test]
async fn the_handler_returning_panicking_or_failing_closes_the_socket() {
    let client = client();
    let mut socket = client.websocket("/ws/once").connect().await.expect("upgraded");
    socket.send_text("one").await;
    assert_eq!(socket.recv_close().await, Some((close_code::NORMAL, String::new())));

    let mut socket = client.websocket("/ws/panics").connect().await.expect("upgraded");
    socket.send_text("boom").await;
    assert_eq!(socket.recv_close().await, Some((close_code::INTERNAL_ERROR, "internal error".to_owned())));

    let mut socket = client.websocket("/ws/fails").connect().await.expect("upgraded");
    socket.send_text("give up").await;
    assert_eq!(socket.recv_close().await, Some((close_code::INTERNAL_ERROR, "internal error".to_owned())));

    // The handler's own close, with its code and reason.
    let mut socket = client.websocket("/ws/bye").connect().await.expect("upgraded");
    assert_eq!(socket.recv_close().await, Some((4000, "see you".to_owned())));

    // The server keeps serving.
    let mut socket = client.websocket("/ws/moves").connect().await.expect("upgraded");
    socket.send_json(&json!({ "x": 5, "y": 5 })).await;
    assert_eq!(socket.recv_json::<Value>().await["x"], 10);
}

#[tokio::test]
async fn the_server_picks_its_preferred_subprotocol_among_those_offered() {
    let client = client();
    let mut socket = client
        .websocket("/ws/chat")
        .protocol("v1.chat")
        .protocol("v2.chat")
        .connect()
        .await
        .expect("upgraded");
    assert_eq!(socket.protocol(), Some("v2.chat"));
    assert_eq!(socket.recv_text().await, "v2.chat");
    let mut socket = client.websocket("/ws/chat").protocol("v1.chat").connect().await.expect("upgraded");
    assert_eq!(socket.recv_text().await, "v1.chat");
    let mut socket = client.websocket("/ws/chat").protocol("mqtt").connect().await.expect("upgraded");
    assert_eq!(socket.protocol(), None);
    assert_eq!(socket.recv_text().await, "none");
}

#[tokio::test]
async fn a_split_socket_sends_and_receives_at_once() {
    let client = client();
    let mut socket = client.websocket("/ws/split").connect().await.expect("upgraded");
    assert_eq!(socket.recv_text().await, "ready");
    for word in ["abc", "hello", "xyz"] {
        socket.send_text(word).await;
    }
    assert_eq!(socket.recv_text().await, "cba");
    assert_eq!(socket.recv_text().await, "olleh");
    assert_eq!(socket.recv_text().await, "zyx");
    socket.close(close_code::NORMAL, "").await;
}

#[tokio::test]
async fn a_yield_dependency_tears_down_when_the_socket_closes() {
    let events = Events::default();
    let client = TestClient::new(app(events.clone()));
    let mut socket = client.websocket("/ws/session").connect().await.expect("upgraded");
    socket.send_text("first").await;
    assert_eq!(socket.recv_text().await, "ack");
    // The 101 has long left: the teardown waits for the conversation.
    assert_eq!(events.list(), ["opened", "message first"]);
    socket.close(close_code::NORMAL, "").await;
    for _ in 0..100 {
        if events.list().len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(events.list(), ["opened", "message first", "closed ok=true"]);
}

#[tokio::test]
async fn messages_over_the_limit_close_with_1009_and_idle_sockets_with_1001() {
    let limits =
        WebSocketLimits::default().max_message_size(1024).idle_timeout(Some(Duration::from_millis(200)));
    let client = TestClient::new(app(Events::default()).websocket_limits(limits));
    let mut socket = client.websocket("/ws/moves").connect().await.expect("upgraded");
    socket.send_text("x".repeat(2048)).await;
    let (code, _) = socket.recv_close().await.expect("a close frame");
    assert_eq!(code, close_code::TOO_BIG);

    let mut socket = client.websocket("/ws/moves").connect().await.expect("upgraded");
    let started = std::time::Instant::now();
    let (code, reason) = socket.recv_close().await.expect("a close frame");
    assert_eq!((code, reason.as_str()), (close_code::GOING_AWAY, "idle timeout"));
    assert!(started.elapsed() >= Duration::from_millis(200));
}

/// Serves `app` on a real socket; the sender stops it (graceful shutdown).
async fn serve(app: App) -> (u16, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let port = listener.local_addr().expect("an address").port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = app
            .serve_with(listener, async {
                let _ = stopped.await;
            })
            .await;
    });
    (port, stop, server)
}

async fn connect(
    port: u16,
    path: &str,
    token: Option<&str>,
) -> tokio_tungstenite::WebSocketStream<tokio::net::TcpStream> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://127.0.0.1:{port}{path}").into_client_request().expect("a request");
    if let Some(token) = token {
        request.headers_mut().insert("authorization", format!("Bearer {token}").parse().expect("a header"));
    }
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("the server accepts");
    let (socket, response) =
        tokio_tungstenite::client_async(request, tcp).await.expect("the handshake succeeds");
    assert_eq!(response.status(), 101);
    socket
}

/// A real client (tokio-tungstenite) on a real socket: messages, pings
/// answered with pongs, and a refusal as an HTTP response.
#[tokio::test]
async fn a_real_client_on_a_real_socket() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message as Frame;
    let (port, stop, server) = serve(app(Events::default())).await;

    let mut socket = connect(port, "/ws/general", Some("alice-token")).await;
    let greeting = socket.next().await.expect("a message").expect("a frame");
    assert_eq!(
        greeting.into_text().expect("text").as_str(),
        r#"{"client":null,"room":"general","user":"alice","volume":null}"#
    );
    socket.send(Frame::Ping(b"are you there".to_vec().into())).await.expect("sent");
    socket.send(Frame::text("hi")).await.expect("sent");
    let pong = socket.next().await.expect("a message").expect("a frame");
    assert_eq!(pong, Frame::Pong(b"are you there".to_vec().into()));
    let echo = socket.next().await.expect("a message").expect("a frame");
    assert_eq!(echo.into_text().expect("text").as_str(), "alice@general: hi");
    socket.close(None).await.expect("closed");

    // Refused: the HTTP response comes back whole.
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let request = format!("ws://127.0.0.1:{port}/ws/general").into_client_request().expect("a request");
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("the server accepts");
    match tokio_tungstenite::client_async(request, tcp).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("expected a 401, got {other:?}"),
    }
    // Plain HTTP on the same server still works.
    let plain = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("the server accepts");
    drop(plain);

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server).await.expect("the server stops").expect("cleanly");
}

/// Shutting down closes every open socket with 1001 within the grace
/// period, and the server returns.
#[tokio::test]
async fn graceful_shutdown_closes_open_sockets_with_1001() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message as Frame;
    let events = Events::default();
    let (port, stop, server) = serve(app(events.clone())).await;
    let mut chat = connect(port, "/ws/general", Some("alice-token")).await;
    let _greeting = chat.next().await.expect("a message").expect("a frame");
    let mut session = connect(port, "/ws/session", None).await;

    let _ = stop.send(());
    for socket in [&mut chat, &mut session] {
        let close = loop {
            match socket.next().await.expect("a frame before the end").expect("a frame") {
                Frame::Close(frame) => break frame.expect("a close frame with a code"),
                _ => continue,
            }
        };
        assert_eq!(u16::from(close.code), close_code::GOING_AWAY);
        assert_eq!(close.reason.as_str(), "server shutting down");
    }
    tokio::time::timeout(Duration::from_secs(10), server).await.expect("the server stops").expect("cleanly");
    // The session's teardown ran before the server returned.
    assert_eq!(events.list(), ["opened", "closed ok=true"]);
}

#[tokio::test]
async fn a_panic_in_the_handler_is_logged() {
    let captured = brisk_tests::log::Captured::default();
    let _guard = brisk_tests::log::capture(&captured);
    let client = client();
    let mut socket = client.websocket("/ws/panics").connect().await.expect("upgraded");
    socket.send_text("boom").await;
    assert_eq!(socket.recv_close().await.map(|(code, _)| code), Some(close_code::INTERNAL_ERROR));
    let lines = captured.lines_of("brisk::panic");
    assert!(
        lines.iter().any(|line| line.contains("panics") && line.contains("the handler broke")),
        "{lines:?}"
    );
}

/// Exception handlers answer a handshake refused before the upgrade.
#[exception_handler]
async fn unauthorized_as_problem(_request: &Request, err: HttpError) -> Response {
    let body = json!({ "title": "refused", "status": err.status().as_u16() });
    (err.status(), Json(body)).into_response()
}

#[tokio::test]
async fn exception_handlers_answer_a_refused_handshake() {
    let client = TestClient::new(app(Events::default()).exception_handler(unauthorized_as_problem));
    let refused = client.websocket("/ws/lobby").connect().await.expect_err("no credentials");
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<Value>(), json!({ "title": "refused", "status": 401 }));
}

#[tokio::test]
async fn websocket_routes_live_in_routers_too() {
    let rooms = Router::new().prefix("/rooms").routes(routes![chat, moves]);
    let client = TestClient::new(App::new().include(rooms));
    let mut socket = client.websocket("/rooms/ws/moves").connect().await.expect("upgraded");
    socket.send_json(&json!({ "x": 2, "y": 3 })).await;
    assert_eq!(socket.recv_json::<Value>().await, json!({ "x": 4, "y": 6 }));
    let mut socket = client
        .websocket("/rooms/ws/blue")
        .header("authorization", "Bearer alice-token")
        .connect()
        .await
        .expect("upgraded");
    assert_eq!(socket.recv_json::<Value>().await["room"], "blue");
    // Not in the OpenAPI document, as in FastAPI.
    let document = App::new().include(Router::new().prefix("/rooms").routes(routes![moves])).openapi();
    assert!(document["paths"].as_object().is_some_and(|paths| paths.is_empty()));
}

#[depends]
async fn fake_user() -> Result<String, HttpError> {
    Ok("tester".to_owned())
}

/// App state from a lifespan, for the test below.
#[lifespan]
async fn greeting_state() -> Result<AppState, std::convert::Infallible> {
    yield_!(AppState::new().with(Events::default()));
}

#[tokio::test]
async fn overrides_and_the_lifespan_apply_to_the_testclients_sockets() {
    let app = App::new()
        .lifespan(greeting_state)
        .routes(routes![chat, with_session])
        .override_dependency::<get_current_user, fake_user>();
    let client = TestClient::new(app);
    let mut socket = client.websocket("/ws/kitchen").connect().await.expect("no credentials needed now");
    assert_eq!(socket.recv_json::<Value>().await["user"], "tester");
    // The session's `State<Events>` comes from the lifespan.
    let mut session = client.websocket("/ws/session").connect().await.expect("upgraded");
    session.send_text("hi").await;
    assert_eq!(session.recv_text().await, "ack");
    socket.close(close_code::NORMAL, "").await;
    session.close(close_code::NORMAL, "").await;
}

#[tokio::test]
async fn more_malformed_handshakes_get_400() {
    let client = client();
    fn upgrade(client: &TestClient) -> brisk::testing::TestRequest<'_> {
        client
            .get("/ws/moves")
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
    }
    let key = "dGhlIHNhbXBsZSBub25jZQ==";
    let not_base64 = upgrade(&client).header("sec-websocket-key", "!!!!!!!!!!!!!!!!!!!!!!==").send().await;
    assert_eq!(not_base64.status(), 400);
    let two_keys =
        upgrade(&client).header("sec-websocket-key", key).header("sec-websocket-key", key).send().await;
    assert_eq!(two_keys.status(), 400);
    let two_versions =
        upgrade(&client).header("sec-websocket-version", "8").header("sec-websocket-key", key).send().await;
    assert_eq!(two_versions.status(), 400);
    let no_host = upgrade(&client).header("sec-websocket-key", key).send().await;
    assert_eq!(no_host.json::<Value>(), json!({ "detail": "A WebSocket handshake names its Host" }));
    let with_body = upgrade(&client)
        .header("host", "x")
        .header("sec-websocket-key", key)
        .header("content-length", "7")
        .body("frames?")
        .send()
        .await;
    assert_eq!(with_body.json::<Value>(), json!({ "detail": "A WebSocket handshake has no body" }));
    // Well formed, but not on a connection hyper can hand over (this
    // client drives the service directly): 426, not a broken 101.
    let direct = upgrade(&client).header("host", "x").header("sec-websocket-key", key).send().await;
    assert_eq!(direct.status(), 426);
}

#[tokio::test]
async fn the_idle_timeout_counts_from_the_last_frame_received() {
    let limits = WebSocketLimits::default().idle_timeout(Some(Duration::from_millis(300)));
    let client = TestClient::new(app(Events::default()).websocket_limits(limits));
    let mut socket = client.websocket("/ws/ticks").connect().await.expect("upgraded");
    let started = std::time::Instant::now();
    // Ticks keep coming, but the client says nothing: closed all the same.
    let (code, reason) = socket.recv_close().await.expect("a close frame");
    assert_eq!((code, reason.as_str()), (close_code::GOING_AWAY, "idle timeout"));
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A split socket answers the client's close; a socket whose receiving half
/// lives on in a task is closed through its sending half when the handler
/// returns; a broken frame is answered with 1002 before the connection ends.
#[tokio::test]
async fn split_sockets_close_properly_and_broken_frames_get_1002() {
    use futures_util::{SinkExt, StreamExt};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_tungstenite::tungstenite::Message as Frame;
    let (port, stop, server) = serve(app(Events::default())).await;

    let mut socket = connect(port, "/ws/split", None).await;
    assert_eq!(
        socket.next().await.expect("a frame").expect("ready").into_text().expect("text").as_str(),
        "ready"
    );
    socket.send(Frame::Close(None)).await.expect("sent");
    loop {
        match socket.next().await {
            Some(Ok(Frame::Close(_))) | None => break,
            Some(Ok(_)) => continue,
            Some(Err(err)) => panic!("the server did not answer the close: {err}"),
        }
    }

    let mut socket = connect(port, "/ws/held", None).await;
    assert_eq!(socket.next().await.expect("a frame").expect("hi").into_text().expect("text").as_str(), "hi");
    match socket.next().await.expect("a frame").expect("a close") {
        Frame::Close(Some(frame)) => assert_eq!(u16::from(frame.code), close_code::NORMAL),
        other => panic!("expected a close, got {other:?}"),
    }

    // An unmasked client frame breaks RFC 6455 (5.1): 1002.
    let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connects");
    tcp.write_all(
        b"GET /ws/moves HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
          Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    )
    .await
    .expect("written");
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        tcp.read_exact(&mut byte).await.expect("the 101");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101"));
    tcp.write_all(&[0x81, 0x02, b'h', b'i']).await.expect("written");
    let mut close = [0u8; 4];
    tcp.read_exact(&mut close).await.expect("a close frame");
    assert_eq!(close[0], 0x88, "a close frame");
    assert_eq!(u16::from_be_bytes([close[2], close[3]]), close_code::PROTOCOL_ERROR);

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server).await.expect("the server stops").expect("cleanly");
}

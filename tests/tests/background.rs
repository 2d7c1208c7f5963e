//! Background tasks: after the response, in order, only on success, each
//! isolated, shared with dependencies, and ahead of request-scoped teardowns.

use std::sync::Arc;
use std::time::Duration;

use brisk::prelude::*;
use brisk::testing::TestClient;
use brisk_tests::Events;

type Shared = State<Arc<Events>>;

fn explode() {
    panic!("task panicked")
}

#[depends]
async fn session(events: Shared, tasks: BackgroundTasks) -> u8 {
    let events_for_task = events.clone();
    tasks.add_task(async move { events_for_task.push("task from the dependency") });
    yield_!(1);
    events.push("teardown");
}

#[post("/signup")]
async fn signup(#[depends(session)] _session: u8, tasks: BackgroundTasks, events: Shared) -> &'static str {
    let first = events.clone();
    tasks.add_task(async move {
        // Held until the test has the response: the task must not delay it.
        let _ = tokio::time::timeout(Duration::from_secs(5), first.gate.notified()).await;
        first.push("slow task");
    });
    let second = events.clone();
    tasks.add_blocking(move || second.push("blocking task"));
    let third = events.clone();
    tasks.add_task(async move {
        third.push("failing task");
        Err::<(), _>("smtp down")
    });
    let fourth = events.clone();
    tasks.add_task(async move {
        fourth.push("panicking task");
        explode();
    });
    let fifth = events.clone();
    tasks.add_task(async move { fifth.push("last task") });
    events.push("handler");
    "signed up"
}

#[post("/signup-fails")]
async fn signup_fails(tasks: BackgroundTasks, events: Shared) -> Result<&'static str, HttpError> {
    let events = events.clone();
    tasks.add_task(async move { events.push("should not run") });
    Err(HttpError::bad_request("no"))
}

fn client(events: &Arc<Events>) -> TestClient {
    TestClient::new(App::new().state(events.clone()).routes(routes![signup, signup_fails]))
}

#[tokio::test]
async fn tasks_run_after_the_response_in_order_each_isolated_then_the_teardown() {
    let events = Arc::new(Events::default());
    let response = client(&events).post("/signup").send().await;
    assert_eq!(response.text(), "signed up");
    events.push("client has the response");
    events.gate.notify_one();
    assert_eq!(
        events.wait_for(9).await,
        [
            "handler",
            "client has the response",
            "task from the dependency",
            "slow task",
            "blocking task",
            "failing task",
            "panicking task",
            "last task",
            "teardown",
        ]
    );
}

#[get("/marker")]
async fn marker(tasks: BackgroundTasks, events: Shared) -> &'static str {
    let events = events.clone();
    tasks.add_task(async move { events.push("marker task") });
    "marked"
}

#[tokio::test(flavor = "current_thread")]
async fn tasks_do_not_run_when_the_handler_fails() {
    let events = Arc::new(Events::default());
    let client = TestClient::new(App::new().state(events.clone()).routes(routes![signup_fails, marker]));
    let response = client.post("/signup-fails").send().await;
    assert_eq!(response.status(), 400);
    // A later request's task runs on the same single thread after any work
    // the failed request could have spawned, so its marker bounds the wait.
    client.get("/marker").send().await;
    assert_eq!(events.wait_for(1).await, ["marker task"]);
}

#[get("/slow-task")]
async fn slow_task(tasks: BackgroundTasks, events: Shared) -> &'static str {
    let events = events.clone();
    tasks.add_blocking(move || {
        // A blocking task waits (bounded) for a request served meanwhile.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while events.log().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        events.push(format!("blocking task saw {} event(s)", events.log().len()));
    });
    "queued"
}

#[get("/ping")]
async fn ping(events: Shared) -> &'static str {
    events.push("ping served");
    "pong"
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocking_task_does_not_stall_other_requests() {
    let events = Arc::new(Events::default());
    let client = TestClient::new(App::new().state(events.clone()).routes(routes![slow_task, ping]));
    assert_eq!(client.get("/slow-task").send().await.text(), "queued");
    assert_eq!(client.get("/ping").send().await.text(), "pong");
    assert_eq!(events.wait_for(2).await, ["ping served", "blocking task saw 1 event(s)"]);
}

#[tokio::test]
async fn graceful_shutdown_waits_for_pending_tasks() {
    let events = Arc::new(Events::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app =
        App::new().state(events.clone()).routes(routes![signup]).shutdown_grace(Duration::from_secs(10));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.serve_with(listener, async {
        let _ = stopped.await;
    }));

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"POST /signup HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.ends_with("signed up"), "{response}");

    // Shut down while the slow task still waits: the server must not return first.
    let _ = stop.send(());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!server.is_finished(), "the server returned with a background task pending");
    events.gate.notify_one();
    let result = tokio::time::timeout(Duration::from_secs(5), server).await.expect("the server stopped");
    assert!(result.unwrap().is_ok());
    assert!(events.log().contains(&"last task".to_owned()));
    assert_eq!(events.log().last().map(String::as_str), Some("teardown"));
}

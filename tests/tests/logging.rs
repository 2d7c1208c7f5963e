//! What brisk logs, through a real `tracing` subscriber: one
//! `brisk::access` event per request, and one event for each error or
//! panic nobody handled, whichever layer it came from.

use brisk::middleware::Next;
use brisk::prelude::*;
use brisk::testing::TestClient;
use brisk_tests::log::{Captured, capture};

#[tokio::test]
async fn every_request_is_logged_with_its_method_path_status_and_duration() {
    let captured = Captured::default();
    let _default = capture(&captured);

    let client = TestClient::new(hello::app());
    assert_eq!(client.get("/items/5?q=x").send().await.status(), 200);
    assert_eq!(client.post("/nowhere").send().await.status(), 404);

    let lines = captured.lines_of("brisk::access");
    assert_eq!(lines.len(), 2, "one line per request: {lines:?}");
    for (line, method, path, status) in
        [(&lines[0], "GET", "/items/5", "200"), (&lines[1], "POST", "/nowhere", "404")]
    {
        assert!(line.contains(&format!("method={method}")), "{line}");
        assert!(line.contains("path=") && line.contains(path) && !line.contains("q=x"), "{line}");
        assert!(line.contains(&format!("status={status}")), "{line}");
        assert!(line.contains("duration_us="), "{line}");
    }
}

#[derive(Debug)]
struct LedgerDown;

#[get("/fails")]
async fn fails() -> Result<String, LedgerDown> {
    Err(LedgerDown)
}

#[get("/refused")]
async fn refused() -> Result<String, HttpError> {
    Err(HttpError::forbidden("no"))
}

#[get("/panics")]
async fn panics() -> String {
    panic!("out of ink")
}

#[get("/fine")]
async fn fine() -> &'static str {
    "fine"
}

#[middleware]
async fn passes(request: Request, next: Next) -> Response {
    next.run(request).await
}

#[middleware]
async fn checks_tokens(request: Request, next: Next) -> Result<Response, LedgerDown> {
    match request.headers().contains_key("x-token") {
        true => Ok(next.run(request).await),
        false => Err(LedgerDown),
    }
}

#[middleware]
async fn cracks(request: Request, next: Next) -> Response {
    if request.headers().contains_key("x-crack") {
        panic!("the layer cracked");
    }
    next.run(request).await
}

#[tokio::test]
async fn an_unhandled_error_or_panic_is_logged_once_however_many_layers_it_crosses() {
    let captured = Captured::default();
    let _default = capture(&captured);
    let app = App::new()
        .middleware(passes)
        .middleware(checks_tokens)
        .middleware(passes)
        .middleware(cracks)
        .routes(routes![fails, refused, panics, fine]);
    let client = TestClient::new(app);

    let with_token = |path: &'static str| client.get(path).header("x-token", "t");
    assert_eq!(with_token("/fails").send().await.status(), 500);
    let errors = captured.lines_of("brisk::errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("unhandled error") && errors[0].contains("LedgerDown"), "{}", errors[0]);

    assert_eq!(client.get("/fine").send().await.status(), 500, "the middleware's own error");
    assert_eq!(captured.lines_of("brisk::errors").len(), 2);

    assert_eq!(with_token("/panics").send().await.status(), 500);
    let panics = captured.lines_of("brisk::panic");
    assert_eq!(panics.len(), 1, "{panics:?}");
    assert!(panics[0].contains("stage=\"panics\"") && panics[0].contains("out of ink"), "{}", panics[0]);

    // A panicking layer is named by its registered name.
    assert_eq!(with_token("/fine").header("x-crack", "1").send().await.status(), 500);
    let panics = captured.lines_of("brisk::panic");
    assert_eq!(panics.len(), 2, "{panics:?}");
    assert!(panics[1].contains("cracks") && panics[1].contains("the layer cracked"), "{}", panics[1]);

    // A client error is the client's: answered, not logged as a failure.
    assert_eq!(with_token("/refused").send().await.status(), 403);
    assert_eq!(with_token("/fine").send().await.status(), 200);
    assert_eq!(captured.lines_of("brisk::errors").len(), 2);
}

#[derive(Debug)]
struct InkOut;

fn out_of_ink(what: &str) {
    panic!("{what}")
}

#[depends]
async fn panics_in_teardown() -> u8 {
    yield_!(1);
    panic!("teardown out of ink");
}

#[get("/after-the-response")]
async fn after_the_response(
    #[depends(panics_in_teardown)] _value: u8,
    tasks: BackgroundTasks,
) -> &'static str {
    tasks.add_task(async { out_of_ink("task out of ink") });
    "answered"
}

#[get("/ink")]
async fn ink() -> Result<&'static str, InkOut> {
    Err(InkOut)
}

#[exception_handler]
async fn panicking_handler(_request: &Request, _err: InkOut) -> Response {
    panic!("handler out of ink")
}

/// Work that runs after the response (a request-scoped teardown, a
/// background task) or while answering an error (an exception handler)
/// panics: each panic is one error event, and the app answers the next
/// request as before.
#[tokio::test]
async fn a_panic_in_a_teardown_a_background_task_or_an_exception_handler_is_logged_once() {
    let captured = Captured::default();
    let _default = capture(&captured);
    let app = App::new().exception_handler(panicking_handler).routes(routes![after_the_response, ink, fine]);
    let client = TestClient::new(app);

    let once = |message: &str| {
        let lines: Vec<String> = captured.lines().into_iter().filter(|line| line.contains(message)).collect();
        assert_eq!(lines.len(), 1, "{message}: {lines:?}");
        assert!(lines[0].contains("ERROR"), "{}", lines[0]);
        lines[0].clone()
    };

    assert_eq!(client.get("/after-the-response").send().await.text(), "answered");
    // Both run after the response: wait (bounded) until both have logged.
    brisk_tests::within("the teardown and the task to panic", async {
        while !(captured.contains("teardown out of ink") && captured.contains("task out of ink")) {
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(once("teardown out of ink").contains("panics_in_teardown"));
    assert!(once("task out of ink").contains("/after-the-response"));

    assert_eq!(client.get("/ink").send().await.status(), 500);
    once("handler out of ink");

    assert_eq!(client.get("/fine").send().await.text(), "fine");
    assert_eq!(client.get("/after-the-response").send().await.text(), "answered", "still serving");
}

/// The hello binary as a user runs it: by default it logs startup and one
/// access line per request; `RUST_LOG=warn` keeps startup quiet and drops
/// the access log; `RUST_LOG=brisk::access=info` keeps only the access log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_decides_what_the_examples_print() {
    use brisk_tests::process::{Example, build_example};

    let executable = build_example("hello").await;
    let run = |rust_log: Option<&'static str>| {
        let executable = executable.clone();
        async move {
            let env: Vec<(&str, &str)> = rust_log.map(|filter| ("RUST_LOG", filter)).into_iter().collect();
            let mut hello = Example::start(&executable, &env).await;
            let response = reqwest::get(hello.url("/items/5?q=x")).await.expect("GET /items/5");
            assert_eq!(response.status(), 200);
            assert!(hello.terminate().await.success());
            hello.output()
        }
    };
    let access = |output: &str| output.lines().filter(|line| line.contains("brisk::access")).count();
    let startup = |output: &str| {
        output.lines().any(|line| line.contains("brisk::server") && line.contains("listening"))
    };

    let default = run(None).await;
    assert_eq!(access(&default), 1, "one access line per request by default:\n{default}");
    assert!(default.contains("/items/5"), "{default}");
    assert!(startup(&default), "startup is logged by default:\n{default}");

    let quiet = run(Some("warn")).await;
    assert_eq!(access(&quiet), 0, "RUST_LOG=warn silences the access log:\n{quiet}");
    assert!(!startup(&quiet), "{quiet}");

    let only_access = run(Some("brisk::access=info")).await;
    assert_eq!(access(&only_access), 1, "{only_access}");
    assert!(!startup(&only_access), "{only_access}");
}

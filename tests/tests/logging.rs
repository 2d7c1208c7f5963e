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

//! The documentation pages as a browser shows them: headless Chromium
//! loads `/docs` and `/redoc` from an app on 127.0.0.1, runs Swagger UI
//! and ReDoc (their scripts come from the app: this machine reaches no
//! other host), and the test reads the rendered page for the app's
//! operations. Chromium comes from Debian's `chromium` package, so the
//! test is ignored by a plain `cargo test`; `.ci/run` installs the browser
//! and runs it with `cargo test -- --ignored`.

use std::time::Duration;

use brisk::prelude::*;
use brisk_tests::Served;

#[derive(Deserialize)]
struct NewItem {
    name: String,
}

/// Reads one item.
#[get("/items/{item_id}", tags = ["items"])]
async fn read_item(item_id: i64, q: Option<String>) -> String {
    format!("{item_id} {q:?}")
}

#[post("/items", status_code = 201, tags = ["items"])]
async fn create_item(#[body] item: NewItem) -> String {
    item.name
}

#[get("/health", summary = "Health check")]
async fn health() -> &'static str {
    "ok"
}

/// The page at `url` once its scripts have run, as Chromium's DOM dump.
async fn rendered(url: &str) -> String {
    brisk_tests::browser::dump_dom(url, Duration::from_millis(15000), None).await.0
}

fn app() -> App {
    App::new().title("Shop").version("1.2.3").routes(routes![read_item, create_item, health])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs headless Chromium: apt-get install chromium (.ci/run installs it)"]
async fn swagger_ui_shows_every_operation_of_the_app() {
    let served = Served::start(app()).await;
    let dom = rendered(&served.url("/docs")).await;
    assert!(dom.contains("<title>Shop - Swagger UI</title>"), "{dom}");
    // Swagger UI rendered the document: the app's title and version, and
    // one `opblock` per operation, with its method, path and summary.
    assert!(dom.contains("Shop") && dom.contains("1.2.3"), "{dom}");
    assert_eq!(dom.matches("class=\"opblock opblock-").count(), 3, "{dom}");
    for (method, path, summary) in [
        ("get", "/items/{item_id}", "Read Item"),
        ("post", "/items", "Create Item"),
        ("get", "/health", "Health check"),
    ] {
        assert!(dom.contains(&format!("opblock opblock-{method}")), "{method} {path}: {dom}");
        assert!(dom.contains(&format!("data-path=\"{path}\"")), "{path}: {dom}");
        assert!(dom.contains(&format!(">{summary}<")), "{summary}: {dom}");
    }
    assert!(dom.contains(">items<"), "the operations are grouped by tag: {dom}");
    assert!(!dom.contains("Failed to load API definition"), "{dom}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs headless Chromium: apt-get install chromium (.ci/run installs it)"]
async fn redoc_shows_every_operation_of_the_app() {
    let served = Served::start(app().openapi_url(Some("/api/openapi.json"))).await;
    let dom = rendered(&served.url("/redoc")).await;
    assert!(dom.contains("<title>Shop - ReDoc</title>"), "{dom}");
    assert!(dom.contains("Shop") && dom.contains("1.2.3"), "{dom}");
    for summary in ["Read Item", "Create Item", "Health check"] {
        assert!(dom.contains(&format!(">{summary}<")), "{summary}: {dom}");
    }
    assert!(dom.contains("/items/{item_id}"), "{dom}");
    assert!(dom.contains("Reads one item."), "the description, from the doc comment: {dom}");
    assert!(!dom.contains("Something went wrong"), "{dom}");
}

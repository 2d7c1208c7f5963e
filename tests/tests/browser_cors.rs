//! CORS as a real browser sees it: headless Chromium loads a page from one
//! origin whose script fetches from apps on other ports, and the test reads
//! what the script could see. Chromium comes from Debian's `chromium`
//! package, so the test is ignored by a plain `cargo test`; `.ci/run`
//! installs the browser and runs it with `cargo test -- --ignored`.

use std::time::Duration;

use brisk::Cors;
use brisk::prelude::*;

#[get("/")]
async fn page(page: State<String>) -> Html<String> {
    Html((*page).clone())
}

#[get("/data")]
async fn data() -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
    (StatusCode::OK, [("x-exposed", "visible")], "payload")
}

#[put("/data")]
async fn put_data() -> &'static str {
    "updated"
}

async fn start(app: App) -> (u16, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let port = listener.local_addr().expect("an address").port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.serve_with(listener, async {
        let _ = stopped.await;
    }));
    (port, stop)
}

fn script(allowed: u16, refused: u16) -> String {
    format!(
        r#"<!doctype html><html><body><div id="result">pending</div><script>
async function attempt(name, url, options) {{
  try {{
    const response = await fetch(url, options);
    const text = await response.text();
    return name + ":" + response.status + ":" + text + ":" + response.headers.get("x-exposed");
  }} catch (error) {{
    return name + ":blocked";
  }}
}}
(async () => {{
  const api = "http://127.0.0.1:{allowed}/data";
  const results = [
    await attempt("simple", api, {{}}),
    await attempt("preflight", api, {{ method: "PUT", headers: {{ "X-Custom": "1" }} }}),
    await attempt("credentials", api, {{ credentials: "include" }}),
    await attempt("refused", "http://127.0.0.1:{refused}/data", {{}}),
  ];
  document.getElementById("result").textContent = results.join("|");
}})();
</script></body></html>"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs headless Chromium: apt-get install chromium (.ci/run installs it)"]
async fn a_browser_sees_what_cors_allows_and_nothing_else() {
    let (refused_port, stop_refused) = start(
        App::new().middleware(Cors::new().allow_origin("https://somewhere.else")).routes(routes![data]),
    )
    .await;
    // The page's origin is only known once it has a port, so the API is
    // told to allow it afterwards: reserve the page's port first.
    let page_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let page_port = page_listener.local_addr().expect("an address").port();
    let origin = format!("http://127.0.0.1:{page_port}");
    let cors = Cors::new()
        .allow_origin(&origin)
        .allow_methods(["GET", "PUT"])
        .allow_headers(["x-custom"])
        .allow_credentials(true)
        .expose_headers(["x-exposed"]);
    let (api_port, stop_api) = start(App::new().middleware(cors).routes(routes![data, put_data])).await;
    let (stop_page, page_stopped) = tokio::sync::oneshot::channel::<()>();
    let page_app = App::new().state(script(api_port, refused_port)).routes(routes![page]);
    tokio::spawn(page_app.serve_with(page_listener, async {
        let _ = page_stopped.await;
    }));

    let url = format!("{origin}/");
    let (dom, stderr) = brisk_tests::browser::dump_dom(&url, Duration::from_secs(10), None).await;
    for stop in [stop_refused, stop_api, stop_page] {
        let _ = stop.send(());
    }
    let result = brisk_tests::browser::result_of(&dom, &stderr);
    assert_eq!(
        result,
        "simple:200:payload:visible|preflight:200:updated:null|credentials:200:payload:visible|refused:blocked"
    );
}

//! Swagger UI's Authorize button, in a real browser: headless Chromium
//! loads the app's own `/docs` (in a same-origin frame, so a script can
//! act on it as a user would: click Authorize, type the credentials, click
//! Authorize again, then Try it out and Execute on a protected route), and
//! the test reads the status Swagger UI shows. Once with `HttpBearer` (a
//! token typed in), once with `OAuth2PasswordBearer` (a user name and
//! password that Swagger UI trades for a token at the token route).
//! Ignored by a plain `cargo test`: `.ci/run` installs Chromium and runs it.

use std::time::Duration;

use brisk::prelude::*;
use brisk::security::{HttpBearer, OAuth2PasswordBearer, OAuth2PasswordRequestForm, TokenUrl};

struct Login;
impl TokenUrl for Login {
    const TOKEN_URL: &'static str = "/token";
}

/// Only this token opens the protected routes.
const TOKEN: &str = "swagger-token";

#[get("/secret", tags = ["bearer"])]
async fn secret(credentials: HttpBearer) -> Result<String, HttpError> {
    match credentials.credentials.as_str() {
        TOKEN => Ok("the secret".to_owned()),
        _ => Err(HttpError::unauthorized("Invalid token")),
    }
}

#[get("/vault", tags = ["oauth2"])]
async fn vault(token: OAuth2PasswordBearer<Login>) -> Result<String, HttpError> {
    match token.token.as_str() {
        TOKEN => Ok("the vault".to_owned()),
        _ => Err(HttpError::unauthorized("Invalid token")),
    }
}

#[post("/token", tags = ["oauth2"])]
async fn token(#[form] form: OAuth2PasswordRequestForm) -> Result<Json<serde_json::Value>, HttpError> {
    match (form.username.as_str(), form.password.as_str()) {
        ("alice", "wonderland") => {
            Ok(Json(serde_json::json!({ "access_token": TOKEN, "token_type": "bearer" })))
        }
        _ => Err(HttpError::bad_request("Incorrect username or password")),
    }
}

#[get("/harness", include_in_schema = false)]
async fn harness(page: State<String>) -> Html<String> {
    Html((*page).clone())
}

/// A page that frames `/docs` and drives it: each step waits for the
/// element it needs, then acts on it the way a click or a keystroke would
/// (React reads inputs through their `input` events).
fn page(scheme: &str, operation: &str) -> String {
    format!(
        r##"<!doctype html><html><body><div id="result">pending</div>
<iframe id="docs" src="/docs" style="width: 1200px; height: 2000px"></iframe><script>
const frame = document.getElementById("docs");
const result = document.getElementById("result");
const wait = (find, what) => new Promise((resolve, reject) => {{
  const started = Date.now();
  const poll = () => {{
    let found = null;
    try {{ found = find(frame.contentDocument); }} catch (e) {{}}
    if (found) return resolve(found);
    if (Date.now() - started > 15000) return reject(new Error("no " + what));
    setTimeout(poll, 50);
  }};
  poll();
}});
const type = (input, text) => {{
  const setter = Object.getOwnPropertyDescriptor(frame.contentWindow.HTMLInputElement.prototype, "value").set;
  setter.call(input, text);
  input.dispatchEvent(new frame.contentWindow.Event("input", {{ bubbles: true }}));
}};
(async () => {{
  try {{
    (await wait(d => d.querySelector(".auth-wrapper .authorize"), "Authorize button")).click();
    const dialog = await wait(d => d.querySelector(".modal-ux"), "authorization dialog");
    if ("{scheme}" === "bearer") {{
      type(await wait(() => dialog.querySelector("input"), "token input"), "{TOKEN}");
    }} else {{
      type(await wait(() => dialog.querySelector("input#oauth_username"), "user name input"), "alice");
      type(await wait(() => dialog.querySelector("input#oauth_password"), "password input"), "wonderland");
    }}
    (await wait(() => dialog.querySelector("button.modal-btn.auth.authorize"), "dialog's Authorize")).click();
    // Authorized, the dialog offers to log out instead.
    const logout = await wait(() => [...dialog.querySelectorAll("button")].find(b => b.textContent.trim() === "Logout"), "authorized state");
    (await wait(() => dialog.querySelector("button.btn-done"), "Close")).click();
    const operation = await wait(d => d.querySelector("#operations-{operation}"), "the operation");
    (operation.querySelector(".opblock-summary-control") || operation.querySelector(".opblock-summary")).click();
    (await wait(() => operation.querySelector("button.try-out__btn"), "Try it out")).click();
    (await wait(() => operation.querySelector("button.execute"), "Execute")).click();
    const status = await wait(() => operation.querySelector(".live-responses-table tbody .response-col_status"), "a response");
    const body = await wait(() => operation.querySelector(".live-responses-table .microlight, .live-responses-table pre"), "a body");
    result.textContent = "status:" + status.textContent.trim() + "|body:" + body.textContent.trim() + "|" + logout.textContent.trim();
  }} catch (error) {{
    result.textContent = "failed: " + error.message;
  }}
}})();
</script></body></html>"##
    )
}

/// Serves the app with the harness for `scheme`, loads it in Chromium and
/// returns what the harness wrote.
async fn authorize_and_call(scheme: &str, operation: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let port = listener.local_addr().expect("an address").port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // One scheme per app, so the dialog shows that one alone.
    let app = App::new().title("Vault").state(page(scheme, operation)).routes(routes![harness]);
    let app = match scheme {
        "bearer" => app.routes(routes![secret]),
        _ => app.routes(routes![vault, token]),
    };
    tokio::spawn(app.serve_with(listener, async {
        let _ = stopped.await;
    }));
    let url = format!("http://127.0.0.1:{port}/harness");
    let (dom, stderr) =
        brisk_tests::browser::dump_dom(&url, Duration::from_secs(30), Some((1400, 2200))).await;
    let _ = stop.send(());
    brisk_tests::browser::result_of(&dom, &stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs headless Chromium: apt-get install chromium (.ci/run installs it)"]
async fn authorize_with_a_bearer_token_then_call_a_protected_route() {
    let result = authorize_and_call("bearer", "bearer-secret_secret_get").await;
    assert_eq!(result, "status:200|body:the secret|Logout", "{result}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs headless Chromium: apt-get install chromium (.ci/run installs it)"]
async fn authorize_with_the_oauth2_password_flow_then_call_a_protected_route() {
    let result = authorize_and_call("oauth2", "oauth2-vault_vault_get").await;
    assert_eq!(result, "status:200|body:the vault|Logout", "{result}");
}

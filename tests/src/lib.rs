//! Shared helpers for brisk's integration tests.

pub mod browser;
pub mod log;
pub mod process;

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;

/// What happened, in order, for tests that observe ordering rather than
/// timing, plus a gate that work under test can wait on.
#[derive(Default)]
pub struct Events {
    log: Mutex<Vec<String>>,
    changed: Notify,
    /// Opened by the test (`gate.notify_one()`) when the waiting work may go on.
    pub gate: Notify,
}

impl Events {
    /// Records an event.
    pub fn push(&self, event: impl Into<String>) {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).push(event.into());
        self.changed.notify_waiters();
    }

    /// Everything recorded so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits, at most five seconds, until `count` events have been recorded,
    /// and returns the log either way (an assertion on it then shows what
    /// did happen).
    pub async fn wait_for(&self, count: usize) -> Vec<String> {
        let wait = async {
            loop {
                let changed = self.changed.notified();
                if self.log().len() >= count {
                    return self.log();
                }
                changed.await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), wait).await.unwrap_or_else(|_| self.log())
    }
}

/// The longest any single step of a socket test may take before it gives up.
pub const WAIT: Duration = Duration::from_secs(10);

/// Awaits `future`, panicking with `what` if it takes longer than [`WAIT`]:
/// a bound on a hang, not a timing claim.
pub async fn within<F: std::future::Future>(what: &str, future: F) -> F::Output {
    match tokio::time::timeout(WAIT, future).await {
        Ok(output) => output,
        Err(_) => panic!("gave up after {WAIT:?} waiting for {what}"),
    }
}

/// An app served on 127.0.0.1 (a free port) by `App::serve_with` on a task
/// of its own; dropping it (even in a failing test) shuts the server down.
pub struct Served {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Served {
    /// Binds and starts serving `app`; requests may be sent at once (the
    /// socket is listening before this returns).
    pub async fn start(app: brisk::App) -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the listener's address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.serve_with(listener, async move {
            let _ = stopped.await;
        }));
        Served { addr, _stop: stop }
    }

    /// `http://ADDR{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// An app's own parameter type that parses from text (`red` or `blue`),
/// for tests of custom `FromText` parameters.
#[derive(Debug)]
pub enum Color {
    /// `red`
    Red,
    /// `blue`
    Blue,
}

impl brisk::extract::FromText for Color {
    fn from_text(text: &str) -> Result<Self, brisk::extract::TextError> {
        match text {
            "red" => Ok(Color::Red),
            "blue" => Ok(Color::Blue),
            _ => Err(brisk::extract::TextError::new("enum", "Input should be 'red' or 'blue'")),
        }
    }
}

/// The routes an app adds when it is built with the default OpenAPI
/// settings, as `Service::describe` lists them after the app's own: the
/// document, Swagger UI with its files and OAuth2 redirect page, and
/// ReDoc with its script.
pub const BUILT_IN_ROUTES: &str = "GET /openapi.json → openapi
GET /docs → swagger_ui_html
GET /docs/swagger-ui-bundle.js → swagger_ui_bundle
GET /docs/swagger-ui.css → swagger_ui_css
GET /docs/oauth2-redirect → swagger_ui_redirect
GET /docs/oauth2-redirect.js → swagger_ui_redirect_js
GET /redoc → redoc_html
GET /redoc/redoc.standalone.js → redoc_standalone
";

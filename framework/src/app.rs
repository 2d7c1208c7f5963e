//! The application: its routes, state and limits, and the request pipeline
//! that the server and the test client share.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use http::StatusCode;

use crate::body::Body;
use crate::dependencies::Yield;
use crate::dependencies::{Dependency, Overrides, SideEffect};
use crate::error::Error;
use crate::errors::HttpError;
use crate::errors::{ExceptionHandler, Handlers};
use crate::lifespan::{AppState, Lifespan, Running};
#[cfg(feature = "multipart")]
use crate::limits::MultipartLimits;
use crate::middleware::{HttpLayer, Layer, Link, Middleware, Next};
use crate::pending::Pending;
use crate::recycle::AnyValue;
use crate::request::{AppContext, Request};
use crate::response::Response;
use crate::routing::{HttpService, Mount, Prefix, Route, RouteTable, Router, Routes};
use crate::state::StateMap;

/// Limits and timings of a running app.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) body_limit: usize,
    #[cfg(feature = "multipart")]
    pub(crate) multipart: MultipartLimits,
    #[cfg(feature = "websockets")]
    pub(crate) websocket: crate::limits::WebSocketLimits,
    pub(crate) header_read_timeout: Duration,
    pub(crate) shutdown_grace: Duration,
    pub(crate) redirect_slashes: bool,
    /// `None`: derived from the descriptor limit when the server starts.
    pub(crate) max_connections: Option<usize>,
    pub(crate) max_header_size: usize,
    pub(crate) max_uri_length: usize,
    pub(crate) body_read_timeout: Duration,
    /// `None`: one multi-threaded runtime (the caller's) serves every connection.
    pub(crate) workers: Option<usize>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            body_limit: 2 * 1024 * 1024,
            #[cfg(feature = "multipart")]
            multipart: MultipartLimits::default(),
            #[cfg(feature = "websockets")]
            websocket: crate::limits::WebSocketLimits::default(),
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(30),
            redirect_slashes: true,
            max_connections: None,
            // uvicorn's limit (h11's), what FastAPI apps are served with.
            max_header_size: 16 * 1024,
            // nginx's: its request line buffer is 8 KiB.
            max_uri_length: 8 * 1024,
            body_read_timeout: Duration::from_secs(30),
            workers: None,
        }
    }
}

/// A brisk application: routes, state and settings, then [`serve`](App::serve).
///
/// ```no_run
/// use brisk::prelude::*;
///
/// #[get("/")]
/// async fn index() -> &'static str { "Hello, World!" }
///
/// #[tokio::main]
/// async fn main() -> Result<(), brisk::Error> {
///     App::new().routes(routes![index]).serve("127.0.0.1:8000").await
/// }
/// ```
#[derive(Default)]
pub struct App {
    routes: Vec<Route>,
    state: StateMap,
    config: Config,
    dependencies: Vec<SideEffect>,
    overrides: Overrides,
    middleware: Vec<Layer>,
    handlers: Handlers,
    lifespan: Option<Lifespan>,
    mounts: Vec<Mount>,
    /// What `build` will report: a router's or a mount's bad prefix.
    problems: Vec<Error>,
    openapi: crate::openapi::Settings,
}

impl App {
    /// An app with no routes and the default limits: 2 MiB bodies, 16 KiB
    /// request heads, 10 s to read request headers, connections up to three
    /// quarters of the descriptor limit, 30 s of grace at shutdown.
    pub fn new() -> Self {
        App::default()
    }

    /// Adds routes, usually from [`routes!`](crate::routes).
    pub fn routes(mut self, routes: impl IntoIterator<Item = Route>) -> Self {
        self.routes.extend(routes);
        self
    }

    /// Adds one route.
    pub fn route(mut self, route: Route) -> Self {
        self.routes.push(route);
        self
    }

    /// Adds every route of `router` (and of the routers nested in it), each
    /// under the routers' prefixes, with their tags, and behind their
    /// dependencies (FastAPI's `include_router`). A bad prefix is reported
    /// by [`build`](App::build).
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::Router;
    ///
    /// #[get("/{item_id}")]
    /// async fn read_item(item_id: u64) -> String { item_id.to_string() }
    ///
    /// let items = Router::new().prefix("/items").tags(["items"]).routes(routes![read_item]);
    /// let service = App::new().include(items).build().unwrap();
    /// assert_eq!(service.routes()[0].info().path, "/items/{item_id}");
    /// assert_eq!(service.routes()[0].info().tags, ["items"]);
    /// ```
    pub fn include(mut self, router: Router) -> Self {
        router.flatten(None, &mut self.routes, &mut self.problems);
        self
    }

    /// Hands every request under `prefix` (`/prefix` itself, `/prefix/`
    /// and everything below, any method) to `service`, with the prefix
    /// stripped from the path it sees (`/v2/items/5` arrives as
    /// `/items/5`) and added to its [`RootPath`](crate::routing::RootPath):
    /// Starlette's `Mount`.
    ///
    /// `service` is any tower `Service` over HTTP: another brisk app, built
    /// (`app.build()?`; its lifespan does not run, as in Starlette), an
    /// axum `Router`, a tower-http `ServeDir` (give it
    /// `redirect_path_prefix("/prefix")`, or its directory redirects lose
    /// the prefix). This app's middleware wraps it; its limits (body size,
    /// extractors) are the mounted service's own, not this app's. A mounted
    /// brisk app sees the client's address, and the access log has one line
    /// per request, from this app. The prefix follows the [`Router`] rules;
    /// a route at or under the prefix is a conflict `build` reports.
    ///
    /// ```
    /// use brisk::prelude::*;
    ///
    /// #[get("/items/{item_id}")]
    /// async fn read_item(item_id: u64, request: Request) -> String {
    ///     format!("{item_id} at {}", request.path())
    /// }
    ///
    /// let v2 = App::new().routes(routes![read_item]).build().unwrap();
    /// let app = App::new().mount("/v2", v2);
    /// # let _ = app;
    /// ```
    pub fn mount(mut self, prefix: impl Prefix, service: impl HttpService) -> Self {
        let prefix = prefix.text();
        match crate::routing::check_prefix(prefix) {
            Ok(()) if prefix.is_empty() => self.problems.push(Error::InvalidPrefix {
                prefix: String::new(),
                reason: "a mount needs a prefix: routes of this app answer the other paths".to_owned(),
            }),
            Ok(()) => self.mounts.push(Mount::new(prefix, service)),
            Err(reason) => self.problems.push(Error::InvalidPrefix { prefix: prefix.to_owned(), reason }),
        }
        self
    }

    /// Serves the files of a directory under `prefix`: Starlette's
    /// `StaticFiles` mount. `files` is a directory path or a
    /// [`StaticFiles`](crate::routing::StaticFiles) with options; see there
    /// for what is answered (304s, ranges, 404 for anything outside the
    /// directory).
    ///
    /// ```
    /// use brisk::prelude::*;
    ///
    /// let app = App::new().mount_static("/static", "static");
    /// # let _ = app;
    /// ```
    ///
    /// Needs the `fs` feature (on by default).
    #[cfg(feature = "fs")]
    pub fn mount_static(self, prefix: impl Prefix, files: impl Into<crate::routing::StaticFiles>) -> Self {
        let prefix = prefix.text();
        self.mount(prefix, files.into().service())
    }

    /// Without the `fs` feature: a call fails to compile, naming the feature.
    #[cfg(not(feature = "fs"))]
    #[doc(hidden)]
    pub fn mount_static<P, F: off::NeedsFs>(self, _prefix: P, _files: F) -> Self {
        self
    }

    /// Registers a state value that handlers reach with [`State<T>`](crate::State).
    /// Registering a second value of the same type replaces the first.
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Adds a middleware layer. The first added is the outermost: it sees
    /// the request first and the response last.
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::middleware::Next;
    ///
    /// #[middleware]
    /// async fn timing(request: Request, next: Next) -> Response {
    ///     let start = std::time::Instant::now();
    ///     let mut response = next.run(request).await;
    ///     let elapsed = format!("{:.3}", start.elapsed().as_secs_f64() * 1000.0);
    ///     if let Ok(value) = HeaderValue::from_str(&elapsed) {
    ///         response.headers_mut().insert("x-process-time", value);
    ///     }
    ///     response
    /// }
    ///
    /// let app = App::new().middleware(timing);
    /// # let _ = app;
    /// ```
    pub fn middleware<M: Middleware>(mut self, middleware: M) -> Self {
        self.middleware.push(Layer::new(middleware));
        self
    }

    /// Adds a tower layer (tower-http's `TraceLayer`, `TimeoutLayer`,
    /// `CompressionLayer`, `SetRequestIdLayer`, … unchanged) as one layer
    /// of the onion, in registration order with [`App::middleware`]: the
    /// first registered, of either kind, is the outermost.
    ///
    /// The layer wraps [`NextService`](crate::middleware::NextService), the
    /// rest of the stack; its service must be `Clone + Send + Sync` and
    /// answer `http::Response<B>` for any body `B` of [`Bytes`](bytes::Bytes).
    /// An error it returns becomes a 500 (logged once, like any unhandled
    /// error) that the layers outside it still see; to answer a layer's
    /// error otherwise (tower's `LoadShed`, `Timeout`), put the layer in a
    /// `ServiceBuilder` behind axum's `HandleErrorLayer` or tower's
    /// `MapErr`. The rest of the onion is not a tower service the layer
    /// can poll for readiness (its `poll_ready` is always ready), so layers
    /// that rely on `poll_ready` together (`LoadShed` over
    /// `ConcurrencyLimit`) go in one `ServiceBuilder`, in one `layer` call. A layer that
    /// transforms the response body (tower-http's `CompressionLayer`)
    /// reads brisk's body to its end before it has sent its own last
    /// bytes, so request-scoped teardowns may start slightly earlier than
    /// with brisk's `GZip`. Apps without tower layers pay nothing for them.
    ///
    /// ```
    /// use brisk::prelude::*;
    ///
    /// // Any tower::Layer works; this one adds a header to every response.
    /// #[derive(Clone)]
    /// struct PoweredBy<S>(S);
    ///
    /// impl<S, B> tower_service::Service<http::Request<B>> for PoweredBy<S>
    /// where
    ///     S: tower_service::Service<http::Request<B>, Response = Response>,
    ///     S::Future: Send + 'static,
    /// {
    ///     type Response = Response;
    ///     type Error = S::Error;
    ///     type Future = std::pin::Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;
    ///
    ///     fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
    ///         self.0.poll_ready(cx)
    ///     }
    ///
    ///     fn call(&mut self, request: http::Request<B>) -> Self::Future {
    ///         let response = self.0.call(request);
    ///         Box::pin(async move {
    ///             let mut response = response.await?;
    ///             response.headers_mut().insert("x-powered-by", HeaderValue::from_static("brisk"));
    ///             Ok(response)
    ///         })
    ///     }
    /// }
    ///
    /// let app = App::new().layer(tower_layer::layer_fn(PoweredBy));
    /// # let _ = app;
    /// ```
    pub fn layer<L: HttpLayer>(mut self, layer: L) -> Self {
        self.middleware.push(Layer::new(layer.into_middleware()));
        self
    }

    /// Runs `lifespan` around the app: its startup before the server binds
    /// (a failure stops everything), the `AppState` it yields as state, its
    /// shutdown after in-flight requests and background work have drained.
    /// Write it with `#[lifespan]`.
    pub fn lifespan<F, Fut, E>(mut self, lifespan: F) -> Self
    where
        F: FnOnce(Yield<AppState>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Debug + Send + 'static,
    {
        self.lifespan = Some(Lifespan::new(lifespan));
        self
    }

    /// Runs the lifespan's startup, if any, and adds its state to the app.
    pub(crate) async fn start(mut self) -> Result<(App, Option<Running>), Error> {
        let Some(lifespan) = self.lifespan.take() else { return Ok((self, None)) };
        let (state, running) = lifespan.start().await.map_err(Error::Startup)?;
        self.state.merge(state.values);
        Ok((self, Some(running)))
    }

    /// Answers errors of type `E` (from handlers, dependencies and
    /// middleware) with `handler`, inside the middleware stack, so every
    /// layer sees its response. Registering one for [`HttpError`] or
    /// [`RequestValidationError`](crate::RequestValidationError) replaces the default answer.
    pub fn exception_handler<E, H>(mut self, handler: H) -> Self
    where
        E: Send + 'static,
        H: for<'a> ExceptionHandler<'a, E>,
    {
        self.handlers.insert::<E, H>(handler);
        self
    }

    /// Answers error responses with this status (404 and 405 from routing,
    /// 500 for errors nobody handles, …) with `handler`, which receives the
    /// [`HttpError`] (one made from the status when the error was another type).
    pub fn status_handler<H>(mut self, status: StatusCode, handler: H) -> Self
    where
        H: for<'a> ExceptionHandler<'a, HttpError>,
    {
        self.handlers.insert_status(status, handler);
        self
    }

    /// Runs `D` before every route's own dependencies, for its side effects
    /// (FastAPI's `FastAPI(dependencies=[...])`); it shares the request's cache.
    ///
    /// ```
    /// use brisk::prelude::*;
    ///
    /// #[depends]
    /// async fn verify_token(#[header] x_token: String) -> Result<(), HttpError> {
    ///     if x_token == "secret" { Ok(()) } else { Err(HttpError::bad_request("X-Token header invalid")) }
    /// }
    ///
    /// let app = App::new().dependency::<verify_token>();
    /// # let _ = app;
    /// ```
    pub fn dependency<D: Dependency>(mut self) -> Self {
        self.dependencies.push(SideEffect::of::<D>());
        self
    }

    /// Replaces dependency `D` with `R` everywhere it is used, inside other
    /// dependencies too (FastAPI's `dependency_overrides`). The compiler
    /// checks that both provide the same type.
    ///
    /// ```
    /// use brisk::prelude::*;
    ///
    /// #[depends]
    /// async fn get_db() -> String { "production".to_owned() }
    /// #[depends]
    /// async fn fake_db() -> String { "test".to_owned() }
    ///
    /// let app = App::new().override_dependency::<get_db, fake_db>();
    /// # let _ = app;
    /// ```
    pub fn override_dependency<D: Dependency, R: Dependency<Output = D::Output>>(mut self) -> Self {
        self.overrides.insert::<D, R>();
        self
    }

    /// The largest request body accepted, in bytes; longer bodies get 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// The limits on `multipart/form-data` bodies (uploads and multipart
    /// forms): the whole body, each file, each text part, the number of
    /// parts, and when a file is spooled to disk. See [`MultipartLimits`]
    /// for the defaults; passing a limit answers 413.
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::MultipartLimits;
    ///
    /// let app = App::new().multipart_limits(MultipartLimits::default().max_file_size(10 * 1024 * 1024));
    /// # let _ = app;
    /// ```
    ///
    /// Needs the `multipart` feature (on by default).
    #[cfg(feature = "multipart")]
    pub fn multipart_limits(mut self, limits: MultipartLimits) -> Self {
        self.config.multipart = limits;
        self
    }

    /// Without the `multipart` feature: a call fails to compile, naming the feature.
    #[cfg(not(feature = "multipart"))]
    #[doc(hidden)]
    pub fn multipart_limits<L: off::NeedsMultipart>(self, _limits: L) -> Self {
        self
    }

    /// The limits on WebSocket connections: message and frame sizes, and
    /// the idle timeout (see [`WebSocketLimits`](crate::WebSocketLimits)).
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::WebSocketLimits;
    ///
    /// let app = App::new().websocket_limits(WebSocketLimits::default().max_message_size(64 * 1024));
    /// # let _ = app;
    /// ```
    ///
    /// Needs the `websockets` feature (on by default).
    #[cfg(feature = "websockets")]
    pub fn websocket_limits(mut self, limits: crate::limits::WebSocketLimits) -> Self {
        self.config.websocket = limits;
        self
    }

    /// Without the `websockets` feature: a call fails to compile, naming the feature.
    #[cfg(not(feature = "websockets"))]
    #[doc(hidden)]
    pub fn websocket_limits<L: off::NeedsWebSockets>(self, _limits: L) -> Self {
        self
    }

    /// How long a client may take to send its request headers before the
    /// connection is closed (default 10 s): for the first request, and on a
    /// kept-alive HTTP/1.1 connection for each next one, so a client that
    /// trickles header lines (slowloris) holds a connection this long at most.
    ///
    /// It is also the keep-alive idle timeout: an HTTP/1.1 connection waiting
    /// for its next request, or an HTTP/2 connection with no request in
    /// flight, is closed once this long passes (HTTP/2 with a GOAWAY, and
    /// dropped one timeout later if the client does not close it). hyper
    /// times both waits with one timer, so the two cannot differ.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let app = brisk::App::new().header_read_timeout(Duration::from_secs(5));
    /// # let _ = app;
    /// ```
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.header_read_timeout = timeout;
        self
    }

    /// The most connections the server holds open at once, WebSockets
    /// included (each holds its place until its socket closes). At the
    /// limit it stops accepting: new clients wait in the kernel's listen
    /// backlog, and the connections already open keep being served.
    ///
    /// A client that arrives at the limit is let in by making room, as
    /// nginx reclaims idle keep-alive connections. The server closes the
    /// oldest connection that has not sent a whole request head within
    /// 200 ms of being accepted (a slow or silent client); without one, it
    /// asks the oldest one that has had no new request for a whole check
    /// interval (checks run every 250 ms while at the limit) to close after
    /// its current response (an idle HTTP/1 connection closes at once;
    /// HTTP/2 gets a GOAWAY), and 50 ms later the next one, should the
    /// first be busy with a long response. A connection that keeps sending requests, or a WebSocket, is
    /// not closed for it; without a connection to close, clients wait
    /// until one closes.
    ///
    /// The default is three quarters of the process's file-descriptor limit
    /// (which `serve` first raises to its hard limit), leaving the rest for
    /// files, database sockets and the like: 49,152 at a limit of 65,536,
    /// 768 at 1,024.
    ///
    /// ```
    /// let app = brisk::App::new().max_connections(10_000);
    /// # let _ = app;
    /// ```
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.config.max_connections = Some(connections.max(1));
        self
    }

    /// How long a client may send nothing while its request body is read
    /// (default 30 s): a stalled upload is answered `408 Request Timeout`
    /// and the connection closed. The clock restarts with every piece that
    /// arrives, so a slow but steady upload is not cut off. It applies to
    /// the bodies brisk reads (`#[body]`, `#[form]`, `#[file]`, `Multipart`,
    /// [`Request::bytes`](crate::Request::bytes)).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let app = brisk::App::new().body_read_timeout(Duration::from_secs(10));
    /// # let _ = app;
    /// ```
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.body_read_timeout = timeout;
        self
    }

    /// The largest request head (request line and headers, in bytes) the
    /// server reads; a larger one is answered `431 Request Header Fields Too
    /// Large` and its connection closed. Default 16 KiB, as uvicorn; at least
    /// 8 KiB (smaller values are raised to it). HTTP/1.1 also refuses more
    /// than 100 header lines with a 431; for HTTP/2 this is the largest
    /// header list a client may send.
    ///
    /// ```
    /// let app = brisk::App::new().max_header_size(64 * 1024);
    /// # let _ = app;
    /// ```
    pub fn max_header_size(mut self, bytes: usize) -> Self {
        self.config.max_header_size = bytes.max(8 * 1024);
        self
    }

    /// The longest request target (path and query, in bytes, as the client
    /// sent them: still percent-encoded) the server serves over HTTP/1; a
    /// longer one is answered `414 URI Too Long`, `{"detail":"URI Too
    /// Long"}`, and its connection closed. Default 8 KiB, as nginx. The
    /// request line is part of the head, so a target that does not fit in
    /// [`max_header_size`](App::max_header_size) gets that limit's 431
    /// instead. (Over HTTP/2 the path is bounded by the header list size.)
    ///
    /// The same check answers `400 Bad Request` to an HTTP/1.1 request
    /// with no `Host` header or more than one (RFC 9112, section 3.2).
    ///
    /// ```
    /// let app = brisk::App::new().max_uri_length(2 * 1024);
    /// # let _ = app;
    /// ```
    pub fn max_uri_length(mut self, bytes: usize) -> Self {
        self.config.max_uri_length = bytes;
        self
    }

    /// Serves with `workers` threads, each running its own single-threaded
    /// tokio runtime and accepting on its own listening socket
    /// (`SO_REUSEPORT`: the kernel spreads new connections over them), the
    /// model of actix-web and ntex. A connection stays on the thread that
    /// accepted it, with its requests, its background tasks and its
    /// WebSocket; plain `fn` handlers run on that runtime's blocking pool.
    /// Without this, [`serve`](App::serve) runs every connection on the
    /// caller's runtime (tokio's multi-threaded one under `#[tokio::main]`).
    ///
    /// - **Prefer workers** for many short requests on a machine given to
    ///   the service: no work moves between threads, so each request costs
    ///   less CPU. One worker per core is the usual choice
    ///   (`std::thread::available_parallelism()`).
    /// - **Prefer the default** when requests differ a lot in cost (a slow
    ///   request delays the others on its worker; tokio's scheduler moves
    ///   work to idle threads instead), or the app shares the process with
    ///   other work.
    ///
    /// The lifespan runs once, on the caller's runtime, and its state is
    /// shared by every worker; so are the connections it opens (a pool's
    /// sockets stay driven by the runtime that opened them, which is kept
    /// running). The connection cap ([`max_connections`](App::max_connections))
    /// is split evenly among the workers. On a shutdown signal every worker
    /// stops accepting and drains within the grace period, then the
    /// lifespan's shutdown runs. `workers(0)` is taken as 1.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), brisk::Error> {
    /// let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    /// brisk::App::new().workers(cores).serve("127.0.0.1:8000").await
    /// # }
    /// ```
    pub fn workers(mut self, workers: usize) -> Self {
        self.config.workers = Some(workers.max(1));
        self
    }

    /// How long in-flight requests may run after a shutdown signal.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.config.shutdown_grace = grace;
        self
    }

    /// Whether a request whose path misses a route only by its trailing
    /// slash is redirected to the path that has one (default `true`, as in
    /// FastAPI).
    ///
    /// With routes at `/items` and `/tags/`, `GET /items/?page=2` answers
    /// `307 Temporary Redirect` with `Location: /items?page=2`, and
    /// `GET /tags` answers 307 to `/tags/`. The location is relative: built
    /// from the request's `Host`, it would send clients of a proxy that
    /// terminates TLS to `http://`. A path where neither form has a route
    /// stays a 404; so does one that would redirect to `//…` (another host,
    /// to a browser). Only misses pay for the check.
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::testing::TestClient;
    ///
    /// #[get("/items")]
    /// async fn items() -> &'static str { "items" }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let client = TestClient::new(App::new().routes(routes![items]));
    /// let response = client.get("/items/?page=2").send().await;
    /// assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    /// assert_eq!(response.header("location"), Some("/items?page=2"));
    ///
    /// let strict = TestClient::new(App::new().routes(routes![items]).redirect_slashes(false));
    /// assert_eq!(strict.get("/items/").send().await.status(), StatusCode::NOT_FOUND);
    /// # }
    /// ```
    pub fn redirect_slashes(mut self, redirect: bool) -> Self {
        self.config.redirect_slashes = redirect;
        self
    }

    /// The title in the OpenAPI document's `info` (default `FastAPI`, as in FastAPI).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.openapi.title = title.into();
        self
    }

    /// The version in the OpenAPI document's `info` (default `0.1.0`).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.openapi.version = version.into();
        self
    }

    /// The description in the OpenAPI document's `info`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.openapi.description = Some(description.into());
        self
    }

    /// Adds a server to the OpenAPI document's `servers`: where the API is
    /// reached (`https://api.example.com`, or a path such as `/v1` behind a
    /// proxy), with an optional description. Swagger UI sends its requests
    /// there. Without any, the document has no `servers` and clients use
    /// the document's own origin.
    ///
    /// ```
    /// use brisk::App;
    ///
    /// let document = App::new()
    ///     .server("https://api.example.com", Some("Production"))
    ///     .server("http://127.0.0.1:8000", None)
    ///     .openapi();
    /// assert_eq!(document["servers"][0]["url"], "https://api.example.com");
    /// assert_eq!(document["servers"][0]["description"], "Production");
    /// assert_eq!(document["servers"][1].get("description"), None);
    /// ```
    pub fn server(mut self, url: impl Into<String>, description: Option<&str>) -> Self {
        self.openapi.servers.push((url.into(), description.map(str::to_owned)));
        self
    }

    /// Where the OpenAPI document is served (default `/openapi.json`);
    /// `None` serves none, nor the pages that show it
    /// ([`docs_url`](Self::docs_url), [`redoc_url`](Self::redoc_url)).
    /// The document is made once, when the app is built: serving it costs
    /// other routes nothing.
    pub fn openapi_url(mut self, url: Option<&str>) -> Self {
        self.openapi.url = url.map(str::to_owned);
        self
    }

    /// Where Swagger UI, the interactive documentation, is served
    /// (default `/docs`, as in FastAPI); `None` serves none. The page
    /// loads the [`openapi_url`](Self::openapi_url) document, and its
    /// script and styles from routes of its own under this URL
    /// (`/docs/swagger-ui-bundle.js`, `/docs/swagger-ui.css`), with the
    /// OAuth2 redirect page at `/docs/oauth2-redirect`: the files ship
    /// inside brisk, so neither building nor serving the page needs the
    /// network. Its title is the app's [`title`](Self::title) followed by
    /// ` - Swagger UI`. Like the document, the page is made when the app
    /// is built and left out of the document.
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::testing::TestClient;
    ///
    /// #[get("/items/{item_id}")]
    /// async fn read_item(item_id: i64) -> String { item_id.to_string() }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let client = TestClient::new(App::new().title("Shop").routes(routes![read_item]));
    /// let page = client.get("/docs").send().await;
    /// assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    /// assert!(page.text().contains("<title>Shop - Swagger UI</title>"));
    /// assert!(page.text().contains(r#"url: "/openapi.json""#));
    ///
    /// let moved = TestClient::new(App::new().routes(routes![read_item]).docs_url(Some("/api/docs")));
    /// assert_eq!(moved.get("/api/docs").send().await.status(), StatusCode::OK);
    /// assert_eq!(moved.get("/api/docs/swagger-ui.css").send().await.status(), StatusCode::OK);
    ///
    /// let off = TestClient::new(App::new().routes(routes![read_item]).docs_url(None));
    /// assert_eq!(off.get("/docs").send().await.status(), StatusCode::NOT_FOUND);
    /// # }
    /// ```
    pub fn docs_url(mut self, url: Option<&str>) -> Self {
        self.openapi.docs_url = url.map(str::to_owned);
        self
    }

    /// Where ReDoc, the reference documentation, is served (default
    /// `/redoc`, as in FastAPI); `None` serves none. Like
    /// [`docs_url`](Self::docs_url)'s page, it shows the
    /// [`openapi_url`](Self::openapi_url) document, loads its script from
    /// brisk itself (`/redoc/redoc.standalone.js`), and is titled after
    /// the app (` - ReDoc`).
    ///
    /// ```
    /// use brisk::prelude::*;
    /// use brisk::testing::TestClient;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let client = TestClient::new(App::new().title("Shop").openapi_url(Some("/api/openapi.json")));
    /// let page = client.get("/redoc").send().await;
    /// assert!(page.text().contains("<title>Shop - ReDoc</title>"));
    /// assert!(page.text().contains(r#"spec-url="/api/openapi.json""#));
    ///
    /// let off = TestClient::new(App::new().redoc_url(None));
    /// assert_eq!(off.get("/redoc").send().await.status(), StatusCode::NOT_FOUND);
    /// # }
    /// ```
    pub fn redoc_url(mut self, url: Option<&str>) -> Self {
        self.openapi.redoc_url = url.map(str::to_owned);
        self
    }

    /// The app's OpenAPI 3.1 document, as served at
    /// [`openapi_url`](Self::openapi_url): every route's path and method,
    /// summary (the handler's name, title-cased, or `summary = "…"`),
    /// description (its doc comment, or `description = "…"`), FastAPI's
    /// operationId (or `operation_id = "…"`), tags, `deprecated`, the path,
    /// query, header and cookie parameters of the route and of every
    /// dependency in its tree (each once), and its responses. Routes with
    /// `include_in_schema = false` are left out.
    ///
    /// ```
    /// use brisk::prelude::*;
    ///
    /// /// Reads one item.
    /// #[get("/items/{item_id}")]
    /// async fn read_item(item_id: i64, q: Option<String>) -> String {
    ///     format!("{item_id} {q:?}")
    /// }
    ///
    /// let document = App::new().title("Shop").routes(routes![read_item]).openapi();
    /// let operation = &document["paths"]["/items/{item_id}"]["get"];
    /// assert_eq!(operation["operationId"], "read_item_items__item_id__get");
    /// assert_eq!(operation["summary"], "Read Item");
    /// assert_eq!(operation["description"], "Reads one item.");
    /// assert_eq!(operation["parameters"][1]["name"], "q");
    /// ```
    pub fn openapi(&self) -> serde_json::Value {
        crate::openapi::document(&self.openapi, &self.routes, &self.dependencies)
    }

    /// Checks the routes and freezes the app into a [`Service`].
    pub fn build(mut self) -> Result<Service, Error> {
        if !self.problems.is_empty() {
            return Err(self.problems.swap_remove(0));
        }
        if let Some(url) = self.openapi.url.clone() {
            crate::openapi::check_settings(&self.openapi)?;
            let document = self.openapi();
            crate::openapi::check_operation_ids(&document)?;
            let bytes = serde_json::to_vec(&document).unwrap_or_default().into();
            let path: &'static str = Box::leak(url.into_boxed_str());
            self.routes.push(Route::new(crate::openapi::OpenApiJson { bytes, document }).at(path));
            self.routes.extend(crate::openapi::docs_routes(&self.openapi));
        }
        for route in &self.routes {
            check_body_readers(route, &self.dependencies)?;
            // Without a lifespan the state is all here; with one that has
            // not run (a bare `build()`), part of it is still to come.
            if self.lifespan.is_none() {
                check_states(route, &self.dependencies, &self.state, !self.overrides.is_empty())?;
            }
        }
        let mut table = RouteTable::new(self.routes, &self.mounts)?;
        let context = AppContext {
            state: self.state,
            body_limit: self.config.body_limit,
            body_read_timeout: self.config.body_read_timeout,
            #[cfg(feature = "multipart")]
            multipart: self.config.multipart.clone().resolved(),
            #[cfg(feature = "websockets")]
            websocket: self.config.websocket,
            param_names: table.take_param_names(),
            pending: Pending::default(),
            has_handlers: !self.handlers.is_empty(),
            overrides: (!self.overrides.is_empty())
                .then(|| Box::new(self.overrides) as Box<dyn std::any::Any + Send + Sync>),
            layers: AnyValue::new(Routes {
                table,
                dependencies: self.dependencies,
                handlers: self.handlers,
                redirect_slashes: self.config.redirect_slashes,
            }),
        };
        let middleware = Link::chain(self.middleware);
        Ok(Service { shared: Arc::new(context), middleware, config: self.config })
    }
}

/// A built app, ready to answer requests; cheap to clone.
///
/// [`App::serve`] runs one on a socket and [`TestClient`](crate::testing::TestClient)
/// drives one in-process; [`Service::call`] lets you embed it anywhere else.
#[derive(Clone)]
pub struct Service {
    /// What every request reaches: the request-level parts (state,
    /// limits), and routing's (routes, exception handlers).
    pub(crate) shared: Arc<AppContext>,
    /// The middleware stack, outermost first.
    pub(crate) middleware: Option<&'static Link>,
    pub(crate) config: Config,
}

impl Service {
    /// Answers one request from `client`.
    ///
    /// The returned future owns what it needs, so it can be spawned or
    /// stored without borrowing the service.
    pub fn call(
        &self,
        request: http::Request<Body>,
        client: Option<SocketAddr>,
    ) -> impl std::future::Future<Output = Response> + Send + use<> {
        self.answer(request, client, |_| None, std::convert::identity)
    }

    /// [`Service::call`], with `finish` applied to the response as it
    /// leaves: the server wraps it in the `Result` hyper wants in the same
    /// step, rather than in one more layer that moves it again. Where the
    /// server's `refuse` rejects the head (the app must not see it), the
    /// response it makes is sent instead of running the app, logged like
    /// any other. (Asked here, of the request in its box: asked of the
    /// `http::Request` on the stack, it cost every request a copy of it.)
    pub(crate) fn answer<T, F, R>(
        &self,
        request: http::Request<Body>,
        client: Option<SocketAddr>,
        refuse: R,
        finish: F,
    ) -> impl std::future::Future<Output = T> + Send + use<T, F, R>
    where
        F: FnOnce(Response) -> T + Send,
        R: FnOnce(&Request) -> Option<fn() -> Response>,
    {
        // A request a brisk mount forwarded was logged by the app it reached first.
        let access = (tracing::enabled!(target: "brisk::access", tracing::Level::INFO)
            && request.extensions().get::<crate::routing::Forwarded>().is_none())
        .then(|| Box::new(AccessLog::start(&request, client)));
        // Combinators rather than an async block: the response is handed
        // straight through instead of being stored and moved once more.
        let request = Request::new(request, client, self.shared.clone());
        let response = if let Some(make) = refuse(&request) {
            Answer::Refused { make }
        } else if self.middleware.is_none() {
            Answer::Route { future: crate::routing::dispatch(request) }
        } else {
            Answer::Stack { future: Next::start(self.middleware).run(request) }
        };
        response.map(move |mut response| {
            // Without exception handlers, an error nobody handled is logged
            // here, once, whichever layer returned it.
            crate::errors::discard_pending(&mut response);
            if let Some(access) = access {
                access.finish(&response);
            }
            finish(response)
        })
    }

    fn routing(&self) -> &Routes {
        Routes::of_app(&self.shared)
    }

    /// Every registered route, in registration order; then the routes
    /// the app adds, unless turned off: the OpenAPI document's
    /// ([`App::openapi_url`]), Swagger UI's page and files
    /// ([`App::docs_url`]), and ReDoc's ([`App::redoc_url`]).
    pub fn routes(&self) -> &[Route] {
        self.routing().table.routes()
    }

    /// The app's routes, each with its dependency tree, as text.
    ///
    /// ```
    /// use brisk::prelude::*;
    ///
    /// #[depends]
    /// async fn get_db() -> u32 { 1 }
    /// #[get("/n")]
    /// async fn n(#[depends(get_db)] db: u32) -> String { db.to_string() }
    ///
    /// let service = App::new().routes(routes![n]).build().unwrap();
    /// assert_eq!(
    ///     service.describe(),
    ///     "GET /n → n
    ///     └─ get_db
    /// GET /openapi.json → openapi
    /// GET /docs → swagger_ui_html
    /// GET /docs/swagger-ui-bundle.js → swagger_ui_bundle
    /// GET /docs/swagger-ui.css → swagger_ui_css
    /// GET /docs/oauth2-redirect → swagger_ui_redirect
    /// GET /docs/oauth2-redirect.js → swagger_ui_redirect_js
    /// GET /redoc → redoc_html
    /// GET /redoc/redoc.standalone.js → redoc_standalone
    /// "
    /// );
    /// ```
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if self.middleware.is_some() {
            let names = Link::names(self.middleware);
            out.push_str(&format!("middleware, outermost first: {}\n", names.join(" → ")));
        }
        let handled: Vec<&str> = self.routing().handlers.names().collect();
        if !handled.is_empty() {
            out.push_str(&format!("exception handlers for: {}\n", handled.join(", ")));
        }
        if !self.routing().dependencies.is_empty() {
            out.push_str("every route\n");
            for dependency in &self.routing().dependencies {
                dependency.info.write_tree(&mut out, 1);
            }
        }
        // Routers are shown as headers above their routes, nested by
        // indentation; `open` is the chain of routers shown last.
        let mut open: Vec<&Arc<crate::routing::Group>> = Vec::new();
        for route in self.routes() {
            let mut chain = Vec::new();
            let mut group = route.group();
            while let Some(inner) = group {
                chain.push(inner);
                group = inner.parent.as_ref();
            }
            chain.reverse();
            let kept = open.iter().zip(&chain).take_while(|(a, b)| Arc::ptr_eq(a, b)).count();
            for group in &chain[kept..] {
                out.push_str(&"    ".repeat(group.depth));
                out.push_str(&match (group.prefix.as_str(), group.own_prefix) {
                    ("", _) => "router (no prefix)".to_owned(),
                    (prefix, "") => format!("router {prefix} (no prefix of its own)"),
                    (prefix, _) => format!("router {prefix}"),
                });
                if !group.own_tags().is_empty() {
                    out.push_str(&format!(" (tags: {})", group.own_tags().join(", ")));
                }
                out.push('\n');
                for dependency in group.own_dependencies() {
                    dependency.write_tree(&mut out, group.depth + 1);
                }
            }
            open = chain;
            let info = route.info();
            out.push_str(&"    ".repeat(open.len()));
            out.push_str(&format!("{} {} → {}\n", info.method, info.path, info.name));
            for dependency in info.dependencies {
                dependency.write_tree(&mut out, open.len() + 1);
            }
        }
        for (prefix, name) in self.routing().table.mounts() {
            out.push_str(&format!("mount {prefix} → {name}\n"));
        }
        out
    }

    /// The routes → dependencies graph in Graphviz DOT.
    pub fn dependency_graph_dot(&self) -> String {
        let mut out = String::from("digraph brisk {\n    rankdir=LR;\n");
        for (from, to) in self.edges() {
            out.push_str(&format!("    \"{from}\" -> \"{to}\";\n"));
        }
        out.push_str("}\n");
        out
    }

    /// The routes → dependencies graph as a Mermaid flowchart.
    pub fn dependency_graph_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        let id = |name: &str| name.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        for (from, to) in self.edges() {
            out.push_str(&format!("    {}[\"{from}\"] --> {}[\"{to}\"]\n", id(&from), id(&to)));
        }
        out
    }

    /// Every edge once, in a stable order: route labels to their
    /// dependencies, then dependencies to theirs.
    fn edges(&self) -> Vec<(String, String)> {
        let mut edges: Vec<(String, String)> = Vec::new();
        let mut add = |from: String, to: String| {
            if !edges.contains(&(from.clone(), to.clone())) {
                edges.push((from, to));
            }
        };
        for route in self.routes() {
            let info = route.info();
            let label = format!("{} {}", info.method, info.path);
            let app_level = self.routing().dependencies.iter().map(|d| d.info);
            let router_level = route.group().into_iter().flat_map(|group| group.dependencies());
            for dependency in app_level.chain(router_level).chain(info.dependencies.iter().copied()) {
                add(label.clone(), dependency.name.to_owned());
                dependency.edges(&mut |from, to| add(from.to_owned(), to.to_owned()));
            }
        }
        edges
    }
}

pin_project_lite::pin_project! {
    /// Where a request's response comes from: routing straight away (no
    /// middleware), the middleware stack, or the server's refusal. One enum
    /// with one tag, not two nested `Either`s: the extra tag took the
    /// future past the 128 bytes that are moved without a `memcpy` call.
    #[project = AnswerProjection]
    enum Answer<R, S> {
        Route { #[pin] future: R },
        Stack { #[pin] future: S },
        // The response is made when polled: held here, its 128 bytes
        // would be the largest variant.
        Refused { make: fn() -> Response },
    }
}

impl<R, S> std::future::Future for Answer<R, S>
where
    R: std::future::Future<Output = Response>,
    S: std::future::Future<Output = Response>,
{
    type Output = Response;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Response> {
        match self.project() {
            AnswerProjection::Route { future } => future.poll(cx),
            AnswerProjection::Stack { future } => future.poll(cx),
            AnswerProjection::Refused { make } => std::task::Poll::Ready(make()),
        }
    }
}

/// A built app is a tower `Service` for any request body of [`Bytes`](bytes::Bytes),
/// so another server can serve it or another framework can nest it (an axum
/// `Router::nest_service`, a hyper `service_fn`). It never fails: every
/// error has become a response. The client's address is unknown this way
/// (`Request::client_addr` is `None`), except when it is mounted in another
/// brisk app, which passes it on.
///
/// ```
/// use brisk::prelude::*;
///
/// #[get("/ping")]
/// async fn ping() -> &'static str { "pong" }
///
/// fn assert_tower_service<S: tower_service::Service<http::Request<brisk::Body>>>(_: &S) {}
/// let service = App::new().routes(routes![ping]).build().unwrap();
/// assert_tower_service(&service);
/// ```
impl<B> tower_service::Service<http::Request<B>> for Service
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<crate::body::BoxError>,
{
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let request = request.map(Body::from_http_body);
        // Mounted in another brisk app, the client's address comes along.
        let client =
            request.extensions().get::<crate::routing::Forwarded>().and_then(|forwarded| forwarded.client);
        Box::pin(Service::call(self, request, client).map(Ok))
    }
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service").field("routes", &self.routes()).finish_non_exhaustive()
    }
}

/// What the access log line says of a request, taken before the request
/// is handed on (boxed by the caller: most requests are not logged, and
/// their futures should not carry it).
struct AccessLog {
    start: Instant,
    client: Option<SocketAddr>,
    method: http::Method,
    path: String,
}

impl AccessLog {
    fn start(request: &http::Request<Body>, client: Option<SocketAddr>) -> Self {
        AccessLog {
            start: Instant::now(),
            client,
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
        }
    }

    fn finish(&self, response: &Response) {
        tracing::info!(
            target: "brisk::access",
            client = %self.client.map_or_else(|| "-".to_owned(), |c| c.to_string()),
            method = %self.method,
            path = self.path,
            status = response.status().as_u16(),
            duration_us = self.start.elapsed().as_micros() as u64,
        );
    }
}

/// Every move of a request's future copies it whole (into hyper's slot for
/// the connection's in-flight request, into each boxed layer), so its size
/// is a cost paid per request. These ceilings catch a change that makes it
/// grow again, such as a large value held across an `.await`.
/// Refuses a route whose handler and dependencies (its own, its routers',
/// the app's) read the one request body in two ways: no request could
/// ever satisfy both, and each would be told its body was wrong.
/// The roots of every dependency tree that runs for `route`: the app's,
/// its routers' (outermost first), then its own.
fn dependency_trees<'a>(
    route: &'a Route,
    app_dependencies: &'a [SideEffect],
) -> impl Iterator<Item = &'static crate::dependencies::DependencyInfo> + 'a {
    let groups = route.group().into_iter().flat_map(|group| group.dependencies());
    app_dependencies
        .iter()
        .map(|dependency| dependency.info)
        .chain(groups)
        .chain(route.info().dependencies.iter().copied())
}

fn check_body_readers(route: &Route, app_dependencies: &[SideEffect]) -> Result<(), Error> {
    let info = route.info();
    let mut readers = vec![(info.name, info.body)];
    for dependency in dependency_trees(route, app_dependencies) {
        dependency.body_readers(&mut readers);
    }
    readers.retain(|(_, reader)| *reader != crate::extract::BodyReader::None);
    readers.dedup();
    for (index, first) in readers.iter().enumerate() {
        for second in &readers[index + 1..] {
            // The same function reached twice reads once (the cache).
            let same = first.0 == second.0;
            if let Some(reason) =
                (!same).then(|| crate::extract::BodyReader::conflict(*first, *second)).flatten()
            {
                return Err(Error::InvalidRoute {
                    path: info.path.to_owned(),
                    handler: info.name.to_owned(),
                    reason,
                });
            }
        }
    }
    Ok(())
}

/// Every `State<T>` the route's handler and dependency tree take is in
/// `state`. With overrides (tests, mostly), only the handler's own
/// parameters are checked: an overridden dependency never runs.
fn check_states(
    route: &Route,
    app_dependencies: &[SideEffect],
    state: &crate::state::StateMap,
    overridden: bool,
) -> Result<(), Error> {
    let info = route.info();
    let missing = |needed_by: &str, needs: &[crate::state::StateNeed]| {
        let absent = needs.iter().filter_map(|need| need()).find(|(id, _)| !state.contains(*id));
        match absent {
            Some((_, name)) => Err(Error::MissingState {
                state: name.to_owned(),
                needed_by: needed_by.to_owned(),
                route: format!("{} {}", info.method, info.path),
            }),
            None => Ok(()),
        }
    };
    missing(info.name, info.states)?;
    if overridden {
        return Ok(());
    }
    let mut pending: Vec<&'static crate::dependencies::DependencyInfo> =
        dependency_trees(route, app_dependencies).collect();
    while let Some(dependency) = pending.pop() {
        missing(dependency.name, dependency.states)?;
        pending.extend(dependency.dependencies.iter().copied());
    }
    Ok(())
}

#[cfg(test)]
mod future_sizes {
    use std::mem::size_of_val;

    use crate::middleware::Next;
    use crate::request::Request;

    fn request(service: &super::Service) -> Request {
        Request::new(http::Request::new(crate::body::Body::empty()), None, service.shared.clone())
    }

    #[test]
    fn the_request_and_its_futures_stay_small() {
        let service = super::App::new()
            .middleware(|request: Request, next: Next| async move { next.run(request).await })
            .build()
            .expect("an app");
        assert_eq!(std::mem::size_of::<Request>(), 8);
        // Moved through every layer: at 128 bytes or less it is copied
        // inline rather than by a call to `memcpy`.
        assert!(std::mem::size_of::<crate::response::Response>() <= 128);
        assert_eq!(std::mem::size_of::<crate::body::Body>(), 8);
        // What hyper moves for each request: kept to what is moved inline.
        let call = service.call(http::Request::new(crate::body::Body::empty()), None);
        assert!(size_of_val(&call) <= 128, "Service::call: {} bytes", size_of_val(&call));
        let dispatch = crate::routing::dispatch(request(&service));
        assert!(size_of_val(&dispatch) <= 192, "dispatch: {} bytes", size_of_val(&dispatch));
        let next = Next::start(service.middleware).run(request(&service));
        assert!(size_of_val(&next) <= 256, "Next::run: {} bytes", size_of_val(&next));
    }

    /// Every generated handler's future ends in `Teardowns::finish`, which
    /// may not add much to it.
    #[test]
    fn the_teardown_wrapper_stays_small() {
        let finish = crate::dependencies::Teardowns::default().finish("ok", None);
        assert!(size_of_val(&finish) <= 256, "Teardowns::finish: {} bytes", size_of_val(&finish));
    }
}

/// Stand-ins for the methods of an optional part that is turned off. A
/// missing method would be reported as "no method named …", which says
/// nothing of the feature; these take an argument no type satisfies, and
/// the failed bound's message names it.
pub(crate) mod off {
    /// A trait no type implements, whose unmet bound reads `$message`.
    // rustfmt re-indents attributes inside a macro body on every run.
    #[rustfmt::skip]
    macro_rules! needs {
        ($feature:literal, $name:ident, $message:literal, $note:literal) => {
            #[cfg(not(feature = $feature))]
            #[diagnostic::on_unimplemented(
                message = $message,
                label = "this app is built without that feature",
                note = $note
            )]
            pub trait $name {}
        };
    }

    needs!(
        "fs",
        NeedsFs,
        "`App::mount_static` needs brisk's `fs` feature",
        "add \"fs\" to brisk's `features` in Cargo.toml (it is on by default)"
    );
    needs!(
        "multipart",
        NeedsMultipart,
        "`App::multipart_limits` needs brisk's `multipart` feature",
        "add \"multipart\" to brisk's `features` in Cargo.toml (it is on by default)"
    );
    needs!(
        "websockets",
        NeedsWebSockets,
        "WebSockets need brisk's `websockets` feature",
        "add \"websockets\" to brisk's `features` in Cargo.toml (it is on by default)"
    );
}

//! Mounts: every request under a path prefix handed to another service (a
//! built brisk app, or any tower `Service`), with the prefix stripped from
//! the path it sees, as Starlette's `Mount` does.

use std::future::poll_fn;

use bytes::Bytes;
use tower_service::Service;

use super::handler::ErasedEndpoint;
use crate::body::{Body, BoxError};
use crate::panic::Caught;
use crate::recycle::RecycledFuture;
use crate::request::Request;
use crate::response::Response;

/// The path prefixes a request was mounted under, outermost first: what
/// Starlette calls `root_path`. A mounted app finds it in its requests'
/// extensions, to build URLs that point back through the mount.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::routing::RootPath;
///
/// #[get("/where")]
/// async fn where_am_i(request: Request) -> String {
///     let root = request.extensions().get::<RootPath>().map_or("", RootPath::as_str);
///     format!("{root}{}", request.path())
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RootPath(String);

impl RootPath {
    /// The prefixes, joined (`/api/v2`); empty outside any mount.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tower `Service` over HTTP, as brisk mounts and layers take it: it
/// takes `http::Request<brisk::Body>`, answers `http::Response<B>` for a
/// body `B` of [`Bytes`], and can be cloned and shared across threads.
/// Implemented for every such service; the bounds live here once.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tower service over HTTP",
    note = "brisk takes a `tower::Service<http::Request<brisk::Body>>` that answers `http::Response<B>` with `B: http_body::Body<Data = Bytes> + Send`, and is `Clone + Send + Sync + 'static` (a built brisk app, an axum `Router`, tower-http's `ServeDir`, `tower::service_fn(...)`)",
    note = "a brisk `App` is mounted built: `.mount(\"/v2\", v2.build()?)`"
)]
pub trait HttpService:
    Service<
        http::Request<Body>,
        Response = http::Response<Self::ResponseBody>,
        Future: Send,
        Error: Into<BoxError>,
    > + Clone
    + Send
    + Sync
    + 'static
{
    /// The body of its responses.
    type ResponseBody: http_body::Body<Data = Bytes, Error: Into<BoxError>> + Send + 'static;
}

impl<S, B> HttpService for S
where
    S: Service<http::Request<Body>, Response = http::Response<B>> + Clone + Send + Sync + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type ResponseBody = B;
}

/// Marks a request that a brisk mount passed on: a mounted brisk app takes
/// the client's address from it, and leaves the access log to the app
/// that received the request (one line per request, with the full path).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Forwarded {
    pub(crate) client: Option<std::net::SocketAddr>,
}

/// One mounted service, as the route table holds it.
pub(crate) struct Mount {
    pub(crate) prefix: &'static str,
    pub(crate) name: &'static str,
    pub(crate) endpoint: &'static dyn ErasedEndpoint,
}

impl Mount {
    pub(crate) fn new<S: HttpService>(prefix: &'static str, service: S) -> Self {
        let name = std::any::type_name::<S>();
        // Registered once per app, like routes.
        let endpoint = Box::leak(Box::new(Mounted { prefix, service, name }));
        Mount { prefix, name, endpoint }
    }

    /// The templates that reach it: the prefix itself, with a trailing
    /// slash, and everything below it.
    pub(crate) fn templates(&self) -> [String; 3] {
        let prefix = self.prefix;
        [prefix.to_owned(), format!("{prefix}/"), format!("{prefix}/{{*brisk_mount_rest}}")]
    }
}

struct Mounted<S> {
    prefix: &'static str,
    service: S,
    name: &'static str,
}

impl<S: HttpService> ErasedEndpoint for Mounted<S> {
    fn call(&'static self, request: Request) -> Caught {
        let client = request.client_addr();
        let mut request = request.into_http();
        request.extensions_mut().insert(Forwarded { client });
        strip_prefix(&mut request, self.prefix);
        Caught::new(RecycledFuture::future(call_service(&self.service, request)), self.name)
    }

    /// As in Starlette, a mount is outside the app's routes: the app-level
    /// dependencies guard the routes, and a mounted app has its own.
    fn app_dependencies(&self) -> bool {
        false
    }
}

/// `/prefix/rest?query` becomes `/rest?query` (`/prefix` and `/prefix/`
/// become `/`), and the prefix joins the request's [`RootPath`].
fn strip_prefix(request: &mut http::Request<Body>, prefix: &str) {
    let uri = request.uri();
    let rest = uri.path().get(prefix.len()..).unwrap_or_default();
    let path = if rest.is_empty() { "/" } else { rest };
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    // What the router matched came from a valid URI, and a suffix of its
    // path is a valid path: neither conversion can fail.
    parts.path_and_query = path_and_query.parse().ok();
    if let Ok(stripped) = http::Uri::from_parts(parts) {
        *request.uri_mut() = stripped;
    }
    let extensions = request.extensions_mut();
    let root = extensions.get::<RootPath>().map_or("", RootPath::as_str);
    let root = RootPath(format!("{root}{prefix}"));
    extensions.insert(root);
}

/// Calls a tower service the way tower expects (a clone per call, made
/// ready first) and makes its answer a brisk response; an error becomes
/// a 500 that carries it (logged where the response leaves the stack).
pub(crate) async fn call_service<S: HttpService>(service: &S, request: http::Request<Body>) -> Response {
    let mut service = service.clone();
    let answered = match poll_fn(|cx| service.poll_ready(cx)).await.map_err(Into::into) {
        Ok(()) => service.call(request).await.map_err(Into::into),
        Err(err) => Err(err),
    };
    match answered {
        Ok(response) => response.map(Body::from_http_body),
        Err(err) => crate::errors::error_response(ServiceError(err)),
    }
}

/// What a tower service (a layer's, a mount's) failed with.
struct ServiceError(BoxError);

impl std::fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "tower service failed: {}", self.0)
    }
}

//! The request as handlers, extractors and (later) middleware see it.

use std::net::SocketAddr;
use std::sync::Arc;

use http::{HeaderMap, Method, Uri, Version};

use crate::app::AppShared;
use crate::background::BackgroundTasks;
use crate::body::Body;
use crate::dependencies::{DependencyCache, Teardown};
use crate::state::State;

/// An incoming HTTP request with what brisk knows about it: the client's
/// address, the matched path parameters and the app's state.
///
/// Take it as a handler parameter to read anything the extractors don't cover:
///
/// ```
/// use brisk::prelude::*;
///
/// #[get("/whoami")]
/// async fn whoami(request: Request) -> String {
///     format!("{} {} from {:?}", request.method(), request.uri(), request.client_addr())
/// }
/// ```
pub struct Request {
    head: http::request::Parts,
    body: Body,
    client: Option<SocketAddr>,
    params: PathParams,
    app: Arc<AppShared>,
    /// What dependencies left on this request; boxed and created on first
    /// use, so requests without dependencies stay small and allocate nothing.
    dependencies: Option<Box<DependencyScope>>,
}

#[derive(Default)]
struct DependencyScope {
    cache: DependencyCache,
    teardowns: Vec<Teardown>,
    background: Option<BackgroundTasks>,
}

/// Where the matched path parameters sit in the request path, in template order.
///
/// Most templates have a few variables, so their spans live inline and a
/// request allocates nothing for them.
#[derive(Default, Clone)]
pub(crate) struct PathParams {
    pub(crate) route: Option<usize>,
    inline: [(u32, u32); 4],
    len: usize,
    overflow: Vec<(u32, u32)>,
}

impl PathParams {
    pub(crate) fn new(route: usize) -> Self {
        PathParams { route: Some(route), ..PathParams::default() }
    }

    pub(crate) fn push(&mut self, start: usize, end: usize) {
        // Paths longer than 4 GiB never get past hyper's limits.
        let span = (start as u32, end as u32);
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = span,
            None => self.overflow.push(span),
        }
        self.len += 1;
    }

    fn get(&self, index: usize) -> Option<(usize, usize)> {
        if index >= self.len {
            return None;
        }
        let (start, end) = match self.inline.get(index) {
            Some(span) => *span,
            None => *self.overflow.get(index - self.inline.len())?,
        };
        Some((start as usize, end as usize))
    }
}

impl Request {
    pub(crate) fn new(req: http::Request<Body>, client: Option<SocketAddr>, app: Arc<AppShared>) -> Self {
        let (head, body) = req.into_parts();
        Request { head, body, client, params: PathParams::default(), app, dependencies: None }
    }

    /// A copy of this request's method, URI, version, client address and
    /// app, without headers or body: what an exception handler gets once
    /// the handler has consumed the request.
    pub(crate) fn head_copy(&self) -> Request {
        let (mut head, ()) = http::Request::new(()).into_parts();
        head.method = self.head.method.clone();
        head.uri = self.head.uri.clone();
        head.version = self.head.version;
        let mut copy =
            Request::new(http::Request::from_parts(head, Body::empty()), self.client, self.app.clone());
        copy.params = self.params.clone();
        copy
    }

    pub(crate) fn set_params(&mut self, params: PathParams) {
        self.params = params;
    }

    pub(crate) fn app(&self) -> &Arc<AppShared> {
        &self.app
    }

    pub(crate) fn dependencies(&self) -> Option<&DependencyCache> {
        self.dependencies.as_deref().map(|scope| &scope.cache)
    }

    pub(crate) fn dependencies_mut(&mut self) -> &mut DependencyCache {
        &mut self.dependencies.get_or_insert_with(Box::default).cache
    }

    pub(crate) fn teardowns_mut(&mut self) -> &mut Vec<Teardown> {
        &mut self.dependencies.get_or_insert_with(Box::default).teardowns
    }

    /// The request's background tasks, created on first use and shared by
    /// every handle taken from this request.
    pub(crate) fn background_tasks(&mut self) -> BackgroundTasks {
        if let Some(tasks) = self.dependencies.as_deref().and_then(|scope| scope.background.as_ref()) {
            return tasks.clone();
        }
        let tasks = BackgroundTasks::new(self);
        self.dependencies.get_or_insert_with(Box::default).background = Some(tasks.clone());
        tasks
    }

    pub(crate) fn take_background_tasks(&mut self) -> Option<BackgroundTasks> {
        self.dependencies.as_deref_mut().and_then(|scope| scope.background.take())
    }

    pub(crate) fn take_teardowns(&mut self) -> Vec<Teardown> {
        self.dependencies.as_deref_mut().map(|scope| std::mem::take(&mut scope.teardowns)).unwrap_or_default()
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The request target as sent by the client.
    pub fn uri(&self) -> &Uri {
        &self.head.uri
    }

    /// The path part of the URI, still percent-encoded.
    pub fn path(&self) -> &str {
        self.head.uri.path()
    }

    /// The raw query string, without the `?`.
    pub fn query_string(&self) -> Option<&str> {
        self.head.uri.query()
    }

    /// The HTTP version the client spoke.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// All request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// Mutable access to the headers (for middleware that rewrites them).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.head.headers
    }

    /// Typed values attached to this request by the server or by middleware.
    pub fn extensions(&self) -> &http::Extensions {
        &self.head.extensions
    }

    /// Mutable access to the request's extensions.
    pub fn extensions_mut(&mut self) -> &mut http::Extensions {
        &mut self.head.extensions
    }

    /// The address of the peer that opened the connection.
    pub fn client_addr(&self) -> Option<SocketAddr> {
        self.client
    }

    /// A path parameter by its name in the route template, percent-decoded.
    ///
    /// `None` when the template has no such variable.
    pub fn path_param(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        let route = self.params.route?;
        let index = self.app.param_names(route).iter().position(|n| n == name)?;
        self.path_param_at(index)
    }

    /// The path parameter at `index` in template order, percent-decoded.
    #[doc(hidden)]
    pub fn path_param_at(&self, index: usize) -> Option<std::borrow::Cow<'_, str>> {
        let (start, end) = self.params.get(index)?;
        let raw = self.head.uri.path().get(start..end)?;
        Some(percent_encoding::percent_decode_str(raw).decode_utf8_lossy())
    }

    /// The app state of type `T`, as registered with [`App::state`](crate::App::state).
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<State<T>> {
        self.app.state.get::<T>()
    }

    /// Takes the body out of the request, leaving an empty one.
    pub fn take_body(&mut self) -> Body {
        std::mem::take(&mut self.body)
    }

    /// Reads the whole body, within the app's body size limit.
    pub async fn bytes(&mut self) -> Result<bytes::Bytes, crate::body::BodyError> {
        let limit = self.app.config.body_limit;
        self.take_body().collect_limited(limit).await
    }

    /// Converts into a plain `http::Request`, for code written against the `http` crate.
    pub fn into_http(self) -> http::Request<Body> {
        http::Request::from_parts(self.head, self.body)
    }
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.head.method)
            .field("uri", &self.head.uri)
            .field("version", &self.head.version)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

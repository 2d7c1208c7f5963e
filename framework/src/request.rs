//! The request as handlers, extractors and (later) middleware see it.

use std::any::Any;
use std::net::SocketAddr;
use std::sync::Arc;

use http::{HeaderMap, Method, Uri, Version};

use crate::body::Body;
#[cfg(feature = "multipart")]
use crate::limits::MultipartLimits;
use crate::pending::Pending;
use crate::recycle::{AnyValue, Recycled};
use crate::state::{State, StateMap};

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
pub struct Request(Recycled<Inner>);

// On the heap whole: a request is moved into every layer's future and
// every boxed future on its way to the handler, and moving a pointer is
// cheaper than copying several hundred bytes each time. The block is
// recycled, as every request needs one.
struct Inner {
    head: http::request::Parts,
    body: Body,
    client: Option<SocketAddr>,
    params: PathParams,
    app: Arc<AppContext>,
    /// What the layers above leave on this request while it runs (the
    /// dependency cache, yield teardowns, background tasks), made on first
    /// use. Boxed: most requests never need one, and inline it would add
    /// three cache lines to every request's allocation.
    scope: Option<AnyValue>,
}

/// What a request knows of the app it belongs to.
///
/// The parts the request's own methods and the lower layers read are typed
/// here; the layers above keep theirs in `layers` (the routing table and
/// exception handlers), typed by the layer that owns them and seen from here
/// as an [`AnyValue`] only, so this layer names none of them. Behind a
/// pointer rather than an unsized last field: the context stays `Sized`, so
/// the request's handle to it is one pointer and every field sits at an
/// offset known when compiling.
pub(crate) struct AppContext {
    pub(crate) state: StateMap,
    /// The largest request body accepted, in bytes.
    pub(crate) body_limit: usize,
    /// How long a client may send nothing while its body is read.
    pub(crate) body_read_timeout: std::time::Duration,
    /// What a multipart body may cost.
    #[cfg(feature = "multipart")]
    pub(crate) multipart: MultipartLimits,
    /// What a WebSocket may cost.
    #[cfg(feature = "websockets")]
    pub(crate) websocket: crate::limits::WebSocketLimits,
    /// The names of each route's path parameters, by route index.
    pub(crate) param_names: Vec<Vec<String>>,
    /// Background tasks and teardowns still running after their responses.
    pub(crate) pending: Pending,
    /// Whether the app has exception handlers, so that apps without them
    /// skip looking into `layers` for them.
    pub(crate) has_handlers: bool,
    /// The app's dependency overrides, when it has any (typed by `dependencies`).
    pub(crate) overrides: Option<Box<dyn Any + Send + Sync>>,
    pub(crate) layers: AnyValue,
}

impl AppContext {
    /// The part of the app a layer above keeps here, if it is a `T`.
    pub(crate) fn layers<T: Any>(&self) -> Option<&T> {
        self.layers.downcast_ref::<T>()
    }
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
    pub(crate) fn new(req: http::Request<Body>, client: Option<SocketAddr>, app: Arc<AppContext>) -> Self {
        Request(Recycled::new_with(move || {
            let (head, body) = req.into_parts();
            Inner { head, body, client, params: PathParams::default(), app, scope: None }
        }))
    }

    /// A copy of this request's method, URI, version, client address and
    /// app, without headers or body: what an exception handler gets once
    /// the handler has consumed the request.
    pub(crate) fn head_copy(&self) -> Request {
        let (mut head, ()) = http::Request::new(()).into_parts();
        head.method = self.0.head.method.clone();
        head.uri = self.0.head.uri.clone();
        head.version = self.0.head.version;
        let mut copy =
            Request::new(http::Request::from_parts(head, Body::empty()), self.0.client, self.0.app.clone());
        copy.0.params = self.0.params.clone();
        copy
    }

    /// What routing reads and writes, borrowed at once: the method, the
    /// path, where the path variables are recorded, and the app.
    pub(crate) fn routing_parts(&mut self) -> (&Method, &str, &mut PathParams, &AppContext) {
        let inner = &mut *self.0;
        (&inner.head.method, inner.head.uri.path(), &mut inner.params, &inner.app)
    }

    pub(crate) fn app(&self) -> &Arc<AppContext> {
        &self.0.app
    }

    /// The request-scoped values a layer above left here, if they are a `T`.
    pub(crate) fn scope<T: Any>(&self) -> Option<&T> {
        self.0.scope.as_ref().and_then(|scope| scope.downcast_ref::<T>())
    }

    /// The request-scoped values a layer above left here, if they are a `T`, to change.
    pub(crate) fn scope_mut_if<T: Any>(&mut self) -> Option<&mut T> {
        self.0.scope.as_mut().and_then(|scope| scope.downcast_mut::<T>())
    }

    /// The request-scoped values of type `T`, made on first use.
    ///
    /// One layer owns the slot (dependencies), so it never holds another
    /// type; checking the type once per call is the whole cost.
    pub(crate) fn scope_mut<T: Any + Send + Sync + Default>(&mut self) -> &mut T {
        let slot = self.0.scope.get_or_insert_with(|| AnyValue::new(T::default()));
        match slot.downcast_mut::<T>() {
            Some(scope) => scope,
            None => unreachable!("the request-scoped slot holds one type only"),
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.0.head.method
    }

    /// The request target as sent by the client.
    pub fn uri(&self) -> &Uri {
        &self.0.head.uri
    }

    /// The path part of the URI, still percent-encoded.
    pub fn path(&self) -> &str {
        self.0.head.uri.path()
    }

    /// The raw query string, without the `?`.
    pub fn query_string(&self) -> Option<&str> {
        self.0.head.uri.query()
    }

    /// The HTTP version the client spoke.
    pub fn version(&self) -> Version {
        self.0.head.version
    }

    /// All request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.0.head.headers
    }

    /// Mutable access to the headers (for middleware that rewrites them).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.0.head.headers
    }

    /// Typed values attached to this request by the server or by middleware.
    pub fn extensions(&self) -> &http::Extensions {
        &self.0.head.extensions
    }

    /// Mutable access to the request's extensions.
    pub fn extensions_mut(&mut self) -> &mut http::Extensions {
        &mut self.0.head.extensions
    }

    /// The address of the peer that opened the connection.
    pub fn client_addr(&self) -> Option<SocketAddr> {
        self.0.client
    }

    /// A path parameter by its name in the route template, percent-decoded.
    ///
    /// `None` when the template has no such variable.
    pub fn path_param(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        let route = self.0.params.route?;
        let index = self.0.app.param_names.get(route)?.iter().position(|n| n == name)?;
        self.path_param_at(index)
    }

    /// The path parameter at `index` in template order, percent-decoded.
    #[doc(hidden)]
    pub fn path_param_at(&self, index: usize) -> Option<std::borrow::Cow<'_, str>> {
        let (start, end) = self.0.params.get(index)?;
        let raw = self.0.head.uri.path().get(start..end)?;
        if !raw.contains('%') {
            return Some(std::borrow::Cow::Borrowed(raw));
        }
        Some(percent_encoding::percent_decode_str(raw).decode_utf8_lossy())
    }

    /// The app state of type `T`, as registered with [`App::state`](crate::App::state).
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<State<T>> {
        self.0.app.state.get::<T>()
    }

    /// Whether the body is known to be empty without reading it.
    pub(crate) fn body_is_empty(&self) -> bool {
        self.0.body.exact_len() == Some(0)
    }

    /// The body's length as the client declared it (`Content-Length`),
    /// before any of it is read.
    #[cfg(feature = "multipart")]
    pub(crate) fn declared_body_len(&self) -> Option<u64> {
        self.0.body.exact_len()
    }

    /// Takes the body out of the request, leaving an empty one.
    pub fn take_body(&mut self) -> Body {
        std::mem::take(&mut self.0.body)
    }

    /// The app's limits on multipart bodies.
    #[cfg(feature = "multipart")]
    pub(crate) fn multipart_limits(&self) -> &MultipartLimits {
        &self.0.app.multipart
    }

    /// The app's limits on WebSockets.
    #[cfg(feature = "websockets")]
    pub(crate) fn websocket_limits(&self) -> crate::limits::WebSocketLimits {
        self.0.app.websocket
    }

    /// Reads the whole body, within the app's body size limit
    /// ([`BodyError::TooLarge`](crate::body::BodyError::TooLarge)) and its
    /// body read timeout ([`BodyError::TimedOut`](crate::body::BodyError::TimedOut)).
    pub async fn bytes(&mut self) -> Result<bytes::Bytes, crate::body::BodyError> {
        let (limit, idle) = (self.0.app.body_limit, self.0.app.body_read_timeout);
        self.take_body().collect_within(limit, Some(idle)).await
    }

    /// The app's body read timeout.
    #[cfg(feature = "multipart")]
    pub(crate) fn body_read_timeout(&self) -> std::time::Duration {
        self.0.app.body_read_timeout
    }

    /// Puts a body that was read back, for the next reader (a dependency's
    /// `#[body]` leaves it for the handler's).
    pub(crate) fn restore_body(&mut self, bytes: bytes::Bytes) {
        self.0.body = Body::from(bytes);
    }

    /// Splits into the `http::Request` a tower layer sees and what brisk
    /// keeps aside ([`Detached`]). Only before routing, when there are no
    /// path parameters or dependencies yet.
    pub(crate) fn detach(self) -> (http::Request<Body>, Detached) {
        let Inner { head, body, client, app, .. } = Recycled::into_inner(self.0);
        (http::Request::from_parts(head, body), Detached { client, app })
    }

    /// The request again, from what [`Request::detach`] split.
    pub(crate) fn attach(request: http::Request<Body>, detached: Detached) -> Self {
        Request::new(request, detached.client, detached.app)
    }

    /// Converts into a plain `http::Request`, for code written against the `http` crate.
    pub fn into_http(self) -> http::Request<Body> {
        let Inner { head, body, .. } = Recycled::into_inner(self.0);
        http::Request::from_parts(head, body)
    }
}

/// What a request keeps aside while a tower layer holds it as a plain
/// `http::Request`: the client's address and the app.
#[derive(Clone)]
pub(crate) struct Detached {
    client: Option<SocketAddr>,
    app: Arc<AppContext>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.0.head.method)
            .field("uri", &self.0.head.uri)
            .field("version", &self.0.head.version)
            .field("client", &self.0.client)
            .finish_non_exhaustive()
    }
}

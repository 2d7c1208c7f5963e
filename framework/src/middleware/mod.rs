//! The middleware stack: layers around routing, outermost first.
//!
//! The first middleware registered is the outermost: it sees the request
//! first and the response last. Every request passes through the whole
//! stack, unmatched ones (404, 405) included, and every layer gets a
//! `Response` back from [`Next::run`], never a raw error.

mod cors;
#[cfg(feature = "gzip")]
mod gzip;
mod tower;
mod trusted_host;

pub use cors::Cors;
#[cfg(feature = "gzip")]
pub use gzip::GZip;
pub use tower::{HttpLayer, NextService};
pub use trusted_host::TrustedHost;

use std::future::Future;

use futures_util::future::Either;

use http::{HeaderMap, HeaderValue, header::VARY};

use crate::panic::Caught;
use crate::recycle::RecycledFuture;
use crate::request::Request;
use crate::response::{IntoResponse, Response};
use crate::routing::Routes;

/// A layer around the app: sees each request, calls [`Next::run`] to pass
/// it on, and may change the response on its way back.
///
/// Plain `async fn(Request, Next) -> Response` functions are middleware
/// (annotate them with `#[middleware]` for signature checks at the
/// definition); configurable built-ins implement this trait on a type.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::middleware::{Middleware, Next};
///
/// /// Adds a fixed header to every response.
/// struct ServerName(&'static str);
///
/// impl Middleware for ServerName {
///     async fn handle(&self, request: Request, next: Next) -> Response {
///         let mut response = next.run(request).await;
///         response.headers_mut().insert("server", HeaderValue::from_static(self.0));
///         response
///     }
/// }
///
/// let app = App::new().middleware(ServerName("brisk"));
/// # let _ = app;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a middleware",
    label = "expected an `async fn(Request, Next) -> Response` or a type implementing `brisk::middleware::Middleware`",
    note = "a middleware function takes the request and `Next`, calls `next.run(request).await`, and returns a response"
)]
pub trait Middleware: Send + Sync + 'static {
    /// Handles one request; `next.run(request)` runs the rest of the stack.
    fn handle(&self, request: Request, next: Next) -> impl Future<Output = Response> + Send;

    /// How the app's description names this layer.
    fn name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }
}

impl<F, Fut, R> Middleware for F
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send,
    R: IntoResponse,
{
    async fn handle(&self, request: Request, next: Next) -> Response {
        (self)(request, next).await.into_response()
    }
}

/// The rest of the stack, from one middleware's point of view.
pub struct Next {
    /// The next layer's link in the app's stack; `None` after the last.
    at: Option<&'static Link>,
}

impl Next {
    pub(crate) fn start(stack: Option<&'static Link>) -> Self {
        Next { at: stack }
    }

    /// Passes the request to the next layer (or to routing, after the last
    /// one) and returns its response.
    // Combinators rather than an `async fn`: the response is handed straight
    // through instead of being stored and moved once more per layer.
    pub fn run(self, request: Request) -> impl Future<Output = Response> + Send {
        let Some(&Link { layer, next }) = self.at else {
            return Either::Left(crate::routing::dispatch(request));
        };
        let next = Next { at: next };
        if !request.app().has_handlers {
            // An error this layer returns is logged once, where the response
            // leaves the stack (`Service::call`).
            return Either::Right(Either::Left(layer.call(request, next)));
        }
        // An error this layer returns meets the exception handlers here, so the
        // layers outside it see the handled response. Boxed, so that apps
        // without handlers don't carry the handlers' future in every layer.
        let head = request.head_copy();
        Either::Right(Either::Right(async move {
            let response = layer.call(request, next).await;
            Box::pin(Routes::of(&head).handlers.resolve(&head, response)).await
        }))
    }
}

impl std::fmt::Debug for Next {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next").field("layer", &self.at.map(|link| link.layer.name)).finish()
    }
}

/// The object-safe face of a [`Middleware`], so one stack can hold them all.
pub(crate) trait ErasedMiddleware: Send + Sync {
    fn call(&'static self, request: Request, next: Next) -> RecycledFuture<Response>;
}

impl<M: Middleware> ErasedMiddleware for M {
    fn call(&'static self, request: Request, next: Next) -> RecycledFuture<Response> {
        RecycledFuture::future(self.handle(request, next))
    }
}

/// One registered layer.
#[derive(Clone, Copy)]
pub(crate) struct Layer {
    pub(crate) name: &'static str,
    pub(crate) layer: &'static dyn ErasedMiddleware,
}

impl Layer {
    pub(crate) fn new<M: Middleware>(middleware: M) -> Self {
        let name = middleware.name();
        // Registered once per app, like routes; leaking spares a reference
        // count per request and layer.
        Layer { name, layer: Box::leak(Box::new(middleware)) }
    }

    /// Runs this layer for one request. A panic in it must not take the
    /// connection down either: the layers outside it see a 500.
    fn call(self, request: Request, next: Next) -> Caught {
        Caught::new(self.layer.call(request, next), self.name)
    }
}

/// One layer of an app's stack and the link to the layer inside it.
///
/// The stack is a chain of links made `'static` when the app is built, like
/// the middleware they point to: `Next` is then one pointer, which every
/// layer's future holds and copies, not a handle it counts.
#[derive(Clone, Copy)]
pub(crate) struct Link {
    layer: Layer,
    next: Option<&'static Link>,
}

impl Link {
    /// `layers`, outermost first, as a chain; `None` for no middleware.
    pub(crate) fn chain(layers: Vec<Layer>) -> Option<&'static Link> {
        layers.into_iter().rev().fold(None, |next, layer| Some(&*Box::leak(Box::new(Link { layer, next }))))
    }

    /// The names of the chain's layers, outermost first.
    pub(crate) fn names(mut at: Option<&'static Link>) -> Vec<&'static str> {
        let mut names = Vec::new();
        while let Some(link) = at {
            names.push(link.layer.name);
            at = link.next;
        }
        names
    }
}

/// Lists `name` in the response's `Vary` header, once, keeping what is there.
pub(crate) fn add_vary(headers: &mut HeaderMap, name: &'static str) {
    let mut joined = String::new();
    let mut readable = true;
    for value in headers.get_all(VARY) {
        let Ok(text) = value.to_str() else {
            readable = false;
            continue;
        };
        if text.split(',').map(str::trim).any(|token| token == "*" || token.eq_ignore_ascii_case(name)) {
            return;
        }
        if !joined.is_empty() {
            joined.push_str(", ");
        }
        joined.push_str(text);
    }
    let merged = match joined.is_empty() {
        true => Ok(HeaderValue::from_static(name)),
        false => HeaderValue::try_from(format!("{joined}, {name}")),
    };
    match merged {
        Ok(value) if readable => {
            headers.insert(VARY, value);
        }
        // A value that is not text stays as it is, next to ours.
        _ => {
            headers.append(VARY, HeaderValue::from_static(name));
        }
    }
}

/// Fails to compile, on the function, when it is not a middleware.
#[doc(hidden)]
pub fn assert_middleware<M: Middleware>(_: &M) {}

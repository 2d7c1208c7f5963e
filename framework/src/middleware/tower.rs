//! tower layers in the middleware onion: `App::layer(TraceLayer::new_for_http())`.
//!
//! A layer wraps [`NextService`], the rest of the stack seen as a tower
//! `Service`; what it builds becomes one more layer of the onion, in
//! registration order among the `#[middleware]` functions. The request
//! crosses the layer as a plain `http::Request`; what brisk keeps about it
//! (the client's address, the app) rides in its extensions and is picked
//! up again on the other side.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::FutureExt;
use tower_service::Service;

use super::{Middleware, Next};
use crate::body::{Body, BoxError};
use crate::request::{Detached, Request};
use crate::response::Response;
use crate::routing::HttpService;

/// The rest of the middleware stack (and routing after it), as the tower
/// `Service` that a layer given to [`App::layer`](crate::App::layer) wraps.
///
/// It takes requests with any body that yields [`Bytes`] (so layers that
/// wrap the request body, such as tower-http's `RequestBodyLimitLayer`,
/// fit) and never fails: errors have become responses already.
#[derive(Clone, Copy, Debug)]
pub struct NextService {
    _private: (),
}

/// What brisk keeps about a request while a tower layer holds it.
#[derive(Clone)]
struct Carried {
    detached: Detached,
    /// The layer after the tower layer's.
    next: Option<&'static super::Link>,
}

impl<B> Service<http::Request<B>> for NextService
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let (mut head, body) = request.into_parts();
        let Some(Carried { detached, next }) = head.extensions.remove::<Carried>() else {
            // Only a layer that built a new request, dropping the original's
            // extensions, gets here.
            tracing::error!(
                target: "brisk::middleware",
                "a tower layer passed on a request without the original's extensions; answering 500"
            );
            return Box::pin(std::future::ready(Ok(crate::errors::internal_error_response())));
        };
        let request = Request::attach(http::Request::from_parts(head, Body::from_http_body(body)), detached);
        Box::pin(Next { at: next }.run(request).map(Ok))
    }
}

/// A tower layer that [`App::layer`](crate::App::layer) accepts: one whose
/// service, wrapped around [`NextService`], speaks HTTP.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tower layer over HTTP services",
    label = "not a `tower::Layer<NextService>` whose service handles `http::Request<brisk::Body>`",
    note = "`App::layer` takes a `tower::Layer` (such as tower-http's `TraceLayer` or `TimeoutLayer`) whose service takes `http::Request<brisk::Body>`, answers `http::Response<B>` with `B: http_body::Body<Data = Bytes> + Send`, and is `Clone + Send + Sync`",
    note = "for brisk's own middleware, an `async fn(Request, Next) -> Response`, use `App::middleware`"
)]
pub trait HttpLayer: Send + Sync + 'static {
    /// The layer as one layer of brisk's onion.
    #[doc(hidden)]
    fn into_middleware(self) -> impl Middleware;
}

impl<L> HttpLayer for L
where
    L: tower_layer::Layer<NextService, Service: HttpService> + Send + Sync + 'static,
{
    fn into_middleware(self) -> impl Middleware {
        Tower { service: self.layer(NextService { _private: () }), name: std::any::type_name::<L>() }
    }
}

/// A tower layer's service, run as one layer of the onion.
struct Tower<S> {
    service: S,
    name: &'static str,
}

impl<S: HttpService> Middleware for Tower<S> {
    async fn handle(&self, request: Request, next: Next) -> Response {
        let (mut request, detached) = request.detach();
        request.extensions_mut().insert(Carried { detached, next: next.at });
        crate::routing::call_service(&self.service, request).await
    }

    fn name(&self) -> &'static str {
        self.name
    }
}

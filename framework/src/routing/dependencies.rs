//! Dependencies run for their side effects before a route: the app's
//! (`App::dependency`) and its routers' (`Router::dependency`).

use super::handler::ErasedEndpoint;
use crate::dependencies::{SideEffect, Teardowns};
use crate::extract::Errors;
use crate::panic::Caught;
use crate::request::Request;
use crate::response::Response;

/// Runs `dependencies` in order, then `endpoint`. Their yield dependencies
/// tear down around the whole route, with an outcome read from the
/// response's status; if one fails, the route never runs and its error
/// answers (with the errors of every parameter checked so far).
pub(crate) async fn with_dependencies(
    mut request: Request,
    dependencies: &[SideEffect],
    endpoint: &'static dyn ErasedEndpoint,
) -> Response {
    let mut errors = Errors::new();
    for dependency in dependencies {
        (dependency.run)(&mut request, &mut errors).await;
    }
    let teardowns = Teardowns::take(&mut request);
    if !errors.is_empty() {
        return teardowns.fail(errors.into_response()).await;
    }
    let response = endpoint.call(request).await;
    teardowns.settle(response).await
}

/// A route with its routers' dependencies in front of it. Only routes in a
/// router that has dependencies are wrapped: the others cost nothing.
pub(crate) struct Guarded {
    pub(crate) dependencies: Vec<SideEffect>,
    pub(crate) endpoint: &'static dyn ErasedEndpoint,
    pub(crate) name: &'static str,
}

impl ErasedEndpoint for Guarded {
    fn call(&'static self, request: Request) -> Caught {
        let future = with_dependencies(request, &self.dependencies, self.endpoint);
        Caught::new(crate::recycle::RecycledFuture::future(future), self.name)
    }
}

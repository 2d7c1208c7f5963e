//! Path + method → route; 404, 405 with `Allow`, and HEAD for GET routes.

pub(crate) mod chain;
mod dependencies;
mod dispatch;
mod handler;
mod mount;
mod router;
#[cfg(feature = "fs")]
mod static_files;
pub(crate) mod table;

pub(crate) use dependencies::with_dependencies;
pub(crate) use dispatch::{Routes, dispatch};
pub use handler::{Endpoint, RouteInfo, assert_send, run_blocking};
pub(crate) use mount::{Forwarded, Mount, call_service};
pub use mount::{HttpService, RootPath};
pub(crate) use router::Group;
pub(crate) use router::check_prefix;
pub use router::{Prefix, Router};
#[cfg(feature = "fs")]
pub use static_files::StaticFiles;
pub(crate) use table::RouteTable;

pub(crate) use handler::ErasedEndpoint;

/// One registered route: a handler produced by `#[get]`, `#[post]`, ….
///
/// Build a list of them with [`routes!`](crate::routes).
///
/// ```
/// use brisk::prelude::*;
///
/// #[get("/ping")]
/// async fn ping() -> &'static str { "pong" }
///
/// let route = Route::new(ping {});
/// assert_eq!(route.info().path, "/ping");
/// ```
#[derive(Clone)]
pub struct Route {
    info: RouteInfo,
    endpoint: &'static dyn ErasedEndpoint,
    /// The router it was included through, if any.
    group: Option<std::sync::Arc<router::Group>>,
}

impl Route {
    /// Wraps a generated handler.
    pub fn new<E: Endpoint>(endpoint: E) -> Self {
        // Handlers are registered once per app and are usually zero-sized, so
        // leaking them costs nothing and spares a reference count per request.
        let endpoint: &'static handler::Erased<E> = Box::leak(Box::new(handler::Erased(endpoint)));
        Route { info: E::INFO, endpoint, group: None }
    }

    /// The route's method, path template (with its routers' prefixes),
    /// handler name, tags and dependencies.
    pub fn info(&self) -> &RouteInfo {
        &self.info
    }
}

impl Route {
    /// The same route served at `path` instead.
    pub(crate) fn at(mut self, path: &'static str) -> Self {
        self.info.path = path;
        self
    }

    /// The innermost router it came through.
    pub(crate) fn group(&self) -> Option<&std::sync::Arc<router::Group>> {
        self.group.as_ref()
    }
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} → {}", self.info.method, self.info.path, self.info.name)
    }
}

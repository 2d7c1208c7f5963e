//! Errors that stop an app from starting or serving.

use std::fmt;

/// Why an [`App`](crate::App) could not be built or served.
///
/// ```
/// use brisk::prelude::*;
///
/// #[get("/a")]
/// async fn first() -> &'static str { "1" }
/// #[get("/a")]
/// async fn second() -> &'static str { "2" }
///
/// let err = App::new().routes(routes![first, second]).build().unwrap_err();
/// assert!(err.to_string().contains("first") && err.to_string().contains("second"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Two routes claim the same requests.
    RouteConflict {
        /// The template of the route registered later.
        path: String,
        /// The handler registered first.
        existing: String,
        /// The handler that conflicts with it.
        conflicting: String,
        /// What the router said.
        reason: String,
    },
    /// A route template the router cannot use.
    InvalidRoute {
        /// The template.
        path: String,
        /// The handler it belongs to.
        handler: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A [`Router`](crate::Router) or mount prefix that is not a literal
    /// path starting with `/` and not ending with one.
    InvalidPrefix {
        /// The prefix.
        prefix: String,
        /// What is wrong with it, and what to write instead.
        reason: String,
    },
    /// The OpenAPI settings or the routes' metadata would make a document
    /// no tool accepts: a document or docs URL that is not a path (`docs`
    /// for `/docs`), or two operations given one `operation_id`.
    OpenApi(String),
    /// A handler or dependency takes `State<T>` of a type the app was never
    /// given (`App::state`, or the lifespan's `AppState`): checked when the
    /// app starts, so the first request does not find out with a 500.
    MissingState {
        /// The type, as `std::any::type_name` writes it.
        state: String,
        /// The handler or dependency whose parameter it is.
        needed_by: String,
        /// The route that would run it: `GET /items/{id}`.
        route: String,
    },
    /// Binding the listening socket, or accepting on it, failed.
    Io(std::io::Error),
    /// The lifespan's startup failed; the server never bound its socket.
    Startup(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::RouteConflict { path, existing, conflicting, reason } => {
                write!(f, "route conflict: `{conflicting}` ({path}) overlaps `{existing}`: {reason}")
            }
            Error::InvalidRoute { path, handler, reason } => {
                write!(f, "invalid route `{path}` on `{handler}`: {reason}")
            }
            Error::InvalidPrefix { prefix, reason } => {
                write!(f, "invalid router prefix `{prefix}`: {reason}")
            }
            Error::OpenApi(reason) => write!(f, "OpenAPI: {reason}"),
            Error::MissingState { state, needed_by, route } => write!(
                f,
                "`{needed_by}` (for {route}) takes `State<{state}>`, but the app has no `{state}`: \
                 register one with `App::state(...)`, or yield it from the lifespan with \
                 `AppState::new().with(...)`"
            ),
            Error::Io(err) => write!(f, "server I/O error: {err}"),
            Error::Startup(err) => write!(f, "startup failed: {err}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(err) => Some(err),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Io(err)
    }
}

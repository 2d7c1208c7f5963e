//! What the innermost layer of the middleware stack does with a request:
//! routes it, runs the app-level dependencies and the route, answers 404
//! and 405, and turns a GET answer into a HEAD one.

use http::{HeaderValue, StatusCode};

use super::table::{Lookup, RouteTable};
use crate::body::Body;
use crate::dependencies::SideEffect;
use crate::errors::{Handlers, HttpError};
use crate::request::{AppContext, Request};
use crate::response::{IntoResponse, Response};

/// The app's part that routing reads, kept in the request's app context
/// (`AppContext::layers`): the route table, the dependencies every route
/// runs first, and the exception handlers.
pub(crate) struct Routes {
    pub(crate) table: RouteTable,
    pub(crate) dependencies: Vec<SideEffect>,
    pub(crate) handlers: Handlers,
    /// Whether a path that misses only by its trailing slash is redirected
    /// to the form that has a route (`App::redirect_slashes`).
    pub(crate) redirect_slashes: bool,
}

impl Routes {
    /// The app's routing part, as a request carries it.
    pub(crate) fn of(request: &Request) -> &Routes {
        Routes::of_app(request.app())
    }

    pub(crate) fn of_app(app: &AppContext) -> &Routes {
        match app.layers::<Routes>() {
            Some(routes) => routes,
            // The app builds every context around its `Routes`.
            None => unreachable!("an app context without routes"),
        }
    }
}

/// Routing and everything inside it: app-level dependencies, the route,
/// HEAD handling, 404 and 405. The innermost layer of the middleware stack.
pub(crate) async fn dispatch(mut request: Request) -> Response {
    let (method, path, params, app) = request.routing_parts();
    let Some(routes) = app.layers::<Routes>() else { unreachable!("an app context without routes") };
    // Where the other form of the path (with or without its trailing slash)
    // has a route, a miss answers with a redirect there.
    let mut twin = None;
    let found = match routes.table.lookup(method, path, params) {
        Lookup::Found { endpoint, head_from_get } => Ok((endpoint, head_from_get)),
        Lookup::NotFound => {
            if routes.redirect_slashes {
                twin = slash_twin(&routes.table, path);
            }
            Err(HttpError::not_found())
        }
        Lookup::MethodNotAllowed(allow) => Err(HttpError::from_status(StatusCode::METHOD_NOT_ALLOWED)
            .with_header_value(http::header::ALLOW, allow.clone())),
    };
    let app_dependencies = !routes.dependencies.is_empty();
    let (endpoint, head_from_get) = match found {
        Ok(found) => found,
        Err(error) => {
            if let Some(twin) = twin {
                // Under a mount, the location keeps the prefixes the client sent.
                let root = request.extensions().get::<super::RootPath>().map_or("", super::RootPath::as_str);
                return slash_redirect(format!("{root}{twin}"), request.uri().query());
            }
            let response = crate::errors::error_response(error);
            if !request.app().has_handlers {
                return response;
            }
            // Boxed here and below: the handlers' future would otherwise
            // enlarge every request's future, apps without handlers included.
            return Box::pin(Routes::of(&request).handlers.resolve(&request, response)).await;
        }
    };
    // The handler may consume the request: exception handlers get a copy of its head.
    let head = request.app().has_handlers.then(|| request.head_copy());
    let mut response = if !app_dependencies || !endpoint.app_dependencies() {
        endpoint.call(request).await
    } else {
        // In its own block: its state would otherwise enlarge every request's
        // future, apps without app-level dependencies included. Caught like a
        // route: the dependencies are the app's code too.
        let app = request.app().clone();
        let future = crate::recycle::RecycledFuture::future(async move {
            super::with_dependencies(request, &Routes::of_app(&app).dependencies, endpoint).await
        });
        crate::panic::Caught::new(future, "app-level dependencies").await
    };
    // Without handlers, an error riding on the response is logged where the
    // response leaves the stack (`Service::call`).
    if let Some(head) = &head {
        response = Box::pin(Routes::of(head).handlers.resolve(head, response)).await;
    }
    if head_from_get { strip_body(response) } else { response }
}

/// The path with its trailing slash removed, or one added, when a route
/// (for any method, as in Starlette) answers there.
///
/// Never a path that starts with `//` or `/\`: as a `Location` a browser
/// reads either as another host (`//evil.example`), an open redirect.
fn slash_twin(table: &RouteTable, path: &str) -> Option<String> {
    let twin = match path.strip_suffix('/') {
        Some("") => return None,
        Some(without) => without.to_owned(),
        None => format!("{path}/"),
    };
    if matches!(twin.as_bytes().get(1), Some(b'/' | b'\\')) {
        return None;
    }
    table.has_route_at(&twin).then_some(twin)
}

/// `307 Temporary Redirect` to `path` (already percent-encoded: it came in
/// the request line) with the request's query string: a relative reference,
/// so that a client behind a proxy that terminates TLS stays on https.
fn slash_redirect(path: String, query: Option<&str>) -> Response {
    let location = match query {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    crate::response::Redirect::temporary(location).into_response()
}

/// A HEAD answer: the GET response's headers, its length, no body.
fn strip_body(response: Response) -> Response {
    let (mut head, body) = response.into_parts();
    // A 1xx or 204 has no length at all, and a 304's would be the 200's
    // (RFC 9110, 8.6): only its own headers say that.
    let bodiless = head.status.is_informational()
        || head.status == http::StatusCode::NO_CONTENT
        || head.status == http::StatusCode::NOT_MODIFIED;
    if !bodiless && let Some(len) = body.exact_len() {
        head.headers.entry(http::header::CONTENT_LENGTH).or_insert_with(|| HeaderValue::from(len));
    }
    Response::from_parts(head, Body::empty())
}

//! Routers: routes grouped under a path prefix, with shared tags and
//! dependencies (FastAPI's `APIRouter`), added to an app with
//! [`App::include`](crate::App::include).

use std::sync::Arc;

use super::Route;
use super::dependencies::Guarded;
use crate::dependencies::{Dependency, DependencyInfo, SideEffect};
use crate::error::Error;

/// A group of routes under a common path prefix, with tags and
/// dependencies they share (FastAPI's `APIRouter`). Routers nest; an app
/// adds one with [`App::include`](crate::App::include).
///
/// - **Prefix**: prepended to every route's template. A literal path: it
///   starts with `/`, does not end with one, and holds no `{variable}`
///   (path parameters go in the route templates, where the compiler checks
///   them against the handler). `App::build` reports a bad prefix. A route
///   written `"/"` answers at the prefix itself (`/users`, not `/users/`).
/// - **Tags**: come before the route's own `tags = [...]`, outermost
///   router first.
/// - **Dependencies**: run for their side effects before each route's own,
///   after the app's and the outer routers' (the request's cache is shared,
///   so a route that also takes one as a parameter gets the same value). A
///   failing one answers for the route.
///
/// ```
/// use brisk::prelude::*;
/// use brisk::Router;
///
/// #[depends]
/// async fn verify_token(#[header] x_token: String) -> Result<(), HttpError> {
///     if x_token == "secret" { Ok(()) } else { Err(HttpError::unauthorized("X-Token header invalid")) }
/// }
///
/// #[get("/")]
/// async fn list_users() -> &'static str { "[]" }
///
/// #[get("/{user_id}")]
/// async fn get_user(user_id: u64) -> String { user_id.to_string() }
///
/// let users = Router::new()
///     .prefix("/users")
///     .tags(["users"])
///     .dependency::<verify_token>()
///     .routes(routes![list_users, get_user]);
/// let service = App::new().include(Router::new().prefix("/api").include(users)).build().unwrap();
/// let paths: Vec<&str> = service.routes().iter().map(|route| route.info().path).collect();
/// // Then the routes the app adds: `/openapi.json`, `/docs`, `/redoc` and their files.
/// assert_eq!(paths[..3], ["/api/users", "/api/users/{user_id}", "/openapi.json"]);
/// ```
#[derive(Default)]
pub struct Router {
    prefix: &'static str,
    tags: Vec<&'static str>,
    dependencies: Vec<SideEffect>,
    items: Vec<Item>,
}

/// Routes and nested routers, in registration order.
enum Item {
    Route(Route),
    Router(Router),
}

/// A router prefix: a string literal such as `"/users"`.
#[diagnostic::on_unimplemented(
    message = "a router prefix is a string literal such as `\"/users\"`, not `{Self}`",
    label = "expected a `&'static str`",
    note = "the prefix is part of every route's template, fixed when the app is built; a value known only at run time belongs in a path parameter of the routes"
)]
pub trait Prefix {
    /// The prefix's text.
    fn text(self) -> &'static str;
}

impl Prefix for &'static str {
    fn text(self) -> &'static str {
        self
    }
}

impl Router {
    /// A router with no prefix, tags, dependencies or routes.
    pub fn new() -> Self {
        Router::default()
    }

    /// The path prefix of every route in this router (`"/users"`); see
    /// [`Router`] for the rules. Setting it again replaces it.
    pub fn prefix(mut self, prefix: impl Prefix) -> Self {
        self.prefix = prefix.text();
        self
    }

    /// Adds tags to every route in this router (OpenAPI groups operations by tag).
    pub fn tags(mut self, tags: impl IntoIterator<Item = &'static str>) -> Self {
        self.tags.extend(tags);
        self
    }

    /// Runs `D` before each route's own dependencies, for its side effects
    /// (FastAPI's `APIRouter(dependencies=[...])`).
    pub fn dependency<D: Dependency>(mut self) -> Self {
        self.dependencies.push(SideEffect::of::<D>());
        self
    }

    /// Adds routes, usually from [`routes!`](crate::routes).
    pub fn routes(mut self, routes: impl IntoIterator<Item = Route>) -> Self {
        self.items.extend(routes.into_iter().map(Item::Route));
        self
    }

    /// Adds one route.
    pub fn route(mut self, route: Route) -> Self {
        self.items.push(Item::Route(route));
        self
    }

    /// Nests `router` inside this one: its prefix comes after this
    /// router's, its tags and dependencies after this router's.
    pub fn include(mut self, router: Router) -> Self {
        self.items.push(Item::Router(router));
        self
    }

    /// Appends every route, prefixed, tagged and guarded by the routers
    /// around it, to `routes`; a bad prefix goes to `problems`.
    pub(crate) fn flatten(
        self,
        outer: Option<&Arc<Group>>,
        routes: &mut Vec<Route>,
        problems: &mut Vec<Error>,
    ) {
        if let Err(reason) = check_prefix(self.prefix) {
            problems.push(Error::InvalidPrefix { prefix: self.prefix.to_owned(), reason });
            return;
        }
        let group = Arc::new(Group {
            prefix: format!("{}{}", outer.map_or("", |outer| &outer.prefix), self.prefix),
            own_prefix: self.prefix,
            tags: outer
                .map_or_else(Vec::new, |outer| outer.tags.clone())
                .into_iter()
                .chain(self.tags)
                .collect(),
            dependencies: (outer.map_or(&[][..], |outer| &outer.dependencies).iter().copied())
                .chain(self.dependencies)
                .collect(),
            own_dependencies: outer.map_or(0, |outer| outer.dependencies.len()),
            depth: outer.map_or(0, |outer| outer.depth + 1),
            parent: outer.cloned(),
        });
        for item in self.items {
            match item {
                Item::Route(route) => routes.push(group.adopt(route)),
                Item::Router(router) => router.flatten(Some(&group), routes, problems),
            }
        }
    }
}

/// A router as its routes remember it, once flattened into an app.
pub(crate) struct Group {
    /// The full prefix: the outer routers' prefixes, then this one's.
    pub(crate) prefix: String,
    /// This router's own part of it.
    pub(crate) own_prefix: &'static str,
    tags: Vec<&'static str>,
    /// Every router's dependencies from the outermost in, this one's last.
    dependencies: Vec<SideEffect>,
    /// Where this router's own dependencies start in `dependencies`.
    own_dependencies: usize,
    /// 0 for a router included in the app, 1 inside that, …
    pub(crate) depth: usize,
    pub(crate) parent: Option<Arc<Group>>,
}

impl Group {
    /// `route` as it is served inside this router.
    fn adopt(self: &Arc<Group>, mut route: Route) -> Route {
        let info = &mut route.info;
        info.path = match (self.prefix.as_str(), info.path) {
            ("", path) => path,
            (prefix, "/") => leak(prefix.to_owned()),
            (prefix, path) => leak(format!("{prefix}{path}")),
        };
        if !self.tags.is_empty() {
            let tags: Vec<&'static str> = self.tags.iter().chain(info.tags).copied().collect();
            info.tags = Vec::leak(tags);
        }
        if !self.dependencies.is_empty() {
            let guarded = Guarded {
                dependencies: self.dependencies.clone(),
                endpoint: route.endpoint,
                name: info.name,
            };
            route.endpoint = Box::leak(Box::new(guarded));
        }
        route.group = Some(self.clone());
        route
    }

    /// This router's own dependencies (not its outer routers').
    pub(crate) fn own_dependencies(&self) -> impl Iterator<Item = &'static DependencyInfo> + '_ {
        self.dependencies[self.own_dependencies..].iter().map(|dependency| dependency.info)
    }

    /// Every router's dependencies, the outermost's first.
    pub(crate) fn dependencies(&self) -> impl Iterator<Item = &'static DependencyInfo> + '_ {
        self.dependencies.iter().map(|dependency| dependency.info)
    }

    /// This router's own tags, as `describe` shows them.
    pub(crate) fn own_tags(&self) -> &[&'static str] {
        let outer = self.parent.as_ref().map_or(0, |parent| parent.tags.len());
        &self.tags[outer..]
    }
}

/// Routes live as long as the app that serves them, and their templates
/// are `&'static str` everywhere else: a prefixed one is leaked once, when
/// the app is put together.
fn leak(text: String) -> &'static str {
    String::leak(text)
}

/// Whether `prefix` may prefix route templates; the reason, if not.
pub(crate) fn check_prefix(prefix: &str) -> Result<(), String> {
    if prefix.is_empty() {
        return Ok(());
    }
    if prefix == "/" {
        return Err("`/` adds nothing: leave the prefix out".to_owned());
    }
    if !prefix.starts_with('/') {
        return Err(format!("a prefix starts with `/`: write `/{prefix}`"));
    }
    if prefix.ends_with('/') {
        return Err(format!(
            "a prefix does not end with `/` (the routes' templates start with one): write `{}`",
            prefix.trim_end_matches('/')
        ));
    }
    if let Some(bad) = prefix.chars().find(|c| !c.is_ascii_graphic() || matches!(c, '?' | '#' | '%')) {
        return Err(format!(
            "{bad:?} never appears in a path as clients send it (they percent-encode it), so this prefix could not match: use ASCII letters, digits and `-._~!$&'()*+,;=:@/`"
        ));
    }
    if prefix.contains(['{', '}']) {
        return Err(
            "a prefix is a literal path: put path parameters in the routes' templates, where the compiler checks them against the handler"
                .to_owned(),
        );
    }
    Ok(())
}

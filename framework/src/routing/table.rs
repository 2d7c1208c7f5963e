//! The routing table: every route of a built app, looked up by path and
//! method for each request.

use http::{HeaderValue, Method};
use rustc_hash::FxHashMap;

use super::Route;
use super::handler::ErasedEndpoint;
use super::mount::Mount;
use crate::error::Error;
use crate::request::PathParams;

/// The routing table, built once when the app starts.
pub(crate) struct RouteTable {
    matcher: matchit::Router<usize>,
    /// Templates without variables, looked up by their exact text before the
    /// tree is walked: most requests hit one, and a hash is cheaper than the
    /// walk. matchit gives static segments priority too, so the answer is
    /// the same.
    statics: FxHashMap<&'static str, usize>,
    paths: Vec<PathEntry>,
    routes: Vec<Route>,
    param_names: Vec<Vec<String>>,
    /// Each mount's prefix and service name, in registration order.
    mounts: Vec<(&'static str, &'static str)>,
}

/// Every route sharing one path template.
struct PathEntry {
    template: &'static str,
    methods: Vec<Target>,
    /// A mount's endpoint (and name), which takes every method: consulted
    /// only when no route's method matches.
    any: Option<(&'static str, &'static dyn ErasedEndpoint)>,
    /// Precomputed `Allow` header for 405s.
    allow: HeaderValue,
}

impl PathEntry {
    /// The handler or mount that owns this template, for conflict reports.
    fn owner(&self, routes: &[Route]) -> Option<&'static str> {
        let route = self.methods.first().map(|target| routes[target.route].info.name);
        route.or(self.any.map(|(name, _)| name))
    }

    /// No route takes this method: a mount takes any, else 405.
    #[cold]
    fn any_method(&self, params: &mut PathParams) -> Lookup<'_> {
        match self.any {
            Some((_, endpoint)) => {
                // A mount reads no path parameters; its service routes again.
                params.route = None;
                Lookup::Found { endpoint, head_from_get: false }
            }
            None => Lookup::MethodNotAllowed(&self.allow),
        }
    }
}

/// One method's route, with its endpoint next to the method so a lookup
/// reads one list and not the route table as well.
struct Target {
    method: Method,
    route: usize,
    endpoint: &'static dyn ErasedEndpoint,
}

pub(crate) enum Lookup<'a> {
    Found { endpoint: &'static dyn ErasedEndpoint, head_from_get: bool },
    NotFound,
    MethodNotAllowed(&'a HeaderValue),
}

impl RouteTable {
    pub(crate) fn new(routes: Vec<Route>, mounts: &[Mount]) -> Result<Self, Error> {
        let mut matcher = matchit::Router::new();
        let mut paths: Vec<PathEntry> = Vec::new();
        let mut param_names = Vec::with_capacity(routes.len());
        for (id, route) in routes.iter().enumerate() {
            let info = &route.info;
            param_names.push(template_params(info.path));
            if let Some(entry) = paths.iter_mut().find(|p| p.template == info.path) {
                if let Some(existing) = entry.methods.iter().find(|t| t.method == info.method) {
                    let existing = routes[existing.route].info.name;
                    let reason = if existing == info.name {
                        // Most likely one handler in two lists (or routers).
                        format!(
                            "both serve {} {}; if it is one handler registered twice, list it once",
                            info.method, info.path
                        )
                    } else {
                        format!("both serve {} {}", info.method, info.path)
                    };
                    return Err(Error::RouteConflict {
                        path: info.path.to_owned(),
                        existing: existing.to_owned(),
                        conflicting: info.name.to_owned(),
                        reason,
                    });
                }
                entry.methods.push(Target {
                    method: info.method.clone(),
                    route: id,
                    endpoint: route.endpoint,
                });
                continue;
            }
            if let Err(err) = matcher.insert(info.path, paths.len()) {
                return Err(insert_error(err, info.path, info.name, &paths, &routes));
            }
            paths.push(PathEntry {
                template: info.path,
                methods: vec![Target { method: info.method.clone(), route: id, endpoint: route.endpoint }],
                any: None,
                allow: HeaderValue::from_static(""),
            });
        }
        for mount in mounts {
            // A route inside the mount's prefix would shadow part of it
            // (and answer 405 for the mount's other methods).
            let inside = |path: &str| {
                path.strip_prefix(mount.prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            };
            if let Some(route) = routes.iter().find(|route| inside(route.info.path)) {
                return Err(Error::RouteConflict {
                    path: route.info.path.to_owned(),
                    existing: route.info.name.to_owned(),
                    conflicting: mount.name.to_owned(),
                    reason: format!("the mount at `{}` takes every request under it", mount.prefix),
                });
            }
            for template in mount.templates() {
                // Kept for the app's life, like the routes' templates.
                let template: &'static str = String::leak(template);
                if let Some(existing) = paths.iter().find(|p| p.template == template) {
                    return Err(Error::RouteConflict {
                        path: template.to_owned(),
                        existing: existing.owner(&routes).unwrap_or(template).to_owned(),
                        conflicting: mount.name.to_owned(),
                        reason: format!(
                            "the mount at `{}` takes every request to `{template}`",
                            mount.prefix
                        ),
                    });
                }
                if let Err(err) = matcher.insert(template, paths.len()) {
                    return Err(insert_error(err, template, mount.name, &paths, &routes));
                }
                paths.push(PathEntry {
                    template,
                    methods: Vec::new(),
                    any: Some((mount.name, mount.endpoint)),
                    allow: HeaderValue::from_static(""),
                });
            }
        }
        for entry in &mut paths {
            entry.allow = allow_header(&entry.methods);
        }
        let statics = (paths.iter().enumerate())
            .filter(|(_, entry)| !entry.template.contains('{'))
            .map(|(index, entry)| (entry.template, index))
            .collect();
        let mounts = mounts.iter().map(|mount| (mount.prefix, mount.name)).collect();
        Ok(RouteTable { matcher, statics, paths, routes, param_names, mounts })
    }

    /// Finds the route for `method` and `path`, writing where the path's
    /// variables sit into `params` (in place: most routes have none, and
    /// the spans would otherwise be copied out and in again).
    pub(crate) fn lookup(&self, method: &Method, path: &str, params: &mut PathParams) -> Lookup<'_> {
        let index = match self.statics.get(path) {
            Some(index) => *index,
            None => match self.match_template(path, params) {
                Some(index) => index,
                None => return Lookup::NotFound,
            },
        };
        let entry = &self.paths[index];
        let find = |m: &Method| entry.methods.iter().find(|target| target.method == *m);
        let (target, head_from_get) = match find(method) {
            Some(target) => (target, false),
            None if method == Method::HEAD => match find(&Method::GET) {
                Some(target) => (target, true),
                None => return entry.any_method(params),
            },
            None => return entry.any_method(params),
        };
        params.route = Some(target.route);
        Lookup::Found { endpoint: target.endpoint, head_from_get }
    }

    /// Whether any route (or mount) answers at `path`, whatever the method.
    pub(crate) fn has_route_at(&self, path: &str) -> bool {
        self.statics.contains_key(path)
            || self
                .matcher
                .at(path)
                .is_ok_and(|matched| matched.params.iter().all(|(_, value)| !value.is_empty()))
    }

    /// The tree walk for templates with variables, and where each variable
    /// sits in `path`. Out of line: the static lookup before it is most
    /// requests' whole routing, and its code stays compact without this.
    #[inline(never)]
    fn match_template(&self, path: &str, params: &mut PathParams) -> Option<usize> {
        let matched = self.matcher.at(path).ok()?;
        let base = path.as_ptr() as usize;
        for (_, value) in matched.params.iter() {
            // matchit lets a parameter take an empty segment (`/users//posts`);
            // FastAPI's `[^/]+` does not, and neither does brisk: a 404.
            if value.is_empty() {
                return None;
            }
            let start = value.as_ptr() as usize - base;
            params.push(start, start + value.len());
        }
        Some(*matched.value)
    }

    pub(crate) fn mounts(&self) -> &[(&'static str, &'static str)] {
        &self.mounts
    }

    /// The names of each route's path parameters, by route index, for the
    /// app context (requests look them up there).
    pub(crate) fn take_param_names(&mut self) -> Vec<Vec<String>> {
        std::mem::take(&mut self.param_names)
    }

    pub(crate) fn routes(&self) -> &[Route] {
        &self.routes
    }
}

/// A template matchit refused: a conflict with one already in (named by
/// its handler or mount), or a template it cannot parse.
fn insert_error(
    err: matchit::InsertError,
    template: &str,
    name: &str,
    paths: &[PathEntry],
    routes: &[Route],
) -> Error {
    match &err {
        matchit::InsertError::Conflict { with } => {
            let existing = (paths.iter().find(|p| p.template == with.as_str()))
                .and_then(|p| p.owner(routes))
                .map_or_else(|| with.clone(), str::to_owned);
            Error::RouteConflict {
                path: template.to_owned(),
                existing,
                conflicting: name.to_owned(),
                reason: format!("`{template}` matches the same requests as `{with}`"),
            }
        }
        _ => Error::InvalidRoute {
            path: template.to_owned(),
            handler: name.to_owned(),
            reason: err.to_string(),
        },
    }
}

/// The variable names of a template, in order: `/a/{x}/{*rest}` → `[x, rest]`.
fn template_params(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if rest[open..].starts_with("{{") {
            rest = &rest[open + 2..];
            continue;
        }
        let Some(close) = rest[open..].find('}') else { break };
        names.push(rest[open + 1..open + close].trim_start_matches('*').to_owned());
        rest = &rest[open + close + 1..];
    }
    names
}

fn allow_header(methods: &[Target]) -> HeaderValue {
    let mut names: Vec<&str> = methods.iter().map(|t| t.method.as_str()).collect();
    if names.contains(&"GET") && !names.contains(&"HEAD") {
        names.push("HEAD");
    }
    names.sort_unstable();
    HeaderValue::from_str(&names.join(", ")).unwrap_or_else(|_| HeaderValue::from_static("GET"))
}

#[cfg(test)]
mod tests {
    use super::template_params;

    #[test]
    fn template_variables_in_order() {
        assert_eq!(template_params("/users/{user_id}/orders/{*rest}"), ["user_id", "rest"]);
        assert_eq!(template_params("/literal/{{braces}}"), Vec::<String>::new());
    }
}

//! The routing table: every route of a built app, looked up by path and
//! method for each request.

use http::{HeaderValue, Method};
use rustc_hash::FxHashMap;

use super::Route;
use super::handler::ErasedEndpoint;
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
}

/// Every route sharing one path template.
struct PathEntry {
    template: &'static str,
    methods: Vec<Target>,
    /// Precomputed `Allow` header for 405s.
    allow: HeaderValue,
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
    pub(crate) fn new(routes: Vec<Route>) -> Result<Self, Error> {
        let mut matcher = matchit::Router::new();
        let mut paths: Vec<PathEntry> = Vec::new();
        let mut param_names = Vec::with_capacity(routes.len());
        for (id, route) in routes.iter().enumerate() {
            let info = &route.info;
            param_names.push(template_params(info.path));
            if let Some(entry) = paths.iter_mut().find(|p| p.template == info.path) {
                if let Some(existing) = entry.methods.iter().find(|t| t.method == info.method) {
                    return Err(Error::RouteConflict {
                        path: info.path.to_owned(),
                        existing: routes[existing.route].info.name.to_owned(),
                        conflicting: info.name.to_owned(),
                        reason: format!("both serve {} {}", info.method, info.path),
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
                return Err(match &err {
                    matchit::InsertError::Conflict { with } => {
                        let existing = paths
                            .iter()
                            .find(|p| p.template == with.as_str())
                            .and_then(|p| p.methods.first())
                            .map_or_else(|| with.clone(), |t| routes[t.route].info.name.to_owned());
                        Error::RouteConflict {
                            path: info.path.to_owned(),
                            existing,
                            conflicting: info.name.to_owned(),
                            reason: format!("`{}` matches the same requests as `{with}`", info.path),
                        }
                    }
                    _ => Error::InvalidRoute {
                        path: info.path.to_owned(),
                        handler: info.name.to_owned(),
                        reason: err.to_string(),
                    },
                });
            }
            paths.push(PathEntry {
                template: info.path,
                methods: vec![Target { method: info.method.clone(), route: id, endpoint: route.endpoint }],
                allow: HeaderValue::from_static(""),
            });
        }
        for entry in &mut paths {
            entry.allow = allow_header(&entry.methods);
        }
        let statics = (paths.iter().enumerate())
            .filter(|(_, entry)| !entry.template.contains('{'))
            .map(|(index, entry)| (entry.template, index))
            .collect();
        Ok(RouteTable { matcher, statics, paths, routes, param_names })
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
                None => return Lookup::MethodNotAllowed(&entry.allow),
            },
            None => return Lookup::MethodNotAllowed(&entry.allow),
        };
        params.route = Some(target.route);
        Lookup::Found { endpoint: target.endpoint, head_from_get }
    }

    /// The tree walk for templates with variables, and where each variable
    /// sits in `path`. Out of line: the static lookup before it is most
    /// requests' whole routing, and its code stays compact without this.
    #[inline(never)]
    fn match_template(&self, path: &str, params: &mut PathParams) -> Option<usize> {
        let matched = self.matcher.at(path).ok()?;
        let base = path.as_ptr() as usize;
        for (_, value) in matched.params.iter() {
            let start = value.as_ptr() as usize - base;
            params.push(start, start + value.len());
        }
        Some(*matched.value)
    }

    pub(crate) fn param_names(&self, route: usize) -> &[String] {
        &self.param_names[route]
    }

    pub(crate) fn routes(&self) -> &[Route] {
        &self.routes
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

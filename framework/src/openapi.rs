//! The OpenAPI 3.1 document of an app, made once from what the route
//! macros recorded (`RouteInfo`, `DependencyInfo`), and the route that
//! serves it.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::body::Body;
use crate::dependencies::{DependencyInfo, SideEffect};
use crate::extract::ParamInfo;
use crate::request::Request;
use crate::response::Response;
use crate::routing::{Endpoint, Route, RouteInfo};

/// What the document says of the app itself (`info`).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) description: Option<String>,
    /// Where the document is served; `None` turns it off, and the pages below.
    pub(crate) url: Option<String>,
    /// Where Swagger UI is served; `None` turns it off.
    pub(crate) docs_url: Option<String>,
    /// Where ReDoc is served; `None` turns it off.
    pub(crate) redoc_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        // FastAPI's defaults.
        Settings {
            title: "FastAPI".to_owned(),
            version: "0.1.0".to_owned(),
            description: None,
            url: Some("/openapi.json".to_owned()),
            docs_url: Some("/docs".to_owned()),
            redoc_url: Some("/redoc".to_owned()),
        }
    }
}

/// The document for `routes`, with the app-level dependencies' parameters
/// on every operation.
pub(crate) fn document(settings: &Settings, routes: &[Route], app_dependencies: &[SideEffect]) -> Value {
    let mut info = Map::new();
    info.insert("title".into(), json!(settings.title));
    info.insert("version".into(), json!(settings.version));
    if let Some(description) = &settings.description {
        info.insert("description".into(), json!(description));
    }
    let mut paths = Map::new();
    for route in routes {
        let route_info = route.info();
        if !route_info.include_in_schema {
            continue;
        }
        let mut trees: Vec<&'static DependencyInfo> = app_dependencies.iter().map(|d| d.info).collect();
        if let Some(group) = route.group() {
            trees.extend(group.dependencies());
        }
        trees.extend(route_info.dependencies.iter().copied());
        let path = openapi_path(route_info.path);
        let method = route_info.method.as_str().to_ascii_lowercase();
        let item = paths.entry(path).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(method.clone(), operation(route_info, &method, &trees));
        }
    }
    json!({ "openapi": "3.1.0", "info": info, "paths": paths })
}

/// One operation: FastAPI's summary and operationId unless given, the
/// description (the doc comment), tags, parameters of the whole
/// dependency tree (each once), and the responses.
fn operation(route: &RouteInfo, method: &str, trees: &[&'static DependencyInfo]) -> Value {
    let mut params: Vec<ParamInfo> = route.params.to_vec();
    for tree in trees {
        collect_params(tree, &mut params);
    }
    let mut seen = Vec::new();
    params.retain(|param| {
        let key = (param.name, param.location);
        let first = !seen.contains(&key);
        seen.push(key);
        first
    });
    let mut operation = Map::new();
    if !route.tags.is_empty() {
        operation.insert("tags".into(), json!(route.tags));
    }
    operation
        .insert("summary".into(), json!(route.summary.map_or_else(|| title_case(route.name), str::to_owned)));
    if let Some(description) = route.description {
        operation.insert("description".into(), json!(description));
    }
    let operation_id = route.operation_id.map_or_else(|| operation_id(route, method), str::to_owned);
    operation.insert("operationId".into(), json!(operation_id));
    if route.deprecated {
        operation.insert("deprecated".into(), json!(true));
    }
    if !params.is_empty() {
        let parameters: Vec<Value> = params
            .iter()
            .map(|param| {
                json!({
                    "name": param.name,
                    "in": param.location.as_str(),
                    "required": param.required,
                    "schema": { "title": title_case(param.name) },
                })
            })
            .collect();
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    let status = route.status_code.unwrap_or(200).to_string();
    let mut responses = Map::new();
    responses.insert(status, json!({ "description": "Successful Response" }));
    let reads_body =
        route.body != crate::extract::BodyReader::None || trees.iter().any(|tree| reads_body(tree));
    if !params.is_empty() || reads_body {
        responses.insert("422".into(), json!({ "description": "Validation Error" }));
    }
    operation.insert("responses".into(), Value::Object(responses));
    Value::Object(operation)
}

fn collect_params(tree: &'static DependencyInfo, out: &mut Vec<ParamInfo>) {
    out.extend_from_slice(tree.params);
    for dependency in tree.dependencies {
        collect_params(dependency, out);
    }
}

fn reads_body(tree: &'static DependencyInfo) -> bool {
    tree.body != crate::extract::BodyReader::None || tree.dependencies.iter().any(|d| reads_body(d))
}

/// brisk's catch-all `{*rest}` is OpenAPI's `{rest}`.
fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

/// FastAPI's default: `read_item` → `Read Item`.
fn title_case(name: &str) -> String {
    name.split(['_', '-'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// FastAPI's default operationId: the name and path with every non-word
/// character as `_`, then the method: `read_item_items__item_id__get`.
fn operation_id(route: &RouteInfo, method: &str) -> String {
    let raw = format!("{}{}", route.name, route.path);
    let word: String = raw.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect();
    format!("{word}_{method}")
}

/// The route that serves the document, made once when the app is built.
pub(crate) struct OpenApiJson(pub(crate) Bytes);

impl Endpoint for OpenApiJson {
    const INFO: RouteInfo = RouteInfo {
        method: http::Method::GET,
        path: "/openapi.json",
        name: "openapi",
        tags: &[],
        dependencies: &[],
        body: crate::extract::BodyReader::None,
        params: &[],
        summary: None,
        description: None,
        deprecated: false,
        operation_id: None,
        include_in_schema: false,
        status_code: None,
    };

    async fn call(&self, _request: Request) -> Response {
        let mut response = Response::new(Body::from(self.0.clone()));
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        response
    }
}

// Swagger UI and ReDoc, served beside the document.
mod docs;
pub(crate) use docs::routes as docs_routes;

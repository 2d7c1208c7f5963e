//! The OpenAPI 3.1 document of an app, made once from what the route
//! macros recorded (`RouteInfo`, `DependencyInfo`), and the route that
//! serves it.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::body::Body;
use crate::dependencies::{DependencyInfo, SideEffect};
use crate::errors::RequestValidationError;
use crate::extract::{BodyField, BodyKind, BodyReader, ParamInfo};
use crate::request::Request;
use crate::response::Response;
use crate::routing::{Endpoint, Route, RouteInfo};
use crate::security::SecurityRequirement;
use schemars::SchemaGenerator;
use schemars::generate::{Contract, SchemaSettings};

/// What the document says of the app itself (`info`).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) description: Option<String>,
    /// Where the document is served; `None` turns it off, and the pages below.
    pub(crate) url: Option<String>,
    /// `servers`: each URL with its description.
    pub(crate) servers: Vec<(String, Option<String>)>,
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
            servers: Vec::new(),
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
    let mut generators = Generators::new();
    let mut schemes = Schemes::default();
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
        let mut operation = operation(route_info, &method, &trees, &mut generators);
        if let Some(security) = schemes.requirements(route_info, &trees)
            && let Value::Object(operation) = &mut operation
        {
            operation.insert("security".into(), security);
        }
        let item = paths.entry(path).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(method, operation);
        }
    }
    let schemas = generators.finish(&mut paths);
    let mut document = Map::new();
    document.insert("openapi".into(), json!("3.1.0"));
    document.insert("info".into(), Value::Object(info));
    if !settings.servers.is_empty() {
        let servers = settings.servers.iter().map(|(url, description)| match description {
            Some(description) => json!({ "url": url, "description": description }),
            None => json!({ "url": url }),
        });
        document.insert("servers".into(), Value::Array(servers.collect()));
    }
    document.insert("paths".into(), Value::Object(paths));
    let mut components = Map::new();
    if !schemas.is_empty() {
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if !schemes.0.is_empty() {
        let entries = schemes.0.into_iter().map(|(name, requirement)| (name, requirement.scheme));
        components.insert("securitySchemes".into(), Value::Object(entries.collect()));
    }
    if !components.is_empty() {
        document.insert("components".into(), Value::Object(components));
    }
    Value::Object(document)
}

/// The security schemes met so far, each under its name in the document.
/// Two different schemes of one name (two `ApiKeyHeader`s without their
/// own `SCHEME_NAME`) are both kept, the second as `APIKeyHeader2`.
#[derive(Default)]
struct Schemes(Vec<(String, SecurityRequirement)>);

impl Schemes {
    /// The operation's `security`: every scheme its extractors and its
    /// dependency tree's take, once each, or `None` without any.
    fn requirements(&mut self, route: &RouteInfo, trees: &[&'static DependencyInfo]) -> Option<Value> {
        let mut found: Vec<SecurityRequirement> =
            route.security.iter().filter_map(|scheme| scheme()).collect();
        for tree in trees {
            collect_security(tree, &mut found);
        }
        // Every scheme the operation takes is checked: one requirement
        // object naming them all (OpenAPI reads separate objects as
        // alternatives).
        let mut all = Map::new();
        for requirement in found {
            let name = self.name_of(requirement.clone());
            all.entry(name).or_insert_with(|| json!(requirement.scopes));
        }
        (!all.is_empty()).then(|| json!([all]))
    }

    fn name_of(&mut self, requirement: SecurityRequirement) -> String {
        let same = |known: &SecurityRequirement| {
            known.name == requirement.name && known.scheme == requirement.scheme
        };
        if let Some((name, _)) = self.0.iter().find(|(_, known)| same(known)) {
            return name.clone();
        }
        let mut name = requirement.name.to_owned();
        let mut suffix = 1;
        while self.0.iter().any(|(taken, _)| *taken == name) {
            suffix += 1;
            name = format!("{}{suffix}", requirement.name);
        }
        self.0.push((name.clone(), requirement));
        name
    }
}

fn collect_security(tree: &'static DependencyInfo, out: &mut Vec<SecurityRequirement>) {
    out.extend(tree.security.iter().filter_map(|scheme| scheme()));
    for dependency in tree.dependencies {
        collect_security(dependency, out);
    }
}

/// The document's and the pages' URLs are paths: `/docs`, not `docs`
/// (never reached) nor `/docs?x` (a query is no part of a route).
pub(crate) fn check_settings(settings: &Settings) -> Result<(), crate::error::Error> {
    let urls = [
        ("openapi_url", &settings.url),
        ("docs_url", &settings.docs_url),
        ("redoc_url", &settings.redoc_url),
    ];
    for (setting, url) in urls {
        let Some(url) = url else { continue };
        if !url.starts_with('/') || url.contains(['?', '#']) {
            return Err(crate::error::Error::OpenApi(format!(
                "`{setting}` is `{url}`, which is not a path: write it as `/{}`",
                url.trim_start_matches('/').split(['?', '#']).next().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// Two operations with one operationId make a document tools reject.
pub(crate) fn check_operation_ids(document: &Value) -> Result<(), crate::error::Error> {
    let mut seen: Vec<(&str, String)> = Vec::new();
    let Some(paths) = document["paths"].as_object() else { return Ok(()) };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, operation) in item {
            let Some(id) = operation["operationId"].as_str() else { continue };
            let here = format!("{} {path}", method.to_uppercase());
            if let Some((_, first)) = seen.iter().find(|(known, _)| *known == id) {
                return Err(crate::error::Error::OpenApi(format!(
                    "`{here}` and `{first}` have the same operation_id `{id}`: give one of them another"
                )));
            }
            seen.push((id, here));
        }
    }
    Ok(())
}

/// Where an operation's schemas come from. A model is described as it is
/// read (serde's deserialize rules: a `#[serde(default)]` field is
/// optional) in parameters and bodies, and as it is written in responses:
/// two generators, merged at the end.
struct Generators {
    input: SchemaGenerator,
    output: SchemaGenerator,
}

const COMPONENTS: &str = "#/components/schemas/";

impl Generators {
    fn new() -> Self {
        let settings = |contract| {
            let mut settings = SchemaSettings::draft2020_12();
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
            settings.contract = contract;
            settings
        };
        Generators {
            input: SchemaGenerator::new(settings(Contract::Deserialize)),
            output: SchemaGenerator::new(settings(Contract::Serialize)),
        }
    }

    /// The components, every model once under its own name. A model whose
    /// two descriptions differ appears twice, as FastAPI does it:
    /// `Item-Input` and `Item-Output`, and the references in `paths` are
    /// renamed to match.
    fn finish(mut self, paths: &mut Map<String, Value>) -> Map<String, Value> {
        let input = self.input.take_definitions(true);
        let output = self.output.take_definitions(true);
        let mut split: Vec<String> = input
            .iter()
            .filter(|(name, schema)| output.get(*name).is_some_and(|other| other != *schema))
            .map(|(name, _)| name.clone())
            .collect();
        // A model that refers to a split one is split too: its two sides
        // point at different components (`Outer-Input` → `Inner-Input`).
        loop {
            let more: Vec<String> = input
                .iter()
                .filter(|(name, schema)| {
                    !split.contains(name) && output.contains_key(*name) && refers_to_any(schema, &split)
                })
                .map(|(name, _)| name.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            split.extend(more);
        }
        let mut schemas = Map::new();
        for (side, definitions) in [("Input", input), ("Output", output)] {
            for (name, mut schema) in definitions {
                rename_refs(&mut schema, &split, side);
                add_titles(&mut schema, &name);
                let name = if split.contains(&name) { format!("{name}-{side}") } else { name };
                schemas.insert(name, schema);
            }
        }
        if !split.is_empty() {
            for item in paths.values_mut() {
                let Value::Object(item) = item else { continue };
                for operation in item.values_mut() {
                    let Value::Object(operation) = operation else { continue };
                    for (key, part) in operation.iter_mut() {
                        let side = if key == "responses" { "Output" } else { "Input" };
                        rename_refs(part, &split, side);
                    }
                }
            }
        }
        schemas.sort_keys();
        schemas
    }
}

/// FastAPI's titles, which Swagger UI and ReDoc show and client
/// generators name things by: the model's name on the model, and each
/// property's name, title-cased, on the property (`product_id` →
/// `Product Id`). A title the schema has already is kept; a property that
/// is a reference takes its model's.
fn add_titles(schema: &mut Value, name: &str) {
    let Value::Object(object) = schema else { return };
    object.entry("title").or_insert_with(|| json!(name));
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (property, schema) in properties.iter_mut() {
            if let Value::Object(schema) = schema
                && !schema.contains_key("$ref")
            {
                schema.entry("title").or_insert_with(|| json!(title_case(property)));
            }
        }
    }
}

/// Whether `value` holds a `$ref` to one of `names`.
fn refers_to_any(value: &Value, names: &[String]) -> bool {
    match value {
        Value::Object(object) => object.iter().any(|(key, child)| match (key.as_str(), child) {
            ("$ref", Value::String(target)) => {
                target.strip_prefix(COMPONENTS).is_some_and(|name| names.iter().any(|n| n == name))
            }
            _ => refers_to_any(child, names),
        }),
        Value::Array(items) => items.iter().any(|item| refers_to_any(item, names)),
        _ => false,
    }
}

/// Points every `$ref` to a split model at its `-Input` or `-Output` name.
fn rename_refs(value: &mut Value, split: &[String], side: &str) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if key == "$ref"
                    && let Value::String(target) = child
                    && let Some(name) = target.strip_prefix(COMPONENTS)
                    && split.iter().any(|split| split == name)
                {
                    *target = format!("{COMPONENTS}{name}-{side}");
                } else {
                    rename_refs(child, split, side);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_refs(item, split, side)),
        _ => {}
    }
}

/// One operation: FastAPI's summary and operationId unless given, the
/// description (the doc comment), tags, parameters of the whole
/// dependency tree (each once), the request body, and the responses.
fn operation(
    route: &RouteInfo,
    method: &str,
    trees: &[&'static DependencyInfo],
    generators: &mut Generators,
) -> Value {
    let mut params: Vec<ParamInfo> = route.params.to_vec();
    let mut fields: Vec<BodyField> = route.request_body.to_vec();
    for tree in trees {
        collect(tree, &mut params, &mut fields);
    }
    let mut seen = Vec::new();
    params.retain(|param| {
        let key = (param.name, param.location);
        let first = !seen.contains(&key);
        seen.push(key);
        first
    });
    let mut seen = Vec::new();
    fields.retain(|field| {
        let first = !seen.contains(&field.name);
        seen.push(field.name);
        first
    });
    let mut operation = Map::new();
    if !route.tags.is_empty() {
        let mut tags: Vec<&str> = Vec::new();
        for tag in route.tags {
            if !tags.contains(tag) {
                tags.push(tag);
            }
        }
        operation.insert("tags".into(), json!(tags));
    }
    operation
        .insert("summary".into(), json!(route.summary.map_or_else(|| title_case(route.name), str::to_owned)));
    if let Some(description) = route.description {
        operation.insert("description".into(), json!(description));
    }
    let operation_id = route.operation_id.map_or_else(|| operation_id(route, method), str::to_owned);
    if route.deprecated {
        operation.insert("deprecated".into(), json!(true));
    }
    if !params.is_empty() {
        let parameters: Vec<Value> = params
            .iter()
            .map(|param| {
                let mut schema = (param.schema)(&mut generators.input);
                if schema.get("$ref").is_none() {
                    schema.insert("title".into(), json!(title_case(param.name)));
                }
                json!({
                    "name": param.name,
                    "in": param.location.as_str(),
                    "required": param.required,
                    "schema": schema,
                })
            })
            .collect();
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    let reads_body = route.body != BodyReader::None || trees.iter().any(|tree| reads_body(tree));
    if let Some(body) = request_body(route, trees, &fields, &operation_id, generators) {
        operation.insert("requestBody".into(), body);
    }
    operation.insert("operationId".into(), json!(operation_id));

    let status = route.status_code.unwrap_or(200);
    let mut responses = Map::new();
    let mut success = Map::new();
    success.insert("description".into(), json!("Successful Response"));
    // A 204 or 304 has no body, whatever the handler returns.
    let bodiless = matches!(status, 204 | 304);
    if let Some(content) = (route.response)(&mut generators.output).filter(|_| !bodiless) {
        success.insert("content".into(), json!({ content.media_type: { "schema": content.schema } }));
    }
    responses.insert(status.to_string(), Value::Object(success));
    for declared in route.responses {
        if declared.status == status {
            // `responses(200 = T)` on the route's own status: `T` is
            // documented as what it answers with.
            let schema = (declared.schema)(&mut generators.output);
            if let Some(Value::Object(success)) = responses.get_mut(&status.to_string()) {
                success.insert("content".into(), json!({ "application/json": { "schema": schema } }));
            }
            continue;
        }
        let description = http::StatusCode::from_u16(declared.status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("Additional Response");
        let schema = (declared.schema)(&mut generators.output);
        responses.insert(
            declared.status.to_string(),
            json!({ "description": description, "content": { "application/json": { "schema": schema } } }),
        );
    }
    if (!params.is_empty() || reads_body) && !responses.contains_key("422") {
        let schema = generators.output.subschema_for::<RequestValidationError>();
        responses.insert(
            "422".into(),
            json!({
                "description": "Validation Error",
                "content": { "application/json": { "schema": schema } },
            }),
        );
    }
    operation.insert("responses".into(), Value::Object(responses));
    Value::Object(operation)
}

/// The operation's `requestBody`, from what its functions read: one JSON
/// model as the body itself, several embedded by name (FastAPI's
/// `Body_{operationId}` component); form fields as a form
/// (`multipart/form-data` once a file is among them, urlencoded otherwise)
/// unless one `#[form]` model is the whole form; a `Multipart` stream as
/// a multipart body of any parts.
fn request_body(
    route: &RouteInfo,
    trees: &[&'static DependencyInfo],
    fields: &[BodyField],
    operation_id: &str,
    generators: &mut Generators,
) -> Option<Value> {
    let json: Vec<&BodyField> = fields.iter().filter(|f| f.kind == BodyKind::Json).collect();
    let form: Vec<&BodyField> = fields.iter().filter(|f| f.kind != BodyKind::Json).collect();
    let (media_type, schema, required) = if !json.is_empty() {
        // Each `#[body]` (the handler's, a dependency's) reads the whole
        // body as its own type: the body must be all of them at once.
        let mut schemas: Vec<schemars::Schema> = Vec::new();
        for field in &json {
            let schema = (field.schema)(&mut generators.input).schema;
            if !schemas.contains(&schema) {
                schemas.push(schema);
            }
        }
        let schema = match schemas.len() {
            1 => schemas.remove(0),
            _ => schemars::json_schema!({ "allOf": schemas }),
        };
        ("application/json", schema, json.iter().any(|f| f.required))
    } else if !form.is_empty() {
        let media_type = if form.iter().any(|f| f.kind == BodyKind::File) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let first = (form[0].schema)(&mut generators.input);
        let schema = if form.len() == 1 && first.whole {
            first.schema
        } else {
            embedded(&form, operation_id, generators)
        };
        (media_type, schema, form.iter().any(|f| f.required))
    } else if route.body == BodyReader::Multipart || trees.iter().any(|tree| streams_body(tree)) {
        ("multipart/form-data", schemars::json_schema!({ "type": "object" }), true)
    } else {
        return None;
    };
    let mut body = Map::new();
    body.insert("content".into(), json!({ media_type: { "schema": schema } }));
    if required {
        body.insert("required".into(), json!(true));
    }
    Some(Value::Object(body))
}

/// Several body parts as one object, a component named as FastAPI names
/// it (`Body_create_item_items_post`), with each part a property.
fn embedded(fields: &[&BodyField], operation_id: &str, generators: &mut Generators) -> schemars::Schema {
    let name = format!("Body_{operation_id}");
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let mut schema = (field.schema)(&mut generators.input).schema;
        if schema.get("$ref").is_none() {
            schema.insert("title".into(), json!(title_case(field.name)));
        }
        properties.insert(field.name.to_owned(), schema.to_value());
        if field.required {
            required.push(field.name);
        }
    }
    let mut schema = json!({ "type": "object", "title": name, "properties": properties });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    generators.input.definitions_mut().insert(name.clone(), schema);
    schemars::json_schema!({ "$ref": format!("{COMPONENTS}{name}") })
}

fn collect(tree: &'static DependencyInfo, params: &mut Vec<ParamInfo>, fields: &mut Vec<BodyField>) {
    params.extend_from_slice(tree.params);
    fields.extend_from_slice(tree.request_body);
    for dependency in tree.dependencies {
        collect(dependency, params, fields);
    }
}

fn streams_body(tree: &'static DependencyInfo) -> bool {
    tree.body == BodyReader::Multipart || tree.dependencies.iter().any(|d| streams_body(d))
}

fn reads_body(tree: &'static DependencyInfo) -> bool {
    tree.body != BodyReader::None || tree.dependencies.iter().any(|d| reads_body(d))
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
/// The route that serves the document: its bytes, made once, and the
/// document itself for a request through a mount, which gets the mount's
/// prefix as its server (FastAPI's `root_path`) unless the app names its
/// own servers.
pub(crate) struct OpenApiJson {
    pub(crate) bytes: Bytes,
    pub(crate) document: Value,
}

impl Endpoint for OpenApiJson {
    const INFO: RouteInfo =
        RouteInfo { path: "/openapi.json", name: "openapi", include_in_schema: false, ..RouteInfo::DEFAULT };
    const APP_DEPENDENCIES: bool = false;

    async fn call(&self, request: Request) -> Response {
        let root = request.extensions().get::<crate::routing::RootPath>().map_or("", |root| root.as_str());
        let bytes = if root.is_empty() || self.document.get("servers").is_some() {
            self.bytes.clone()
        } else {
            let mut document = self.document.clone();
            document["servers"] = json!([{ "url": root }]);
            serde_json::to_vec(&document).unwrap_or_default().into()
        };
        let mut response = Response::new(Body::from(bytes));
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        response
    }
}

// Swagger UI and ReDoc, served beside the document.
mod docs;
pub(crate) use docs::routes as docs_routes;

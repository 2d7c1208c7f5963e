//! The interactive documentation pages, FastAPI's `/docs` (Swagger UI) and
//! `/redoc` (ReDoc), with the scripts and styles they load.
//!
//! The pages are made once when the app is built. Their files come from
//! the npm packages `swagger-ui-dist` and `redoc`, vendored unchanged in
//! `framework/assets` (see the README there) and embedded in the binary,
//! so neither building nor serving the pages reaches the network. Every
//! file is served from a route of its own under the page's URL, added next
//! to the document's route and left out of the document.

use std::marker::PhantomData;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use bytes::Bytes;
use http::HeaderValue;
use http::header::CACHE_CONTROL;

use super::Settings;
use crate::body::Body;
use crate::request::Request;
use crate::response::{Response, TEXT_HTML, with_content_type};
use crate::routing::{Endpoint, RootPath, Route, RouteInfo};

/// The routes of the pages `settings` turns on, with their files; none
/// without an OpenAPI document to show.
pub(crate) fn routes(settings: &Settings) -> Vec<Route> {
    let mut routes = Vec::new();
    let Some(openapi_url) = settings.url.as_deref() else {
        return routes;
    };
    if let Some(url) = settings.docs_url.as_deref() {
        let page = Page::new(Kind::SwaggerUi, &settings.title, openapi_url, url);
        routes.push(Route::new(SwaggerUiHtml(page)).at(leak(url.to_owned())));
        routes.push(file::<SwaggerUiBundle>(url));
        routes.push(file::<SwaggerUiCss>(url));
        routes.push(file::<OAuth2RedirectHtml>(url));
        routes.push(file::<OAuth2RedirectJs>(url));
    }
    if let Some(url) = settings.redoc_url.as_deref() {
        let page = Page::new(Kind::Redoc, &settings.title, openapi_url, url);
        routes.push(Route::new(RedocHtml(page)).at(leak(url.to_owned())));
        routes.push(file::<RedocStandalone>(url));
    }
    routes
}

/// Route paths are `'static`; the app's few are made once per build.
fn leak(path: String) -> &'static str {
    Box::leak(path.into_boxed_str())
}

/// `file` under the page at `page`: `/docs` + `swagger-ui.css` is
/// `/docs/swagger-ui.css` (and so is `/docs/` + it).
fn under(page: &str, file: &str) -> String {
    format!("{}/{file}", page.trim_end_matches('/'))
}

fn file<F: File>(page: &str) -> Route {
    Route::new(Served::<F>(PhantomData)).at(leak(under(page, F::FILE)))
}

const SWAGGER_UI_VERSION: &str = include_str!("../../assets/swagger-ui/VERSION").trim_ascii();
const REDOC_VERSION: &str = include_str!("../../assets/redoc/VERSION").trim_ascii();
const FAVICON: &[u8] = include_bytes!("../../assets/swagger-ui/favicon-32x32.png");

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// An embedded file and the route that serves it.
trait File: Send + Sync + 'static {
    /// The route's name, as `Service::describe` shows it.
    const NAME: &'static str;
    /// Its name under the page's URL.
    const FILE: &'static str;
    const BYTES: &'static [u8];
    const CONTENT_TYPE: &'static str;
    /// The version of the package it comes from: the pages ask for
    /// `?v={VERSION}`, a URL that changes when the file does.
    const VERSION: &'static str;
}

struct SwaggerUiBundle;
impl File for SwaggerUiBundle {
    const NAME: &'static str = "swagger_ui_bundle";
    const FILE: &'static str = "swagger-ui-bundle.js";
    const BYTES: &'static [u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
    const CONTENT_TYPE: &'static str = JAVASCRIPT;
    const VERSION: &'static str = SWAGGER_UI_VERSION;
}

struct SwaggerUiCss;
impl File for SwaggerUiCss {
    const NAME: &'static str = "swagger_ui_css";
    const FILE: &'static str = "swagger-ui.css";
    const BYTES: &'static [u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");
    const CONTENT_TYPE: &'static str = CSS;
    const VERSION: &'static str = SWAGGER_UI_VERSION;
}

/// The page an OAuth2 provider sends the browser back to after Swagger
/// UI's Authorize: it loads `oauth2-redirect.js` beside it, which hands
/// the result to the Swagger UI window that opened it.
struct OAuth2RedirectHtml;
impl File for OAuth2RedirectHtml {
    const NAME: &'static str = "swagger_ui_redirect";
    const FILE: &'static str = "oauth2-redirect";
    const BYTES: &'static [u8] = include_bytes!("../../assets/swagger-ui/oauth2-redirect.html");
    const CONTENT_TYPE: &'static str = HTML;
    const VERSION: &'static str = SWAGGER_UI_VERSION;
}

struct OAuth2RedirectJs;
impl File for OAuth2RedirectJs {
    const NAME: &'static str = "swagger_ui_redirect_js";
    const FILE: &'static str = "oauth2-redirect.js";
    const BYTES: &'static [u8] = include_bytes!("../../assets/swagger-ui/oauth2-redirect.js");
    const CONTENT_TYPE: &'static str = JAVASCRIPT;
    const VERSION: &'static str = SWAGGER_UI_VERSION;
}

struct RedocStandalone;
impl File for RedocStandalone {
    const NAME: &'static str = "redoc_standalone";
    const FILE: &'static str = "redoc.standalone.js";
    const BYTES: &'static [u8] = include_bytes!("../../assets/redoc/redoc.standalone.js");
    const CONTENT_TYPE: &'static str = JAVASCRIPT;
    const VERSION: &'static str = REDOC_VERSION;
}

/// The route of one embedded file: zero-sized, the bytes are static.
struct Served<F>(PhantomData<F>);

impl<F: File> Endpoint for Served<F> {
    const INFO: RouteInfo = page_info(F::NAME);
    const APP_DEPENDENCIES: bool = false;

    async fn call(&self, request: Request) -> Response {
        let mut response = with_content_type(Body::from(F::BYTES), HeaderValue::from_static(F::CONTENT_TYPE));
        // The URLs the pages use name the version, so a cached copy can be
        // kept for good; a URL without it may see another file tomorrow.
        let versioned = request.uri().query().and_then(|query| query.strip_prefix("v=")) == Some(F::VERSION);
        let cache = if versioned { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        response
    }
}

/// A GET route of the docs, left out of the document; its path is set
/// when the app is built.
const fn page_info(name: &'static str) -> RouteInfo {
    RouteInfo { name, include_in_schema: false, ..RouteInfo::DEFAULT }
}

#[derive(Clone, Copy)]
enum Kind {
    SwaggerUi,
    Redoc,
}

/// One of the two pages, made once for requests outside any mount; under
/// a mount its URLs start with the mount's prefixes ([`RootPath`]), as
/// FastAPI's start with the `root_path`.
struct Page {
    kind: Kind,
    title: String,
    openapi_url: String,
    url: String,
    favicon: String,
    html: Bytes,
}

impl Page {
    fn new(kind: Kind, title: &str, openapi_url: &str, url: &str) -> Self {
        let mut page = Page {
            kind,
            title: title.to_owned(),
            openapi_url: openapi_url.to_owned(),
            url: url.to_owned(),
            favicon: format!("data:image/png;base64,{}", BASE64_STANDARD.encode(FAVICON)),
            html: Bytes::new(),
        };
        page.html = Bytes::from(page.render(""));
        page
    }

    fn render(&self, root: &str) -> String {
        let openapi = format!("{root}{}", self.openapi_url);
        let page = format!("{root}{}", self.url);
        match self.kind {
            Kind::SwaggerUi => swagger_ui_html(&self.title, &openapi, &page, &self.favicon),
            Kind::Redoc => redoc_html(&self.title, &openapi, &page, &self.favicon),
        }
    }

    fn answer(&self, request: &Request) -> Response {
        let root = request.extensions().get::<RootPath>().map_or("", RootPath::as_str);
        let body =
            if root.is_empty() { Body::from(self.html.clone()) } else { Body::from(self.render(root)) };
        with_content_type(body, TEXT_HTML)
    }
}

struct SwaggerUiHtml(Page);

impl Endpoint for SwaggerUiHtml {
    const INFO: RouteInfo = page_info("swagger_ui_html");
    const APP_DEPENDENCIES: bool = false;

    async fn call(&self, request: Request) -> Response {
        self.0.answer(&request)
    }
}

struct RedocHtml(Page);

impl Endpoint for RedocHtml {
    const INFO: RouteInfo = page_info("redoc_html");
    const APP_DEPENDENCIES: bool = false;

    async fn call(&self, request: Request) -> Response {
        self.0.answer(&request)
    }
}

/// `file`'s URL as the page at `page` asks for it.
fn asset_url<F: File>(page: &str) -> String {
    format!("{}?v={}", under(page, F::FILE), F::VERSION)
}

/// Swagger UI with FastAPI's settings: the base layout (no top bar),
/// deep links to operations, vendor extensions shown, and the OAuth2
/// redirect page beside it. FastAPI also lists
/// `SwaggerUIBundle.SwaggerUIStandalonePreset` among the presets, but the
/// bundle has no such member (that preset ships in a file of its own, for
/// the standalone layout's top bar), so the entry is `undefined` there
/// and is left out here: the page renders the same.
fn swagger_ui_html(title: &str, openapi: &str, page: &str, favicon: &str) -> String {
    let title = html_text(&format!("{title} - Swagger UI"));
    let css = html_text(&asset_url::<SwaggerUiCss>(page));
    let bundle = html_text(&asset_url::<SwaggerUiBundle>(page));
    let openapi = js_string(openapi);
    let redirect = js_string(&under(page, OAuth2RedirectHtml::FILE));
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{favicon}">
<link rel="stylesheet" href="{css}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{bundle}"></script>
<script>
window.ui = SwaggerUIBundle({{
  url: {openapi},
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  oauth2RedirectUrl: window.location.origin + {redirect},
  presets: [SwaggerUIBundle.presets.apis],
}});
</script>
</body>
</html>
"##
    )
}

/// ReDoc's standalone bundle, which renders the `<redoc>` element's
/// `spec-url` once loaded.
fn redoc_html(title: &str, openapi: &str, page: &str, favicon: &str) -> String {
    let title = html_text(&format!("{title} - ReDoc"));
    let openapi = html_text(openapi);
    let script = html_text(&asset_url::<RedocStandalone>(page));
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{favicon}">
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<noscript>This page needs JavaScript to show the API's documentation.</noscript>
<redoc spec-url="{openapi}"></redoc>
<script src="{script}"></script>
</body>
</html>
"#
    )
}

/// Text safe in an HTML element or a quoted attribute.
fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A JavaScript string literal that cannot end the `<script>` around it.
fn js_string(text: &str) -> String {
    serde_json::Value::from(text).to_string().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_settings_cannot_break_out_of_the_page() {
        assert_eq!(html_text(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(js_string("/a\"</script>\\"), r#""/a\"\u003c/script>\\""#);
        let page = swagger_ui_html("</title><script>", "/o</script>.json", "/docs", "data:,");
        assert!(!page.contains("</title><script>") && !page.contains("o</script>"));
        assert!(page.contains("<title>&lt;/title&gt;&lt;script&gt; - Swagger UI</title>"));
    }

    #[test]
    fn the_versions_are_read_from_the_vendored_folders() {
        for version in [SWAGGER_UI_VERSION, REDOC_VERSION] {
            assert!(version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()));
        }
        assert!(FAVICON.starts_with(b"\x89PNG"));
    }
}

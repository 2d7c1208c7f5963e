//! The documentation pages, FastAPI's `/docs` (Swagger UI) and `/redoc`
//! (ReDoc): served by the app with every file they load, pointing at the
//! app's OpenAPI document, moved or turned off by the app's settings.

use brisk::prelude::*;
use brisk::testing::{TestClient, TestResponse};
use serde_json::Value;

#[get("/items/{item_id}")]
async fn read_item(item_id: i64) -> String {
    item_id.to_string()
}

fn app() -> App {
    App::new().title("Shop").routes(routes![read_item])
}

/// Every `src="…"` and `href="…"` of a page, but the inline `data:` ones.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in [" src=\"", " href=\""] {
        for (at, _) in html.match_indices(attribute) {
            let rest = &html[at + attribute.len()..];
            let value = &rest[..rest.find('"').expect("a closing quote")];
            if !value.starts_with("data:") {
                found.push(value.to_owned());
            }
        }
    }
    found
}

/// Fetches `url` and checks it is a real file of `content_type`, kept
/// in caches for good (its URL names its version).
async fn check_file(client: &TestClient, url: &str, content_type: &str, at_least: usize) -> TestResponse {
    let response = client.get(url).send().await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    assert_eq!(response.header("content-type"), Some(content_type), "{url}");
    assert!(response.bytes().len() >= at_least, "{url}: {} bytes", response.bytes().len());
    assert_eq!(response.header("cache-control"), Some("public, max-age=31536000, immutable"), "{url}");
    response
}

#[tokio::test]
async fn swagger_ui_is_served_at_docs_with_every_file_it_loads() {
    let client = TestClient::new(app());
    let page = client.get("/docs").send().await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let html = page.text();
    assert!(html.contains("<title>Shop - Swagger UI</title>"), "{html}");
    assert!(html.contains(r#"url: "/openapi.json""#), "{html}");
    assert!(html.contains(r##"dom_id: "#swagger-ui""##) && html.contains(r#"<div id="swagger-ui">"#));
    assert!(html.contains(r#"layout: "BaseLayout""#) && html.contains("deepLinking: true"));
    assert!(html.contains("showExtensions: true") && html.contains("showCommonExtensions: true"));
    assert!(html.contains("presets: [SwaggerUIBundle.presets.apis]"));
    assert!(html.contains(r#"oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect""#));
    assert!(html.contains(r#"<link rel="icon" type="image/png" href="data:image/png;base64,iVBOR"#));

    let files = references(&html);
    assert_eq!(files.len(), 2, "{files:?}");
    let css = files.iter().find(|url| url.starts_with("/docs/swagger-ui.css?v=")).expect("the styles");
    let script =
        files.iter().find(|url| url.starts_with("/docs/swagger-ui-bundle.js?v=")).expect("the script");
    let css = check_file(&client, css, "text/css; charset=utf-8", 100_000).await;
    assert!(css.text().contains(".swagger-ui"));
    let script = check_file(&client, script, "text/javascript; charset=utf-8", 1_000_000).await;
    assert!(script.text().contains("SwaggerUIBundle"));

    // The OAuth2 redirect page loads its script from beside it.
    let redirect = client.get("/docs/oauth2-redirect").send().await;
    assert_eq!(redirect.status(), StatusCode::OK);
    assert_eq!(redirect.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(references(&redirect.text()), ["oauth2-redirect.js"]);
    let redirect_script = client.get("/docs/oauth2-redirect.js").send().await;
    assert_eq!(redirect_script.status(), StatusCode::OK);
    assert_eq!(redirect_script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(redirect_script.text().contains("swaggerUIRedirectOauth2"));
    // Asked for without the version, a file may change under the same URL.
    assert_eq!(redirect_script.header("cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn redoc_is_served_at_redoc_with_its_script() {
    let client = TestClient::new(app());
    let page = client.get("/redoc").send().await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let html = page.text();
    assert!(html.contains("<title>Shop - ReDoc</title>"), "{html}");
    assert!(html.contains(r#"<redoc spec-url="/openapi.json"></redoc>"#), "{html}");
    let files = references(&html);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("/redoc/redoc.standalone.js?v="), "{files:?}");
    let script = check_file(&client, &files[0], "text/javascript; charset=utf-8", 500_000).await;
    assert!(script.text().contains("spec-url"));
}

#[tokio::test]
async fn the_pages_show_the_document_wherever_it_is_served() {
    let client = TestClient::new(app().openapi_url(Some("/api/v1/openapi.json")));
    assert!(client.get("/docs").send().await.text().contains(r#"url: "/api/v1/openapi.json""#));
    assert!(client.get("/redoc").send().await.text().contains(r#"spec-url="/api/v1/openapi.json""#));
    assert_eq!(client.get("/api/v1/openapi.json").send().await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_pages_can_be_moved_and_their_files_move_with_them() {
    let client = TestClient::new(app().docs_url(Some("/api/docs")).redoc_url(Some("/api/reference/")));
    let docs = client.get("/api/docs").send().await.text();
    for url in references(&docs) {
        assert!(url.starts_with("/api/docs/"), "{url}");
        assert_eq!(client.get(&url).send().await.status(), StatusCode::OK, "{url}");
    }
    assert!(docs.contains(r#"window.location.origin + "/api/docs/oauth2-redirect""#));
    assert_eq!(client.get("/api/docs/oauth2-redirect").send().await.status(), StatusCode::OK);
    // A URL given with a trailing slash keeps it; the files go beneath it.
    let redoc = client.get("/api/reference/").send().await.text();
    for url in references(&redoc) {
        assert!(url.starts_with("/api/reference/redoc.standalone.js?v="), "{url}");
        assert_eq!(client.get(&url).send().await.status(), StatusCode::OK, "{url}");
    }
    for gone in ["/docs", "/docs/swagger-ui.css", "/redoc", "/redoc/redoc.standalone.js"] {
        assert_eq!(client.get(gone).send().await.status(), StatusCode::NOT_FOUND, "{gone}");
    }
}

#[tokio::test]
async fn each_page_can_be_turned_off_with_its_files() {
    let no_docs = TestClient::new(app().docs_url(None));
    for gone in [
        "/docs",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-ui.css",
        "/docs/oauth2-redirect",
        "/docs/oauth2-redirect.js",
    ] {
        assert_eq!(no_docs.get(gone).send().await.status(), StatusCode::NOT_FOUND, "{gone}");
    }
    assert_eq!(no_docs.get("/redoc").send().await.status(), StatusCode::OK);
    assert_eq!(no_docs.get("/openapi.json").send().await.status(), StatusCode::OK);

    let no_redoc = TestClient::new(app().redoc_url(None));
    for gone in ["/redoc", "/redoc/redoc.standalone.js"] {
        assert_eq!(no_redoc.get(gone).send().await.status(), StatusCode::NOT_FOUND, "{gone}");
    }
    assert_eq!(no_redoc.get("/docs").send().await.status(), StatusCode::OK);
}

#[tokio::test]
async fn without_a_document_there_are_no_pages() {
    let client = TestClient::new(app().openapi_url(None));
    for gone in
        ["/openapi.json", "/docs", "/docs/swagger-ui-bundle.js", "/redoc", "/redoc/redoc.standalone.js"]
    {
        assert_eq!(client.get(gone).send().await.status(), StatusCode::NOT_FOUND, "{gone}");
    }
    let service = app().openapi_url(None).build().expect("the app builds");
    assert_eq!(service.describe(), "GET /items/{item_id} → read_item\n");
}

#[tokio::test]
async fn the_pages_are_routes_of_the_app_but_not_in_its_document() {
    let service = app().build().expect("the app builds");
    assert_eq!(
        service.describe(),
        "GET /items/{item_id} → read_item\n".to_owned() + brisk_tests::BUILT_IN_ROUTES
    );
    let document = app().openapi();
    let paths: Vec<&String> = document["paths"].as_object().expect("paths").keys().collect();
    assert_eq!(paths, ["/items/{item_id}"]);
    let served: Value = TestClient::new(app()).get("/openapi.json").send().await.json();
    assert_eq!(served, document);

    // They answer HEAD as GET routes do, and nothing else.
    let client = TestClient::new(app());
    let head = client.head("/docs/swagger-ui.css").send().await;
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.bytes().is_empty());
    assert_eq!(client.post("/docs").send().await.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_page_clashing_with_a_route_is_a_build_error() {
    #[get("/docs")]
    async fn my_docs() -> &'static str {
        "mine"
    }
    let err = App::new().routes(routes![my_docs]).build().expect_err("a clash");
    assert!(err.to_string().contains("my_docs"), "{err}");
    // Turned off, the page leaves the path to the app.
    let client = TestClient::new(App::new().routes(routes![my_docs]).docs_url(None));
    assert_eq!(client.get("/docs").send().await.text(), "mine");
}

#[tokio::test]
async fn under_a_mount_the_pages_point_through_the_mount() {
    let inner = app().build().expect("the inner app builds");
    let client = TestClient::new(App::new().docs_url(None).redoc_url(None).mount("/v2", inner));
    let docs = client.get("/v2/docs").send().await.text();
    assert!(docs.contains(r#"url: "/v2/openapi.json""#), "{docs}");
    assert!(docs.contains(r#"window.location.origin + "/v2/docs/oauth2-redirect""#), "{docs}");
    let redoc = client.get("/v2/redoc").send().await.text();
    assert!(redoc.contains(r#"spec-url="/v2/openapi.json""#), "{redoc}");
    for url in references(&docs).into_iter().chain(references(&redoc)).chain(["/v2/openapi.json".to_owned()])
    {
        assert!(url.starts_with("/v2/"), "{url}");
        assert_eq!(client.get(&url).send().await.status(), StatusCode::OK, "{url}");
    }
}

#[tokio::test]
async fn the_title_cannot_break_the_pages() {
    let client = TestClient::new(app().title("Tom & Jerry's <Shop>"));
    let docs = client.get("/docs").send().await.text();
    assert!(docs.contains("<title>Tom &amp; Jerry&#39;s &lt;Shop&gt; - Swagger UI</title>"), "{docs}");
    let redoc = client.get("/redoc").send().await.text();
    assert!(redoc.contains("<title>Tom &amp; Jerry&#39;s &lt;Shop&gt; - ReDoc</title>"), "{redoc}");
}

#[depends]
async fn require_api_key(#[header] x_api_key: Option<String>) -> Result<(), HttpError> {
    match x_api_key.as_deref() {
        Some("let-me-in") => Ok(()),
        _ => Err(HttpError::unauthorized("API key required")),
    }
}

/// As in FastAPI, the app-level dependencies guard the app's routes, not
/// its document and docs pages: an app-wide key does not lock them away.
#[tokio::test]
async fn app_level_dependencies_guard_the_routes_but_not_the_docs() {
    let client = TestClient::new(app().dependency::<require_api_key>());
    assert_eq!(client.get("/items/1").send().await.status(), 401);
    assert_eq!(client.get("/items/1").header("x-api-key", "let-me-in").send().await.status(), 200);
    for url in ["/openapi.json", "/docs", "/docs/swagger-ui.css", "/docs/oauth2-redirect", "/redoc"] {
        assert_eq!(client.get(url).send().await.status(), 200, "{url}");
    }
    // The dependency's parameter is on the app's operations.
    let document: Value = client.get("/openapi.json").send().await.json();
    assert_eq!(document["paths"]["/items/{item_id}"]["get"]["parameters"][1]["name"], "x-api-key");
}

/// A mounted app's document names the mount as its server, as FastAPI's
/// `root_path` does, so Swagger UI's calls go through the mount; the
/// outer app's own dependencies guard its routes, not the mount.
#[tokio::test]
async fn a_mounted_apps_document_points_through_the_mount() {
    let inner = app().build().expect("the inner app builds");
    let outer = App::new().dependency::<require_api_key>().mount("/v2", inner);
    let client = TestClient::new(outer);
    let document: Value = client.get("/v2/openapi.json").send().await.json();
    assert_eq!(document["servers"], serde_json::json!([{ "url": "/v2" }]));
    assert!(document["paths"].get("/items/{item_id}").is_some());
    assert_eq!(client.get("/v2/items/1").send().await.status(), 200);
    assert_eq!(client.get("/v2/docs").send().await.status(), 200);
    // Served directly, the same app has no servers.
    let direct: Value = TestClient::new(app()).get("/openapi.json").send().await.json();
    assert!(direct.get("servers").is_none());
    // Servers the app names itself are kept as they are.
    let named = app().server("https://api.example.com", None).build().expect("builds");
    let client = TestClient::new(App::new().mount("/v3", named));
    let document: Value = client.get("/v3/openapi.json").send().await.json();
    assert_eq!(document["servers"], serde_json::json!([{ "url": "https://api.example.com" }]));
}

//! Mounts (Starlette's `Mount`): a prefix handed to another brisk app or
//! to any tower service, which sees the path without the prefix.

use std::convert::Infallible;

use brisk::http;
use brisk::middleware::Next;
use brisk::prelude::*;
use brisk::routing::RootPath;
use brisk::testing::TestClient;
use serde_json::{Value, json};

#[get("/items/{item_id}")]
async fn read_item(item_id: u32, request: Request) -> Json<Value> {
    let root = request.extensions().get::<RootPath>().map(|root| root.as_str().to_owned());
    Json(json!({ "item_id": item_id, "path": request.path(), "query": request.query_string(), "root": root }))
}

#[get("/")]
async fn v2_index(request: Request) -> String {
    format!("v2 index at {}", request.path())
}

#[post("/items")]
async fn v2_create(#[body] item: Value) -> (StatusCode, Json<Value>) {
    (StatusCode::CREATED, Json(item))
}

#[get("/v1/items/{item_id}")]
async fn v1_item(item_id: u32) -> String {
    format!("v1 item {item_id}")
}

/// The outer app: its own route, a brisk app at /v2, a plain tower
/// service at /raw, and a middleware that marks every response.
fn app() -> App {
    let v2 = App::new().routes(routes![read_item, v2_index, v2_create]).build().expect("v2 builds");
    let raw = tower::service_fn(|request: http::Request<brisk::Body>| async move {
        let text = format!("raw {} {}", request.method(), request.uri());
        Ok::<_, Infallible>(http::Response::new(brisk::Body::from(text)))
    });
    App::new()
        .middleware(|request: Request, next: Next| async move {
            let mut response = next.run(request).await;
            response.headers_mut().insert("x-outer", HeaderValue::from_static("1"));
            response
        })
        .routes(routes![v1_item])
        .mount("/v2", v2)
        .mount("/raw", raw)
}

#[tokio::test]
async fn a_mounted_app_sees_the_path_without_its_prefix() {
    let client = TestClient::new(app());
    let item = client.get("/v2/items/5?q=x").send().await;
    assert_eq!(item.status(), 200);
    assert_eq!(
        item.json::<Value>(),
        json!({"item_id": 5, "path": "/items/5", "query": "q=x", "root": "/v2"})
    );
    assert_eq!(item.header("x-outer"), Some("1"), "the outer app's middleware wraps the mount");
    for index in ["/v2", "/v2/"] {
        assert_eq!(client.get(index).send().await.text(), "v2 index at /", "{index}");
    }
    let created = client.post("/v2/items").json(&json!({"name": "x"})).send().await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.json::<Value>(), json!({"name": "x"}));
    assert_eq!(client.get("/v1/items/3").send().await.text(), "v1 item 3", "the outer routes still answer");
}

#[tokio::test]
async fn the_mounted_app_answers_its_own_errors() {
    let client = TestClient::new(app());
    let missing = client.get("/v2/nothing").send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>(), json!({"detail": "Not Found"}));
    assert_eq!(missing.header("x-outer"), Some("1"));
    let invalid = client.get("/v2/items/abc").send().await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(invalid.json::<Value>()["detail"][0]["loc"], json!(["path", "item_id"]));
    let method = client.delete("/v2/items/5").send().await;
    assert_eq!(method.status(), 405, "the mounted app's own 405");
    assert_eq!(client.get("/v2x/items/5").send().await.status(), 404, "a prefix is whole segments");
}

#[tokio::test]
async fn any_tower_service_can_be_mounted_and_gets_every_method() {
    let client = TestClient::new(app());
    assert_eq!(client.get("/raw/a/b?c=d").send().await.text(), "raw GET /a/b?c=d");
    assert_eq!(client.put("/raw").send().await.text(), "raw PUT /");
    assert_eq!(client.request(Method::PATCH, "/raw/x").send().await.text(), "raw PATCH /x");
}

#[tokio::test]
async fn mounts_nest_and_their_root_paths_add_up() {
    let inner = App::new().routes(routes![read_item]).build().expect("inner builds");
    let middle = App::new().mount("/inner", inner).build().expect("middle builds");
    let client = TestClient::new(App::new().mount("/outer", middle));
    let item = client.get("/outer/inner/items/9").send().await;
    assert_eq!(
        item.json::<Value>(),
        json!({"item_id": 9, "path": "/items/9", "query": null, "root": "/outer/inner"})
    );
}

#[test]
fn a_route_the_mount_would_take_is_a_conflict_naming_both() {
    #[get("/v2")]
    async fn old_v2() -> &'static str {
        "old"
    }
    let v2 = App::new().build().expect("v2 builds");
    let err =
        App::new().routes(routes![old_v2]).mount("/v2", v2).build().map(|_| ()).expect_err("a conflict");
    let err = err.to_string();
    assert!(err.contains("old_v2") && err.contains("brisk::app::Service") && err.contains("/v2"), "{err}");
}

#[test]
fn a_bad_mount_prefix_is_reported_when_the_app_is_built() {
    for (prefix, expected) in
        [("v2", "starts with `/`"), ("/v2/", "does not end with `/`"), ("", "a mount needs a prefix")]
    {
        let v2 = App::new().build().expect("v2 builds");
        let err = App::new().mount(prefix, v2).build().map(|_| ()).expect_err(prefix).to_string();
        assert!(err.contains(expected), "{prefix:?}: {err}");
    }
}

#[test]
fn describe_lists_the_mounts() {
    let service = app().build().expect("the app builds");
    let described = service.describe();
    assert!(described.contains("mount /v2 → brisk::app::Service\n"), "{described}");
    assert!(described.contains("mount /raw → tower::util::service_fn::ServiceFn<"), "{described}");
}

/// Through a real socket: mounting is routing, so HTTP/1.1 and HTTP/2 alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mount_answers_on_a_real_socket() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app().serve_with(listener, async {
        let _ = stopped.await;
    }));
    let item: Value =
        reqwest::get(format!("http://{addr}/v2/items/1")).await.expect("GET").json().await.expect("JSON");
    assert_eq!(item["path"], "/items/1");
    let _ = stop.send(());
    server.await.expect("the server task").expect("serve_with returns Ok");
}

#[get("/client")]
async fn client_of(request: Request) -> String {
    format!("{:?}", request.client_addr())
}

/// A mounted brisk app sees the client the outer app saw, and the access
/// log has one line for the request (the outer app's, with the full path).
#[tokio::test]
async fn a_mounted_brisk_app_sees_the_client_and_is_logged_once() {
    let captured = brisk_tests::log::Captured::default();
    let _default = brisk_tests::log::capture(&captured);

    let inner = App::new().routes(routes![client_of]).build().expect("inner builds");
    let client = TestClient::new(App::new().mount("/in", inner));
    assert_eq!(client.get("/in/client").send().await.text(), "Some(127.0.0.1:50000)");
    let access = captured.lines_of("brisk::access");
    assert_eq!(access.len(), 1, "{access:?}");
    assert!(access[0].contains("path=\"/in/client\""), "{access:?}");
}

#[test]
fn a_route_under_a_mount_prefix_is_a_conflict() {
    #[get("/items")]
    async fn items() -> &'static str {
        "items"
    }
    let v2 = App::new().build().expect("v2 builds");
    let shadowing = Router::new().prefix("/v2").routes(routes![items]);
    let err = App::new().include(shadowing).mount("/v2", v2).build().map(|_| ()).expect_err("a conflict");
    assert!(err.to_string().contains("/v2/items") && err.to_string().contains("items"), "{err}");
}

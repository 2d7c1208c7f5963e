//! Routers (FastAPI's `APIRouter`): prefixes, nesting, tags, shared
//! dependencies and the checks made when the app is built.

use std::sync::Arc;

use brisk::prelude::*;
use brisk::testing::TestClient;
use brisk_tests::{BUILT_IN_ROUTES, Events};
use serde_json::{Value, json};

#[get("/")]
async fn list_users() -> &'static str {
    "all users"
}

#[get("/{user_id}", tags = ["profiles"])]
async fn get_user(user_id: u64) -> String {
    format!("user {user_id}")
}

#[post("/{user_id}/orders", status_code = 201)]
async fn create_order(user_id: u64, #[depends(current_user)] user: String) -> String {
    format!("order for {user_id} by {user}")
}

#[get("/health")]
async fn health() -> &'static str {
    "ok"
}

/// Records that it ran, and rejects requests without the right token.
#[depends]
async fn verify_token(
    #[header] x_token: Option<String>,
    events: State<Arc<Events>>,
) -> Result<(), HttpError> {
    events.push("verify_token");
    match x_token.as_deref() {
        Some("secret") => Ok(()),
        _ => Err(HttpError::unauthorized("X-Token header invalid")),
    }
}

#[depends]
async fn api_version(events: State<Arc<Events>>) -> &'static str {
    events.push("api_version");
    "v1"
}

#[depends]
async fn current_user(#[depends(verify_token)] _checked: (), events: State<Arc<Events>>) -> String {
    events.push("current_user");
    "alice".to_owned()
}

#[depends]
async fn app_wide(events: State<Arc<Events>>) {
    events.push("app_wide");
}

fn users() -> Router {
    Router::new().prefix("/users").tags(["users"]).dependency::<verify_token>().routes(routes![
        list_users,
        get_user,
        create_order
    ])
}

fn app(events: &Arc<Events>) -> App {
    App::new()
        .state(events.clone())
        .dependency::<app_wide>()
        .routes(routes![health])
        .include(Router::new().prefix("/api").dependency::<api_version>().include(users()))
}

#[tokio::test]
async fn routes_answer_under_their_routers_prefixes() {
    let events = Arc::new(Events::default());
    let client = TestClient::new(app(&events));
    let secret = |path: &str| client.get(path).header("x-token", "secret");
    assert_eq!(secret("/api/users").send().await.text(), "all users", "`/` answers at the prefix itself");
    assert_eq!(secret("/api/users/7").send().await.text(), "user 7");
    assert_eq!(client.get("/health").send().await.text(), "ok", "routes outside the routers are untouched");
    for unprefixed in ["/users/7", "/7", "/api/7"] {
        assert_eq!(secret(unprefixed).send().await.status(), 404, "{unprefixed}");
    }
    assert_eq!(client.delete("/api/users/7").header("x-token", "secret").send().await.status(), 405);
}

#[tokio::test]
async fn router_dependencies_run_after_the_apps_and_the_outer_routers_before_the_routes_own() {
    let events = Arc::new(Events::default());
    let client = TestClient::new(app(&events));
    let created = client.post("/api/users/3/orders").header("x-token", "secret").send().await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.text(), "order for 3 by alice");
    // verify_token runs once: the route's current_user depends on it too,
    // and the request's cache hands it the result of the router's run.
    assert_eq!(events.log(), ["app_wide", "api_version", "verify_token", "current_user"]);
}

#[tokio::test]
async fn a_failing_router_dependency_answers_for_every_route_of_the_router() {
    let events = Arc::new(Events::default());
    let client = TestClient::new(app(&events));
    for path in ["/api/users", "/api/users/7"] {
        let refused = client.get(path).send().await;
        assert_eq!(refused.status(), 401, "{path}");
        assert_eq!(refused.json::<Value>(), json!({"detail": "X-Token header invalid"}));
    }
    assert_eq!(client.get("/health").send().await.status(), 200, "a route outside the router is not guarded");
    assert_eq!(
        events.log(),
        ["app_wide", "api_version", "verify_token", "app_wide", "api_version", "verify_token", "app_wide"]
    );
}

#[tokio::test]
async fn a_parameter_error_behind_a_router_dependency_is_the_usual_422() {
    let events = Arc::new(Events::default());
    let client = TestClient::new(app(&events));
    let invalid = client.get("/api/users/not-a-number").header("x-token", "secret").send().await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(invalid.json::<Value>()["detail"][0]["loc"], json!(["path", "user_id"]));
}

#[test]
fn routes_carry_their_routers_tags_then_their_own() {
    let events = Arc::new(Events::default());
    let service = app(&events).build().expect("the app builds");
    let tags: Vec<(&str, Vec<&str>)> =
        service.routes().iter().map(|route| (route.info().path, route.info().tags.to_vec())).collect();
    assert_eq!(
        tags,
        [
            ("/health", vec![]),
            ("/api/users", vec!["users"]),
            ("/api/users/{user_id}", vec!["users", "profiles"]),
            ("/api/users/{user_id}/orders", vec!["users"]),
            // The OpenAPI document's and the docs pages' own routes, added
            // when the app is built.
            ("/openapi.json", vec![]),
            ("/docs", vec![]),
            ("/docs/swagger-ui-bundle.js", vec![]),
            ("/docs/swagger-ui.css", vec![]),
            ("/docs/oauth2-redirect", vec![]),
            ("/docs/oauth2-redirect.js", vec![]),
            ("/redoc", vec![]),
            ("/redoc/redoc.standalone.js", vec![]),
        ]
    );
}

#[test]
fn describe_shows_each_router_above_its_routes() {
    let events = Arc::new(Events::default());
    let service = app(&events).build().expect("the app builds");
    assert_eq!(
        service.describe(),
        "every route\n    └─ app_wide\nGET /health → health\nrouter /api\n    └─ api_version\n    router /api/users (tags: users)\n        └─ verify_token\n        GET /api/users → list_users\n        GET /api/users/{user_id} → get_user\n        POST /api/users/{user_id}/orders → create_order\n            └─ current_user\n                └─ verify_token\n"
            .to_owned()
            + BUILT_IN_ROUTES
    );
    let graph = service.dependency_graph_dot();
    assert!(graph.contains("\"GET /api/users\" -> \"verify_token\""), "{graph}");
    assert!(graph.contains("\"GET /api/users\" -> \"api_version\""), "{graph}");
}

#[test]
fn a_prefix_that_is_not_a_plain_path_is_reported_when_the_app_is_built() {
    for (prefix, expected) in [
        ("users", "starts with `/`: write `/users`"),
        ("/users/", "does not end with `/`"),
        ("/", "leave the prefix out"),
        ("/users/{user_id}", "a prefix is a literal path"),
        ("/café", "never appears in a path as clients send it"),
        ("/a b", "never appears in a path as clients send it"),
        ("/a?b", "never appears in a path as clients send it"),
    ] {
        let err = App::new().include(Router::new().prefix(prefix).routes(routes![health])).build();
        let err = err.map(|_| ()).expect_err(prefix).to_string();
        assert!(
            err.contains(&format!("invalid router prefix `{prefix}`")) && err.contains(expected),
            "{err}"
        );
    }
    assert!(App::new().include(Router::new().routes(routes![health])).build().is_ok(), "no prefix is fine");
}

#[test]
fn routes_of_two_routers_that_claim_the_same_requests_are_a_conflict_naming_both_handlers() {
    #[get("/status")]
    async fn status_a() -> &'static str {
        "a"
    }
    #[get("/status")]
    async fn status_b() -> &'static str {
        "b"
    }
    let first = Router::new().prefix("/admin").routes(routes![status_a]);
    let second = Router::new().prefix("/admin").routes(routes![status_b]);
    let err =
        App::new().include(first).include(second).build().map(|_| ()).expect_err("a conflict").to_string();
    assert!(err.contains("status_a") && err.contains("status_b") && err.contains("/admin/status"), "{err}");
}

#[test]
fn one_handler_in_two_lists_is_a_conflict_that_says_to_list_it_once() {
    #[get("/health")]
    async fn health_check() -> &'static str {
        "ok"
    }
    // `routes![health_check, health_check]` is a compile error; across two
    // lists only the startup can see it.
    let err = App::new()
        .routes(routes![health_check])
        .include(Router::new().routes(routes![health_check]))
        .build()
        .map(|_| ())
        .expect_err("a conflict")
        .to_string();
    assert!(
        err.contains("`health_check`") && err.contains("GET /health") && err.contains("list it once"),
        "{err}"
    );
}

#[depends]
async fn session(events: State<Arc<Events>>) -> Result<(), HttpError> {
    let outcome = yield_!(());
    events.push(format!("session closed: {}", if outcome.is_ok() { "ok" } else { "err" }));
    Ok(())
}

#[depends]
async fn audit(events: State<Arc<Events>>) -> Result<(), HttpError> {
    let outcome = yield_!(());
    tokio::task::yield_now().await;
    events.push(format!("route teardown: {}", if outcome.is_ok() { "ok" } else { "err" }));
    Ok(())
}

#[get("/gone", dependencies = [audit])]
async fn gone(events: State<Arc<Events>>, tasks: BackgroundTasks) -> (StatusCode, &'static str) {
    let background = events.clone();
    tasks.add_task(async move {
        tokio::task::yield_now().await;
        background.push("background task");
    });
    (StatusCode::NOT_FOUND, "gone, on purpose")
}

/// A router's yield dependency wraps the route's: the route's background
/// tasks and teardowns first, then the router's, one after the other, and
/// all see the same outcome (the handler returned a 404 as its success).
#[tokio::test]
async fn router_teardowns_run_after_the_routes_with_the_routes_outcome() {
    let events = Arc::new(Events::default());
    let app = App::new()
        .state(events.clone())
        .include(Router::new().prefix("/r").dependency::<session>().routes(routes![gone]));
    let client = TestClient::new(app);
    let response = client.get("/r/gone").send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(events.wait_for(3).await, ["background task", "route teardown: ok", "session closed: ok"]);
}

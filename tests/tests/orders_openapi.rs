//! examples/orders' OpenAPI document: every route described, and a
//! snapshot of the whole document (tests/openapi/orders.json), so that
//! every change to it is a diff to review. `BRISK_BLESS=1` rewrites it.

use serde_json::Value;

fn document() -> Value {
    orders::app(orders::Settings::new("sqlite::memory:")).openapi()
}

#[test]
fn every_route_is_documented_with_its_bodies_and_responses() {
    let document = document();
    let paths = document["paths"].as_object().expect("paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("an item") {
            operations.push(format!("{} {path}", method.to_uppercase()));
            let responses = operation["responses"].as_object().expect("responses");
            let (status, success) = responses.iter().next().expect("a success response");
            assert!(status.starts_with('2'), "{method} {path}: {status}");
            // JSON success responses carry their model.
            if let Some(json) = success["content"].get("application/json") {
                assert!(
                    json["schema"].get("$ref").is_some() || json["schema"].get("type").is_some(),
                    "{path}"
                );
            }
            if let Some(body) = operation.get("requestBody") {
                let content = body["content"].as_object().expect("content");
                assert!(content.values().all(|media| media["schema"].is_object()), "{path}");
            }
        }
    }
    operations.sort();
    assert_eq!(
        operations,
        [
            "GET /",
            "GET /orders",
            "GET /orders/events",
            "GET /outbox",
            "GET /users/{id}",
            "GET /users/{id}/export",
            "POST /purchase",
            "POST /upload",
            "POST /users",
            "POST /users/{user_id}/orders",
        ]
    );
    // The credentials the orders router checks, and the purchase.
    for (path, method) in [("/orders", "get"), ("/orders/events", "get"), ("/purchase", "post")] {
        assert_eq!(document["paths"][path][method]["security"], serde_json::json!([{ "HTTPBearer": [] }]));
    }
    assert!(document["paths"]["/users/{id}"]["get"].get("security").is_none());
    // `GET /users/{id}` answers with the response model, without the email.
    let user = &document["components"]["schemas"]["UserOut"]["properties"];
    assert!(user.get("name").is_some() && user.get("email").is_none());
    assert_eq!(document["components"]["schemas"]["UserCreate"]["properties"]["email"]["format"], "email");
}

#[test]
fn the_document_matches_its_snapshot() {
    let mut text = serde_json::to_string_pretty(&document()).expect("JSON");
    text.push('\n');
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/orders.json");
    if std::env::var_os("BRISK_BLESS").is_some() {
        std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi")).expect("the folder");
        std::fs::write(path, &text).expect("the snapshot is written");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected != text {
        let first = expected.lines().zip(text.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "the orders document changed (first difference at line {}); review it and run \
             BRISK_BLESS=1 cargo test -p brisk-tests --test orders_openapi\n--- expected\n{}\n--- actual\n{}",
            first + 1,
            expected.lines().skip(first).take(8).collect::<Vec<_>>().join("\n"),
            text.lines().skip(first).take(8).collect::<Vec<_>>().join("\n"),
        );
    }
}

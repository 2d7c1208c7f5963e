//! JSON bodies validated into a model: any body gets the handler exactly
//! when serde and the model's validator both accept it, and a 422 in
//! FastAPI's shape (every error located) otherwise; never a 5xx.
//!
//! Input: one byte for the chunk size, then the body.
#![no_main]

use std::sync::OnceLock;

use brisk::prelude::*;
use brisk_fuzz::{Harness, chunked, expect_status, expect_validation_shape};
use libfuzzer_sys::fuzz_target;
use validator::Validate;

#[derive(Debug, Deserialize, Serialize, Validate)]
struct Line {
    #[validate(length(min = 1, max = 12))]
    sku: String,
    #[validate(range(min = 1, max = 100))]
    quantity: u32,
    #[validate(range(exclusive_min = 0.0))]
    price: f64,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum Shipping {
    Standard,
    Express { days: u8 },
}

#[derive(Debug, Deserialize, Serialize, Validate)]
#[serde(deny_unknown_fields)]
struct Order {
    #[validate(email)]
    email: String,
    #[validate(length(min = 1, max = 5), nested)]
    lines: Vec<Line>,
    shipping: Shipping,
    note: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[validate(nested)]
    gift: Option<Line>,
}

#[post("/orders/{user_id}")]
async fn create_order(user_id: u32, #[body] order: Order) -> String {
    assert!(order.validate().is_ok(), "the handler got an order its validator refuses");
    format!("{user_id} {order:?}")
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        Harness::new(App::new().routes(routes![create_order]).body_limit(64 * 1024).openapi_url(None))
    })
}

fuzz_target!(|input: &[u8]| {
    let Some((&size, body)) = input.split_first() else { return };
    let Some(mut request) = brisk_fuzz::request(b"POST", b"/orders/7") else { return };
    request
        .headers_mut()
        .insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    *request.body_mut() = chunked(body, usize::from(size) + 1);
    let answer = harness().send(request);
    expect_status(&answer, &[200, 413, 422], "json body");
    // The same body through serde and the validator directly.
    let accepted = serde_json::from_slice::<Order>(body).is_ok_and(|order| order.validate().is_ok());
    match answer.status.as_u16() {
        200 => assert!(accepted, "brisk accepted a body serde or the validator refuses"),
        422 => {
            assert!(!accepted, "brisk refused a body serde and the validator accept");
            expect_validation_shape(&answer);
        }
        _ => {}
    }
});

//! Query strings and urlencoded forms: any query and any body reach the
//! handler or a 422 in FastAPI's shape, never a 5xx; a model the
//! handler receives passed serde and its validator.
//!
//! Input: the query string, a newline, the urlencoded body.
#![no_main]

use std::sync::OnceLock;

use brisk::extract::{FromText, TextError};
use brisk::prelude::*;
use brisk_fuzz::{Harness, expect_status, expect_validation_shape, split_once};
use libfuzzer_sys::fuzz_target;
use validator::Validate;

#[derive(Debug)]
enum Sort {
    Asc,
    Desc,
}

impl FromText for Sort {
    fn from_text(text: &str) -> Result<Self, TextError> {
        match text {
            "asc" => Ok(Sort::Asc),
            "desc" => Ok(Sort::Desc),
            _ => Err(TextError::new("enum", "Input should be 'asc' or 'desc'")),
        }
    }
}

#[derive(Deserialize, Validate)]
struct Registration {
    #[validate(length(min = 3, max = 20))]
    username: String,
    #[validate(range(min = 13, max = 130))]
    age: u32,
    #[serde(default)]
    newsletter: bool,
    nickname: Option<String>,
    #[serde(default)]
    interests: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
#[post("/search")]
async fn search(
    #[query(default = 10, ge = 1, le = 100)] limit: u32,
    #[query(alias = "page-size")] size: Option<i16>,
    tag: Vec<String>,
    on: Option<bool>,
    #[query(gt = 0, lt = 1)] ratio: Option<f64>,
    letter: Option<char>,
    #[query(min_length = 2, max_length = 5, pattern = "^[a-z]+$")] word: Option<String>,
    #[query] sort: Option<Sort>,
    #[form] registration: Registration,
    #[form(alias = "ref")] referrer: Option<String>,
) -> String {
    assert!((1..=100).contains(&limit), "limit out of its bounds: {limit}");
    if let Some(ratio) = ratio {
        assert!(ratio > 0.0 && ratio < 1.0, "ratio out of its bounds: {ratio}");
    }
    if let Some(word) = &word {
        assert!((2..=5).contains(&word.chars().count()), "word of the wrong length: {word:?}");
        assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "word against its pattern: {word:?}");
    }
    assert!(registration.validate().is_ok(), "a registration that fails its validator");
    format!(
        "{limit} {size:?} {tag:?} {on:?} {letter:?} {sort:?} {} {} {} {:?} {:?} {referrer:?}",
        registration.username,
        registration.age,
        registration.newsletter,
        registration.nickname,
        registration.interests
    )
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| Harness::new(App::new().routes(routes![search]).openapi_url(None)))
}

fuzz_target!(|input: &[u8]| {
    let (query, body) = split_once(input, b'\n');
    let mut target = b"/search?".to_vec();
    target.extend_from_slice(query);
    let Some(mut request) = brisk_fuzz::request(b"POST", &target) else { return };
    request.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    *request.body_mut() = brisk::Body::from(body.to_vec());
    let answer = harness().send(request);
    expect_status(&answer, &[200, 422], "query and form");
    if answer.status == 422 {
        expect_validation_shape(&answer);
    }
});

//! Headers and cookies: any header block reaches the handler, a 401/403
//! from a security extractor, a 400 from the trusted-host check or a CORS
//! preflight, or a 422 in FastAPI's shape; never a 5xx. CORS answers
//! never allow an origin that is not on the list.
//!
//! Input: one byte that picks the route and method, then the header
//! block, one `name: value` per line.
#![no_main]

use std::sync::OnceLock;

use brisk::prelude::*;
use brisk::security::{ApiKeyCookie, ApiKeyName, HttpBasic, HttpBearer};
use brisk::{Cors, TrustedHost};
use brisk_fuzz::{Harness, add_headers, expect_status, expect_validation_shape};
use libfuzzer_sys::fuzz_target;

#[get("/whoami")]
async fn whoami(
    #[header] x_token: String,
    #[header(alias = "X-Trace")] trace: Option<u64>,
    #[header] accept: Vec<String>,
    #[header(max_length = 10)] x_short: Option<String>,
    #[cookie] session: String,
    #[cookie(alias = "theme-name")] theme: Option<String>,
    #[cookie(ge = 0, le = 9)] level: Option<i32>,
) -> String {
    if let Some(short) = &x_short {
        assert!(short.chars().count() <= 10, "x-short longer than its limit: {short:?}");
    }
    if let Some(level) = level {
        assert!((0..=9).contains(&level), "level out of its bounds: {level}");
    }
    format!("{x_token} {trace:?} {accept:?} {session} {theme:?}")
}

#[get("/bearer")]
async fn bearer(credentials: HttpBearer) -> String {
    assert!(credentials.scheme.eq_ignore_ascii_case("bearer"), "scheme {:?}", credentials.scheme);
    credentials.credentials
}

#[post("/basic")]
async fn basic(credentials: HttpBasic) -> String {
    credentials.username
}

struct SessionKey;

impl ApiKeyName for SessionKey {
    const NAME: &'static str = "sid";
}

#[get("/key")]
async fn key(key: ApiKeyCookie<SessionKey>) -> String {
    key.key
}

const ALLOWED_ORIGIN: &str = "https://app.example.com";

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let cors = Cors::new()
            .allow_origin(ALLOWED_ORIGIN)
            .allow_origin_regex(r"^https://[a-z]+\.example\.org$")
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(["x-token", "authorization"])
            .allow_credentials(true)
            .expose_headers(["x-trace"]);
        let app = App::new()
            .routes(routes![whoami, bearer, basic, key])
            .middleware(cors)
            .middleware(TrustedHost::new(["testserver", "*.example.com", "127.0.0.1"]))
            .openapi_url(None);
        Harness::new(app)
    })
}

fuzz_target!(|input: &[u8]| {
    let Some((&pick, block)) = input.split_first() else { return };
    let path: &[u8] = match pick & 0b11 {
        0 => b"/whoami",
        1 => b"/bearer",
        2 => b"/basic",
        _ => b"/key",
    };
    let method: &[u8] = match pick >> 2 & 0b11 {
        0 => b"GET",
        1 => b"POST",
        2 => b"OPTIONS",
        _ => b"HEAD",
    };
    let Some(mut request) = brisk_fuzz::request(method, path) else { return };
    add_headers(&mut request, block);
    let origin = request.headers().get(http::header::ORIGIN).cloned();
    let answer = harness().send(request);
    expect_status(&answer, &[200, 400, 401, 403, 405, 422], "headers and cookies");
    if answer.status == 422 && method != b"HEAD" {
        expect_validation_shape(&answer);
    }
    if let Some(allowed) = answer.headers.get(http::header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        let echoed = origin.as_ref() == Some(allowed);
        let listed = allowed == ALLOWED_ORIGIN || allowed.as_bytes().ends_with(b".example.org");
        assert!(echoed && listed, "CORS allowed {allowed:?} for the origin {origin:?}");
    }
});

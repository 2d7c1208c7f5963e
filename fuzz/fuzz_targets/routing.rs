//! Route matching with percent-decoding: any request line reaches a
//! handler, a 404, a 405 or a redirect, never a 5xx; a matched parameter
//! is the percent-decoded segment, byte for byte; static files never
//! leave their directory.
//!
//! Input: `METHOD TARGET`, the request line hyper would hand over.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use brisk::prelude::*;
use brisk::routing::StaticFiles;
use brisk_fuzz::{Harness, expect_status, request, split_once};
use libfuzzer_sys::fuzz_target;

#[get("/items/{item_id}")]
async fn read_item(item_id: i64, #[query(default = 10, ge = 1, le = 100)] limit: u32) -> String {
    format!("{item_id} {limit}")
}

#[get("/echo/{name}")]
async fn echo(name: String) -> String {
    name
}

#[get("/files/{*path}")]
async fn files(path: String) -> String {
    path
}

#[put("/users/{user}/posts/{post_id}")]
async fn edit_post(user: String, post_id: u32) -> String {
    format!("{user} {post_id}")
}

#[get("/pages/about")]
async fn about() -> &'static str {
    "about"
}

#[get("/pages/{page}")]
async fn page(page: String) -> String {
    page
}

#[get("/health")]
async fn health() -> &'static str {
    "ok"
}

/// What no request may ever read: a file beside the static directory.
const SECRET: &[u8] = b"the secret beside the static directory";

fn static_dir() -> PathBuf {
    let root = std::env::temp_dir().join("brisk-fuzz-routing");
    let public = root.join("public");
    std::fs::create_dir_all(public.join("sub")).expect("a static directory");
    std::fs::write(public.join("index.html"), b"<h1>index</h1>").expect("a static file");
    std::fs::write(public.join("sub").join("a b.txt"), b"a file with a space").expect("a static file");
    std::fs::write(root.join("secret.txt"), SECRET).expect("the secret");
    public
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let api = Router::new().prefix("/api/v1").routes(routes![health, edit_post]);
        let app = App::new()
            .routes(routes![read_item, echo, files, about, page])
            .include(api)
            .mount_static("/static", StaticFiles::new(static_dir()))
            .openapi_url(None);
        Harness::new(app)
    })
}

fuzz_target!(|input: &[u8]| {
    let (method, target) = split_once(input, b' ');
    let Some(request) = request(method, target) else { return };
    let path = request.uri().path().to_owned();
    let query = request.uri().query().is_some();
    let get = request.method() == Method::GET;
    let answer = harness().send(request);
    expect_status(&answer, &[200, 204, 301, 304, 307, 308, 404, 405, 422], "routing");
    assert!(
        !answer.body.windows(SECRET.len()).any(|window| window == SECRET),
        "a static file outside its directory was served for {path:?}"
    );
    // A parameter is the segment, percent-decoded: check it against a
    // plain decoder where the route is unambiguous.
    if let Some(segment) = path.strip_prefix("/echo/")
        && !segment.is_empty()
        && !segment.contains('/')
        && !query
        && get
        && answer.status == 200
    {
        // Bytes that are not UTF-8 read as U+FFFD, as in Starlette.
        let decoded = percent_encoding::percent_decode_str(segment).collect::<Vec<u8>>();
        let expected = String::from_utf8_lossy(&decoded);
        assert_eq!(&answer.body[..], expected.as_bytes(), "the parameter of {path:?}");
    }
});

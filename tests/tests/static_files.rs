//! App::mount_static: files with their metadata, conditional and range
//! requests, index.html on request, and 404 for every way out of the directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use brisk::prelude::*;
use brisk::routing::StaticFiles;
use brisk::testing::TestClient;

/// A fresh directory tree for one test, removed when dropped:
/// `outside/secret.txt` beside `root/`, which holds the served files.
struct Tree(PathBuf);

impl Tree {
    fn new() -> Tree {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir().join(format!(
            "brisk-static-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&base);
        let root = base.join("root");
        std::fs::create_dir_all(root.join("css")).expect("mkdir");
        std::fs::create_dir_all(root.join("docs")).expect("mkdir");
        std::fs::create_dir_all(base.join("outside")).expect("mkdir");
        std::fs::write(root.join("hello.txt"), "hello, static world\n").expect("write");
        std::fs::write(root.join("empty.txt"), "").expect("write");
        std::fs::write(root.join("css/site.css"), "body { color: teal }\n").expect("write");
        std::fs::write(root.join("docs/index.html"), "<h1>docs</h1>\n").expect("write");
        std::fs::write(base.join("outside/secret.txt"), "the secret\n").expect("write");
        std::fs::write(base.join("root-secret.txt"), "beside the root\n").expect("write");
        std::os::unix::fs::symlink(base.join("outside/secret.txt"), root.join("leak.txt")).expect("symlink");
        std::os::unix::fs::symlink(base.join("outside"), root.join("leakdir")).expect("symlink");
        std::os::unix::fs::symlink(root.join("css/site.css"), root.join("alias.css")).expect("symlink");
        Tree(base)
    }

    fn root(&self) -> PathBuf {
        self.0.join("root")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn client(root: &Path) -> TestClient {
    TestClient::new(
        App::new().mount_static("/static", root).mount_static("/site", StaticFiles::new(root).html(true)),
    )
}

#[tokio::test]
async fn a_file_comes_with_its_type_length_and_validators() {
    let tree = Tree::new();
    let client = client(&tree.root());
    let response = client.get("/static/hello.txt").send().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text(), "hello, static world\n");
    assert!(response.header("content-type").is_some_and(|t| t.starts_with("text/plain")));
    assert_eq!(response.header("content-length"), Some("20"));
    assert!(response.header("last-modified").is_some());
    assert_eq!(client.get("/static/css/site.css").send().await.header("content-type"), Some("text/css"));

    let head = client.head("/static/hello.txt").send().await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.header("content-length"), Some("20"));
    assert!(head.bytes().is_empty());
}

#[tokio::test]
async fn conditional_requests_answer_304() {
    let tree = Tree::new();
    let client = client(&tree.root());
    let first = client.get("/static/hello.txt").send().await;
    let modified = first.header("last-modified").expect("Last-Modified").to_owned();
    let again = client.get("/static/hello.txt").header("if-modified-since", &modified).send().await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().is_empty());
    let changed = client
        .get("/static/hello.txt")
        .header("if-modified-since", "Thu, 01 Jan 1970 00:00:00 GMT")
        .send()
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
}

#[tokio::test]
async fn ranges_answer_206_or_416() {
    let tree = Tree::new();
    let client = client(&tree.root());
    let part = client.get("/static/hello.txt").header("range", "bytes=0-4").send().await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.text(), "hello");
    assert_eq!(part.header("content-range"), Some("bytes 0-4/20"));

    let tail = client.get("/static/hello.txt").header("range", "bytes=-6").send().await;
    assert_eq!(tail.text(), "world\n");

    let several = client.get("/static/hello.txt").header("range", "bytes=0-4,7-12").send().await;
    assert_eq!(several.status(), StatusCode::PARTIAL_CONTENT);
    assert!(several.header("content-type").is_some_and(|t| t.starts_with("multipart/byteranges")));
    let body = several.text();
    assert!(
        body.contains("hello") && body.contains("static") && body.contains("Content-Range: bytes 7-12/20"),
        "{body}"
    );

    let length: usize = several.header("content-length").expect("a length").parse().expect("a number");
    assert_eq!(length, several.bytes().len());
    let boundary =
        several.header("content-type").and_then(|t| t.split("boundary=").nth(1)).expect("a boundary");
    assert!(body.ends_with(&format!("\r\n--{boundary}--\r\n")), "{body}");

    let beyond = client.get("/static/hello.txt").header("range", "bytes=100-200").send().await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let all_beyond = client.get("/static/hello.txt").header("range", "bytes=100-200,300-").send().await;
    assert_eq!(all_beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(all_beyond.header("content-range"), Some("bytes */20"));
}

#[tokio::test]
async fn if_range_serves_the_part_only_of_the_same_file() {
    let tree = Tree::new();
    let client = client(&tree.root());
    let etag = client.get("/static/hello.txt").send().await.header("etag").expect("an ETag").to_owned();
    let same =
        client.get("/static/hello.txt").header("range", "bytes=0-4").header("if-range", &etag).send().await;
    assert_eq!(same.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(same.text(), "hello");
    let stale = client
        .get("/static/hello.txt")
        .header("range", "bytes=0-4")
        .header("if-range", "\"an-older-version\"")
        .send()
        .await;
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.text(), "hello, static world\n");
    // A validator on a multi-range request works the same way.
    let several = client
        .get("/static/hello.txt")
        .header("range", "bytes=0-1,3-4")
        .header("if-range", &etag)
        .send()
        .await;
    assert_eq!(several.status(), StatusCode::PARTIAL_CONTENT);
}

#[tokio::test]
async fn every_way_out_of_the_directory_is_a_404() {
    let tree = Tree::new();
    let client = client(&tree.root());
    for path in [
        "/static/missing.txt",
        "/static/../root-secret.txt",
        "/static/%2e%2e/root-secret.txt",
        "/static/%2E%2E/outside/secret.txt",
        "/static/css%2f..%2f..%2froot-secret.txt",
        "/static/css/..%2f..%2froot-secret.txt",
        "/static/%2Fetc%2Fpasswd",
        "/static/..%5Croot-secret.txt",
        "/static/leak.txt",
        "/static/leakdir/secret.txt",
        "/static/css",
        "/static/",
    ] {
        let response = client.get(path).send().await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}: {}", response.text());
        assert!(!response.text().contains("secret"), "{path}");
        assert!(!response.text().contains("beside the root"), "{path}");
    }
    // A link that stays inside is served.
    assert_eq!(client.get("/static/alias.css").send().await.text(), "body { color: teal }\n");
}

/// Names no file system can hold, and a file taken for a directory: each
/// is a file that does not exist (404), not an I/O error (500).
#[tokio::test]
async fn a_name_too_long_or_a_file_taken_for_a_directory_is_a_404() {
    let tree = Tree::new();
    let client = client(&tree.root());
    let long_name = format!("/static/{}", "a".repeat(300));
    let long_path = format!("/static/{}", vec!["b".repeat(250); 20].join("/"));
    for path in
        [long_name.as_str(), long_path.as_str(), "/static/hello.txt/inside", "/static/css/site.css/x/y"]
    {
        let response = client.get(path).send().await;
        assert_eq!(
            response.status(),
            StatusCode::NOT_FOUND,
            "{}: {}",
            &path[..40.min(path.len())],
            response.text()
        );
        assert_eq!(response.json::<serde_json::Value>(), serde_json::json!({ "detail": "Not Found" }));
    }
}

#[tokio::test]
async fn with_html_a_directory_answers_with_its_index() {
    let tree = Tree::new();
    let client = client(&tree.root());
    let index = client.get("/site/docs/").send().await;
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(index.text(), "<h1>docs</h1>\n");
    assert!(index.header("content-type").is_some_and(|t| t.starts_with("text/html")));
    // Without the slash: a redirect that keeps the mount's prefix.
    let bare = client.get("/site/docs").send().await;
    assert!(bare.status().is_redirection(), "{}", bare.status());
    assert_eq!(bare.header("location"), Some("/site/docs/"));
    // Without html, the same directory is a 404.
    assert_eq!(client.get("/static/docs/").send().await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_range_over_a_real_socket() {
    let tree = Tree::new();
    let server = brisk_tests::Served::start(App::new().mount_static("/static", tree.root())).await;
    let client = reqwest::Client::builder().retry(reqwest::retry::never()).build().expect("client");
    let response = brisk_tests::within(
        "a range",
        client.get(server.url("/static/hello.txt")).header("range", "bytes=7-12").send(),
    )
    .await
    .expect("a response");
    assert_eq!(response.status(), 206);
    assert_eq!(response.text().await.expect("the body"), "static");
}

#[tokio::test]
async fn ranges_of_an_empty_file_and_invalid_sets_are_416() {
    let tree = Tree::new();
    let client = client(&tree.root());
    for range in ["bytes=-1,-2", "bytes=0-1,2-3", "bytes=0-", "bytes=-5", "bytes=0-0"] {
        let response = client.get("/static/empty.txt").header("range", range).send().await;
        assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE, "{range}");
        assert_eq!(response.header("content-range"), Some("bytes */0"), "{range}");
    }
    let response = client.get("/static/hello.txt").header("range", "bytes=5-2,7-8").send().await;
    assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
}

#[tokio::test]
async fn several_ranges_after_passing_preconditions_and_on_head() {
    let tree = Tree::new();
    let client = client(&tree.root());
    let passing = client
        .get("/static/hello.txt")
        .header("range", "bytes=0-1,4-5")
        .header("if-none-match", "\"another\"")
        .send()
        .await;
    assert_eq!(passing.status(), StatusCode::PARTIAL_CONTENT);
    let etag = client.get("/static/hello.txt").send().await.header("etag").expect("an ETag").to_owned();
    let unchanged = client
        .get("/static/hello.txt")
        .header("range", "bytes=0-1,4-5")
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);

    let get = client.get("/static/hello.txt").header("range", "bytes=0-1,4-5").send().await;
    let head = client.head("/static/hello.txt").header("range", "bytes=0-1,4-5").send().await;
    assert_eq!(head.status(), StatusCode::PARTIAL_CONTENT);
    assert!(head.bytes().is_empty());
    assert_eq!(head.header("content-length"), get.header("content-length"));
}

#[tokio::test]
async fn a_directory_redirect_keeps_every_mount_prefix_and_a_refused_method_says_allow() {
    let tree = Tree::new();
    let inner =
        App::new().mount_static("/site", StaticFiles::new(tree.root()).html(true)).build().expect("an app");
    let client = TestClient::new(App::new().mount("/outer", inner));
    let bare = client.get("/outer/site/docs").send().await;
    assert!(bare.status().is_redirection(), "{}", bare.status());
    assert_eq!(bare.header("location"), Some("/outer/site/docs/"));

    let refused = self::client(&tree.root()).post("/static/hello.txt").send().await;
    assert_eq!(refused.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(refused.header("allow"), Some("GET, HEAD"));
}

#[tokio::test]
async fn an_unknown_range_unit_is_ignored_and_a_long_suffix_selects_the_whole_file() {
    let tree = Tree::new();
    let client = client(&tree.root());
    let unknown = client.get("/static/hello.txt").header("range", "items=0-3").send().await;
    assert_eq!(unknown.status(), StatusCode::OK);
    assert_eq!(unknown.text(), "hello, static world\n");
    let long = client.get("/static/hello.txt").header("range", "bytes=-500").send().await;
    assert_eq!(long.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(long.header("content-range"), Some("bytes 0-19/20"));
    assert_eq!(long.text(), "hello, static world\n");
}

//! Multipart bodies: `#[form]` fields and `#[file]` uploads read from them,
//! spooling past the threshold, the limits (413), and the temporary files
//! gone when the request ends, however it ends.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use brisk::prelude::*;
use brisk::testing::{MultipartForm, TestClient};
use brisk::{MultipartLimits, StreamingResponse};
use brisk_tests::{Served, within};
use serde_json::{Value, json};

/// The files this process holds open in `dir`. Spooled uploads have no
/// name, but the kernel still shows which directory each was made in.
fn open_files_in(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return 0 };
    entries
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|target| target.starts_with(dir))
        .count()
}

/// Each test spools into a directory of its own, so counts don't mix.
struct Spool {
    dir: tempfile::TempDir,
}

impl Spool {
    fn new() -> Spool {
        Spool { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    /// Limits with a small threshold, so a few KiB is spooled.
    fn limits(&self) -> MultipartLimits {
        MultipartLimits::default().spool_threshold(1024).temp_dir(self.path())
    }
}

#[post("/upload")]
async fn upload(#[form] description: String, #[file] file: UploadFile) -> Json<Value> {
    let content = file.bytes().await.expect("the upload to be readable");
    Json(json!({
        "filename": file.filename(),
        "content_type": file.content_type(),
        "size": file.size(),
        "in_memory": file.is_in_memory(),
        "description": description,
        "checksum": content.iter().map(|&b| u64::from(b)).sum::<u64>(),
    }))
}

#[post("/many")]
async fn many(
    #[file] files: Vec<UploadFile>,
    #[file(alias = "cover-letter")] letter: Option<UploadFile>,
    #[form] tags: Vec<String>,
    #[form(default = 1, ge = 1)] copies: u32,
) -> Json<Value> {
    let names: Vec<_> = files.iter().map(|f| (f.filename().map(str::to_owned), f.size())).collect();
    Json(json!({
        "files": names,
        "letter": letter.map(|l| l.size()),
        "tags": tags,
        "copies": copies,
    }))
}

fn app(spool: &Spool) -> App {
    App::new().routes(routes![upload, many]).multipart_limits(spool.limits())
}

fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| u64::from(b)).sum()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn form_fields_and_a_file_come_from_one_multipart_body() {
    let spool = Spool::new();
    let client = TestClient::new(app(&spool));
    let small = pattern(300);
    let form = MultipartForm::new().text("description", "quarterly report").file(
        "file",
        "report.csv",
        "text/csv",
        &small,
    );
    let response = client.post("/upload").multipart(form).send().await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
    assert_eq!(
        response.json::<Value>(),
        json!({
            "filename": "report.csv", "content_type": "text/csv", "size": 300, "in_memory": true,
            "description": "quarterly report", "checksum": checksum(&small),
        })
    );

    // Past the threshold (1 KiB here) the file is spooled, and reads back whole.
    let large = pattern(200 * 1024);
    let form = MultipartForm::new()
        .file("file", "big.bin", "application/octet-stream", &large)
        .text("description", "fields may come after files");
    let response = client.post("/upload").multipart(form).send().await;
    let body = response.json::<Value>();
    assert_eq!(body["size"], 200 * 1024);
    assert_eq!(body["in_memory"], false);
    assert_eq!(body["checksum"], checksum(&large));
    assert_eq!(body["description"], "fields may come after files");
}

#[tokio::test]
async fn repeated_optional_and_empty_file_inputs() {
    let spool = Spool::new();
    let client = TestClient::new(app(&spool));
    let form = MultipartForm::new()
        .file("files", "a.txt", "text/plain", "aaa")
        .text("tags", "x")
        .file("files", "b.txt", "text/plain", "bbbbb")
        .file("cover-letter", "letter.pdf", "application/pdf", "%PDF")
        .text("tags", "y");
    let response = client.post("/many").multipart(form).send().await;
    assert_eq!(
        response.json::<Value>(),
        json!({ "files": [["a.txt", 3], ["b.txt", 5]], "letter": 4, "tags": ["x", "y"], "copies": 1 })
    );

    // A browser posts an untouched file input as an empty part with an
    // empty filename: absent, like an empty text input.
    let form = MultipartForm::new().file("files", "", "application/octet-stream", "").file(
        "cover-letter",
        "",
        "application/octet-stream",
        "",
    );
    let response = client.post("/many").multipart(form).send().await;
    assert_eq!(response.json::<Value>(), json!({ "files": [], "letter": null, "tags": [], "copies": 1 }));
}

#[tokio::test]
async fn missing_and_mistyped_parts_join_one_422() {
    let spool = Spool::new();
    let client = TestClient::new(app(&spool));
    let response = client.post("/upload").multipart(MultipartForm::new()).send().await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let detail = response.json::<Value>()["detail"].clone();
    let locs: Vec<_> =
        detail.as_array().unwrap().iter().map(|e| (e["loc"].clone(), e["type"].clone())).collect();
    assert_eq!(
        locs,
        vec![(json!(["body", "description"]), json!("missing")), (json!(["body", "file"]), json!("missing"))]
    );

    // A text part where a file is expected, and an empty text field.
    let form = MultipartForm::new().text("file", "not a file").text("description", "");
    let response = client.post("/upload").multipart(form).send().await;
    let detail = response.json::<Value>()["detail"].clone();
    assert_eq!(detail[0]["loc"], json!(["body", "description"]));
    assert_eq!(detail[0]["type"], "missing");
    assert_eq!(detail[1]["loc"], json!(["body", "file"]));
    assert_eq!(detail[1]["type"], "value_error");
    assert_eq!(detail[1]["input"], "not a file");

    let form = MultipartForm::new().text("copies", "0");
    let response = client.post("/many").multipart(form).send().await;
    assert_eq!(response.json::<Value>()["detail"][0]["type"], "greater_than_equal");
}

#[tokio::test]
async fn other_bodies_and_malformed_multipart_are_4xx() {
    let spool = Spool::new();
    let client = TestClient::new(app(&spool));
    let response = client.post("/upload").json(&json!({ "description": "x" })).send().await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(response.json::<Value>()["detail"].as_str().unwrap().contains("multipart/form-data"));

    let response =
        client.post("/upload").header("content-type", "multipart/form-data").body("--x\r\n\r\n").send().await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.json::<Value>()["detail"].as_str().unwrap().contains("boundary"));

    let response = client
        .post("/upload")
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\ncut off")
        .send()
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.json::<Value>()["detail"].as_str().unwrap().starts_with("Invalid multipart body"));
}

#[tokio::test]
async fn each_limit_answers_413_naming_it() {
    let spool = Spool::new();
    let limits = spool.limits().max_file_size(10_000).max_field_size(100).max_parts(3).max_body_size(50_000);
    let client = TestClient::new(App::new().routes(routes![upload, many]).multipart_limits(limits));
    let cases = [
        (
            MultipartForm::new().text("description", "d").file("file", "f", "x/y", pattern(10_001)),
            "file `file`",
        ),
        (
            MultipartForm::new().text("description", "d".repeat(101)).file("file", "f", "x/y", "1"),
            "text field",
        ),
        (
            MultipartForm::new().text("tags", "1").text("tags", "2").text("tags", "3").text("tags", "4"),
            "parts",
        ),
    ];
    for (form, words) in cases {
        let response = client.post("/many").multipart(form).send().await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{words}: {}", response.text());
        let detail = response.json::<Value>()["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains(words), "{detail:?} should name the {words}");
    }
    let form = MultipartForm::new()
        .file("files", "1", "x/y", pattern(9_000))
        .file("files", "2", "x/y", pattern(9_000))
        .file("files", "3", "x/y", pattern(9_000));
    // Three parts of 9,000 bytes pass every per-part limit; a larger body limit lowered:
    let tight = TestClient::new(
        App::new().routes(routes![many]).multipart_limits(spool.limits().max_body_size(20_000)),
    );
    let response = tight.post("/many").multipart(form).send().await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.json::<Value>()["detail"].as_str().unwrap().contains("body too large"));
    // The app keeps serving.
    let response = client.post("/many").multipart(MultipartForm::new().text("tags", "ok")).send().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(open_files_in(&spool.path()), 0);
}

#[post("/inspect")]
async fn inspect(#[file] mut file: UploadFile, probe: State<Probe>) -> Result<Json<Value>, HttpError> {
    let open = open_files_in(&probe.dir);
    let head = file.read(4).await.map_err(|_| HttpError::internal())?;
    let next = file.read(4).await.map_err(|_| HttpError::internal())?;
    file.seek(1).await.map_err(|_| HttpError::internal())?;
    let after_seek = file.read(2).await.map_err(|_| HttpError::internal())?;
    let copy = probe.dir.join("saved.bin");
    let saved = file.save_to(&copy).await.map_err(|_| HttpError::internal())?;
    let saved_sum = checksum(&tokio::fs::read(&copy).await.map_err(|_| HttpError::internal())?);
    tokio::fs::remove_file(&copy).await.map_err(|_| HttpError::internal())?;
    let mut handle = file.into_file().await.map_err(|_| HttpError::internal())?;
    let mut all = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut handle, &mut all).await.map_err(|_| HttpError::internal())?;
    Ok(Json(json!({
        "open_while_handling": open,
        "head": head.to_vec(), "next": next.to_vec(), "after_seek": after_seek.to_vec(),
        "saved": saved, "saved_sum": saved_sum, "file_sum": checksum(&all),
    })))
}

#[post("/stream-back")]
async fn stream_back(#[file] file: UploadFile) -> StreamingResponse {
    StreamingResponse::new(file.chunks()).media_type("application/octet-stream")
}

#[post("/fails")]
async fn fails(#[file] file: UploadFile, probe: State<Probe>) -> Result<&'static str, HttpError> {
    probe.seen.push(format!("{} open of {} bytes", open_files_in(&probe.dir), file.size()));
    Err(HttpError::bad_request("rejected after reading"))
}

#[post("/panics")]
async fn panics(#[file] file: UploadFile, probe: State<Probe>) -> &'static str {
    probe.seen.push(format!("{} open of {} bytes", open_files_in(&probe.dir), file.size()));
    panic!("the handler fails while holding the upload")
}

struct Probe {
    dir: PathBuf,
    seen: Arc<brisk_tests::Events>,
}

fn probe_app(spool: &Spool) -> (App, Arc<brisk_tests::Events>) {
    let seen = Arc::new(brisk_tests::Events::default());
    let app = App::new()
        .routes(routes![inspect, stream_back, fails, panics])
        .multipart_limits(spool.limits())
        .state(Probe { dir: spool.path(), seen: seen.clone() });
    (app, seen)
}

#[tokio::test]
async fn a_spooled_file_reads_seeks_saves_and_streams_then_is_gone() {
    let spool = Spool::new();
    let (app, _probe) = probe_app(&spool);
    let client = TestClient::new(app);
    for len in [600, 50_000] {
        let content = pattern(len);
        let form = MultipartForm::new().file("file", "data.bin", "application/octet-stream", &content);
        let response = client.post("/inspect").multipart(form).send().await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
        let body = response.json::<Value>();
        let spooled = len > 1024;
        assert_eq!(body["open_while_handling"], usize::from(spooled), "len {len}");
        assert_eq!(body["head"], json!(content[..4]));
        assert_eq!(body["next"], json!(content[4..8]));
        assert_eq!(body["after_seek"], json!(content[1..3]));
        assert_eq!(body["saved"], len);
        assert_eq!(body["saved_sum"], checksum(&content));
        assert_eq!(body["file_sum"], checksum(&content));
        assert_eq!(open_files_in(&spool.path()), 0, "len {len}: the spooled file outlived the request");
    }

    let content = pattern(300_000);
    let form = MultipartForm::new().file("file", "data.bin", "application/octet-stream", &content);
    let response = client.post("/stream-back").multipart(form).send().await;
    assert_eq!(response.bytes().as_ref(), content.as_slice());
    assert_eq!(open_files_in(&spool.path()), 0);
}

#[tokio::test]
async fn temporary_files_are_removed_on_error_and_on_panic() {
    let spool = Spool::new();
    let (app, probe) = probe_app(&spool);
    let client = TestClient::new(app);
    let form = || MultipartForm::new().file("file", "data.bin", "application/octet-stream", pattern(10_000));

    let response = client.post("/fails").multipart(form()).send().await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(open_files_in(&spool.path()), 0, "kept after an error response");

    let response = client.post("/panics").multipart(form()).send().await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(open_files_in(&spool.path()), 0, "kept after a panic");

    // Each handler saw its file open: the counts above were not zero by accident.
    assert_eq!(probe.log(), vec!["1 open of 10000 bytes", "1 open of 10000 bytes"]);

    // A limit passed after a part was spooled drops it too.
    let limits = spool.limits().max_body_size(30_000);
    let client = TestClient::new(App::new().routes(routes![upload]).multipart_limits(limits));
    let form = MultipartForm::new().file("file", "a", "x/y", pattern(20_000)).file(
        "file",
        "b",
        "x/y",
        pattern(20_000),
    );
    let response = client.post("/upload").multipart(form).send().await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(open_files_in(&spool.path()), 0, "kept after a 413");
}

#[tokio::test]
async fn a_client_that_disconnects_midway_leaves_no_temporary_file() {
    use tokio::io::AsyncWriteExt;

    let spool = Spool::new();
    let (app, _probe) = probe_app(&spool);
    let served = Served::start(app).await;
    let mut socket = tokio::net::TcpStream::connect(served.addr).await.unwrap();
    let head = "POST /inspect HTTP/1.1\r\nhost: x\r\ncontent-type: multipart/form-data; boundary=b\r\n\
                content-length: 10000000\r\n\r\n--b\r\ncontent-disposition: form-data; name=\"file\"; \
                filename=\"f\"\r\n\r\n";
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&pattern(64 * 1024)).await.unwrap();
    socket.flush().await.unwrap();
    // The part is being spooled: wait until its file is open, then hang up.
    within("the upload to be spooled", async {
        while open_files_in(&spool.path()) == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    })
    .await;
    drop(socket);
    within("the spooled file to be removed", async {
        while open_files_in(&spool.path()) != 0 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_real_client_uploads_with_reqwest() {
    let spool = Spool::new();
    let served = Served::start(app(&spool)).await;
    let content = pattern(3 * 1024 * 1024);
    let form = reqwest::multipart::Form::new().text("description", "from reqwest").part(
        "file",
        reqwest::multipart::Part::bytes(content.clone())
            .file_name("photo.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let response = within(
        "the upload",
        reqwest::Client::new().post(format!("http://{}/upload", served.addr)).multipart(form).send(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["filename"], "photo.jpg");
    assert_eq!(body["content_type"], "image/jpeg");
    assert_eq!(body["size"], content.len());
    assert_eq!(body["in_memory"], false);
    assert_eq!(body["checksum"], checksum(&content));
    assert_eq!(body["description"], "from reqwest");
}

/// Every part in order, as it streams in: the size of each and how many
/// chunks it came in, with nothing spooled.
#[post("/stream")]
async fn stream(mut form: brisk::Multipart, probe: State<Probe>) -> Result<Json<Value>, HttpError> {
    let mut parts = Vec::new();
    while let Some(mut field) = form.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        if filename.is_none() {
            parts.push(json!({ "name": name, "text": field.text().await? }));
            continue;
        }
        let (mut size, mut sum) = (0, 0);
        while let Some(chunk) = field.chunk().await? {
            size += chunk.len();
            sum += checksum(&chunk);
        }
        parts.push(json!({
            "name": name, "filename": filename, "content_type": content_type, "size": size, "sum": sum,
        }));
    }
    Ok(Json(json!({ "parts": parts, "open_files": open_files_in(&probe.dir) })))
}

fn stream_app(spool: &Spool, limits: MultipartLimits) -> App {
    let seen = Arc::new(brisk_tests::Events::default());
    App::new().routes(routes![stream]).multipart_limits(limits).state(Probe { dir: spool.path(), seen })
}

#[tokio::test]
async fn a_multipart_parameter_streams_parts_in_order_without_spooling() {
    let spool = Spool::new();
    let client = TestClient::new(stream_app(&spool, spool.limits()));
    let big = pattern(2 * 1024 * 1024);
    let form = MultipartForm::new()
        .text("title", "holiday")
        .file("photo", "beach.jpg", "image/jpeg", &big)
        .text("title", "again");
    let response = client.post("/stream").multipart(form).send().await;
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
    assert_eq!(
        response.json::<Value>(),
        json!({
            "parts": [
                { "name": "title", "text": "holiday" },
                { "name": "photo", "filename": "beach.jpg", "content_type": "image/jpeg",
                  "size": big.len(), "sum": checksum(&big) },
                { "name": "title", "text": "again" },
            ],
            "open_files": 0,
        })
    );

    // Not multipart: 415 before the handler runs.
    let response = client.post("/stream").form(&[("title", "x")]).send().await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(response.json::<Value>()["detail"].as_str().unwrap().contains("multipart/form-data"));
}

#[tokio::test]
async fn a_multipart_parameter_keeps_the_limits() {
    let spool = Spool::new();
    let limits = spool.limits().max_file_size(1000).max_field_size(10).max_parts(2);
    let client = TestClient::new(stream_app(&spool, limits));
    let cases = [
        (MultipartForm::new().file("photo", "p", "x/y", pattern(1001)), "file `photo`"),
        (MultipartForm::new().text("title", "eleven char"), "text field `title`"),
        (MultipartForm::new().text("a", "1").text("b", "2").text("c", "3"), "parts"),
    ];
    for (form, words) in cases {
        let response = client.post("/stream").multipart(form).send().await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{words}");
        let detail = response.json::<Value>()["detail"].as_str().unwrap().to_owned();
        assert!(detail.contains(words), "{detail:?} should name the {words}");
    }
}

#[depends]
async fn checked_avatar(#[file] avatar: UploadFile) -> Result<u64, HttpError> {
    match avatar.content_type() {
        Some("image/png") => Ok(avatar.size()),
        _ => Err(HttpError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "avatars are PNG")),
    }
}

/// The dependency checks the file, then the handler reads it: one file for both.
#[post("/avatar")]
async fn avatar(#[depends(checked_avatar)] checked: u64, #[file] mut avatar: UploadFile) -> Json<Value> {
    avatar.seek(2).await.unwrap();
    let saved = std::env::temp_dir().join(format!("brisk-avatar-{}", std::process::id()));
    avatar.save_to(&saved).await.unwrap();
    let _ = tokio::fs::remove_file(&saved).await;
    // Saving does not move the read position.
    let next = avatar.read(3).await.unwrap();
    Json(json!({ "checked": checked, "size": avatar.size(), "after_seek": next.to_vec() }))
}

#[tokio::test]
async fn a_dependency_and_its_handler_share_one_upload() {
    let spool = Spool::new();
    let client = TestClient::new(App::new().routes(routes![avatar]).multipart_limits(spool.limits()));
    for len in [100, 5000] {
        let content = pattern(len);
        let form = MultipartForm::new().file("avatar", "me.png", "image/png", &content);
        let response = client.post("/avatar").multipart(form).send().await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text());
        assert_eq!(
            response.json::<Value>(),
            json!({ "checked": len, "size": len, "after_seek": content[2..5] }),
            "len {len}"
        );
        assert_eq!(open_files_in(&spool.path()), 0);
    }
    let form = MultipartForm::new().file("avatar", "me.gif", "image/gif", "GIF89a");
    assert_eq!(
        client.post("/avatar").multipart(form).send().await.status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
}

/// Asks for the next part while still holding the previous one: the
/// handler's mistake, answered as a 500 rather than blamed on the client.
#[post("/misuse")]
async fn misuse(mut form: brisk::Multipart) -> Result<&'static str, HttpError> {
    let held = form.next_field().await?;
    let next = form.next_field().await;
    drop(held);
    next?;
    Ok("unreachable")
}

#[post("/declared")]
async fn declared(mut form: brisk::Multipart) -> Result<String, HttpError> {
    match form.next_field().await {
        Ok(_) => Ok("read".to_owned()),
        Err(err) => Ok(format!("{} {err}", err.status().as_u16())),
    }
}

#[tokio::test]
async fn multipart_misuse_is_a_500_and_errors_read_as_their_detail() {
    let spool = Spool::new();
    let limits = spool.limits().max_body_size(100);
    let client = TestClient::new(App::new().routes(routes![misuse, declared]).multipart_limits(limits));
    let form = MultipartForm::new().text("a", "1").text("b", "2");
    let roomy = TestClient::new(App::new().routes(routes![misuse]).multipart_limits(spool.limits()));
    let response = roomy.post("/misuse").multipart(form).send().await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);

    // Refused from its declared length, before the body is read: the
    // Multipart parameter itself answers 413.
    let form = MultipartForm::new().text("a", "x".repeat(200));
    let response = client.post("/declared").multipart(form).send().await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json::<Value>()["detail"], "Multipart body too large: the limit is 100 bytes");
    // Within the declared limit, a malformed body's error reads as its detail.
    let response = client
        .post("/declared")
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n")
        .send()
        .await;
    assert!(response.text().starts_with("400 Invalid multipart body"), "{}", response.text());
}

#[derive(Deserialize)]
struct Signature {
    key: String,
}

#[depends]
async fn json_signature(#[body] signature: Signature) -> String {
    signature.key
}

#[depends]
async fn streamed(mut form: brisk::Multipart) -> usize {
    let mut parts = 0;
    while let Ok(Some(_)) = form.next_field().await {
        parts += 1;
    }
    parts
}

#[post("/mixed/json")]
async fn json_and_form(#[depends(json_signature)] key: String, #[form] note: String) -> String {
    format!("{key} {note}")
}

#[post("/mixed/stream")]
async fn stream_and_file(#[depends(streamed)] parts: usize, #[file] file: UploadFile) -> String {
    format!("{parts} {:?}", file.filename())
}

#[post("/mixed/router")]
async fn form_in_router(#[form] note: String) -> String {
    note
}

#[tokio::test]
async fn a_route_whose_tree_reads_the_body_two_ways_is_refused_at_startup() {
    let refused = |app: App| match app.build() {
        Ok(_) => panic!("the app should be refused"),
        Err(err) => err.to_string(),
    };
    let message = refused(App::new().routes(routes![json_and_form]));
    assert!(message.contains("json_signature") && message.contains("json_and_form"), "{message}");
    assert!(message.contains("as JSON") && message.contains("as a form"), "{message}");

    let message = refused(App::new().routes(routes![stream_and_file]));
    assert!(message.contains("streamed") && message.contains("Multipart"), "{message}");

    // Through a router's dependencies too.
    let router =
        Router::new().prefix("/signed").dependency::<json_signature>().routes(routes![form_in_router]);
    let message = refused(App::new().include(router));
    assert!(message.contains("json_signature") && message.contains("form_in_router"), "{message}");

    // Forms shared by a dependency and its handler are one reader.
    assert!(App::new().routes(routes![avatar, upload]).build().is_ok());
}

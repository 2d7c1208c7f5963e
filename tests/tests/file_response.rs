//! `FileResponse`: a file from disk with its validators, conditional
//! requests (304, 412), byte ranges (206, multipart/byteranges, 416),
//! If-Range, HEAD and downloads by name.

use std::path::PathBuf;

use brisk::prelude::*;
use brisk::response::FileResponse;
use brisk::testing::TestClient;
use brisk_tests::{Served, within};

struct Files(PathBuf);

#[get("/files/{name}")]
async fn file(name: String, files: State<Files>) -> Result<FileResponse, HttpError> {
    FileResponse::open(files.0.join(&name)).await.map_err(|_| HttpError::not_found())
}

#[get("/download/{name}")]
async fn download(name: String, as_name: String, files: State<Files>) -> Result<FileResponse, HttpError> {
    let file = FileResponse::open(files.0.join(&name)).await.map_err(|_| HttpError::not_found())?;
    Ok(file.filename(as_name).header("cache-control", "no-store"))
}

/// A plain `FileResponse` without `Result`, and a media type set by hand.
#[get("/fixed")]
async fn fixed(files: State<Files>) -> Option<FileResponse> {
    Some(FileResponse::open(files.0.join("notes.txt")).await.ok()?.media_type("text/markdown"))
}

struct Folder {
    _dir: tempfile::TempDir,
    client: TestClient,
    content: Vec<u8>,
}

fn folder() -> Folder {
    let dir = tempfile::tempdir().unwrap();
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 241) as u8).collect();
    std::fs::write(dir.path().join("data.bin"), &content).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "0123456789abcdef").unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let app = App::new().routes(routes![file, download, fixed]).state(Files(dir.path().to_owned()));
    Folder { client: TestClient::new(app), _dir: dir, content }
}

#[tokio::test]
async fn a_file_answers_with_its_type_length_and_validators() {
    let folder = folder();
    let response = folder.client.get("/files/notes.txt").send().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text(), "0123456789abcdef");
    assert_eq!(response.header("content-type"), Some("text/plain"));
    assert_eq!(response.header("content-length"), Some("16"));
    assert_eq!(response.header("accept-ranges"), Some("bytes"));
    assert!(response.header("last-modified").is_some_and(|v| v.ends_with(" GMT")));
    let etag = response.header("etag").unwrap();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 4, "{etag}");

    let response = folder.client.get("/files/data.bin").send().await;
    assert_eq!(response.header("content-type"), Some("application/octet-stream"));
    assert!(response.bytes().as_ref() == folder.content.as_slice(), "the file's bytes, whole");

    let response = folder.client.get("/files/empty.txt").send().await;
    assert_eq!((response.status(), response.header("content-length")), (StatusCode::OK, Some("0")));
    assert_eq!(response.text(), "");

    for missing in ["/files/nothing.txt", "/files/sub"] {
        assert_eq!(folder.client.get(missing).send().await.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    let response = folder.client.get("/fixed").send().await;
    assert_eq!(response.header("content-type"), Some("text/markdown"));
}

#[tokio::test]
async fn downloads_are_named_for_ascii_and_other_names() {
    let folder = folder();
    let response =
        folder.client.get("/download/notes.txt").query(&[("as_name", "report 2026.txt")]).send().await;
    assert_eq!(response.header("content-disposition"), Some("attachment; filename=\"report 2026.txt\""));
    assert_eq!(response.header("cache-control"), Some("no-store"));

    let response =
        folder.client.get("/download/notes.txt").query(&[("as_name", "résumé €.txt")]).send().await;
    assert_eq!(
        response.header("content-disposition"),
        Some("attachment; filename=\"r_sum_ _.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%82%AC.txt")
    );
    // A quote in the name cannot end the parameter early.
    let response = folder.client.get("/download/notes.txt").query(&[("as_name", "a\"b.txt")]).send().await;
    assert_eq!(response.header("content-disposition"), Some("attachment; filename=\"a\\\"b.txt\""));
}

#[tokio::test]
async fn validators_give_304_and_preconditions_412() {
    let folder = folder();
    let first = folder.client.get("/files/notes.txt").send().await;
    let etag = first.header("etag").unwrap().to_owned();
    let modified = first.header("last-modified").unwrap().to_owned();

    let response = folder.client.get("/files/notes.txt").header("if-none-match", &etag).send().await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(response.text(), "");
    assert_eq!(response.header("etag"), Some(etag.as_str()));

    let response = folder.client.get("/files/notes.txt").header("if-modified-since", &modified).send().await;
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);

    // If-None-Match wins over If-Modified-Since (RFC 9110, 13.1.3).
    let response = folder
        .client
        .get("/files/notes.txt")
        .header("if-none-match", "\"other\"")
        .header("if-modified-since", &modified)
        .send()
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let response = folder.client.get("/files/notes.txt").header("if-match", "\"other\"").send().await;
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
    let response = folder.client.get("/files/notes.txt").header("if-match", &etag).send().await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = folder
        .client
        .get("/files/notes.txt")
        .header("if-unmodified-since", "Thu, 01 Jan 1970 00:00:00 GMT")
        .send()
        .await;
    assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn ranges_give_206_one_or_several_and_416_when_none_fits() {
    let folder = folder();
    let range = |value: &'static str| folder.client.get("/files/notes.txt").header("range", value).send();

    let response = range("bytes=0-4").await;
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.text(), "01234");
    assert_eq!(response.header("content-range"), Some("bytes 0-4/16"));
    assert_eq!(response.header("content-length"), Some("5"));
    assert_eq!(range("bytes=-3").await.text(), "def");
    assert_eq!(range("bytes=10-").await.text(), "abcdef");
    assert_eq!(range("bytes=14-99").await.text(), "ef");
    // A suffix longer than the file selects all of it; another unit is ignored.
    assert_eq!(range("bytes=-500").await.text(), "0123456789abcdef");
    let response = range("items=0-1").await;
    assert_eq!((response.status(), response.text()), (StatusCode::OK, "0123456789abcdef".to_owned()));

    let response = range("bytes=0-1, 4-5").await;
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    let content_type = response.header("content-type").unwrap().to_owned();
    let boundary =
        content_type.strip_prefix("multipart/byteranges; boundary=").expect("multipart/byteranges");
    let body = response.text();
    assert_eq!(response.header("content-length"), Some(body.len().to_string().as_str()));
    let expected = format!(
        "\r\n--{boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/16\r\n\r\n01\
         \r\n--{boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 4-5/16\r\n\r\n45\
         \r\n--{boundary}--\r\n"
    );
    assert_eq!(body, expected);

    for unsatisfiable in ["bytes=16-", "bytes=5-2", "bytes=100-200, 300-400"] {
        let response = range(unsatisfiable).await;
        assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE, "{unsatisfiable}");
        assert_eq!(response.header("content-range"), Some("bytes */16"));
    }
    let response = folder.client.get("/files/empty.txt").header("range", "bytes=0-1,3-4").send().await;
    assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    // A range deep in a larger file, read from its middle.
    let response = folder.client.get("/files/data.bin").header("range", "bytes=150000-150009").send().await;
    assert_eq!(response.bytes().as_ref(), &folder.content[150_000..150_010]);
}

#[tokio::test]
async fn if_range_and_head() {
    let folder = folder();
    let etag = folder.client.get("/files/notes.txt").send().await.header("etag").unwrap().to_owned();
    let response = folder
        .client
        .get("/files/notes.txt")
        .header("range", "bytes=0-1")
        .header("if-range", &etag)
        .send()
        .await;
    assert_eq!((response.status(), response.text()), (StatusCode::PARTIAL_CONTENT, "01".to_owned()));
    let response = folder
        .client
        .get("/files/notes.txt")
        .header("range", "bytes=0-1")
        .header("if-range", "\"stale\"")
        .send()
        .await;
    assert_eq!((response.status(), response.text().len()), (StatusCode::OK, 16));

    let response = folder.client.head("/files/notes.txt").send().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.header("content-length"), Some("16"));
    assert_eq!(response.header("etag"), Some(etag.as_str()));
    assert_eq!(response.text(), "");
}

#[tokio::test]
async fn a_real_client_resumes_a_download_with_a_range() {
    let folder = folder();
    let dir = folder._dir.path().to_owned();
    let app = App::new().routes(routes![file]).state(Files(dir));
    let served = Served::start(app).await;
    let url = format!("http://{}/files/data.bin", served.addr);
    let client = reqwest::Client::new();
    let whole = within("the download", client.get(&url).send()).await.unwrap();
    let etag = whole.headers()["etag"].clone();
    assert_eq!(whole.bytes().await.unwrap().as_ref(), folder.content.as_slice());
    let rest =
        within("the rest", client.get(&url).header("range", "bytes=100000-").header("if-range", etag).send())
            .await
            .unwrap();
    assert_eq!(rest.status(), 206);
    assert_eq!(rest.headers()["content-range"], "bytes 100000-199999/200000");
    assert_eq!(rest.bytes().await.unwrap().as_ref(), &folder.content[100_000..]);
}

#[get("/created/{name}")]
async fn created(name: String, files: State<Files>) -> (StatusCode, FileResponse) {
    let file = FileResponse::open(files.0.join(&name)).await.unwrap_or_else(|_| panic!("{name} is there"));
    (StatusCode::CREATED, file)
}

#[tokio::test]
async fn a_status_tuple_sets_a_full_answers_status_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "0123456789").unwrap();
    let client = TestClient::new(App::new().routes(routes![created]).state(Files(dir.path().to_owned())));
    let response = client.get("/created/notes.txt").send().await;
    assert_eq!((response.status(), response.text()), (StatusCode::CREATED, "0123456789".to_owned()));
    let response = client.get("/created/notes.txt").header("range", "bytes=0-2").send().await;
    assert_eq!((response.status(), response.text()), (StatusCode::PARTIAL_CONTENT, "012".to_owned()));
}

#[tokio::test]
async fn range_grammar_edges_and_overlaps() {
    let folder = folder();
    let get = |range: &'static str| folder.client.get("/files/notes.txt").header("range", range).send();
    for (range, status, body) in [
        ("Bytes=0-1", 206, "01"),
        ("BYTES=0-1", 206, "01"),
        ("bytes=0-1,", 206, "01"),
        ("bytes=,0-1", 206, "01"),
        ("bytes = 0-1", 206, "01"),
        ("bytes=0-99999999999999999999999", 206, "0123456789abcdef"),
        ("bytes=-99999999999999999999", 206, "0123456789abcdef"),
        ("bytes=99999999999999999999999-", 416, ""),
        ("bytes=+1-2", 200, "0123456789abcdef"),
        ("bytes=0-1-2", 200, "0123456789abcdef"),
        ("bytes=-0", 416, ""),
        ("bytes=0-0", 206, "0"),
    ] {
        let response = get(range).await;
        assert_eq!((response.status().as_u16(), response.text()), (status, body.to_owned()), "{range}");
    }
    // Overlapping and touching ranges are merged: sixteen copies of the
    // whole file cost one, and 0-3 with 2-5 and 6-7 is 0-7.
    let response = get("bytes=0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-").await;
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.header("content-range"), Some("bytes 0-15/16"));
    assert_eq!(response.text(), "0123456789abcdef");
    let response = get("bytes=6-7, 0-3, 2-5").await;
    assert_eq!(
        (response.header("content-range"), response.text()),
        (Some("bytes 0-7/16"), "01234567".to_owned())
    );
    let response = get("bytes=10-11, 0-1").await;
    let body = response.text();
    assert!(body.find("bytes 0-1/16") < body.find("bytes 10-11/16"), "sorted: {body}");
}

#[tokio::test]
async fn if_range_needs_an_exact_validator() {
    let folder = folder();
    let first = folder.client.get("/files/notes.txt").send().await;
    let modified = first.header("last-modified").unwrap().to_owned();
    let etag = first.header("etag").unwrap().to_owned();
    let weak = format!("W/{etag}");
    let with = |condition: String| {
        folder
            .client
            .get("/files/notes.txt")
            .header("range", "bytes=0-1")
            .header("if-range", &condition)
            .send()
    };
    assert_eq!(with(modified.clone()).await.status(), StatusCode::PARTIAL_CONTENT);
    for stale in [
        "Mon, 01 Jan 2091 00:00:00 GMT".to_owned(),
        "Thu, 01 Jan 1970 00:00:00 GMT".to_owned(),
        "garbage".to_owned(),
        etag.trim_matches('"').to_owned(),
        weak,
    ] {
        let response = with(stale.clone()).await;
        assert_eq!((response.status(), response.text().len()), (StatusCode::OK, 16), "If-Range: {stale}");
    }
}

#[get("/custom")]
async fn custom(files: State<Files>) -> Result<FileResponse, HttpError> {
    let file = FileResponse::open(files.0.join("notes.txt")).await.map_err(|_| HttpError::not_found())?;
    Ok(file
        .filename("notes.txt")
        .header("content-type", "text/csv")
        .header("content-disposition", "inline")
        .header("content-length", "1"))
}

#[tokio::test]
async fn headers_set_by_hand_replace_the_computed_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "0123456789abcdef").unwrap();
    let client =
        TestClient::new(App::new().routes(routes![custom, download]).state(Files(dir.path().to_owned())));
    let response = client.get("/custom").send().await;
    let all =
        |name: &str| response.headers().get_all(name).iter().map(|v| v.to_str().unwrap()).collect::<Vec<_>>();
    assert_eq!(all("content-type"), ["text/csv"]);
    assert_eq!(all("content-disposition"), ["inline"]);
    assert_eq!(all("content-length"), ["16"], "the length describes the bytes sent");
    assert_eq!(all("etag").len(), 1);

    // `%` never reaches the plain fallback, which browsers might decode.
    let response = client.get("/download/notes.txt").query(&[("as_name", "%C3%A9.txt")]).send().await;
    assert_eq!(
        response.header("content-disposition"),
        Some("attachment; filename=\"_C3_A9.txt\"; filename*=UTF-8''%25C3%25A9.txt")
    );
}

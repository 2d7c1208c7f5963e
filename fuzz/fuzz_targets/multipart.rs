//! Multipart bodies within limits: any body, cut anywhere, reaches the
//! handler, a 400 (malformed), a 413 (a limit) or a 415/422, never a 5xx;
//! a file the handler receives is within its limit; no spooled file
//! outlives its request.
//!
//! Input: one byte for the chunk size, the `Content-Type` value, a
//! newline, the body.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use brisk::prelude::*;
use brisk::{Multipart, MultipartLimits};
use brisk_fuzz::{Harness, chunked, expect_status, split_once};
use libfuzzer_sys::fuzz_target;

const MAX_FILE: u64 = 8 * 1024;

#[post("/upload")]
async fn upload(
    #[form(max_length = 64)] description: String,
    #[form(ge = 0, le = 10)] copies: Option<u32>,
    #[file] file: UploadFile,
    #[file] attachments: Vec<UploadFile>,
) -> Result<String, HttpError> {
    let mut total = 0;
    for upload in std::iter::once(&file).chain(&attachments) {
        let bytes = upload.bytes().await.map_err(|_| HttpError::bad_request("unreadable upload"))?;
        assert_eq!(bytes.len() as u64, upload.size(), "an upload's size is its bytes");
        assert!(upload.size() <= MAX_FILE, "an upload past the file limit: {}", upload.size());
        total += bytes.len();
    }
    Ok(format!("{description} {copies:?} {total}"))
}

#[post("/stream")]
async fn stream(mut form: Multipart) -> Result<String, HttpError> {
    let mut sizes = Vec::new();
    while let Some(mut field) = form.next_field().await? {
        let mut size = 0;
        while let Some(chunk) = field.chunk().await? {
            size += chunk.len();
        }
        sizes.push(size);
    }
    Ok(format!("{sizes:?}"))
}

fn spool_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("brisk-fuzz-multipart");
    std::fs::create_dir_all(&dir).expect("a spool directory");
    dir
}

/// The files this process holds open in `dir`: spooled uploads have no
/// name, but the kernel still shows which directory each was made in.
fn open_files_in(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return 0 };
    entries
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|target| target.starts_with(dir))
        .count()
}

fn harness() -> &'static (Harness, PathBuf) {
    static HARNESS: OnceLock<(Harness, PathBuf)> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let dir = spool_dir();
        let limits = MultipartLimits::default()
            .max_body_size(64 * 1024)
            .max_file_size(MAX_FILE)
            .max_field_size(1024)
            .max_parts(8)
            .spool_threshold(512)
            .temp_dir(&dir);
        let app = App::new().routes(routes![upload, stream]).multipart_limits(limits).openapi_url(None);
        (Harness::new(app), dir)
    })
}

static RUNS: AtomicU64 = AtomicU64::new(0);

fuzz_target!(|input: &[u8]| {
    let Some((&size, rest)) = input.split_first() else { return };
    let (content_type, body) = split_once(rest, b'\n');
    let path: &[u8] = if size & 0x80 == 0 { b"/upload" } else { b"/stream" };
    let Some(mut request) = brisk_fuzz::request(b"POST", path) else { return };
    let Ok(content_type) = http::HeaderValue::from_bytes(content_type) else { return };
    request.headers_mut().insert(http::header::CONTENT_TYPE, content_type);
    *request.body_mut() = chunked(body, usize::from(size & 0x7f) + 1);
    let (harness, dir) = harness();
    let answer = harness.send(request);
    expect_status(&answer, &[200, 400, 413, 415, 422], "multipart");
    // Requests run one at a time here, so between two of them no
    // spooled file may be open; checked now and then, since it costs a
    // walk of /proc.
    if RUNS.fetch_add(1, Ordering::Relaxed).is_multiple_of(256) {
        assert_eq!(open_files_in(dir), 0, "spooled uploads outlived their request");
        let named = std::fs::read_dir(dir).map(|entries| entries.count()).unwrap_or(0);
        assert_eq!(named, 0, "files left in the spool directory");
    }
});

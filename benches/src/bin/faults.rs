//! The server `benches/faults.py` drives: brisk, written the way its README
//! teaches, with one route per fault the driver makes (a JSON body, a
//! multipart upload that spools, a slow streaming response) and `/stats`,
//! which reports what the driver checks afterwards: the counters below,
//! the spool directory, the resident set size and malloc's own figures.
//!
//! Every route under test runs a yield dependency first (route-level
//! `dependencies = [...]` run before any parameter is extracted, so before
//! the body is read): its setup counts a start, its teardown a finish.
//! After the driver's clients have all gone, the two must be equal.
//!
//! `BENCH_ADDR` (default 127.0.0.1:8080) is where it listens,
//! `FAULTS_SPOOL_DIR` where uploads past the threshold are spooled.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use brisk::MultipartLimits;
use brisk::dependencies::Outcome;
use brisk::prelude::*;
use brisk::response::StreamingResponse;
use bytes::Bytes;
use serde_json::{Value, json};
use validator::Validate;

/// Uploads larger than this go to a file in the spool directory; the
/// driver's uploads are several times larger, so each one is spooled.
const SPOOL_THRESHOLD: usize = 16 * 1024;

/// One chunk of the streaming response, and the pause before each: slow
/// enough that a client reading a few hundred KiB is still mid-response.
const CHUNK: usize = 32 * 1024;
const PAUSE: Duration = Duration::from_millis(2);
static CHUNK_BYTES: [u8; CHUNK] = [b'x'; CHUNK];

/// What one route's yield dependency has seen.
struct Counters {
    started: AtomicU64,
    finished: AtomicU64,
    /// Teardowns that saw a failure, by its status and kind
    /// (`400 RequestFailed` for a body cut short, say).
    failures: Mutex<BTreeMap<String, u64>>,
}

impl Counters {
    const fn new() -> Counters {
        Counters {
            started: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            failures: Mutex::new(BTreeMap::new()),
        }
    }

    fn start(&'static self) -> Ticket {
        self.started.fetch_add(1, Ordering::SeqCst);
        Ticket(self)
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn report(&self) -> Value {
        json!({
            "started": self.started.load(Ordering::SeqCst),
            "finished": self.finished.load(Ordering::SeqCst),
            "failures": *self.failures(),
        })
    }
}

static JSON_BODY: Counters = Counters::new();
static UPLOAD: Counters = Counters::new();
static STREAM: Counters = Counters::new();

/// The value the tracking dependencies provide: which counters to finish.
#[derive(Clone, Copy)]
struct Ticket(&'static Counters);

impl Ticket {
    fn finish(self, outcome: &Outcome) {
        if let Some(failure) = outcome.failure() {
            let key = format!("{} {}", failure.status.as_u16(), failure.kind);
            *self.0.failures().entry(key).or_default() += 1;
        }
        // Last, so that a reader who sees `finished` catch up with
        // `started` also sees the outcome counted.
        self.0.finished.fetch_add(1, Ordering::SeqCst);
    }
}

#[depends]
async fn track_json_body() -> Ticket {
    let ticket = JSON_BODY.start();
    let outcome = yield_!(ticket);
    ticket.finish(&outcome);
}

#[depends]
async fn track_upload() -> Ticket {
    let ticket = UPLOAD.start();
    let outcome = yield_!(ticket);
    ticket.finish(&outcome);
}

#[depends]
async fn track_stream() -> Ticket {
    let ticket = STREAM.start();
    let outcome = yield_!(ticket);
    ticket.finish(&outcome);
}

#[derive(Deserialize, Validate)]
struct OrderCreate {
    #[validate(length(min = 1, max = 100))]
    customer: String,
    #[validate(range(min = 1))]
    quantity: u32,
    /// Padding, so a body is large enough to be cut in the middle.
    notes: String,
}

#[post("/orders", status_code = 201, dependencies = [track_json_body])]
async fn create_order(#[body] order: OrderCreate) -> Json<Value> {
    Json(json!({ "customer": order.customer, "quantity": order.quantity, "notes": order.notes.len() }))
}

#[post("/upload", dependencies = [track_upload])]
async fn upload(#[form] description: String, #[file] file: UploadFile) -> Json<Value> {
    Json(json!({ "size": file.size(), "in_memory": file.is_in_memory(), "description": description.len() }))
}

/// `chunks` chunks of 32 KiB, one every 2 ms (64 MiB over about 4 s by default).
#[get("/stream", dependencies = [track_stream])]
async fn stream(#[query(default = 2048, ge = 1)] chunks: u32) -> StreamingResponse {
    let body = futures_util::stream::unfold(0, move |sent| async move {
        if sent == chunks {
            return None;
        }
        tokio::time::sleep(PAUSE).await;
        Some((Ok::<_, Infallible>(Bytes::from_static(&CHUNK_BYTES)), sent + 1))
    });
    StreamingResponse::new(body).media_type("application/octet-stream")
}

/// Where uploads are spooled.
struct SpoolDir(PathBuf);

/// The counters, what is left in the spool directory, the resident set
/// size and the heap. A plain `fn`, so brisk runs it on the blocking pool:
/// the reads of `/proc` and the directory never hold up the event loop.
/// With `trim=true`, malloc first gives its free pages back to the system.
///
/// It takes no tracking dependency: its own teardown could not have run
/// when it reports, and it would count itself.
#[get("/stats")]
fn stats(spool: State<SpoolDir>, #[query(default = false)] trim: bool) -> Json<Value> {
    if trim {
        malloc::trim();
    }
    let all = [&JSON_BODY, &UPLOAD, &STREAM];
    let total =
        |count: fn(&Counters) -> &AtomicU64| all.iter().map(|c| count(c).load(Ordering::SeqCst)).sum::<u64>();
    let heap = malloc::heap_kib();
    Json(json!({
        // `finished` first: read before `started`, it can never exceed it.
        "finished": total(|c| &c.finished),
        "started": total(|c| &c.started),
        "routes": { "json_body": JSON_BODY.report(), "upload": UPLOAD.report(), "stream": STREAM.report() },
        "open_spool_files": open_files_in(&spool.0),
        "spool_entries": std::fs::read_dir(&spool.0).map(|entries| entries.count()).unwrap_or(0),
        "rss_kib": status_kib("VmRSS:"),
        "threads": status_kib("Threads:"),
        "heap_in_use_kib": heap.map(|(in_use, _)| in_use),
        "heap_held_kib": heap.map(|(_, held)| held),
    }))
}

/// The files this process holds open in `dir`. Spooled uploads have no
/// name, but the kernel still shows which directory each was made in.
fn open_files_in(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else { return 0 };
    entries
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|target| target.starts_with(dir))
        .count()
}

/// A field of `/proc/self/status` (`VmRSS:` is in KiB, `Threads:` a count).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// What glibc's malloc reports, so a reader can tell a leak from memory
/// the allocator keeps: RSS alone cannot.
mod malloc {
    /// `struct mallinfo2` (glibc 2.33 and later).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[repr(C)]
    struct MallInfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe extern "C" {
        fn mallinfo2() -> MallInfo2;
        fn malloc_trim(pad: usize) -> i32;
    }

    /// In KiB: what malloc has handed out and not had back (live heap), and
    /// what it holds from the system (live heap plus its free chunks);
    /// `None` with another C library.
    pub fn heap_kib() -> Option<(u64, u64)> {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            // SAFETY: mallinfo2 takes no arguments and returns a plain struct
            // by value; it only reads the allocator's counters, under its locks.
            let info = unsafe { mallinfo2() };
            // Chunks from the arenas, and chunks mapped on their own.
            let in_use = info.uordblks + info.hblkhd;
            let held = info.arena + info.hblkhd;
            Some(((in_use / 1024) as u64, (held / 1024) as u64))
        }
        #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
        None
    }

    /// Hands the free pages of every arena back to the system.
    pub fn trim() {
        // SAFETY: malloc_trim takes a byte count and only releases memory
        // malloc holds free; no pointer of ours is involved.
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        unsafe {
            malloc_trim(0);
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), brisk::Error> {
    let spool = std::env::var_os("FAULTS_SPOOL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("brisk-faults"));
    tokio::fs::create_dir_all(&spool).await.expect("the spool directory");
    let limits = MultipartLimits::default().spool_threshold(SPOOL_THRESHOLD).temp_dir(spool.clone());
    App::new()
        .state(SpoolDir(spool))
        .multipart_limits(limits)
        .routes(routes![create_order, upload, stream, stats])
        .serve(brisk_benches::addr())
        .await
}

//! A `tracing` subscriber that writes into memory, for tests that read
//! what brisk logs.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Every line written so far.
    pub fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        String::from_utf8_lossy(&bytes).lines().map(str::to_owned).collect()
    }

    /// Whether any line written so far contains `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.lines().iter().any(|line| line.contains(text))
    }

    /// Every line written so far that mentions `target`.
    pub fn lines_of(&self, target: &str) -> Vec<String> {
        let bytes = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let text = String::from_utf8(bytes).expect("the log is text");
        text.lines().filter(|line| line.contains(target)).map(str::to_owned).collect()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Makes `captured` this thread's subscriber until the guard drops. The
/// tests run on a current-thread runtime, so the app logs on this thread.
pub fn capture(captured: &Captured) -> tracing::subscriber::DefaultGuard {
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    // A test on another thread may be registering one of brisk's callsites
    // right now, with an interest computed before this subscriber existed
    // ("never"): that callsite would stay disabled here too, and the test
    // would read an empty log. A registration takes microseconds, so
    // recomputing every callsite's interest once it is surely over closes
    // the race; this is setup, not a timing claim.
    tracing::callsite::rebuild_interest_cache();
    std::thread::sleep(std::time::Duration::from_millis(20));
    tracing::callsite::rebuild_interest_cache();
    guard
}

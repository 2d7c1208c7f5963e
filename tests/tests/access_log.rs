//! The access log: one `brisk::access` event per request, with what an
//! operator reads in it, through a real `tracing` subscriber.

use std::io::Write;
use std::sync::{Arc, Mutex};

use brisk::testing::TestClient;

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn lines_of(&self, target: &str) -> Vec<String> {
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

// A current-thread runtime: the app runs on this thread, where the
// subscriber is the default.
#[tokio::test]
async fn every_request_is_logged_with_its_method_path_status_and_duration() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let client = TestClient::new(hello::app());
    assert_eq!(client.get("/items/5?q=x").send().await.status(), 200);
    assert_eq!(client.post("/nowhere").send().await.status(), 404);

    let lines = captured.lines_of("brisk::access");
    assert_eq!(lines.len(), 2, "one line per request: {lines:?}");
    for (line, method, path, status) in
        [(&lines[0], "GET", "/items/5", "200"), (&lines[1], "POST", "/nowhere", "404")]
    {
        assert!(line.contains(&format!("method={method}")), "{line}");
        assert!(line.contains("path=") && line.contains(path) && !line.contains("q=x"), "{line}");
        assert!(line.contains(&format!("status={status}")), "{line}");
        assert!(line.contains("duration_us="), "{line}");
    }
}

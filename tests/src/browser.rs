//! Headless Chromium, for the tests that need a real browser (ignored by a
//! plain `cargo test`; `.ci/run` installs Debian's `chromium` and runs them).

use std::process::Command;
use std::time::Duration;

/// The Chromium on this machine.
///
/// # Panics
/// Without one, naming the package to install.
pub fn chromium() -> &'static str {
    for candidate in ["chromium", "chromium-browser"] {
        if Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return candidate;
        }
    }
    panic!("headless Chromium is needed for this test: apt-get install chromium (.ci/run does)");
}

/// The page at `url` once its scripts have run within `virtual_time` of
/// Chromium's virtual time (which stands still while a fetch is in
/// flight), as its DOM dump, with what Chromium wrote to stderr.
/// Chromium runs with the flags a closed network needs (no background
/// connections) in a profile of its own, removed afterwards.
///
/// # Panics
/// When Chromium does not finish within 90 seconds or prints no page.
pub async fn dump_dom(url: &str, virtual_time: Duration, window: Option<(u32, u32)>) -> (String, String) {
    let profile = std::env::temp_dir().join(format!(
        "brisk-chromium-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |t| t.as_nanos())
    ));
    let mut command = tokio::process::Command::new(chromium());
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--dump-dom",
    ]);
    command.arg(format!("--virtual-time-budget={}", virtual_time.as_millis()));
    if let Some((width, height)) = window {
        command.arg(format!("--window-size={width},{height}"));
    }
    command.arg(format!("--user-data-dir={}", profile.display())).arg(url).kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(90), command.output())
        .await
        .expect("chromium finished within 90 seconds")
        .expect("chromium ran");
    let _ = std::fs::remove_dir_all(&profile);
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!dom.is_empty(), "chromium printed no page for {url}:\n{stderr}");
    (dom, stderr)
}

/// The text of `<div id="result">…</div>` in a dumped page.
///
/// # Panics
/// When the page has none.
pub fn result_of(dom: &str, stderr: &str) -> String {
    dom.split("<div id=\"result\">")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_else(|| panic!("no result in the page:\n{dom}\n{stderr}"))
        .to_owned()
}

//! The examples' binaries, built by the cargo that runs the tests and run as
//! a user runs them: on a port of 127.0.0.1, configured by environment
//! variables, stopped by a signal.
//!
//! Every wait is bounded, so a broken binary fails its test instead of
//! hanging it, and a process still running when its handle drops is killed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

/// How long a binary may take to start listening, or to exit once told to.
const WAIT: Duration = Duration::from_secs(30);

/// Builds the binary of the example package `package` (debug, or release
/// when the tests are) and returns its path, as cargo reports it.
pub async fn build_example(package: &str) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["build", "-p", package, "--bin", package, "--message-format=json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(&manifest)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let build = tokio::time::timeout(Duration::from_secs(600), command.output())
        .await
        .unwrap_or_else(|_| panic!("cargo build -p {package} took over ten minutes"))
        .unwrap_or_else(|err| panic!("run cargo build -p {package}: {err}"));
    let stdout = String::from_utf8_lossy(&build.stdout);
    assert!(
        build.status.success(),
        "cargo build -p {package} failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact" && message["target"]["name"] == package)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| panic!("cargo reported no {package} executable:\n{stdout}"))
}

/// A free port on 127.0.0.1 (free when asked: the caller binds it soon after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// A running example binary, with everything it has printed so far.
pub struct Example {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    output: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
}

impl Example {
    /// Starts `executable` with `HOST=127.0.0.1`, a free `PORT`, no
    /// `RUST_LOG` unless `env` sets one, and `env`. Does not wait: see
    /// [`Example::listening`] and [`Example::exit`].
    pub fn spawn(executable: &Path, env: &[(&str, &str)]) -> Example {
        let port = free_port();
        let mut command = Command::new(executable);
        command
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env_remove("RUST_LOG")
            .env_remove("DATABASE_URL")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().unwrap_or_else(|err| panic!("run {}: {err}", executable.display()));
        let output = Arc::new(Mutex::new(String::new()));
        let readers = vec![collect(child.stdout.take(), &output), collect(child.stderr.take(), &output)];
        Example { child, addr: SocketAddr::from(([127, 0, 0, 1], port)), output, readers }
    }

    /// Starts it as [`Example::spawn`] does and waits until it accepts connections.
    pub async fn start(executable: &Path, env: &[(&str, &str)]) -> Example {
        let mut example = Example::spawn(executable, env);
        example.listening().await;
        example
    }

    /// Waits until it accepts connections; panics with its output if it
    /// exits first or takes longer than 30 s.
    pub async fn listening(&mut self) {
        let wait = async {
            loop {
                if tokio::net::TcpStream::connect(self.addr).await.is_ok() {
                    return;
                }
                if let Some(status) = self.child.try_wait().expect("poll the child") {
                    panic!("exited with {status} before listening:\n{}", self.output());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        if tokio::time::timeout(WAIT, wait).await.is_err() {
            panic!("not listening on {} after {WAIT:?}:\n{}", self.addr, self.output());
        }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Everything it has written to stdout and stderr so far.
    pub fn output(&self) -> String {
        self.output.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Waits (at most 30 s) for it to exit on its own; then [`Example::output`]
    /// holds all it wrote.
    pub async fn exit(&mut self) -> ExitStatus {
        let status = match tokio::time::timeout(WAIT, self.child.wait()).await {
            Ok(status) => status.expect("wait for the child"),
            Err(_) => panic!("still running after {WAIT:?}:\n{}", self.output()),
        };
        for reader in self.readers.drain(..) {
            let _ = tokio::time::timeout(WAIT, reader).await;
        }
        status
    }

    /// Sends SIGTERM, as a process manager does, and waits for the exit.
    pub async fn terminate(&mut self) -> ExitStatus {
        self.signal("TERM").await;
        self.exit().await
    }

    /// Sends the signal `name` (`TERM`, `INT`) and returns at once.
    pub async fn signal(&self, name: &str) {
        let pid = self.child.id().expect("the child is running").to_string();
        let kill = Command::new("kill").args([&format!("-{name}"), &pid]).status().await.expect("run kill");
        assert!(kill.success(), "kill -{name} {pid}");
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("poll the child").is_none()
    }

    /// Sends SIGKILL, as a crash would end it, and waits for the exit.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill the child");
        self.exit().await;
    }
}

/// Appends each line `pipe` carries to `output`, on a task of its own.
fn collect(
    pipe: Option<impl AsyncRead + Unpin + Send + 'static>,
    output: &Arc<Mutex<String>>,
) -> JoinHandle<()> {
    let output = output.clone();
    tokio::spawn(async move {
        let Some(pipe) = pipe else { return };
        let mut lines = BufReader::new(pipe).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut output = output.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            output.push_str(&line);
            output.push('\n');
        }
    })
}

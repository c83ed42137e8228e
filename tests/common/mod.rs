//! Shared helpers for the integration tests: the MongoDB wire-protocol test server that
//! `scripts/test` starts, and servers a test starts and stops itself. Loopback only.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::zombie_processes)]

pub mod app;
pub mod browser;
pub mod pki;
pub mod privileged;
pub mod record_fixture;
pub mod servers;
pub mod tmux;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `test` cannot run as intended because of `why`. When the run requires it (the variable
/// `require` is `1`: `scripts/test` sets `DRCONSOLE_REQUIRE_MONGODB`, `DRCONSOLE_REQUIRE_TOOLS`
/// and `DRCONSOLE_REQUIRE_PRIVILEGED`), a failure; otherwise a `SKIPPED <test>: <why>` line
/// that no harness hides. `eprintln!` would not do: libtest captures it and shows it only for
/// a failed test, and nextest keeps a passing test's whole stderr. So the line goes straight
/// to the process's stderr (seen under `cargo test`) and is appended to the file named by
/// `DRCONSOLE_TEST_SKIP_LOG`, which `scripts/test` prints at the end of its run.
pub fn skip_unless_required(require: &str, test: &str, why: &str) {
    if std::env::var(require).as_deref() == Ok("1") {
        panic!(
            "{test} could not run as intended: {why}. This run requires it ({require}=1); set \
             {require}=0 to let it skip instead"
        );
    }
    let line = format!("SKIPPED {test}: {why}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    if let Some(path) = std::env::var_os("DRCONSOLE_TEST_SKIP_LOG").filter(|p| !p.is_empty()) {
        // One write of one short line with O_APPEND: concurrent tests' lines do not mix.
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("DRCONSOLE_TEST_SKIP_LOG={path:?}: {e}"));
        log.write_all(line.as_bytes()).unwrap();
    }
}

/// The URI of the shared test server. `None` (with a visible message) when it is not running
/// and the run does not require it; a panic when `DRCONSOLE_REQUIRE_MONGODB=1`.
pub fn mongodb_uri(test: &str) -> Option<String> {
    match std::env::var("DRCONSOLE_TEST_MONGODB_URI") {
        Ok(uri) if !uri.is_empty() => Some(uri),
        _ => {
            skip_unless_required(
                "DRCONSOLE_REQUIRE_MONGODB",
                test,
                "no MongoDB test server (run ./scripts/test, or set DRCONSOLE_TEST_MONGODB_URI)",
            );
            None
        }
    }
}

/// A MongoDB wire-protocol server of a test's own, for stop/start scenarios.
pub struct OwnMongo {
    pub child: Child,
    pub uri: String,
    pub port: u16,
}

impl OwnMongo {
    /// Start on `port` (0 = any free port). `None` when the binary is not available and the
    /// run does not require it.
    pub fn start(test: &str, port: u16) -> Option<OwnMongo> {
        let bin = match std::env::var("DRCONSOLE_TEST_JONGODB") {
            Ok(b) if !b.is_empty() => b,
            _ => {
                let local = concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb"
                );
                if std::path::Path::new(local).exists() {
                    local.to_string()
                } else {
                    mongodb_uri(test)?;
                    panic!("{test}: DRCONSOLE_TEST_JONGODB is not set");
                }
            }
        };
        let mut child = Command::new(bin)
            .arg("--host=127.0.0.1")
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start jongodb");
        let out = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(out).lines();
        let deadline = crate::common::deadline(Duration::from_secs(20));
        while Instant::now() < deadline {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(uri) = line.strip_prefix("JONGODB_URI=") {
                        let port = uri
                            .trim_start_matches("mongodb://")
                            .split(['/', '?'])
                            .next()
                            .and_then(|hp| hp.rsplit(':').next())
                            .and_then(|p| p.parse().ok())
                            .expect("port in JONGODB_URI");
                        // Keep draining stdout so the server never blocks on a full pipe.
                        std::thread::spawn(move || for _ in lines {});
                        return Some(OwnMongo { child, uri: uri.to_string(), port });
                    }
                }
                _ => break,
            }
        }
        let _ = child.kill();
        panic!("{test}: jongodb did not print its URI");
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnMongo {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback port that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A valid runbook (the bad-runbook fixtures' base, without its one defect) whose two services
/// (`mongodb` and `api`, both referenced elsewhere in it) are replaced by `services`, written
/// to `dir/runbook.toml`.
pub fn runbook_with_services(dir: &std::path::Path, services: &str) -> std::path::PathBuf {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bad-runbooks/bad-http-method.toml"
    ))
    .unwrap()
    .replace("method = \"FETCH\"\n", "");
    let start = base.find("[[services]]").unwrap();
    let end = base.find("[[disaster-types]]").unwrap();
    let text = format!("{}{services}\n{}", &base[..start], &base[end..]);
    let path = dir.join("runbook.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// This test binary re-executed to run only the ignored test `path` (a `module_path!()`-style
/// path, e.g. `concat!(module_path!(), "::writer_child")`), for a test that needs a second
/// process. The helper is `#[ignore]`d so an ordinary run neither runs it nor counts it.
pub fn child_test(path: &str) -> Command {
    let mut cmd = child_test_captured(path);
    cmd.arg("--nocapture");
    cmd
}

/// `child_test` with the harness capturing the helper's output, as it does for an ordinary test.
pub fn child_test_captured(path: &str) -> Command {
    // The harness names tests without the crate's name.
    let name = path.split_once("::").map_or(path, |(_, rest)| rest);
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--ignored", "--exact", name, "--test-threads=1"]);
    cmd
}

/// How much longer than written every wait of the end-to-end tests may take: the float in
/// `DRCONSOLE_TEST_TIME_SCALE` (default 1), for a slow or busy machine. A wait returns as
/// soon as what it waits for happens, so a larger scale costs time only when a test fails.
pub fn time_scale() -> f64 {
    static SCALE: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *SCALE.get_or_init(|| match std::env::var("DRCONSOLE_TEST_TIME_SCALE") {
        Ok(s) if !s.trim().is_empty() => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() && f > 0.0 => f,
            _ => panic!("DRCONSOLE_TEST_TIME_SCALE={s:?}: expected a positive number, e.g. 2.5"),
        },
        _ => 1.0,
    })
}

/// `d` scaled by `DRCONSOLE_TEST_TIME_SCALE`.
pub fn scaled(d: Duration) -> Duration {
    d.mul_f64(time_scale())
}

/// The instant a wait of `d` (scaled) started now gives up.
pub fn deadline(d: Duration) -> Instant {
    Instant::now() + scaled(d)
}

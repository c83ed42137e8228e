//! Shared helpers for the integration tests: the MongoDB wire-protocol test server that
//! `scripts/test` starts, and servers a test starts and stops itself. Loopback only.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::zombie_processes)]

pub mod app;
pub mod browser;
pub mod record_fixture;
pub mod servers;
pub mod tmux;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The URI of the shared test server. `None` (with a visible message) when it is not running
/// and the run does not require it; a panic when `DRCONSOLE_REQUIRE_MONGODB=1`.
pub fn mongodb_uri(test: &str) -> Option<String> {
    match std::env::var("DRCONSOLE_TEST_MONGODB_URI") {
        Ok(uri) if !uri.is_empty() => Some(uri),
        _ => {
            if std::env::var("DRCONSOLE_REQUIRE_MONGODB").as_deref() == Ok("1") {
                panic!(
                    "{test}: DRCONSOLE_TEST_MONGODB_URI is not set but this run requires MongoDB"
                );
            }
            eprintln!(
                "SKIPPED {test}: no MongoDB test server (run ./scripts/test, or set \
                 DRCONSOLE_TEST_MONGODB_URI)"
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
        let deadline = Instant::now() + Duration::from_secs(20);
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

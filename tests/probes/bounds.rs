//! A probe reads at most a bounded prefix of what a program or a peer sends: a `command`
//! service running `yes` and an HTTP peer streaming an endless body leave the memory of
//! `drconsole status` flat (a `yes` probe with a 5 s timeout once took 3 GB), and both end
//! within their timeout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::servers::EndlessBody;
use serde_json::Value;

/// Peak resident memory of `pid` in KiB, while it lives.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    peak_mib: u64,
    took: Duration,
}

/// `drconsole status --json` with `runbook`, watching its peak memory until it exits.
fn status(runbook: &Path, home: &Path) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(["status", "--json", "--runbook"])
        .arg(runbook)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env_remove("DRCONSOLE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let (mut o, mut e) = (String::new(), String::new());
        out.read_to_string(&mut o).unwrap();
        err.read_to_string(&mut e).unwrap();
        (o, e)
    });
    let mut peak_kib = 0;
    let deadline = started + Duration::from_secs(120);
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "status still running after 120 s");
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = started.elapsed();
    let (stdout, stderr) = reader.join().unwrap();
    eprintln!("status: peak RSS {} MiB, {took:?}", peak_kib / 1024);
    Run { code: status.code(), stdout, stderr, peak_mib: peak_kib / 1024, took }
}

fn service<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["services"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()
}

/// Generous: the process itself is ~20 MB; without the bound it grew by gigabytes.
const PEAK_MIB_MAX: u64 = 200;

#[test]
fn a_yes_command_and_an_endless_body_keep_status_small() {
    let tmp = tempfile::tempdir().unwrap();
    let stream = EndlessBody::start();
    let rb = common::runbook_with_services(
        tmp.path(),
        &format!(
            r#"[[services]]
id = "mongodb"
name = "Talkative program"
kind = "command"
component = "database"
target = "/usr/bin/yes"
interval = "15s"
timeout = "3s"

[[services]]
id = "api"
name = "Endless body"
kind = "http"
target = "{}"
interval = "15s"
timeout = "3s"
body-contains = "ok"
"#,
            stream.url()
        ),
    );
    let run = status(&rb, tmp.path());
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let yes = service(&doc, "mongodb");
    assert_eq!(yes["state"], "DOWN", "{yes}");
    assert_eq!(yes["detail"], "timed out after 3s (killed)", "{yes}");
    let api = service(&doc, "api");
    assert_eq!(api["state"], "UP", "the needle is in the prefix: {api}");
    assert!(run.peak_mib < PEAK_MIB_MAX, "peak RSS {} MiB", run.peak_mib);
    assert!(run.took < Duration::from_secs(3 + 30), "took {:?}", run.took);
}

#[test]
fn a_needle_past_the_prefix_of_an_endless_body_is_down_within_the_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let stream = EndlessBody::start();
    let rb = common::runbook_with_services(
        tmp.path(),
        &format!(
            r#"[[services]]
id = "mongodb"
name = "Quiet program"
kind = "command"
component = "database"
target = "/bin/true"
interval = "15s"
timeout = "3s"

[[services]]
id = "api"
name = "Endless body"
kind = "http"
target = "{}"
interval = "15s"
timeout = "3s"
body-contains = "never sent"
"#,
            stream.url()
        ),
    );
    let run = status(&rb, tmp.path());
    assert_eq!(run.code, Some(1), "stderr: {}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(service(&doc, "mongodb")["state"], "UP");
    let api = service(&doc, "api");
    assert_eq!(api["state"], "DOWN", "{api}");
    assert_eq!(api["detail"], "body does not contain \"never sent\"", "{api}");
    assert!(run.peak_mib < PEAK_MIB_MAX, "peak RSS {} MiB", run.peak_mib);
    assert!(run.took < Duration::from_secs(3 + 30), "took {:?}", run.took);
    // The probe stopped reading: the server's writes end soon after, they do not go on.
    let sent = stream.sent.load(std::sync::atomic::Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(500));
    let later = stream.sent.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(sent, later, "the server is still sending into a closed connection");
}

//! A reader that goes away (`| head -1`, `| head -c 10`) ends every printing subcommand
//! quietly with 141 (128 + SIGPIPE, as a shell reports for `yes | head -1`), never with a
//! panic and exit 101.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::io::{BufRead, BufReader, Read};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn drc(data: &Path, rb: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_drconsole"));
    c.arg("--data-dir")
        .arg(data)
        .arg("--runbook")
        .arg(rb)
        .env_remove("DRCONSOLE_CONFIG")
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data);
    c
}

/// Wait for `child`; its exit code and stderr.
fn finish(mut child: std::process::Child) -> (Option<i32>, String) {
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let deadline = crate::common::deadline(Duration::from_secs(60));
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return (s.code(), err);
        }
        assert!(Instant::now() < deadline, "still running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Run with stdout a pipe whose reader is gone before the program starts, so that its first
/// write fails with EPIPE whatever the timing (a pipe from `spawn` could take a short output
/// into its buffer before the test closes it).
fn closed_stdout(mut cmd: Command) -> (Option<i32>, String) {
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills the two-element array with fresh descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both descriptors were just created and are owned here, once each.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(read);
    let child = cmd.stdout(Stdio::from(write)).stderr(Stdio::piped()).spawn().unwrap();
    finish(child)
}

fn setup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let rb = common::runbook_with_services(
        dir,
        r#"[[services]]
id = "mongodb"
name = "Database"
kind = "command"
component = "database"
target = "/bin/true"
interval = "1s"
timeout = "5s"

[[services]]
id = "api"
name = "API"
kind = "command"
target = "/bin/true"
interval = "1s"
timeout = "5s"
"#,
    );
    let data = dir.join("data");
    let out = drc(&data, &rb)
        .args(["declare", "--type", "database-failure", "--level", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    (rb, data, id)
}

#[test]
fn every_printing_subcommand_exits_141_quietly_when_stdout_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let (rb, data, id) = setup(tmp.path());
    let cases: &[&[&str]] = &[
        &["runbook", "show"],
        &["check"],
        &["status"],
        &["status", "--json"],
        &["list"],
        &["list", "--json"],
        &["record"],
        &["record", "--format", "json"],
        &["report"],
        &["verify"],
        &["note", "a note nobody reads the answer to"],
        &["declare", "--type", "database-failure", "--level", "3", "--force"],
        &["comms", "--list"],
        &["comms", "user-outage"],
        &["drill", "--list"],
    ];
    let mut failures = Vec::new();
    for args in cases {
        let mut cmd = drc(&data, &rb);
        cmd.args(*args);
        match args[0] {
            "record" | "report" | "verify" => {
                cmd.arg(&id);
            }
            "note" | "comms" if args.len() == 2 => {
                cmd.args(["--incident", &id]);
            }
            _ => {}
        }
        let (code, err) = closed_stdout(cmd);
        if code != Some(141) || !err.is_empty() {
            failures.push(format!("{args:?}: exit {code:?}, stderr {err:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn status_watch_into_head_ends_after_the_first_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (rb, data, _) = setup(tmp.path());
    let mut child = drc(&data, &rb)
        .args(["status", "--watch", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("all 2 UP"), "{first}");
    // The reader is gone (dropped with the BufReader), as `head -1` exits after one line.
    let (code, err) = finish(child);
    assert_eq!(code, Some(141), "stderr: {err}");
    assert_eq!(err, "");
}

//! The suite's own `SKIPPED` lines (#16: a test that cannot run as intended skips visibly,
//! or fails when the run requires it). The helper runs as a child, its output captured by the
//! harness as an ordinary test's is: a skip line written with `eprintln!` would vanish there.

use std::process::Output;

use crate::common;

const REQUIREMENT: &str = "DRCONSOLE_TEST_SKIP_SELF_CHECK";

#[test]
#[ignore = "child process of a_skip_is_seen_and_logged_and_a_required_one_fails"]
fn skipping_child() {
    common::skip_unless_required(REQUIREMENT, "skipping_child", "nothing here to run against");
}

fn run_child(log: &std::path::Path, require: &str) -> Output {
    common::child_test_captured(concat!(module_path!(), "::skipping_child"))
        .env("DRCONSOLE_TEST_SKIP_LOG", log)
        .env(REQUIREMENT, require)
        .output()
        .unwrap()
}

#[test]
fn a_skip_is_seen_and_logged_and_a_required_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("skips.log");
    let line = "SKIPPED skipping_child: nothing here to run against\n";

    for round in 1..=2 {
        let out = run_child(&log, "0");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "round {round}: {stderr}");
        assert!(stderr.contains(line), "round {round}: no skip line in the captured run: {stderr}");
        // Appended, not replaced: every skipped test of a run is listed at its end.
        assert_eq!(std::fs::read_to_string(&log).unwrap(), line.repeat(round));
    }

    let out = run_child(&log, "1");
    assert!(!out.status.success(), "a required test that cannot run must fail");
    let all =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        all.contains("skipping_child could not run as intended: nothing here to run against")
            && all.contains(&format!("{REQUIREMENT}=1")),
        "{all}"
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), line.repeat(2), "a failure is not a skip");
}

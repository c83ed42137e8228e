//! Corrections are events with a reason, never edits: from a shell and from the console.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::tmux::Tmux;

fn drc(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DRCONSOLE_CONFIG")
        .output()
        .expect("run drconsole")
}

fn out(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn corrections_from_a_shell_go_on_the_record_with_their_reasons() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = drc(
        &data,
        &["declare", "--type", "database-failure", "--level", "2", "--functions", "checkout"],
    );
    assert!(d.status.success(), "{}", out(&d));
    let id = String::from_utf8_lossy(&d.stdout).trim().to_string();

    let grow = drc(&data, &["correct", "level", "3", "--reason", "the API is down too"]);
    assert!(grow.status.success(), "{}", out(&grow));
    let again = drc(&data, &["correct", "level", "3", "--reason", "again"]);
    assert_eq!(again.status.code(), Some(2), "{}", out(&again));
    assert!(out(&again).contains("级别未改变"), "{}", out(&again));
    let no_reason = drc(&data, &["correct", "level", "2"]);
    assert_eq!(no_reason.status.code(), Some(2), "a correction needs a reason");
    let reopen = drc(&data, &["correct", "reopen", "activate-team", "--reason", "x"]);
    assert_eq!(
        reopen.status.code(),
        Some(2),
        "a pending step has nothing to reopen: {}",
        out(&reopen)
    );
    let t0 =
        (chrono::Local::now() - chrono::Duration::minutes(45)).format("%Y-%m-%d %H:%M").to_string();
    let fix = drc(&data, &["correct", "t0", &t0, "--reason", "the pager fired at that time"]);
    assert!(fix.status.success(), "{}", out(&fix));

    let rec = out(&drc(&data, &["--lang", "en", "record", &id]));
    assert!(rec.contains("级别改为 3") && rec.contains("the API is down too"), "{rec}");
    assert!(rec.contains("the pager fired at that time"), "{rec}");

    let w = drc(&data, &["withdraw", "--reason", "declared in error: a monitoring glitch"]);
    assert!(w.status.success(), "{}", out(&w));
    let list = out(&drc(&data, &["list"]));
    assert!(list.contains("withdrawn"), "{list}");
    let note = drc(&data, &["note", "anything"]);
    assert_ne!(
        note.status.code(),
        Some(0),
        "a withdrawn incident is not the default: {}",
        out(&note)
    );
    let rec = out(&drc(&data, &["record", &id]));
    assert!(rec.contains("已撤回") && rec.contains("monitoring glitch"), "{rec}");
    assert!(drc(&data, &["verify", &id]).status.success());
}

#[test]
fn reopen_and_undo_in_the_console() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = drc(&data, &["declare", "--type", "database-failure", "--level", "3"]);
    let id = String::from_utf8_lossy(&d.stdout).trim().to_string();
    let t =
        Tmux::start(tmp.path(), 80, 24, &format!("--data-dir {} resume {id}", data.display()), &[]);
    t.wait_text("LIVE", 10);
    t.keys(&["s", "d"]);
    t.wait_text("恢复步骤 1/12", 5);
    // Undo the `d`: step 1 is pending again (undo needs no selection).
    t.keys(&["u"]);
    t.wait_text("恢复步骤 0/12", 5);
    // Done again (the step is pending now: it asks, `y`), then reopened with a reason.
    t.keys(&["k", "d"]);
    t.wait_text("尚未开始", 5);
    t.keys(&["y"]);
    t.wait_text("恢复步骤 1/12", 5);
    t.keys(&["k", "o"]);
    t.wait_text("更正原因", 5);
    t.type_text("完成得太早");
    t.keys(&["Enter"]);
    t.wait_text("恢复步骤 0/12", 5);
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(10), 0);
    let rec = out(&drc(&data, &["record", &id]));
    assert!(rec.contains("重新打开步骤") && rec.contains("完成得太早"), "{rec}");
    assert!(rec.contains("撤销 (u)"), "{rec}");
}

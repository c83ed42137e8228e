//! Never guess which incident: with several open, commands without an id refuse and list
//! them, unless one is pinned; the console offers the open ones before a new declaration.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::tmux::Tmux;

fn drc_env(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_drconsole"));
    c.arg("--data-dir").arg(data).args(args).env_remove("DRCONSOLE_CONFIG");
    c.env_remove("DRCONSOLE_INCIDENT");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run drconsole")
}

fn drc(data: &Path, args: &[&str]) -> Output {
    drc_env(data, args, &[])
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn declare(data: &Path, dtype: &str, extra: &[&str]) -> String {
    let mut args = vec!["declare", "--type", dtype, "--level", "3"];
    args.extend_from_slice(extra);
    let o = drc(data, &args);
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn journal(data: &Path, id: &str) -> String {
    std::fs::read_to_string(data.join("incidents").join(id).join("journal.drj")).unwrap()
}

#[test]
fn with_two_open_nothing_guesses_and_a_pin_decides() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let a = declare(&data, "database-failure", &[]);
    let b = declare(&data, "app-outage", &[]);

    for args in [
        vec!["note", "which one?"],
        vec!["record"],
        vec!["report"],
        vec!["comms", "user-outage"],
        vec!["correct", "level", "2", "--reason", "x"],
    ] {
        let o = drc(&data, &args);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {t}");
        assert!(
            t.contains("2 incidents are open") && t.contains(&a) && t.contains(&b),
            "{args:?}: {t}"
        );
    }
    assert!(
        !journal(&data, &a).contains("which one?") && !journal(&data, &b).contains("which one?")
    );

    let o = drc(&data, &["use", &a]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(text(&drc(&data, &["use"])).trim(), a);
    assert!(drc(&data, &["note", "for a"]).status.success());
    assert!(journal(&data, &a).contains("for a"));
    // The environment wins over the pin, for one shell.
    let o = drc_env(&data, &["note", "for b"], &[("DRCONSOLE_INCIDENT", &b)]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(journal(&data, &b).contains("for b") && !journal(&data, &a).contains("for b"));
    let bad = drc_env(&data, &["note", "x"], &[("DRCONSOLE_INCIDENT", "20990101-000000-ffff")]);
    assert_eq!(bad.status.code(), Some(2), "a pin to nothing is an error: {}", text(&bad));
    assert!(drc(&data, &["use", "--clear"]).status.success());
    assert_eq!(drc(&data, &["note", "again"]).status.code(), Some(2));

    // The console's resume without an id refuses too (before it needs a terminal).
    let t = Tmux::start(tmp.path(), 80, 24, &format!("--data-dir {} resume", data.display()), &[]);
    assert_eq!(t.exit_code(10), 2);
}

#[test]
fn a_second_open_incident_of_the_same_type_within_30_minutes_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let a = declare(&data, "database-failure", &[]);
    let o = drc(&data, &["declare", "--type", "database-failure", "--level", "3"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains(&a), "{}", text(&o));
    declare(&data, "database-failure", &["--force"]);
}

#[test]
fn the_console_offers_the_open_incidents_before_a_new_declaration() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let a = declare(&data, "database-failure", &[]);
    let b = declare(&data, "app-outage", &[]);
    // Wide enough for the header to keep the incident id (at 80 columns it yields first).
    let t = Tmux::start(tmp.path(), 120, 30, &format!("--data-dir {}", data.display()), &[]);
    let screen = t.wait_text("个事件仍在进行", 10);
    assert!(screen.contains(&a) && screen.contains(&b), "{screen}");
    // The newest is listed first; pick the second row and resume it.
    t.keys(&["Down", "Enter"]);
    let screen = t.wait_text("LIVE", 10);
    let first_line = screen.lines().next().unwrap_or_default().to_string();
    assert!(first_line.contains(&a) || first_line.contains(&b), "{screen}");
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(10), 0);
    // `n` goes on to a new declaration instead.
    let t = Tmux::start(tmp.path(), 80, 24, &format!("--data-dir {}", data.display()), &[]);
    t.wait_text("个事件仍在进行", 10);
    t.keys(&["n"]);
    t.wait_for("the form without the list", 5, |s| {
        !s.contains("个事件仍在进行") && s.contains("声明")
    });
    t.keys(&["Escape"]);
    // Escape and y in one read would be Alt-y: y only once the question is on the screen.
    t.wait_text("y 退出", 10);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(10), 0);
}

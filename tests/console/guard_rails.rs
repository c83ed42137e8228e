//! #12's guard rails against the real binary: what a tired commander types is questioned or
//! refused, never silently taken. Each test is one bug of the first version, reproduced.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Duration, Local, Timelike};
use common::tmux::Tmux;
use drconsole::incident::EventKind;

fn drc(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_INCIDENT")
        .output()
        .expect("run drconsole")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn journal(data: &Path, id: &str) -> PathBuf {
    data.join("incidents").join(id).join("journal.drj")
}

fn events(data: &Path, id: &str) -> Vec<drconsole::incident::Event> {
    drconsole::store::read_events(&journal(data, id)).unwrap().0
}

fn declare(data: &Path, began: &str) -> String {
    let o =
        drc(data, &["declare", "--type", "database-failure", "--level", "3", "--began-at", began]);
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

fn console(dir: &Path, args: &str) -> Tmux {
    Tmux::start(dir, 120, 30, &format!("--lang en {args}"), &[])
}

/// "23:59" typed at 21:05 became yesterday 23:59 without a word, and every clock breached.
/// A time of day later than now is questioned; nothing is written until it is given in full.
#[test]
fn a_time_of_day_later_than_now_is_questioned_not_taken_as_yesterday() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut now = Local::now();
    if now.hour() == 23 && now.minute() == 59 {
        std::thread::sleep(std::time::Duration::from_secs(61));
        now = Local::now();
    }
    let later = (now + Duration::minutes(1)).format("%H:%M").to_string();
    let o = drc(
        &data,
        &["declare", "--type", "database-failure", "--level", "3", "--began-at", &later],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let said = text(&o);
    assert!(said.contains("h ago): if that is right") && said.contains("--force"), "{said}");
    let list = drc(&data, &["list", "--json"]);
    assert_eq!(String::from_utf8_lossy(&list.stdout).trim(), "[]", "nothing was declared");
    // Given in full (and confirmed), it is taken.
    let full = (now - Duration::hours(23)).format("%Y-%m-%d %H:%M").to_string();
    let o = drc(
        &data,
        &["declare", "--type", "database-failure", "--level", "3", "--began-at", &full, "--force"],
    );
    assert!(o.status.success(), "{}", text(&o));
}

/// A backup time after T0 gave "RPO −30m ✓". It is refused; one before T0 is taken. Then the
/// incident is closed with its post-recovery step 12 (the incident report) still to do: it opens
/// for that step only. Once that is done, opening it again only reads it: nothing is appended.
#[test]
fn a_backup_after_t0_is_refused_and_a_closed_incident_opens_read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let t0 = (Local::now() - Duration::hours(1)).format("%Y-%m-%d %H:%M").to_string();
    let id = declare(&data, &t0);
    let t = console(tmp.path(), &format!("--data-dir {} resume {id}", data.display()));
    t.wait_text("LIVE", 10);
    t.keys(&["b"]);
    t.wait_text("backup", 5);
    t.type_text("now");
    t.keys(&["Enter"]);
    t.wait_text("the backup time is after T0", 5);
    t.keys(&["Escape"]);
    let before = (Local::now() - Duration::hours(3)).format("%Y-%m-%d %H:%M").to_string();
    t.keys(&["b"]);
    t.type_text(&before);
    t.keys(&["Enter"]);
    t.wait_text("last good backup", 5);
    let backups: Vec<_> = events(&data, &id)
        .into_iter()
        .filter(|e| matches!(e.kind, EventKind::BackupPoint { .. }))
        .collect();
    assert_eq!(backups.len(), 1, "only the backup before T0 is journaled");

    // Close: step 11 asks, lists what is open, and closes on y.
    t.keys(&["j", "j", "j", "j", "j", "j", "j", "j", "j", "j", "d"]);
    t.wait_text("declare recovery complete and close?", 5);
    t.keys(&["y"]);
    t.wait_text("recovery declared complete", 5);
    t.keys(&["q"]);
    t.wait_text("incident closed; 1 post-recovery step still open", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(15), 0, "{}", t.screen());

    // Step 12 is after the closing step: the closed incident opens to work it, and only it.
    let w = console(tmp.path(), &format!("--data-dir {} resume {id}", data.display()));
    let s = w.wait_text("CLOSED", 10);
    assert!(!s.contains("read-only"), "{s}");
    w.keys(&["s"]);
    w.wait_text("the incident is closed; its clocks have stopped", 5);
    w.keys(&["j", "j", "j", "j", "j", "j", "j", "j", "j", "j", "j", "s"]);
    w.wait_text("started: 编写事故报告和分析", 5);
    w.keys(&["d"]);
    w.wait_text("done: 编写事故报告和分析", 5);
    w.keys(&["q", "y"]);
    assert_eq!(w.exit_code(15), 0, "{}", w.screen());
    let done: Vec<_> = events(&data, &id)
        .into_iter()
        .filter(|e| matches!(&e.kind, EventKind::StepDone { step } if step == "incident-report"))
        .collect();
    assert_eq!(done.len(), 1, "the post-recovery step was done after the close");

    let bytes = std::fs::read(journal(&data, &id)).unwrap();
    let r = console(tmp.path(), &format!("--data-dir {} resume {id}", data.display()));
    r.wait_text("this incident is closed: opened read-only", 10);
    r.keys(&["s"]);
    r.wait_text("read-only (view)", 5);
    r.keys(&["q"]);
    assert_eq!(r.exit_code(10), 0, "{}", r.screen());
    assert_eq!(std::fs::read(journal(&data, &id)).unwrap(), bytes, "reading appended to it");
}

/// `r` marked a function restored while the service it depends on was DOWN; after `f` on the
/// system test, `s` passed it again without the adjust step. Both now answer with why.
#[test]
fn restoring_over_a_down_service_asks_and_a_failed_test_waits_for_its_adjust_step() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let rb = tmp.path().join("fast.toml");
    std::fs::write(
        &rb,
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/runbooks/shopping-system.en.toml"
        ))
        .unwrap()
        .replace("interval = \"15s\"", "interval = \"1s\"")
        .replace("interval = \"30s\"", "interval = \"1s\"")
        .replace("timeout = \"5s\"", "timeout = \"1s\""),
    )
    .unwrap();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let args = format!(
        "--data-dir {} --runbook {} --target mongodb=mongodb://{closed}/ --target api=http://{closed}/ --target frontend=http://{closed}/",
        data.display(),
        rb.display()
    );
    let t = console(tmp.path(), &args);
    t.wait_text("Declare", 10);
    t.keys(&["Enter"]);
    t.wait_text("api UNKNOWN → DOWN", 20);
    let id = std::fs::read_dir(data.join("incidents"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .to_string_lossy()
        .into_owned();

    // The timers pane, first function: its services are down, so `r` asks and names them.
    t.keys(&["Tab", "r"]);
    let s = t.wait_text("depends on services not UP", 5);
    assert!(s.contains("api DOWN"), "{s}");
    t.keys(&["n"]);
    let restored = |data: &Path| {
        events(data, &id)
            .iter()
            .filter(|e| matches!(e.kind, EventKind::FunctionRestored { .. }))
            .count()
    };
    assert_eq!(restored(&data), 0, "answering no wrote nothing");
    t.keys(&["r"]);
    t.wait_text("depends on services not UP", 5);
    t.keys(&["y"]);
    t.wait_text("restored", 5);
    let deadline = crate::common::deadline(std::time::Duration::from_secs(5));
    while restored(&data) == 0 {
        assert!(std::time::Instant::now() < deadline, "the confirmed restore was not journaled");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    // The system integration test (step 7) fails; it is not passed again before its adjust step.
    t.keys(&["BTab", "j", "j", "j", "j", "j", "j", "f"]);
    t.wait_text("What failed", 5);
    t.type_text("orders API returns 500");
    t.keys(&["Enter"]);
    t.wait_text("failed: Run system integration", 5);
    t.keys(&["s"]);
    t.wait_text("re-tested after its adjust steps", 5);
    t.keys(&["d"]);
    t.wait_text("re-tested after its adjust steps", 5);
    let passed = events(&data, &id)
        .iter()
        .any(|e| matches!(&e.kind, EventKind::StepDone { step } if step == "integration-test"));
    assert!(!passed, "the failed test was passed again without its adjust step");
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(15), 0, "{}", t.screen());
}

//! The record never becomes unreadable (issue #10), tried with the real binary the way a user
//! broke the first version: the `b` key, a journal that version wrote, an entry from a newer
//! version, an edited runbook copy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::tmux::Tmux;
use drconsole::journal::Journal;

const OLD_ID: &str = "20261201-215632-2073";

fn drc(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DRCONSOLE_CONFIG")
        .env("TZ", "UTC")
        .output()
        .expect("run drconsole")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn declare(data: &Path) -> String {
    let out = drc(data, &["declare", "--type", "database-failure", "--level", "3"]);
    assert!(out.status.success(), "{}", text(&out).1);
    text(&out).0.trim().to_string()
}

fn journal(data: &Path, id: &str) -> PathBuf {
    data.join("incidents").join(id).join("journal.drj")
}

/// The first version's own journal: declared, resumed, `b` `03:00` Enter, quit. Its third line
/// is the collided `backup-point` (one `at`, the backup time, beside `wall`).
fn old_fixture(data: &Path) -> PathBuf {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/journals/v0.1.0-backup-point");
    let dir = data.join("incidents").join(OLD_ID);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["journal.drj", "runbook.toml"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    dir
}

#[test]
fn a_journal_written_by_the_first_version_loads_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    old_fixture(&data);
    let raw = std::fs::read_to_string(journal(&data, OLD_ID)).unwrap();
    assert!(raw.lines().nth(2).unwrap().contains(r#""at":"2026-12-01T19:00:00Z""#), "fixture");

    let (out, err) = text(&drc(&data, &["list"]));
    assert!(out.contains(OLD_ID), "list: {out}{err}");

    let rec = drc(&data, &["record", OLD_ID]);
    let (md, err) = text(&rec);
    assert!(rec.status.success(), "{err}");
    assert!(err.is_empty(), "no warning for an entry that is read as meant: {err}");
    // The backup time is kept (03:00 Shanghai = 19:00 UTC the day before) and the RPO counted
    // from it; the event's own time came from `wall`.
    assert!(md.contains("2026-12-01 19:00"), "{md}");
    assert!(md.contains("RPO"), "{md}");
    assert!(md.contains("2h56m32s"), "T0 21:56:32 minus backup 19:00: {md}");

    let json = text(&drc(&data, &["record", OLD_ID, "--format", "json"])).0;
    assert!(json.contains("2026-12-01T19:00:00Z"), "{json}");
    let rep = drc(&data, &["report", OLD_ID]);
    assert!(rep.status.success(), "{}", text(&rep).1);
    let ver = drc(&data, &["verify", OLD_ID]);
    assert!(ver.status.success(), "{}", text(&ver).0);
    let note = drc(&data, &["note", "--incident", OLD_ID, "read after the upgrade"]);
    assert!(note.status.success(), "{}", text(&note).1);

    // And the console resumes it.
    let t = Tmux::start(
        tmp.path(),
        80,
        24,
        &format!("--data-dir {} resume {OLD_ID}", data.display()),
        &[("TZ", "UTC")],
    );
    t.wait_text("LIVE", 10);
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(10), 0, "{}", t.screen());
    assert!(drc(&data, &["verify", OLD_ID]).status.success());
}

/// The reproduction from the issue, on the real binary in a real terminal.
#[test]
fn pressing_b_keeps_the_incident_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let t = Tmux::start(
        tmp.path(),
        80,
        24,
        &format!("--data-dir {} resume", data.display()),
        &[("TZ", "UTC")],
    );
    t.wait_text("LIVE", 10);
    // A backup three hours before now (before T0, which is now).
    let backup =
        (chrono::Utc::now() - chrono::Duration::hours(3)).format("%Y-%m-%d %H:%M").to_string();
    t.keys(&["b"]);
    t.type_text(&backup);
    t.keys(&["Enter"]);
    t.wait_text("已保存", 5);
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(10), 0);

    let (out, _) = text(&drc(&data, &["list"]));
    assert!(out.contains(&id), "the incident is still listed: {out}");
    let rec = drc(&data, &["record", &id]);
    let (md, err) = text(&rec);
    assert!(rec.status.success(), "{err}");
    assert!(md.contains(&backup), "the record holds the backup time: {md}");
    assert!(md.contains("RPO"));
    assert!(!md.contains("无法读取") && !md.contains("unreadable"), "{md}");
    let ver = drc(&data, &["verify", &id]);
    assert!(ver.status.success(), "{}", text(&ver).0);
}

/// A newer version's event in the middle of the journal: shown as unreadable, the rest counts.
#[test]
fn an_entry_of_an_unknown_type_hides_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let path = journal(&data, &id);
    {
        let mut j = Journal::open(&path).unwrap().journal;
        j.append(serde_json::json!({
            "type": "escalated-to-sev0",
            "at": "2026-12-01T10:00:00Z",
            "wall": "2026-12-01T10:00:00Z",
            "mono_ms": 5,
            "who": {"user": "future", "host": "jump2", "pid": 7},
            "success": true,
            "pager": "mongodb://oncall:s3cret@127.0.0.1:27017/pager"
        }))
        .unwrap();
    }
    let note = drc(&data, &["note", "after the unknown one"]);
    let (out, err) = text(&note);
    assert!(note.status.success(), "note: {err}");
    assert!(out.contains(&id));
    assert!(err.contains("warning: journal entry 2 ('escalated-to-sev0')"), "{err}");

    let (out, _) = text(&drc(&data, &["list"]));
    assert!(out.contains(&id), "{out}");

    let rec = drc(&data, &["record", &id]);
    let (md, err) = text(&rec);
    assert!(rec.status.success(), "{err}");
    assert!(err.contains("warning: journal entry 2"), "{err}");
    assert!(md.contains("无法读取的事件 2: escalated-to-sev0"), "{md}");
    assert!(md.contains("after the unknown one"), "later entries still count: {md}");
    let json = text(&drc(&data, &["record", &id, "--format", "json"])).0;
    assert!(json.contains("escalated-to-sev0"));
    assert!(!json.contains("s3cret") && !md.contains("s3cret"), "raw JSON is redacted");
    assert!(drc(&data, &["report", &id]).status.success());
    assert!(drc(&data, &["verify", &id]).status.success());

    let t =
        Tmux::start(tmp.path(), 80, 24, &format!("--data-dir {} resume {id}", data.display()), &[]);
    t.wait_text("LIVE", 10);
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(10), 0, "{}", t.screen());
}

#[test]
fn verify_fails_on_an_edited_runbook_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let ok = drc(&data, &["verify", &id]);
    let (out, _) = text(&ok);
    assert!(ok.status.success(), "{out}");
    assert!(out.contains("runbook.toml: sha256 matches the declaration"), "{out}");

    let rb = data.join("incidents").join(&id).join("runbook.toml");
    let edited = std::fs::read_to_string(&rb).unwrap().replace("rto = \"8h\"", "rto = \"80h\"");
    std::fs::write(&rb, edited).unwrap();
    let bad = drc(&data, &["verify", &id]);
    let (out, _) = text(&bad);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(out.contains("BROKEN:") && out.contains("runbook.toml: sha256"), "{out}");
}

/// Declaring into an id that exists leaves the other incident's files alone.
#[test]
fn an_id_collision_overwrites_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let dir = data.join("incidents").join(&id);
    let before = std::fs::read(dir.join("runbook.toml")).unwrap();
    let loaded = drconsole::runbook::load::from_text(
        "other.toml",
        include_str!("../../runbooks/shopping-system.en.toml"),
    )
    .unwrap();
    let store = drconsole::store::Store::new(data.clone());
    let (events, _) = drconsole::store::read_events(&dir.join("journal.drj")).unwrap();
    let drconsole::incident::EventKind::Declared(decl) = &events[0].kind else { panic!() };
    assert!(store.create(decl, &loaded).is_err());
    assert_eq!(std::fs::read(dir.join("runbook.toml")).unwrap(), before);
}

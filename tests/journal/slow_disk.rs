//! A slow disk (every fsync delayed by an LD_PRELOAD shim built here): the console shows an
//! action as pending until its fsync returns, then saved; keys are answered meanwhile; a
//! kill -9 while appends are pending loses nothing that was shown saved; quitting waits for
//! every pending action.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::tmux::Tmux;

/// The shim's source, shared with the pty bench (key latency on a slow disk).
const SHIM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/slow_fsync.c");

/// Build the shim with the machine's C compiler.
fn shim(dir: &Path) -> PathBuf {
    let so = dir.join("slow_fsync.so");
    let out = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(SHIM)
        .arg("-ldl")
        .output()
        .expect("cc (gcc) is needed to build the slow-fsync shim");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    so
}

fn drc(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DRCONSOLE_CONFIG")
        .output()
        .unwrap()
}

fn journal_text(data: &Path, id: &str) -> String {
    std::fs::read_to_string(data.join("incidents").join(id).join("journal.drj")).unwrap()
}

#[test]
fn pending_then_saved_and_nothing_acknowledged_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let so = shim(tmp.path());
    let data = tmp.path().join("data");
    let out = drc(&data, &["declare", "--type", "database-failure", "--level", "3"]);
    assert!(out.status.success());
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let so = so.display().to_string();
    let env = [("LD_PRELOAD", so.as_str()), ("DRC_TEST_FSYNC_DELAY_MS", "1500")];
    let args = format!("--data-dir {} resume {id}", data.display());

    let t = Tmux::start(tmp.path(), 80, 24, &args, &env);
    t.wait_text("LIVE", 10);
    t.keys(&["n"]);
    t.type_text("slow note one");
    t.keys(&["Enter"]);
    // Shown as pending at once (the UI did not wait for the 1.5 s fsync) ...
    t.wait_text("保存中", 1);
    // ... and keys are answered meanwhile.
    t.keys(&["?"]);
    t.wait_text("按键", 1);
    t.keys(&["Escape"]);
    // Then saved, once the fsync returned.
    t.wait_text("已保存", 10);
    assert!(journal_text(&data, &id).contains("slow note one"));

    // A second note, and kill -9 while it is still pending.
    t.keys(&["n"]);
    t.type_text("slow note two");
    t.keys(&["Enter"]);
    t.wait_text("保存中", 1);
    let pid = t.program_pid();
    Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    t.kill_session();
    // What was shown saved is there; the journal is whole (a cut line is cut on open).
    let text = journal_text(&data, &id);
    assert!(text.contains("slow note one"), "{text}");
    let verify = drc(&data, &["verify", &id]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));

    // Quitting waits for what is pending: a note and the session end, then the record.
    let t = Tmux::start(tmp.path(), 80, 24, &args, &env);
    t.wait_text("LIVE", 10);
    t.keys(&["n"]);
    t.type_text("slow note three");
    t.keys(&["Enter"]);
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(30), 0, "{}", t.screen());
    let text = journal_text(&data, &id);
    assert!(text.contains("slow note three"), "{text}");
    let last = text.lines().last().unwrap();
    assert!(last.contains("session-ended"), "{last}");
    let rec = drc(&data, &["record", &id]);
    let md = String::from_utf8_lossy(&rec.stdout).into_owned();
    assert!(md.contains("slow note three"), "{md}");
}

/// Another process holds the journal's lock: the console goes on, names the holder, and the
/// note lands once the lock is released. Ctrl-C keeps working meanwhile.
#[test]
fn a_held_lock_is_named_and_nothing_freezes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = drc(&data, &["declare", "--type", "database-failure", "--level", "3"]);
    assert!(out.status.success());
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let t =
        Tmux::start(tmp.path(), 80, 24, &format!("--data-dir {} resume {id}", data.display()), &[]);
    t.wait_text("LIVE", 10);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let journal = data.join("incidents").join(&id).join("journal.drj");
    let mut holder = Command::new("flock")
        .arg(&journal)
        .args(["sleep", "8"])
        .spawn()
        .expect("flock (util-linux)");
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.keys(&["n"]);
    t.type_text("behind a held lock");
    t.keys(&["Enter"]);
    t.wait_text("保存中", 2);
    // The banner names the process holding the lock (flock's child, sleep, or flock itself).
    let screen = t.wait_text("锁定", 8);
    assert!(screen.contains("日志被进程"), "{screen}");
    // The screen still answers.
    t.keys(&["?"]);
    t.wait_text("按键", 2);
    t.keys(&["Escape"]);
    holder.wait().unwrap();
    t.wait_text("已保存", 10);
    assert!(journal_text(&data, &id).contains("behind a held lock"));
    t.keys(&["C-c"]);
    assert_eq!(t.exit_code(10), 130);
}

//! Losing the terminal is a normal exit: the pane closed, the session killed, or a hang-up
//! signal end the console with 129 within two seconds, a `session-ended` event, no panic
//! event, and the record written. Every message the program would print then goes to a
//! terminal that is gone; none of them may panic (a panic in terminal cleanup used to abort
//! the process and journal "program crashed").
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use drconsole::incident::EventKind;

fn declare(data: &Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(data)
        .args(["declare", "--type", "database-failure", "--level", "3"])
        .env_remove("DRCONSOLE_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn events(data: &Path, id: &str) -> Vec<EventKind> {
    let path = data.join("incidents").join(id).join("journal.drj");
    drconsole::store::read_events(&path).unwrap().0.into_iter().map(|e| e.kind).collect()
}

/// The pid of the console session that started last, from its own `session-started` event.
fn console_pid(data: &Path, id: &str) -> i32 {
    let deadline = crate::common::deadline(Duration::from_secs(10));
    loop {
        let path = data.join("incidents").join(id).join("journal.drj");
        let found = drconsole::store::read_events(&path).ok().and_then(|evs| {
            evs.0
                .iter()
                .rev()
                .find(|e| matches!(e.kind, EventKind::SessionStarted { .. }))
                .map(|e| e.who.pid as i32)
        });
        if let Some(pid) = found {
            return pid;
        }
        assert!(Instant::now() < deadline, "the console never journalled its start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Wait until `pid` is gone. The console means to be gone within two seconds; the bound here is
/// generous because the machine running the tests may be busy (this is not a timing test).
fn wait_gone(pid: i32, within: Duration) {
    let started = Instant::now();
    // SAFETY: signal 0 only checks whether the process exists.
    while unsafe { libc::kill(pid, 0) } == 0 {
        assert!(started.elapsed() < within, "still running {within:?} after the terminal went");
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("gone {:?} after the terminal went", started.elapsed());
}

/// The journal ends with `session-ended` for one of `reasons`, holds no panic, and both
/// record files exist.
fn assert_clean_end(data: &Path, id: &str, reasons: &[&str]) {
    let evs = events(data, id);
    assert!(
        !evs.iter().any(|e| matches!(e, EventKind::Panic { .. })),
        "a panic was journalled: {evs:?}"
    );
    match evs.last() {
        Some(EventKind::SessionEnded { reason }) => {
            eprintln!("session-ended: {reason}");
            assert!(reasons.contains(&reason.as_str()), "ended with reason {reason:?}")
        }
        other => panic!("the last event is {other:?}, not session-ended"),
    }
    let dir = data.join("incidents").join(id);
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for ext in [".md", ".json"] {
        assert!(files.iter().any(|f| f.ends_with(ext)), "no {ext} record in {files:?}");
    }
}

/// `how` makes the terminal go away. The shell around the program catches SIGHUP only so that
/// it survives to write the program's exit code; a caught signal (unlike an ignored one) is
/// reset to its default in the program, which gets the hang-up as it would from a login shell.
fn lose_terminal(wrap: &str, how: impl Fn(&Tmux), reasons: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let script = format!(
        "trap : HUP; {wrap}{{bin}} --data-dir {} resume; echo $? > {{exit}}",
        data.display()
    );
    let t = Tmux::start_script(tmp.path(), 80, 24, &script, &[("NO_COLOR", "")]);
    t.wait_text("LIVE", 10);
    let pid = console_pid(&data, &id);
    how(&t);
    wait_gone(pid, Duration::from_secs(15));
    // The shell writes the code a moment after the program is gone.
    assert_eq!(t.exit_code(10), 129, "exit code");
    assert_clean_end(&data, &id, reasons);
}

#[test]
fn closing_the_pane_is_a_normal_exit_129_with_the_record_written() {
    lose_terminal("", Tmux::kill_pane, &["terminal lost", "SIGHUP"]);
}

#[test]
fn killing_the_tmux_server_is_a_normal_exit_129_with_the_record_written() {
    lose_terminal("", Tmux::kill_session, &["terminal lost", "SIGHUP"]);
}

/// In a session of its own the program gets no SIGHUP at all: only reads and writes that fail
/// tell it the terminal is gone.
#[test]
fn a_terminal_gone_without_a_hangup_signal_is_noticed_and_ends_cleanly() {
    lose_terminal("setsid -w ", Tmux::kill_pane, &["terminal lost"]);
}

#[test]
fn sighup_on_a_live_terminal_ends_cleanly_and_restores_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let script =
        format!("{{bin}} --data-dir {} resume; echo $? > {{exit}}; sleep 60", data.display());
    let t = Tmux::start_script(tmp.path(), 80, 24, &script, &[("NO_COLOR", "")]);
    t.wait_text("LIVE", 10);
    let pid = console_pid(&data, &id);
    // SAFETY: sending a signal to the console this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGHUP) }, 0);
    assert_eq!(t.exit_code(5), 129);
    assert_clean_end(&data, &id, &["SIGHUP"]);
    let raw = t.raw();
    let leave_alt = raw.windows(8).rposition(|w| w == b"\x1b[?1049l");
    let enter_alt = raw.windows(8).rposition(|w| w == b"\x1b[?1049h");
    assert!(leave_alt > enter_alt, "the alternate screen was left on the way out");
    assert!(raw.windows(6).any(|w| w == b"\x1b[?25h"), "the cursor was shown again");
}

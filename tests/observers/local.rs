//! Read-only observers on this host (`drconsole view`) and the consoles that see each other:
//! the real binary in tmux. An observer follows the journal live and writes nothing, not even
//! a session event, and never cuts a torn tail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use drconsole::incident::decide::{declaration, Command as Cmd, DeclareRequest};
use drconsole::incident::session::IncidentSession;
use drconsole::incident::sink::MemorySink;
use drconsole::incident::{EventKind, RemoteAuthor, Stamper};

fn drc(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DRCONSOLE_CONFIG")
        .output()
        .expect("run drconsole")
}

fn declare(data: &Path) -> String {
    let out = drc(data, &["declare", "--type", "database-failure", "--level", "3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn console(dir: &Path, data: &Path, args: &str) -> Tmux {
    Tmux::start(dir, 80, 24, &format!("--data-dir {} --lang en {args}", data.display()), &[])
}

fn journal(data: &Path, id: &str) -> PathBuf {
    data.join("incidents").join(id).join("journal.drj")
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn short_tty(t: &Tmux) -> String {
    t.pane_tty().trim_start_matches("/dev/").to_string()
}

/// Wait for `text` on the observer's screen; how long it took.
fn seen_within(t: &Tmux, text: &str) -> Duration {
    let started = Instant::now();
    t.wait_text(text, 20);
    started.elapsed()
}

#[test]
fn two_consoles_and_a_viewer_on_one_incident() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let path = journal(&data, &id);

    let a = console(tmp.path(), &data, &format!("resume {id}"));
    a.wait_text("LIVE", 10);
    let b = console(tmp.path(), &data, &format!("resume {id}"));
    b.wait_text("LIVE", 10);
    let (a_tty, b_tty) = (short_tty(&a), short_tty(&b));
    // Each writing console names the other.
    a.wait_for("A names B", 10, |s| s.contains("also open by") && s.contains(&b_tty));
    b.wait_for("B names A", 10, |s| s.contains("also open by") && s.contains(&a_tty));

    let v = console(tmp.path(), &data, &format!("view {id}"));
    let s = v.wait_text("following the journal", 10);
    assert!(s.starts_with(" VIEW "), "{s}");
    assert!(s.contains(&a_tty) && s.contains(&b_tty), "the viewer names both consoles:\n{s}");
    let viewer_pid = v.program_pid();
    // Nobody counts the viewer as a console.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!a.screen().contains(&short_tty(&v)), "{}", a.screen());

    // A completes step 1, B reopens it: the viewer sees both.
    a.keys(&["s", "d"]);
    let took = seen_within(&v, "done: 启动灾难恢复团队");
    println!("the viewer saw A's step within {took:?}");
    b.wait_text("done: 启动灾难恢复团队", 10);
    b.keys(&["o"]);
    b.wait_text("Reason", 5);
    b.type_text("completed by mistake");
    b.keys(&["Enter"]);
    let took = seen_within(&v, "· correction: step");
    println!("the viewer saw B's reopen within {took:?}");

    // The writers stop; what is in the journal now is theirs.
    for w in [&a, &b] {
        w.keys(&["q", "y"]);
        assert_eq!(w.exit_code(15), 0, "{}", w.screen());
    }
    let dir = path.parent().unwrap().to_path_buf();
    let (sha_before, files_before) = (sha256(&path), listing(&dir));
    v.wait_for("the writers' end", 10, |s| !s.contains("open by"));

    // Every key that would change the incident says read-only, and changes nothing.
    for k in ["s", "d", "x", "n", "o", "u", "W", "b", "r"] {
        v.keys(&[k]);
        v.wait_text("read-only (view)", 5);
    }
    std::thread::sleep(Duration::from_secs(2));
    v.keys(&["q"]);
    assert_eq!(v.exit_code(10), 0, "{}", v.screen());
    let said = v.screen().replace('\n', "");
    assert!(said.contains("nothing was written"), "{said}");

    assert_eq!(sha256(&path), sha_before, "the viewer changed the journal");
    assert_eq!(listing(&dir), files_before, "the viewer wrote into the incident folder");
    let (events, _) = drconsole::store::read_events(&path).unwrap();
    assert!(
        events.iter().all(|e| e.who.pid != viewer_pid),
        "the viewer journaled something: {:?}",
        events.iter().filter(|e| e.who.pid == viewer_pid).collect::<Vec<_>>()
    );
    let kinds: Vec<&EventKind> = events.iter().map(|e| &e.kind).collect();
    assert!(kinds.iter().any(|k| matches!(k, EventKind::StepReopened { .. })), "{kinds:?}");
}

/// A viewer never cuts a torn tail: it may be a write still in progress, and cutting is the
/// next writer's job, under its lock. (Opening for append cuts it, as the last step shows.)
#[test]
fn a_viewer_leaves_a_torn_tail_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let path = journal(&data, &id);
    let bytes = std::fs::read(&path).unwrap();
    let torn = &bytes[..bytes.len() / 2];
    let mut with_torn = bytes.clone();
    with_torn.extend_from_slice(torn);
    std::fs::write(&path, &with_torn).unwrap();
    let files_before = listing(path.parent().unwrap());

    let v = console(tmp.path(), &data, &format!("view {id}"));
    // The viewer says the last line is unfinished (after its first look at the journal).
    let s = v.wait_text("unfinished", 10);
    assert!(s.starts_with(" VIEW "), "{s}");
    v.keys(&["s", "d"]);
    v.wait_text("read-only (view)", 5);
    std::thread::sleep(Duration::from_secs(1));
    v.keys(&["q"]);
    assert_eq!(v.exit_code(10), 0, "{}", v.screen());
    assert_eq!(std::fs::read(&path).unwrap(), with_torn, "the viewer cut or changed the file");
    assert_eq!(listing(path.parent().unwrap()), files_before);

    // A writer cuts it (and keeps the bytes beside the journal).
    let note = drc(&data, &["note", "--incident", &id, "after the viewer"]);
    assert!(note.status.success(), "{}", String::from_utf8_lossy(&note.stderr));
    assert!(String::from_utf8_lossy(&note.stderr).contains("unfinished"));
    assert!(std::fs::read(&path).unwrap().starts_with(&bytes));
    assert_ne!(std::fs::read(&path).unwrap().get(bytes.len()..), Some(torn));
}

/// Damage with no newline that fills the viewer's whole read of the journal (4 MiB), ending
/// exactly where that read ends, with a good entry after it: the viewer says it is damage at
/// the right line, as `verify` does, instead of waiting for an "unfinished" line forever.
#[test]
fn a_viewer_refuses_damage_that_fills_a_whole_read_before_a_good_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let note = drc(&data, &["note", "--incident", &id, "after the damage"]);
    assert!(note.status.success(), "{}", String::from_utf8_lossy(&note.stderr));
    let path = journal(&data, &id);
    let bytes = std::fs::read(&path).unwrap();
    let last = bytes[..bytes.len() - 1].iter().rposition(|b| *b == b'\n').unwrap() + 1;
    let line = bytes[..last].iter().filter(|b| **b == b'\n').count() + 1;
    let mut damaged = bytes[..last].to_vec();
    damaged.extend(std::iter::repeat_n(b'x', 4 * drconsole::journal::MAX_ENTRY_BYTES));
    damaged.extend_from_slice(&bytes[last..]);
    std::fs::write(&path, &damaged).unwrap();

    let verified = drc(&data, &["verify", &id]);
    assert_eq!(verified.status.code(), Some(1), "{}", String::from_utf8_lossy(&verified.stdout));
    let v = console(tmp.path(), &data, &format!("view {id}"));
    v.wait_text(&format!("damaged at line {line}"), 10);
    assert_eq!(v.exit_code(10), 2, "{}", v.screen());
    assert!(v.screen().replace('\n', "").contains("so this is damage"), "{}", v.screen());
    assert_eq!(std::fs::read(&path).unwrap(), damaged, "the viewer changed the file");
}

/// `resume` reads the journal once, under the writer's lock, and decides from its events that
/// a withdrawn incident is only looked at before anything is written: not even the torn tail a
/// write in progress leaves is cut.
#[test]
fn resume_of_a_withdrawn_incident_opens_it_read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let w = drc(&data, &["withdraw", "--incident", &id, "--reason", "declared in error"]);
    assert!(w.status.success(), "{}", String::from_utf8_lossy(&w.stderr));
    let path = journal(&data, &id);
    let mut bytes = std::fs::read(&path).unwrap();
    let half = bytes.len() / 2;
    bytes.extend_from_within(..half);
    std::fs::write(&path, &bytes).unwrap();
    let (sha_before, files_before) = (sha256(&path), listing(path.parent().unwrap()));

    let t = console(tmp.path(), &data, &format!("resume {id}"));
    let s = t.wait_text("withdrawn: opened read-only", 10);
    assert!(s.starts_with(" VIEW "), "{s}");
    t.keys(&["s"]);
    t.wait_text("read-only (view)", 5);
    t.keys(&["q"]);
    assert_eq!(t.exit_code(10), 0, "{}", t.screen());
    assert_eq!(sha256(&path), sha_before, "opening a withdrawn incident wrote to its journal");
    assert_eq!(listing(path.parent().unwrap()), files_before, "a record was written");
}

/// The rule that makes inbox delivery safe to repeat: the same inbox entry is journaled once.
#[test]
fn a_remote_note_is_journaled_once_per_inbox_entry() {
    let loaded = Arc::new(drconsole::runbook::load::builtin().unwrap());
    let clock = Arc::new(drconsole::incident::clock::SystemClock::new());
    let stamper = Stamper { clock: clock.clone(), actor: drconsole::incident::Actor::from_env() };
    let req = DeclareRequest {
        disaster_type: "database-failure".into(),
        level: 3,
        functions: vec![],
        reporter: "ops".into(),
        coordinator: None,
        team: None,
        t0: "now".into(),
        force: false,
        confirmed: false,
        drill: None,
    };
    let decl = declaration(&loaded, &req, chrono::Utc::now()).unwrap();
    let sink = MemorySink::default();
    let mut s = IncidentSession::declare(loaded, Box::new(sink.clone()), stamper, decl).unwrap();
    let remote = RemoteAuthor {
        name: "Li Wei".into(),
        login: "liwei".into(),
        host: "ops2".into(),
        written: chrono::Utc::now(),
        inbox_id: "65f0aa".into(),
    };
    let note = Cmd::RemoteNote { text: "from host 2".into(), remote: remote.clone() };
    assert_eq!(s.submit(note.clone()).unwrap().len(), 1);
    assert!(s.submit(note).unwrap().is_empty(), "delivered twice, journaled twice");
    let other = RemoteAuthor { inbox_id: "65f0ab".into(), ..remote.clone() };
    assert_eq!(
        s.submit(Cmd::RemoteNote { text: "another".into(), remote: other }).unwrap().len(),
        1
    );
    let blank = RemoteAuthor { inbox_id: "x".into(), ..remote };
    assert!(s.submit(Cmd::RemoteNote { text: " ".into(), remote: blank }).is_err());
    let events = sink.events.lock().unwrap();
    assert_eq!(events.iter().filter(|e| matches!(e.kind, EventKind::RemoteNote { .. })).count(), 2);
}

//! Reading the timeline and the health pane in the real binary, in tmux: the timeline takes
//! the focus, `/` searches it, `t` filters it, Enter shows an entry whole with its journal seq
//! and hash (read back from the journal file here); an observer (`drconsole view`) has the same
//! reading keys, and `n` in its search is the next match, not a refused note.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};

use common::tmux::Tmux;

const EN_RUNBOOK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");

fn journal_of(data: &Path) -> PathBuf {
    let incidents = data.join("incidents");
    let dir = std::fs::read_dir(&incidents).unwrap().next().unwrap().unwrap().path();
    dir.join("journal.drj")
}

/// The seq and hash of the journal's entry whose payload contains `text`.
fn entry_with(journal: &Path, text: &str) -> (u64, String) {
    let entries = drconsole::journal::read_entries(journal).unwrap();
    let e = entries.iter().find(|e| e.payload.as_str().contains(text)).expect("the entry");
    (e.seq, e.hash.clone())
}

/// Declare, then add a note, in a console at 80x24.
fn console_with_a_note(dir: &Path, data: &Path) -> Tmux {
    let args = format!("--data-dir {} --runbook {EN_RUNBOOK} --lang en", data.display());
    let t = Tmux::start(dir, 80, 24, &args, &[("NO_COLOR", "")]);
    t.wait_text("Declare an incident", 10);
    t.keys(&["Enter"]);
    t.wait_text("LIVE", 5);
    t.keys(&["n"]);
    t.wait_text("Note", 5);
    t.type_text("primary disk corrupt, using the 03:00 backup");
    t.keys(&["Enter"]);
    t.wait_text("note: primary disk", 10);
    t
}

#[test]
fn the_timeline_is_searched_filtered_and_an_entry_read_whole_with_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let t = console_with_a_note(dir.path(), &data);
    // Steps → timers → timeline.
    t.keys(&["Tab", "Tab"]);
    t.wait_text("▶ Timeline", 5);
    t.keys(&["/"]);
    t.type_text("DISK");
    let s = t.wait_text("/DISK▏  1/1", 5);
    assert!(s.contains("Enter keep · Esc clear"), "{s}");
    t.keys(&["Enter"]);
    t.wait_text("n/N match", 5);
    // `n` is the search's here: no note dialog opens.
    t.keys(&["n"]);
    let s = t.wait_text("/DISK  1/1", 5);
    assert!(!s.contains("Note ─") && !s.contains("┌ Note"), "{s}");
    t.keys(&["Enter"]);
    let (seq, hash) = entry_with(&journal_of(&data), "primary disk corrupt");
    let s = t.wait_text(&format!("seq {seq}"), 5);
    assert!(s.contains("note: primary disk corrupt, using the 03:00 backup"), "{s}");
    let flat: String = s.lines().map(|l| l.trim_matches(['│', ' '])).collect();
    assert!(flat.contains(&hash), "the entry's hash, as the journal has it: {hash}\n{s}");
    assert!(s.contains("@"), "login@host: {s}");
    assert!(s.contains("tty pts/"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the entry closed", 5, |s| !s.contains(&format!("seq {seq}")));
    // Esc clears the search; `t` shows the notes only. Sent in one write, the terminal parser
    // reads the two as one Alt-t chord: the Escape must still count.
    t.keys_together(&["Escape", "t"]);
    let s = t.wait_text("showing: notes (1)", 5);
    assert!(!s.contains("/DISK"), "{s}");
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(5), 0);
}

#[test]
fn an_observer_searches_and_reads_entries_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let t = console_with_a_note(dir.path(), &data);
    let journal = journal_of(&data);
    let id = journal.parent().unwrap().file_name().unwrap().to_string_lossy().into_owned();
    let before = std::fs::read(&journal).unwrap();
    let args = format!("--data-dir {} --lang en view {id}", data.display());
    let v = Tmux::start(dir.path(), 80, 24, &args, &[("NO_COLOR", "")]);
    v.wait_text("read-only", 10);
    v.keys(&["Tab", "Tab", "/"]);
    v.type_text("disk");
    v.keys(&["Enter", "n"]);
    let s = v.wait_text("/disk  1/1", 5);
    assert!(!s.contains("an observer cannot change"), "n is a match, not a note: {s}");
    v.keys(&["Enter"]);
    let (seq, hash) = entry_with(&journal, "primary disk corrupt");
    let s = v.wait_text(&format!("seq {seq}"), 5);
    let flat: String = s.lines().map(|l| l.trim_matches(['│', ' '])).collect();
    assert!(flat.contains(&hash), "{s}");
    v.keys(&["Escape", "Escape", "n"]);
    v.wait_text("an observer cannot change", 5);
    v.keys(&["q"]);
    assert_eq!(v.exit_code(5), 0);
    assert_eq!(std::fs::read(&journal).unwrap(), before, "the observer changed the journal");
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(5), 0);
}

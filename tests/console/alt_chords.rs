//! An Escape and the key after it, arriving in one read (a slow SSH link, tmux), reach the
//! console as one Alt chord. In the real binary, in tmux: on the main screen the chord is both
//! keys; in a text dialog it is neither, so a readline habit (Alt-b, Alt-Backspace) never
//! throws a half-typed note away.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::tmux::Tmux;

const EN_RUNBOOK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");

#[test]
fn an_alt_chord_is_escape_and_key_on_screen_and_nothing_in_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let args = format!("--data-dir {} --runbook {EN_RUNBOOK} --lang en", data.display());
    let t = Tmux::start(dir.path(), 80, 24, &args, &[("NO_COLOR", "")]);
    t.wait_text("Declare an incident", 10);
    t.keys(&["Enter"]);
    t.wait_text("LIVE", 5);
    t.keys(&["n"]);
    t.wait_text("Note", 5);
    t.type_text("replica lag 40s");
    t.wait_text("replica lag 40s", 5);
    t.keys_together(&["Escape", "b"]);
    t.keys_together(&["Escape", "BSpace"]);
    // A key after the chords shows they were read; the note is as typed, and still open.
    t.type_text(" ok");
    let s = t.wait_text("replica lag 40s ok", 5);
    assert!(!s.contains("40sb") && !s.contains("40 ok"), "{s}");
    t.keys(&["Enter"]);
    t.wait_text("note: replica lag 40s ok", 10);
    // On the main screen: the help's Escape and the `j` after it, in one write.
    t.keys(&["?"]);
    t.wait_text("Esc close", 5);
    t.keys_together(&["Escape", "j"]);
    let s = t.wait_for("the help closed and step 2 selected", 5, |s| {
        !s.contains("Esc close") && s.lines().any(|l| l.trim_start().starts_with(">·  2 "))
    });
    assert!(s.contains("LIVE"), "{s}");
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(5), 0);
}

//! The key table against the real console: a key the console reacts to is in the help, a key in
//! the help makes the console react, and the help shows every row at 80x24.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::harness;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::keymap::{self, Scope, BINDINGS};
use drconsole::ui::view::Pane;

/// Every key a keyboard can plausibly send: printable ASCII with and without Ctrl, and the
/// named keys.
fn every_key() -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    for c in ' '..='~' {
        keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        if c.is_ascii_lowercase() {
            keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        }
    }
    for code in [
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::F(1),
        KeyCode::F(5),
    ] {
        keys.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    keys
}

fn in_help(pane: Pane, ev: &KeyEvent) -> bool {
    BINDINGS
        .iter()
        .filter(|b| b.scope == Scope::Any || b.scope == Scope::Pane(pane))
        .flat_map(|b| b.keys.iter())
        .any(|(k, _)| k.matches(ev))
}

#[test]
fn the_console_reacts_to_exactly_the_keys_in_the_help() {
    let mut h = harness();
    h.declare_default();
    for pane in Pane::ORDER {
        for ev in every_key() {
            // Ctrl-C ends the session; it is checked on its own in console_keys.
            if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
                continue;
            }
            h.app.view.focus = pane;
            h.app.view.modal = None;
            h.app.view.detail = None;
            h.app.view.timeline = Default::default();
            h.app.view.flash = None;
            h.app.dirty = false;
            let before = h.events().len();
            h.app.on_key(ev);
            assert!(h.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
            if in_help(pane, &ev) {
                assert!(h.app.dirty, "{ev:?} is in the help of {pane:?} but does nothing");
            } else {
                assert!(!h.app.dirty, "{ev:?} does something in {pane:?} but is in no help");
                assert!(h.app.view.modal.is_none(), "{ev:?} opened a dialog in {pane:?}");
                assert_eq!(h.app.view.focus, pane, "{ev:?} moved the focus");
                assert_eq!(h.events().len(), before, "{ev:?} wrote to the journal");
            }
        }
    }
}

/// With a search held in the timeline, the search's keys come first (`n` is the next match,
/// not a note); every other key does what the timeline's and any pane's rows say, or nothing.
#[test]
fn with_a_search_held_the_console_reacts_to_exactly_the_keys_in_the_help() {
    let mut h = harness();
    h.declare_default();
    let held = drconsole::ui::view::Search { query: "e".into(), typing: false };
    for ev in every_key() {
        if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
            continue;
        }
        h.app.view.focus = Pane::Timeline;
        h.app.view.modal = None;
        h.app.view.timeline = Default::default();
        h.app.view.timeline.search = Some(held.clone());
        h.app.view.flash = None;
        h.app.dirty = false;
        let before = h.events().len();
        h.app.on_key(ev);
        assert!(h.app.settle(std::time::Duration::from_secs(10)));
        let search = keymap::search_action(&ev);
        if search.is_some() {
            assert!(h.app.view.modal.is_none(), "{ev:?} is the search's but opened a dialog");
            assert_eq!(h.events().len(), before, "{ev:?} is the search's but wrote");
        }
        if search.is_some() || in_help(Pane::Timeline, &ev) {
            assert!(h.app.dirty, "{ev:?} is in the help of the search but does nothing");
        } else {
            assert!(!h.app.dirty, "{ev:?} does something in a search but is in no help");
            assert_eq!(h.events().len(), before, "{ev:?} wrote to the journal");
        }
    }
}

#[test]
fn the_help_shows_every_row_at_80x24_by_scrolling() {
    for lang in [drconsole::runbook::model::Lang::Zh, drconsole::runbook::model::Lang::En] {
        let mut h = common::app::harness_with(None, Some(lang));
        h.declare_default();
        h.key(KeyCode::Char('?'));
        let mut seen = String::new();
        for _ in 0..10 {
            let screen = h.screen(80, 24);
            for line in screen.lines() {
                assert!(unicode_width::UnicodeWidthStr::width(line) <= 80, "{line}");
            }
            seen.push_str(&screen);
            h.key(KeyCode::PageDown);
        }
        // Rows of keys this runbook offers nothing for (alternatives, placeholders) are left out.
        let rb = &h.app.loaded.runbook;
        for b in BINDINGS.iter().filter(|b| b.scope != Scope::Drill && keymap::offered(b, rb)) {
            // The first words of the description are enough to know the row is there.
            let start: String = b.help(lang).chars().take(8).collect();
            assert!(
                seen.contains(&start),
                "{:?} ({start}) missing from the help:\n{seen}",
                b.label
            );
            assert!(seen.contains(b.label), "{} missing from the help", b.label);
        }
        h.key(KeyCode::Esc);
        assert!(h.app.view.modal.is_none());
    }
}

#[test]
fn footer_hints_at_80_columns_are_whole_words_for_each_pane() {
    let mut h = harness();
    h.declare_default();
    for pane in Pane::ORDER {
        h.app.view.focus = pane;
        h.app.view.flash = None;
        let screen = h.screen(80, 24);
        let footer = screen.lines().last().unwrap().trim().to_string();
        let hints = keymap::hints(Scope::Pane(pane), false, false, h.app.lang);
        assert!(footer.ends_with(hints.last().unwrap().as_str()), "{footer}");
        for part in footer.split("  ") {
            assert!(hints.iter().any(|x| x == part), "cut hint {part:?} in {footer:?}");
        }
        assert!(!footer.contains('…'), "{footer}");
    }
}

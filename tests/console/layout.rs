//! Space is used: at every size from 80x24 to 250x70, in both languages, no pane shows blank
//! rows while another pane's content is cut. Rendered headless through the same path as the
//! snapshots; a pane's content is what its own rows would be without a limit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::{harness_with, Harness};
use crossterm::event::KeyCode;
use drconsole::runbook::model::Lang;
use drconsole::ui::layout;
use ratatui::layout::Rect;

const EN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");

/// An incident some way in: steps done and running, a note; `notes` more notes make the
/// timeline longer than any screen.
fn incident(lang: Lang, notes: usize) -> Harness {
    let runbook = match lang {
        Lang::Zh => None,
        Lang::En => Some(EN),
    };
    let mut h = harness_with(runbook, Some(lang));
    h.declare_default();
    for _ in 0..2 {
        h.key(KeyCode::Char('s'));
        h.advance(300);
        h.key(KeyCode::Char('d'));
        h.key(KeyCode::Char(']'));
    }
    h.key(KeyCode::Char('s'));
    for i in 0..notes {
        h.key(KeyCode::Char('n'));
        h.keys(&format!("note {i}"));
        h.key(KeyCode::Enter);
    }
    h.app.view.flash = None;
    h
}

/// The rows of `rects` (the first row of the first is the pane's title) that hold nothing.
fn blank_rows(buf: &ratatui::buffer::Buffer, rects: &[Rect]) -> usize {
    let mut blank = 0;
    for (n, r) in rects.iter().enumerate() {
        for y in r.y + u16::from(n == 0)..r.y + r.height {
            if (r.x..r.x + r.width).all(|x| buf[(x, y)].symbol() == " ") {
                blank += 1;
            }
        }
    }
    blank
}

fn check(h: &Harness, w: u16, hgt: u16) -> Result<(), String> {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, hgt)).unwrap();
    t.draw(|f| h.app.render(f)).unwrap();
    let buf = t.backend().buffer().clone();
    let ctx = h.app.ctx();
    let inc = h.app.inc().unwrap();
    let top = 1 + u16::from(drconsole::ui::banner_shown(&ctx));
    let body = Rect::new(0, top, w, hgt - top - 1);
    let need = layout::needs(&ctx, inc, body);
    let p = layout::place(body, need);
    let pad = |r: Rect| Rect { x: r.x + 1, width: r.width.saturating_sub(1), ..r };
    let rows = |rs: &[Rect]| rs.iter().map(|r| r.height).sum::<u16>();
    let panes: [(&str, Vec<Rect>, u16); 4] = [
        ("steps", vec![p.steps], need.steps),
        ("timers", vec![pad(p.timers)], need.timers),
        ("health", vec![pad(p.health)], need.health),
        ("timeline", p.timeline.clone(), need.timeline),
    ];
    let cut: Vec<&str> =
        panes.iter().filter(|(_, rs, n)| rows(rs) < *n).map(|(name, _, _)| *name).collect();
    for (name, rs, _) in &panes {
        let blank = blank_rows(&buf, rs);
        let others_cut: Vec<&&str> = cut.iter().filter(|c| *c != name).collect();
        if blank > 0 && !others_cut.is_empty() {
            return Err(format!("{name} has {blank} blank rows while {others_cut:?} are cut"));
        }
    }
    // Every row of the body is used by the left column and the timeline under it.
    let left =
        p.steps.height + p.timeline.iter().filter(|r| r.x == 0).map(|r| r.height).sum::<u16>();
    if left != body.height {
        return Err(format!("the left column holds {left} of {} rows", body.height));
    }
    Ok(())
}

#[test]
fn no_pane_is_blank_while_another_is_cut_from_80x24_to_250x70() {
    let mut failures = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        for notes in [0, 60] {
            let h = incident(lang, notes);
            let widths = (80..=250).step_by(10);
            for w in widths {
                for hgt in (24..=70).step_by(2) {
                    if let Err(e) = check(&h, w, hgt) {
                        failures.push(format!("{lang:?} {notes} notes {w}x{hgt}: {e}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} sizes fail:\n{}", failures.len(), failures.join("\n"));
}

/// At 200x50 the timeline starts right under the steps (no blank rows above it) and runs the
/// whole width under the right column.
#[test]
fn at_200x50_the_timeline_follows_the_steps_and_widens_under_the_right_column() {
    let h = incident(Lang::En, 60);
    let screen = h.screen(200, 50);
    let lines: Vec<&str> = screen.lines().collect();
    let title = lines.iter().position(|l| l.contains("Timeline ·")).unwrap();
    let last_step = lines.iter().position(|l| l.contains("· 12 ")).unwrap();
    assert_eq!(title, last_step + 1, "{screen}");
    // Below the right column, a timeline row spans more than the left column.
    assert!(lines[45].contains("note ") && lines[45].len() > 10, "{screen}");
    let bottom = lines[lines.len() - 2];
    assert!(bottom.contains("note 59"), "the newest entry is on the bottom row:\n{screen}");
}

/// Columns past what the right column needs go to the steps: at 250x70 every step title and
/// owner is whole, where at 80x24 they are cut.
#[test]
fn extra_columns_widen_step_titles_and_owners() {
    for lang in [Lang::Zh, Lang::En] {
        let h = incident(lang, 0);
        let rows = |w: u16, hgt: u16| -> Vec<String> {
            let screen = h.screen(w, hgt);
            let left = (w as usize * 60 / 100).max(48).max(w as usize - 72);
            screen
                .lines()
                .skip(2)
                .take(12)
                .map(|l| l.chars().take(left).collect::<String>())
                .collect()
        };
        assert!(rows(80, 24).iter().any(|r| r.contains('…')), "{:?}", rows(80, 24));
        let wide = rows(250, 70);
        assert!(wide.iter().all(|r| !r.contains('…')), "{wide:#?}");
    }
}

//! Whole-screen snapshots through ratatui's TestBackend, with the clock injected, in both
//! languages at 80x24 and 160x48.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::app::{harness_with, Harness};
use crossterm::event::KeyCode;
use drconsole::probe::Health;
use drconsole::runbook::model::Lang;
use drconsole::ui::view::HealthRow;

const EN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");

fn runbook(lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::Zh => None,
        Lang::En => Some(EN),
    }
}

fn tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// A level-3 database failure 1h23m in: two steps done, one running, a note, a backup point,
/// mongodb down and the API up.
fn level3(lang: Lang) -> Harness {
    let mut h = harness_with(runbook(lang), Some(lang));
    h.declare_default();
    h.key(KeyCode::Char('s'));
    h.advance(600);
    h.key(KeyCode::Char('d'));
    h.key(KeyCode::Char('s'));
    h.advance(900);
    h.key(KeyCode::Char('d'));
    h.key(KeyCode::Char('s'));
    h.key(KeyCode::Char('n'));
    h.keys(match lang {
        Lang::Zh => "主库磁盘损坏,改用03:00的备份",
        Lang::En => "primary disk corrupt, using the 03:00 backup",
    });
    h.key(KeyCode::Enter);
    let backup = common::app::start_time() - chrono::Duration::hours(3);
    let cmd = drconsole::incident::decide::Command::BackupPoint {
        backup_at: backup,
        source: "operator".into(),
    };
    assert!(h.app.submit(cmd));
    assert!(h.app.settle(std::time::Duration::from_secs(10)));
    h.advance(3480);
    h.app.view.flash = None;
    h.app.view.health = vec![
        row("mongodb", Health::Down, None, "connection refused", &[Some(3), Some(4), None, None]),
        row("api", Health::Up, Some(42), "HTTP 200", &[Some(40), Some(45), Some(42)]),
        row("frontend", Health::Degraded, Some(1800), "slow: 1.8s > 1s", &[Some(300), Some(1800)]),
    ];
    h
}

/// Snapshot a screen with the random part of the incident id masked (same width).
macro_rules! snap {
    ($h:expr, $name:expr, $w:expr, $hgt:expr) => {{
        let mut screen = $h.screen($w, $hgt);
        if let Some(inc) = $h.app.inc() {
            let id = &inc.decl.incident_id;
            screen = screen.replace(&id[..], &format!("{}-xxxx", &id[..id.len() - 5]));
        }
        insta::assert_snapshot!($name, screen);
    }};
}

fn row(id: &str, state: Health, ms: Option<u32>, detail: &str, hist: &[Option<u32>]) -> HealthRow {
    HealthRow {
        id: id.into(),
        name: id.into(),
        state,
        latency_ms: ms,
        detail: detail.into(),
        notes: vec![],
        changed_at: Some(common::app::start_time()),
        history: hist.to_vec(),
    }
}

#[test]
fn declare_form() {
    for lang in [Lang::Zh, Lang::En] {
        let h = harness_with(runbook(lang), Some(lang));
        for (w, hgt) in [(80, 24), (160, 48)] {
            snap!(h, format!("declare_{}_{w}x{hgt}", tag(lang)), w, hgt);
        }
    }
}

#[test]
fn main_screen_level3() {
    for lang in [Lang::Zh, Lang::En] {
        let h = level3(lang);
        for (w, hgt) in [(80, 24), (160, 48)] {
            snap!(h, format!("main_{}_{w}x{hgt}", tag(lang)), w, hgt);
        }
    }
}

#[test]
fn expanded_step_shows_sub_procedure_and_command() {
    for lang in [Lang::Zh, Lang::En] {
        let mut h = level3(lang);
        h.app.view.step_sel = 4;
        h.key(KeyCode::Enter);
        snap!(h, format!("expanded_{}_160x48", tag(lang)), 160, 48);
    }
}

#[test]
fn help_overlay() {
    for lang in [Lang::Zh, Lang::En] {
        let mut h = level3(lang);
        h.key(KeyCode::Char('?'));
        for (w, hgt) in [(80, 24), (160, 48)] {
            snap!(h, format!("help_{}_{w}x{hgt}", tag(lang)), w, hgt);
        }
    }
}

#[test]
fn too_small() {
    for lang in [Lang::Zh, Lang::En] {
        let h = level3(lang);
        let screen = h.screen(70, 20);
        assert!(screen.contains("terminal too small: need 80x24, have 70x20"), "{screen}");
        insta::assert_snapshot!(format!("too_small_{}_70x20", tag(lang)), screen);
        // Growing back to 80x24 draws the full screen again.
        assert!(h.screen(80, 24).contains("LIVE"));
    }
}

#[test]
fn every_pane_is_on_screen_from_80x24_to_250x70_without_overlap() {
    for lang in [Lang::Zh, Lang::En] {
        let h = level3(lang);
        for (w, hgt) in [(80u16, 24u16), (120, 40), (160, 48), (250, 70)] {
            let s = h.screen(w, hgt);
            let lines: Vec<&str> = s.lines().collect();
            assert_eq!(lines.len(), hgt as usize);
            assert!(lines[0].contains("LIVE"), "header: {}", lines[0]);
            let titles = match lang {
                Lang::Zh => ["恢复步骤", "RTO 计时", "时间线", "服务健康"],
                Lang::En => ["Recovery steps", "RTO timers", "Timeline", "Service health"],
            };
            for t in titles {
                assert!(s.contains(t), "missing pane {t} at {w}x{hgt}:\n{s}");
            }
            for line in &lines {
                assert!(
                    unicode_width::UnicodeWidthStr::width(*line) <= w as usize,
                    "too wide: {line}"
                );
            }
            assert!(
                lines[hgt as usize - 1].contains('?'),
                "key hints on the last line at {w}x{hgt}"
            );
            // The last step and the last function's countdown (24h - 1h23m) are on screen.
            assert!(s.contains("· 12 "), "step 12 at {w}x{hgt}:\n{s}");
            assert!(s.contains("22:37:00"), "the reports timer at {w}x{hgt}:\n{s}");
        }
    }
}

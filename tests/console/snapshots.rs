//! Whole-screen snapshots through ratatui's TestBackend, with the clock injected, in both
//! languages at 80x24 and 160x48.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

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
    h.key(KeyCode::Char(']'));
    h.key(KeyCode::Char('s'));
    h.advance(900);
    h.key(KeyCode::Char('d'));
    h.key(KeyCode::Char(']'));
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
    assert!(h.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
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

/// Each row of the screen with the columns drawn in reverse video, as `row | rev a-b c-d`.
fn reverse_map(h: &Harness, w: u16, hgt: u16) -> Vec<String> {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, hgt)).unwrap();
    t.draw(|f| h.app.render(f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..hgt)
        .map(|y| {
            let rev: Vec<u16> = (0..w)
                .filter(|x| buf[(*x, y)].modifier.contains(ratatui::style::Modifier::REVERSED))
                .collect();
            let mut runs: Vec<String> = Vec::new();
            let mut i = 0;
            while i < rev.len() {
                let start = rev[i];
                while i + 1 < rev.len() && rev[i + 1] == rev[i] + 1 {
                    i += 1;
                }
                runs.push(format!("{start}-{}", rev[i]));
                i += 1;
            }
            runs.join(" ")
        })
        .collect()
}

/// The selection is a marker column and reverse video, the same in every theme: in `mono`
/// (what NO_COLOR gives) it is as visible as in colour.
#[test]
fn mono_theme_selection() {
    let mut h = level3(Lang::En);
    h.app.theme = drconsole::theme::Theme::builtin("mono").unwrap();
    h.app.view.step_sel = 2;
    let screen = h.screen(80, 24);
    let rev = reverse_map(&h, 80, 24);
    let annotated: String =
        screen.lines().zip(&rev).map(|(line, r)| format!("{:<80}|{r}\n", line)).collect();
    let id = h.app.inc().unwrap().decl.incident_id.clone();
    let annotated = annotated.replace(&id[..], &format!("{}-xxxx", &id[..id.len() - 5]));
    insta::assert_snapshot!("selection_mono_en_80x24", annotated);
    let selected = screen.lines().nth(4).unwrap();
    assert!(selected.starts_with(">▶  3 "), "{selected}");
    // Steps pane rows (2..14, the left 48 columns): the same cells reversed in every theme.
    let steps_rev = |h: &Harness| -> Vec<String> {
        reverse_map(h, 80, 24)[2..14]
            .iter()
            .map(|r| r.split(' ').filter(|run| run.starts_with("0-")).collect())
            .collect()
    };
    let mono = steps_rev(&h);
    assert_eq!(mono[2], "0-47", "{mono:?}");
    for name in ["dark", "light", "high-contrast"] {
        h.app.theme = drconsole::theme::Theme::builtin(name).unwrap();
        assert_eq!(steps_rev(&h), mono, "theme {name}");
        assert!(h.screen(80, 24).lines().nth(4).unwrap().starts_with(">▶  3 "));
    }
}

/// Restore the function at `index` of the timers pane, saying yes if the console asks.
fn restore(h: &mut Harness, index: usize) {
    h.app.view.focus = drconsole::ui::view::Pane::Timers;
    h.app.view.timer_sel = index;
    h.key(KeyCode::Char('r'));
    if matches!(h.app.view.modal, Some(drconsole::ui::view::Modal::Confirm { .. })) {
        h.key(KeyCode::Char('y'));
    }
}

/// User authentication (RTO 4h) restored 17 s after its deadline: ✗ and by how much, never ✓
/// and never "4h17s"; the header counts the functions still past their RTO.
#[test]
fn restored_after_breach_timer_row() {
    for lang in [Lang::Zh, Lang::En] {
        let mut h = harness_with(runbook(lang), Some(lang));
        h.declare_default();
        h.advance(4 * 3600 + 17);
        restore(&mut h, 0);
        h.app.view.flash = None;
        let narrow = h.screen(80, 24);
        let by = match lang {
            Lang::Zh => "用户认证",
            Lang::En => "User auth",
        };
        let row = narrow.lines().find(|l| l.contains(by)).expect("the auth row").to_string();
        let by = match lang {
            Lang::Zh => "✗ 超时 17s",
            Lang::En => "✗ breached by 17s",
        };
        assert!(row.contains(by), "{row}");
        assert!(!narrow.contains("4h17s"), "{narrow}");
        snap!(h, format!("timers_restored_after_breach_{}_80x24", tag(lang)), 80, 24);
        let wide = h.screen(160, 48);
        assert!(wide.contains("✗ 4h00m17s"), "{wide}");
        let header = wide.lines().next().unwrap();
        // Cart and checkout (4h too) ran out with it and are not restored.
        let breached = match lang {
            Lang::Zh => "✗ 2 个功能已超时",
            Lang::En => "✗ 2 functions breached",
        };
        assert!(header.contains(breached), "{header}");
        snap!(h, format!("timers_restored_after_breach_{}_160x48", tag(lang)), 160, 48);
    }
}

/// A closed incident says CLOSED, not LIVE, with its final durations.
#[test]
fn closed_incident_header() {
    for lang in [Lang::Zh, Lang::En] {
        let mut h = harness_with(runbook(lang), Some(lang));
        h.declare_default();
        h.advance(3600 + 5);
        for i in 0..7 {
            restore(&mut h, i);
        }
        h.advance(600);
        let idx =
            h.app.inc().unwrap().steps.iter().position(|s| s.id == "declare-complete").unwrap();
        h.app.view.focus = drconsole::ui::view::Pane::Steps;
        h.app.view.step_sel = idx;
        h.key(KeyCode::Char('d'));
        h.key(KeyCode::Char('y'));
        assert!(h.app.inc().unwrap().closed_at.is_some());
        // The clocks stopped: later, the header is the same.
        h.advance(3600);
        h.app.view.flash = None;
        let screen = h.screen(80, 24);
        let header = screen.lines().next().unwrap();
        assert!(!header.contains("LIVE"), "{header}");
        assert!(header.contains("T0+01:10:05"), "{header}");
        assert!(header.contains("RTO ✓ 1h10m05s"), "{header}");
        snap!(h, format!("closed_header_{}_80x24", tag(lang)), 80, 24);
    }
}

/// The step whose detail is longest, and that detail laid out at `w`x`h`.
fn longest_step(h: &Harness, w: u16, hgt: u16) -> (usize, usize) {
    let inc = h.app.inc().unwrap();
    let ctx = h.app.ctx();
    let area = ratatui::layout::Rect::new(0, 1, w, hgt - 2);
    inc.steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let doc = drconsole::ui::detail::layout(&ctx, inc, &s.key, area).unwrap();
            (i, doc.body.len())
        })
        .max_by_key(|(_, len)| *len)
        .unwrap()
}

/// Enter on the longest step: its full title, owner and detail pinned; every checklist item
/// and command reachable by scrolling; commands wrapped between arguments, one `$` each.
#[test]
fn detail_view_of_the_longest_step() {
    for lang in [Lang::Zh, Lang::En] {
        let mut h = level3(lang);
        let (idx, len) = longest_step(&h, 80, 24);
        h.app.view.step_sel = idx;
        h.key(KeyCode::Enter);
        assert!(h.app.view.detail_open());
        let top = h.screen(80, 24);
        snap!(h, format!("detail_{}_80x24", tag(lang)), 80, 24);
        let step = &h.app.inc().unwrap().steps[idx];
        let title = h.app.loaded.runbook.step(&step.id).unwrap().step.title.clone();
        let first_line: String = title.chars().take(12).collect();
        assert!(top.contains(&first_line), "the full title is pinned:\n{top}");
        // Scroll to the end: the head stays, the last line of the body shows.
        for _ in 0..len {
            h.key(KeyCode::Char('j'));
        }
        let end = h.screen(80, 24);
        assert!(end.contains(&first_line), "the title stays pinned:\n{end}");
        assert!(end.contains(&format!("-{len}/{len}")), "{end}");
        snap!(h, format!("detail_end_{}_80x24", tag(lang)), 80, 24);
        for screen in [&top, &end] {
            for line in screen.lines() {
                assert!(!line.trim_start_matches(['>', ' ']).starts_with("$ $"), "{line}");
                assert!(unicode_width::UnicodeWidthStr::width(line) <= 80, "{line}");
            }
        }
        h.key(KeyCode::Esc);
        assert!(!h.app.view.detail_open());
        assert!(h.screen(80, 24).contains("RTO"));
    }
}

/// Focus the timeline pane (Tab from the steps pane, through the timers).
fn focus_timeline(h: &mut Harness) {
    while h.app.view.focus != drconsole::ui::view::Pane::Timeline {
        h.key(KeyCode::Tab);
    }
}

/// `/` searches the timeline as it is typed: the cursor goes to the newest match, matches are
/// counted from the newest, `n` goes back in time and wraps; Enter keeps the search and the
/// footer offers its keys; Esc clears it and `n` adds a note again.
#[test]
fn timeline_search() {
    for lang in [Lang::Zh, Lang::En] {
        let mut h = level3(lang);
        focus_timeline(&mut h);
        h.key(KeyCode::Char('/'));
        let word = match lang {
            Lang::Zh => "开始",
            Lang::En => "started",
        };
        h.keys(word);
        let events: Vec<String> =
            h.app.inc().unwrap().events.iter().map(|e| e.kind.type_name().to_string()).collect();
        let started: Vec<usize> =
            (0..events.len()).filter(|i| events[*i] == "step-started").collect();
        assert_eq!(started.len(), 3, "{events:?}");
        // As typed: the newest match.
        assert_eq!(h.app.view.timeline.pick, Some(started[2]));
        let typing = h.screen(80, 24);
        assert!(typing.contains(&format!("/{word}▏  1/3")), "{typing}");
        h.key(KeyCode::Enter);
        h.key(KeyCode::Char('n'));
        assert_eq!(h.app.view.timeline.pick, Some(started[1]), "n goes back in time");
        assert!(h.app.view.modal.is_none(), "n is the next match here, not a note");
        let screen = h.screen(80, 24);
        assert!(screen.contains(&format!("/{word}  2/3")), "{screen}");
        let footer = screen.lines().last().unwrap();
        assert!(footer.contains("n/N"), "{footer}");
        snap!(h, format!("timeline_search_{}_80x24", tag(lang)), 80, 24);
        h.key(KeyCode::Char('n'));
        h.key(KeyCode::Char('n'));
        assert_eq!(h.app.view.timeline.pick, Some(started[2]), "n wraps to the newest");
        h.key(KeyCode::Char('N'));
        assert_eq!(h.app.view.timeline.pick, Some(started[0]), "N wraps to the oldest");
        h.key(KeyCode::Esc);
        assert!(h.app.view.timeline.search.is_none());
        h.key(KeyCode::Char('n'));
        assert!(
            matches!(h.app.view.modal, Some(drconsole::ui::view::Modal::Input { .. })),
            "after Esc, n adds a note again"
        );
    }
}

/// `t` shows one kind of entry at a time and says which in the pane's title; the cursor and
/// Enter work among what is shown.
#[test]
fn filtered_timeline() {
    for lang in [Lang::Zh, Lang::En] {
        let mut h = level3(lang);
        focus_timeline(&mut h);
        h.key(KeyCode::Char('t'));
        assert_eq!(h.app.view.timeline.filter, drconsole::ui::view::Filter::Notes);
        let notes = h.screen(80, 24);
        let showing = match lang {
            Lang::Zh => "仅显示: 备注 (1)",
            Lang::En => "showing: notes (1)",
        };
        assert!(notes.contains(showing), "{notes}");
        h.key(KeyCode::Char('t'));
        assert_eq!(h.app.view.timeline.filter, drconsole::ui::view::Filter::Steps);
        h.key(KeyCode::Char('k'));
        let screen = h.screen(80, 24);
        for line in screen.lines().skip(14).take(8) {
            // Only step entries below the timeline's title (the left 48 columns).
            let left: String = line.chars().take(48).collect();
            assert!(!left.contains("note") && !left.contains("备注"), "{screen}");
        }
        snap!(h, format!("timeline_filtered_{}_80x24", tag(lang)), 80, 24);
        for _ in 0..4 {
            h.key(KeyCode::Char('t'));
        }
        assert_eq!(h.app.view.timeline.filter, drconsole::ui::view::Filter::All);
    }
}

/// Enter on a timeline entry shows it whole: all its text, who (login@host), tty, seq; Enter
/// on a service shows its detail and notes whole, however long.
#[test]
fn an_entry_and_a_service_shown_whole() {
    let mut h = level3(Lang::En);
    focus_timeline(&mut h);
    // The note, three entries up from the newest.
    for _ in 0..2 {
        h.key(KeyCode::Char('k'));
    }
    h.key(KeyCode::Enter);
    let screen = h.screen(80, 24);
    assert!(screen.contains("note: primary disk corrupt, using the 03:00 backup"), "{screen}");
    assert!(screen.contains("ops@jump1"), "{screen}");
    assert!(screen.contains("tty pts/3 · pid 4242"), "{screen}");
    assert!(screen.contains("seq 8"), "{screen}");
    // No journal file here (an in-memory sink): the hash is said to be unknown, not made up.
    assert!(screen.contains("hash not shown"), "{screen}");
    // The host's wall clock is the real one (the harness's clock is fake): masked.
    let id = h.app.inc().unwrap().decl.incident_id.clone();
    let masked: String = screen
        .replace(&id[..], &format!("{}-xxxx", &id[..id.len() - 5]))
        .lines()
        .map(|l| match l.find("host clock ") {
            Some(at) => {
                let from = at + "host clock ".len();
                format!("{}YYYY-MM-DD HH:MM:SS{}\n", &l[..from], &l[from + 19..])
            }
            None => format!("{l}\n"),
        })
        .collect();
    insta::assert_snapshot!("timeline_entry_en_80x24", masked);
    h.key(KeyCode::Esc);
    assert!(h.app.view.modal.is_none());
    let long = "replica set lost its primary at 03:12; the secondary on db2 is 40 minutes \
                behind and the arbiter does not answer; do not fail over by hand";
    h.app.view.health[0].notes = vec![long.to_string()];
    h.app.view.focus = drconsole::ui::view::Pane::Health;
    h.key(KeyCode::Enter);
    let screen = h.screen(80, 24);
    // Wrapped whole inside the dialog: the note's last word is on a row of its own.
    assert!(screen.contains("does not answer; do not fail over by"), "{screen}");
    assert!(screen.lines().any(|l| l.contains("│   hand ")), "{screen}");
    assert!(screen.contains("· connection refused"), "{screen}");
}

/// The same entry in Chinese: every label in Chinese.
#[test]
fn an_entry_shown_whole_in_chinese() {
    let mut h = level3(Lang::Zh);
    focus_timeline(&mut h);
    for _ in 0..2 {
        h.key(KeyCode::Char('k'));
    }
    h.key(KeyCode::Enter);
    let screen = h.screen(80, 24);
    assert!(screen.contains("备注: 主库磁盘损坏,改用03:00的备份"), "{screen}");
    assert!(screen.contains("终端 pts/3 · 进程 4242"), "{screen}");
    assert!(screen.contains("序号 8"), "{screen}");
    assert!(!screen.contains("seq ") && !screen.contains("tty "), "{screen}");
}

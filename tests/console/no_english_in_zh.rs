//! No English in Chinese output: every screen, dialog, record, report, scorecard and the main
//! CLI errors, rendered in `zh` with the built-in shopping runbook, hold no English word
//! outside ids, commands, URLs, product and proper names, units and key names.
//!
//! To cover something new, add one line to `OUTPUTS` (a name and a function that renders it);
//! a new event kind must get a sample in `every_event_kind` (the match there has no wildcard,
//! so the build says so).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Duration;
use common::app::{harness_with, start_time, Harness};
use common::record_fixture as fx;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::App;
use drconsole::incident::{EventKind, Incident};
use drconsole::probe::Health;
use drconsole::runbook::model::Lang;
use drconsole::ui::view::{HealthRow, Pane};

/// One thing a user sees, rendered in Chinese as text.
type Render = fn() -> String;

/// Everything the test reads. One line per screen, dialog or file.
const OUTPUTS: &[(&str, Render)] = &[
    ("declare form 80x24", declare_form),
    ("declare form: T0 that is not a time", declare_bad_t0),
    ("declare form: open incidents to resume", declare_open_list),
    ("main console 80x24", || level3().screen(80, 24)),
    ("main console 120x40", || level3().screen(120, 40)),
    ("main console, timers pane focused", timers_focused),
    ("closed incident", closed_screen),
    ("help, every page", help_pages),
    ("step detail, every page", step_detail),
    ("comms dialog", comms_dialog),
    ("comms: template preview", comms_preview),
    ("comms: built-in status update", comms_status_update),
    ("close dialog", close_dialog),
    ("quit dialog", quit_dialog),
    ("confirm: restored while a service is down", confirm_restore),
    ("input dialogs (note, skip, fail, backup, hand-over, owner, corrections)", input_dialogs),
    ("refusals flashed in the footer", refusals),
    ("observer view", observer_view),
    ("observer view through the mirror", observer_mirror),
    ("drill console", drill_console),
    ("drill briefing", drill_briefing),
    ("drill upcoming injects", drill_injects),
    ("drill decision", drill_decision),
    ("drill scorecard (markdown)", scorecard_md),
    ("drill scorecard (html)", scorecard_html),
    ("drill scorecard (summary lines)", scorecard_summary),
    ("record (markdown)", record_md),
    ("record (html)", record_html),
    ("record (json labels and values)", record_json),
    ("report (markdown)", report_md),
    ("every event kind on the timeline", every_event_kind),
    ("refusal and question messages", every_refusal),
    ("CLI errors of a zh incident", cli_errors),
];

// ---------------------------------------------------------------- what counts as English

/// Words that may stand in Chinese text, each with why.
const ALLOWED: &[&str] = &[
    // Product, protocol and proper names.
    "drconsole", // this program
    "tmux",      // the terminal multiplexer `y` copies into
    "OSC",       // OSC 52, the terminal clipboard escape
    "SSH",
    "MongoDB",
    "mongodb",
    "HTTP",
    "HTTPS",
    "API",
    "URL",
    "URI",
    "UTC",
    "JSON",
    "HTML",
    "Markdown",
    "TCP",
    "Atlas",
    "Vercel",
    "Slack",
    "GitHub",
    "Git",
    "Express",
    "Next",
    "PCI",
    "DSS",
    "IaC",
    "CLI",
    "SVG",
    "PNG",
    // The plan's own terms of art, as the Chinese plan writes them.
    "RTO",
    "RPO",
    "DR",
    "IT",
    "ETA",
    "T", // T0, T+4h
    // Terminal device names as the system gives them ("pts/1"), in session lines.
    "pts",
    "tty",
    // Key names.
    "Enter",
    "Esc",
    "Tab",
    "Shift",
    "Space",
    "PgUp",
    "PgDn",
    "Ctrl",
    "Backspace",
    "Home",
    "End",
    "Up",
    "Down",
    // The header's mode badges: the same in every language, as the health states are, and
    // what scripts and the end-to-end tests look for to know the console is up.
    "LIVE",
    "DRILL",
    "VIEW",
    // Health states: the probe's state names, the same in every language and in the journal.
    "UP",
    "DOWN",
    "DEGRADED",
    "UNKNOWN",
    // Subcommands named in hints ("可用 resume 继续").
    "resume",
    "view",
    "note",
    "drill",
    "record",
    "report",
    "status",
    // Time formats shown as the pattern to type.
    "HH",
    "MM",
    "YYYY",
    "DD",
    "now",
    // Units.
    "ms",
    "KiB",
    "MiB",
    "x",
];

/// Text the test itself put in as operator or probe input: shown verbatim by design (the
/// journal keeps the exact text), so not the console's words. Removed before scanning.
const INPUT: &[&str] = &[
    // Probe details in the record fixture and the health rows below: an OS or driver error as
    // the probe reported it.
    "connection refused",
    "connection reset by the server",
    "ping ok, primary",
    "<script>alert(1)</script>",
    "<script>alert(2)</script>",
    "<b>",
    "</b>",
    "slow: 1.8s > 1s",
    // Names and ids the test typed: the actor's login, a job title in a note, ids and times
    // that do not exist (to be refused).
    "ops",
    "DBA",
    "teatime",
    "meteor",
    "teleport",
    "no-such-step",
    "step-done",
    "future-kind",
];

/// The English words of the text, outside code spans, URLs, ids and the allowed words.
fn english_words(text: &str, known: &Known) -> BTreeSet<String> {
    let mut text = text.to_string();
    for i in INPUT {
        text = text.replace(i, " ");
    }
    let mut out = BTreeSet::new();
    // Markdown code spans hold commands and ids.
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            continue;
        }
        let chars: Vec<char> = part.chars().collect();
        let in_token = |c: char| c.is_ascii_alphanumeric() || "-_./:@$+#".contains(c);
        let mut i = 0;
        while i < chars.len() {
            if !in_token(chars[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len() && in_token(chars[i]) {
                i += 1;
            }
            let raw: String = chars[start..i].iter().collect();
            // Sentence punctuation around a token is not part of it.
            let token =
                raw.trim_end_matches(['.', ':', '/', '+', '#']).trim_start_matches(['.', ':']);
            // Cut by a `…` or a box's border: the rest of a known word may be hidden.
            let cut_after = matches!(chars.get(i), Some('…') | Some('│') | Some('┐') | Some('┘'));
            let cut_before = start > 0 && matches!(chars[start - 1], '│' | '┌' | '└' | '┐' | '┘');
            if token.is_empty() || !token.chars().any(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            if is_machine_token(token) || known.allows(token, cut_before, cut_after) {
                continue;
            }
            for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
                // A single letter is a key name (`s`, `G`) or a unit (`s`, `m`, `h`).
                if word.len() > 1 && !known.allows(word, cut_before, cut_after) {
                    out.insert(word.to_string());
                }
            }
        }
    }
    out
}

/// Tokens no translation touches: URLs, paths, e-mail addresses, flags, environment variables,
/// ids joined with `_`, and anything holding a digit (incident ids, times, durations, `T0`).
fn is_machine_token(t: &str) -> bool {
    t.contains("://")
        || t.contains('/')
        || t.contains('@')
        || t.contains('_')
        || t.contains('$')
        || t.starts_with('-')
        || t.chars().any(|c| c.is_ascii_digit())
        // A file or host name: `scorecard.md`, `Next.js`, `example.com`.
        || t.split('.').filter(|p| !p.is_empty()).count() > 1
}

/// The runbook's and scenario's own text: what the plan's author wrote (names, commands, ids)
/// is shown as written. Only whole tokens count, so the id `declare-complete` allows that
/// token and not the word "complete"; enum-like fields (impact, kind, track ...) are left out
/// because the console must translate them.
struct Known {
    tokens: BTreeSet<String>,
}

impl Known {
    /// A runbook token or an allowed word; one cut at a screen's edge when it is the visible
    /// part of one.
    fn allows(&self, t: &str, cut_before: bool, cut_after: bool) -> bool {
        let words = self.tokens.iter().map(String::as_str).chain(ALLOWED.iter().copied());
        let mut words = words.chain(INPUT.iter().flat_map(|i| i.split(' ')));
        words.any(|w| {
            w == t
                || (cut_after && !cut_before && w.starts_with(t))
                || (cut_before && !cut_after && w.ends_with(t))
                || (cut_before && cut_after && w.contains(t))
        })
    }
}

fn known() -> Known {
    const ENUMS: &[&str] =
        &["impact", "kind", "finish", "source", "track", "when", "language", "on-fail", "scope"];
    fn walk(v: &toml::Value, key: &str, out: &mut BTreeSet<String>) {
        match v {
            toml::Value::String(s) if !ENUMS.contains(&key) => {
                for t in s.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c))) {
                    let t = t.trim_matches('.');
                    if !t.is_empty() {
                        out.insert(t.to_string());
                    }
                }
            }
            toml::Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
            toml::Value::Table(t) => t.iter().for_each(|(k, x)| walk(x, k, out)),
            _ => {}
        }
    }
    // The scenario is named by its id.
    let mut tokens = BTreeSet::from([SCENARIO.to_string()]);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks");
    for file in ["shopping-system.toml", "scenarios/mongodb-cluster-failure.toml"] {
        let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        let doc: toml::Table = toml::from_str(&text).unwrap();
        walk(&toml::Value::Table(doc), "", &mut tokens);
    }
    Known { tokens }
}

/// Remove markup: tags, the style sheet, entities. What is left is what a reader sees.
fn html_text(html: &str) -> String {
    let mut s = html.to_string();
    while let (Some(a), Some(b)) = (s.find("<style"), s.find("</style>")) {
        if b < a {
            break;
        }
        s.replace_range(a..b + "</style>".len(), " ");
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", "\"")
}

// ---------------------------------------------------------------- the test

#[test]
fn no_english_in_zh_output() {
    let known = known();
    let mut failures = Vec::new();
    for (name, render) in OUTPUTS {
        let text = render();
        assert!(!text.trim().is_empty(), "{name}: rendered nothing");
        let words = english_words(&text, &known);
        if !words.is_empty() {
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| english_words(l, &known).iter().any(|w| words.contains(w)))
                .take(12)
                .collect();
            failures.push(format!("{name}: {words:?}\n    {}", lines.join("\n    ")));
        }
    }
    assert!(failures.is_empty(), "English in zh output:\n{}", failures.join("\n"));
}

/// The allowlist is not so wide that it lets English through.
#[test]
fn the_check_catches_an_english_sentence() {
    let known = known();
    let screen = level3().screen(80, 24);
    let words = english_words(&screen, &known);
    assert!(words.is_empty(), "{words:?}");
    for leak in [
        "the backup could not be found",
        "[done]",
        "deadline 12:00",
        "priority 1",
        "\"teatime\" is not a time",
        "步骤已完成 (step done)",
    ] {
        let injected = format!("{screen}\n{leak}");
        assert!(!english_words(&injected, &known).is_empty(), "not caught: {leak}");
    }
    // Ids, commands, URLs and names pass.
    for fine in [
        "mongorestore --uri \"$MONGODB_URI\" --drop",
        "https://status.example.com/x",
        "DRILL-20261128-060000-0000",
        "declare-complete",
        "Enter 保存  Esc 取消",
        "MongoDB Atlas",
        "4h00m17s",
    ] {
        assert!(english_words(fine, &known).is_empty(), "flagged: {fine}");
    }
}

// ---------------------------------------------------------------- console screens

fn zh() -> Harness {
    harness_with(None, Some(Lang::Zh))
}

/// A level-3 database failure 1h23m in, as in the console snapshots.
fn level3() -> Harness {
    let mut h = zh();
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
    h.keys("主库磁盘损坏,改用03:00的备份");
    h.key(KeyCode::Enter);
    let backup = start_time() - Duration::hours(3);
    let cmd = drconsole::incident::decide::Command::BackupPoint {
        backup_at: backup,
        source: "operator".into(),
    };
    assert!(h.app.submit(cmd));
    assert!(h.app.settle(std::time::Duration::from_secs(10)));
    h.advance(3480);
    h.app.view.flash = None;
    h.app.view.health = vec![
        row("mongodb", Health::Down, None, "connection refused"),
        row("api", Health::Up, Some(42), "HTTP 200"),
        row("frontend", Health::Degraded, Some(1800), "响应慢"),
    ];
    h
}

fn row(id: &str, state: Health, ms: Option<u32>, detail: &str) -> HealthRow {
    HealthRow {
        id: id.into(),
        name: id.into(),
        state,
        latency_ms: ms,
        detail: detail.into(),
        notes: vec![],
        changed_at: Some(start_time()),
        history: vec![Some(3), ms],
    }
}

/// The screen with whatever was flashed, at 80x24 and 120x40.
fn both(h: &Harness) -> String {
    format!("{}\n{}", h.screen(80, 24), h.screen(120, 40))
}

fn declare_form() -> String {
    both(&zh())
}

fn declare_bad_t0() -> String {
    let mut h = zh();
    if let Some(form) = h.app.view.declare.as_mut() {
        form.t0 = "teatime".into();
    }
    h.key(KeyCode::Enter);
    let mut s = both(&h);
    // A T0 hours ago is asked about.
    let mut h = zh();
    if let Some(form) = h.app.view.declare.as_mut() {
        form.t0 = "2026-11-27 20:00".into();
    }
    h.key(KeyCode::Enter);
    s.push_str(&both(&h));
    s
}

fn declare_open_list() -> String {
    let mut h = zh();
    if let Some(form) = h.app.view.declare.as_mut() {
        form.open = vec![("20261128-050000-beef".into(), "数据库故障 级别3 自 05:00".into())];
        form.choosing = true;
    }
    both(&h)
}

fn timers_focused() -> String {
    let mut h = level3();
    h.app.view.focus = Pane::Timers;
    h.advance(4 * 3600);
    both(&h)
}

fn closed_screen() -> String {
    let mut h = level3();
    close(&mut h);
    h.key(KeyCode::Char('y'));
    both(&h)
}

fn help_pages() -> String {
    let mut h = level3();
    h.key(KeyCode::Char('?'));
    let mut s = String::new();
    for _ in 0..12 {
        s.push_str(&h.screen(80, 24));
        h.key(KeyCode::PageDown);
    }
    s
}

fn step_detail() -> String {
    let mut h = level3();
    // The longest step: the database restore, with its commands.
    let idx = h.app.inc().unwrap().steps.iter().position(|s| s.id == "restore-database").unwrap();
    h.app.view.step_sel = idx;
    h.key(KeyCode::Enter);
    let mut s = String::new();
    for _ in 0..8 {
        s.push_str(&h.screen(80, 24));
        h.key(KeyCode::PageDown);
    }
    s.push_str(&h.screen(120, 40));
    s
}

fn comms_dialog() -> String {
    let mut h = level3();
    h.key(KeyCode::Char('c'));
    both(&h)
}

fn comms_preview() -> String {
    let mut h = level3();
    h.key(KeyCode::Char('c'));
    let stages = h.app.loaded.runbook.notifications.len();
    for _ in 0..stages {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
    both(&h)
}

fn comms_status_update() -> String {
    let mut h = level3();
    h.key(KeyCode::Char('c'));
    let rb = &h.app.loaded.runbook;
    for _ in 0..rb.notifications.len() + rb.templates.len() {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
    both(&h)
}

fn close(h: &mut Harness) {
    let idx = h.app.inc().unwrap().steps.iter().position(|s| s.id == "declare-complete").unwrap();
    h.app.view.focus = Pane::Steps;
    h.app.view.step_sel = idx;
    h.key(KeyCode::Char('d'));
}

fn close_dialog() -> String {
    let mut h = level3();
    close(&mut h);
    both(&h)
}

fn quit_dialog() -> String {
    let mut h = level3();
    h.key(KeyCode::Char('q'));
    both(&h)
}

fn confirm_restore() -> String {
    let mut h = level3();
    h.app.view.focus = Pane::Timers;
    h.app.view.timer_sel = 0;
    h.key(KeyCode::Char('r'));
    both(&h)
}

fn input_dialogs() -> String {
    let mut s = String::new();
    let keys: &[&[char]] =
        &[&['n'], &['x'], &['f'], &['b'], &['h'], &['a'], &['o'], &['T'], &['L'], &['A'], &['W']];
    for k in keys {
        let mut h = level3();
        for c in *k {
            h.key(KeyCode::Char(*c));
        }
        s.push_str(&both(&h));
    }
    // A backup time that is not a time.
    let mut h = level3();
    h.key(KeyCode::Char('b'));
    h.keys("teatime");
    h.key(KeyCode::Enter);
    s.push_str(&both(&h));
    s
}

fn refusals() -> String {
    let mut s = String::new();
    // Start a step that is done; undo with nothing to undo; restore twice.
    let mut h = level3();
    h.app.view.step_sel = 0;
    h.key(KeyCode::Char('s'));
    s.push_str(&h.screen(120, 40));
    let mut h = level3();
    h.advance(120);
    h.key(KeyCode::Char('u'));
    s.push_str(&h.screen(120, 40));
    let mut h = level3();
    h.app.view.focus = Pane::Timers;
    h.app.view.timer_sel = 1;
    h.key(KeyCode::Char('r'));
    if matches!(h.app.view.modal, Some(drconsole::ui::view::Modal::Confirm { .. })) {
        h.key(KeyCode::Char('y'));
    }
    h.key(KeyCode::Char('r'));
    s.push_str(&h.screen(120, 40));
    // The copy of a step without commands.
    let mut h = level3();
    h.app.view.step_sel = 0;
    h.key(KeyCode::Char('y'));
    s.push_str(&h.screen(120, 40));
    s
}

fn observer(source: drconsole::incident::follow::ViewSource) -> String {
    let src = level3();
    let events = src.events();
    let mut h = zh();
    let (viewer, feed) = drconsole::incident::follow::channel(source);
    feed.set(|st| {
        st.verified = events.len() as u64;
        st.behind = Some(3);
        st.newest_at = Some(start_time());
        st.owner_seen = Some(start_time());
    });
    h.app.attach_view(events, viewer, Some("事件已关闭: 以只读方式打开".into())).unwrap();
    h.advance(60);
    let mut s = both(&h);
    // A key that would change the incident.
    h.key(KeyCode::Char('s'));
    s.push_str(&both(&h));
    drop(feed);
    s
}

fn observer_view() -> String {
    observer(drconsole::incident::follow::ViewSource::Journal)
}

fn observer_mirror() -> String {
    observer(drconsole::incident::follow::ViewSource::Mirror)
}

// ---------------------------------------------------------------- drills

const SCENARIO: &str = "mongodb-cluster-failure";

/// A drill at 120x on a fake clock, as `tests/drill_headless.rs` builds it.
fn drill(brief: bool) -> (App, drconsole::incident::clock::FakeClock) {
    use drconsole::incident::clock::Clock;
    let (sc, name) = drconsole::cmd::drill::resolve(SCENARIO, None).unwrap();
    let base = drconsole::incident::clock::FakeClock::at(start_time());
    let game = Arc::new(drconsole::drill::GameClock::new(Arc::new(base.clone()), 120.0));
    let loaded = Arc::new(sc.runbook.clone());
    let sink = drconsole::incident::sink::MemorySink::default();
    let factory = Box::new(move |_: &drconsole::incident::Declaration| {
        Ok(Box::new(sink.clone()) as Box<dyn drconsole::incident::sink::EventSink>)
    });
    let theme = drconsole::theme::Theme::builtin("dark").unwrap();
    let actor = common::app::actor();
    let mut app = App::new(loaded, Lang::Zh, theme, game.clone(), actor.clone(), factory);
    app.tz = fx::tz();
    let mut decl =
        drconsole::cmd::drill::declaration(&sc, &name, 120.0, &actor, game.now()).unwrap();
    decl.incident_id = "DRILL-20261128-060000-0000".to_string();
    let mut session = drconsole::drill::Session::new(sc, &name, 120.0);
    session.clock = Some(game.clone());
    session.writer = Some(Box::new(|_: drconsole::drill::session::ScoreInput| Ok(vec![])));
    app.drill = Some(session);
    app.declare(decl).unwrap();
    assert!(app.settle(std::time::Duration::from_secs(10)));
    if brief {
        app.drill_briefing();
    } else {
        app.drill_start();
    }
    (app, base)
}

fn tick(app: &mut App, base: &drconsole::incident::clock::FakeClock, real_ms: i64) {
    for _ in 0..real_ms / 100 {
        base.advance(Duration::milliseconds(100));
        app.tick();
        assert!(app.settle(std::time::Duration::from_secs(10)));
    }
}

fn press(app: &mut App, code: KeyCode) {
    let m = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    app.on_key(KeyEvent::new(code, m));
    assert!(app.settle(std::time::Duration::from_secs(10)));
}

fn screens(app: &App) -> String {
    format!("{}\n{}", common::app::screen_of(app, 80, 24), common::app::screen_of(app, 120, 40))
}

fn drill_console() -> String {
    let (mut app, base) = drill(false);
    tick(&mut app, &base, 6_000);
    let mut s = screens(&app);
    press(&mut app, KeyCode::Char('P'));
    s.push_str(&screens(&app));
    press(&mut app, KeyCode::Char('I'));
    s.push_str(&screens(&app));
    s
}

fn drill_briefing() -> String {
    let (mut app, _base) = drill(true);
    let mut s = String::new();
    for _ in 0..6 {
        s.push_str(&screens(&app));
        press(&mut app, KeyCode::PageDown);
    }
    s
}

fn drill_injects() -> String {
    let (mut app, base) = drill(false);
    tick(&mut app, &base, 500);
    press(&mut app, KeyCode::Char('F'));
    screens(&app)
}

fn drill_decision() -> String {
    let (mut app, base) = drill(false);
    for _ in 0..200 {
        if app.view.modal.is_some() {
            break;
        }
        tick(&mut app, &base, 500);
    }
    assert!(app.view.modal.is_some(), "the decision opened");
    screens(&app)
}

/// The scorecard of a drill ended 8 game hours in, half done.
fn scorecard() -> (drconsole::drill::scorecard::Scorecard, String) {
    let (sc, name) = drconsole::cmd::drill::resolve(SCENARIO, None).unwrap();
    let mut b = fx::incident(sc.runbook.clone());
    if let Some(inc) = b.inc.as_mut() {
        inc.decl.drill =
            Some(drconsole::incident::event::DrillInfo { scenario: name.clone(), speed: 120.0 });
    }
    b.emit(EventKind::DrillMessage { text: "主节点不可达".into(), adhoc: true });
    let inc = b.inc();
    let rb = &b.loaded.runbook;
    let now = fx::start() + Duration::hours(8);
    let card = drconsole::drill::scorecard::build(
        inc,
        &sc,
        &name,
        now,
        fx::tz(),
        std::time::Duration::from_secs(300),
    );
    let facts = drconsole::record::collect(inc, rb, now, fx::tz(), None);
    let chart = drconsole::record::chart::build(inc, rb, &facts, fx::tz());
    let html = drconsole::drill::scorecard_html::page(&card, Some(&chart), fx::tz());
    (card, html)
}

fn scorecard_md() -> String {
    drconsole::drill::scorecard::markdown(&scorecard().0, fx::tz())
}

fn scorecard_html() -> String {
    html_text(&scorecard().1)
}

fn scorecard_summary() -> String {
    drconsole::drill::scorecard::summary_lines(&scorecard().0).join("\n")
}

// ---------------------------------------------------------------- records

fn builtin() -> drconsole::runbook::Loaded {
    drconsole::runbook::load::builtin().unwrap()
}

/// The record fixture's closed incident, and a still open one.
fn incidents() -> Vec<(fx::Builder, chrono::DateTime<chrono::Utc>)> {
    let closed = fx::incident(builtin());
    let mut open = fx::Builder::new(builtin());
    open.declare("20261128-060000-f00d");
    open.run("activate-team", 600);
    open.advance(5 * 3600);
    open.emit(EventKind::TimerBreached { function: None, budget_secs: 4 * 3600 });
    let now = fx::start() + Duration::hours(9);
    vec![(closed, now), (open, now)]
}

fn record_md() -> String {
    let mut s = String::new();
    for (b, now) in incidents() {
        let rb = &b.loaded.runbook;
        let f = drconsole::record::collect(b.inc(), rb, now, fx::tz(), Some("ab".repeat(32)));
        s.push_str(&drconsole::record::markdown(&f, rb, fx::tz()));
    }
    s
}

fn record_html() -> String {
    let mut s = String::new();
    for (b, now) in incidents() {
        let rb = &b.loaded.runbook;
        let f = drconsole::record::collect(b.inc(), rb, now, fx::tz(), None);
        s.push_str(&html_text(&drconsole::record::html::page(&f, b.inc(), rb, fx::tz())));
    }
    s
}

/// The JSON's words for people: the form's title, labels and values (the keys and the facts'
/// states are for programs).
fn record_json() -> String {
    fn walk(v: &serde_json::Value, key: &str, out: &mut String) {
        match v {
            serde_json::Value::String(s) if ["title", "label", "value"].contains(&key) => {
                out.push_str(s);
                out.push('\n');
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
            serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, k, out)),
            _ => {}
        }
    }
    let mut s = String::new();
    for (b, now) in incidents() {
        let rb = &b.loaded.runbook;
        let f = drconsole::record::collect(b.inc(), rb, now, fx::tz(), None);
        let json = drconsole::record::json(&f, rb, fx::tz());
        walk(&serde_json::from_str(&json).unwrap(), "", &mut s);
    }
    s
}

fn report_md() -> String {
    let mut s = String::new();
    for (b, now) in incidents() {
        let rb = &b.loaded.runbook;
        let f = drconsole::record::collect(b.inc(), rb, now, fx::tz(), None);
        s.push_str(&drconsole::record::report::markdown(&f, rb, fx::tz()));
    }
    s
}

// ---------------------------------------------------------------- sentences

/// One sample of every event kind, described as the timeline and the records describe it.
fn every_event_kind() -> String {
    use drconsole::incident::event::RemoteAuthor;
    let b = fx::incident(builtin());
    let inc: &Incident = b.inc();
    let rb = &b.loaded.runbook;
    let step = inc.steps[0].key.clone();
    let t = start_time();
    let mut kinds: Vec<EventKind> = inc.events.iter().map(|e| e.kind.clone()).collect();
    kinds.extend([
        EventKind::SessionStarted { resumed: true },
        EventKind::HandedOver { from: "张三".into(), to: "李四".into() },
        EventKind::OwnerAssigned { step: step.clone(), owner: "王五".into() },
        EventKind::SessionInterrupted { last_event_at: t },
        EventKind::RemoteNote {
            text: "已联系 DBA".into(),
            remote: RemoteAuthor {
                name: "李四".into(),
                login: "li".into(),
                host: "ops2".into(),
                written: t,
                inbox_id: "65f0".into(),
            },
        },
        EventKind::TimerBreached { function: None, budget_secs: 4 * 3600 },
        EventKind::TimerBreached {
            function: Some(drconsole::incident::response::TIMER.into()),
            budget_secs: 900,
        },
        EventKind::StepReopened { step: step.clone(), reason: "误操作".into() },
        EventKind::FunctionUnrestored { function: "auth".into(), reason: "误操作".into() },
        EventKind::T0Corrected { t0: t, reason: "监控显示更早".into() },
        EventKind::LevelChanged { level: 2, reason: "影响扩大".into() },
        EventKind::FunctionsChanged { functions: vec!["auth".into()], reason: "复核".into() },
        EventKind::Withdrawn { reason: "误报".into() },
        EventKind::Unreadable {
            seq: 7,
            event_type: "future-kind".into(),
            raw: "{}".into(),
            error: "unknown variant".into(),
        },
        EventKind::BackupPoint { backup_at: t, source: "operator".into() },
        EventKind::Panic { message: "索引越界".into() },
        EventKind::UpdateReminder { due_at: t },
        EventKind::StatusUpdateSent { channel: "企业微信".into(), note: String::new() },
        EventKind::DrillMessage { text: "主节点不可达".into(), adhoc: false },
        EventKind::DrillMessage { text: "主节点不可达".into(), adhoc: true },
        EventKind::DrillDecision { prompt: "是否切换?".into(), options: vec!["是".into()] },
        EventKind::DrillExpectation {
            kind: "function".into(),
            target: "auth".into(),
            state: None,
            by_secs: 3600,
            met: false,
        },
        EventKind::DrillExpectation {
            kind: "service".into(),
            target: "mongodb".into(),
            state: Some(Health::Up),
            by_secs: 3600,
            met: true,
        },
        EventKind::DrillClock { paused: true },
        EventKind::DrillClock { paused: false },
        EventKind::WaitOverridden { step: "restore-db".into(), reason: "数据已确认".into() },
        EventKind::ChecklistTicked {
            checklist: "data-recovery".into(),
            item: 0,
            text: "通知客户".into(),
            ticked: true,
        },
        EventKind::ChecklistTicked {
            checklist: "data-recovery".into(),
            item: 0,
            text: "通知客户".into(),
            ticked: false,
        },
        EventKind::AlternativeChosen {
            step: "restore-db".into(),
            alternative: "restore-db".into(),
        },
        EventKind::PlaceholderFilled { placeholder: "cart".into(), value: Some("订单".into()) },
        EventKind::PlaceholderFilled { placeholder: "cart".into(), value: None },
    ]);
    let mut s = String::new();
    for kind in kinds {
        exhaustive(&kind);
        let ev = (*inc.events[0]).clone();
        let ev = drconsole::incident::Event { kind, ..ev };
        s.push_str(&drconsole::incident::describe::describe(&ev, rb, Lang::Zh));
        s.push('\n');
    }
    s
}

/// No wildcard: a new event kind does not build until it has a sample above.
fn exhaustive(k: &EventKind) {
    match k {
        EventKind::Declared(_)
        | EventKind::SessionStarted { .. }
        | EventKind::SessionEnded { .. }
        | EventKind::HandedOver { .. }
        | EventKind::OwnerAssigned { .. }
        | EventKind::SessionInterrupted { .. }
        | EventKind::StepStarted { .. }
        | EventKind::StepDone { .. }
        | EventKind::StepSkipped { .. }
        | EventKind::StepFailed { .. }
        | EventKind::Note { .. }
        | EventKind::RemoteNote { .. }
        | EventKind::FunctionRestored { .. }
        | EventKind::TimerBreached { .. }
        | EventKind::HealthChanged { .. }
        | EventKind::StepReopened { .. }
        | EventKind::FunctionUnrestored { .. }
        | EventKind::T0Corrected { .. }
        | EventKind::LevelChanged { .. }
        | EventKind::FunctionsChanged { .. }
        | EventKind::Withdrawn { .. }
        | EventKind::Unreadable { .. }
        | EventKind::BackupPoint { .. }
        | EventKind::Closed
        | EventKind::Panic { .. }
        | EventKind::NotificationSent { .. }
        | EventKind::CommsSent { .. }
        | EventKind::UpdateReminder { .. }
        | EventKind::StatusUpdateSent { .. }
        | EventKind::DrillMessage { .. }
        | EventKind::DrillDecision { .. }
        | EventKind::DrillExpectation { .. }
        | EventKind::DrillClock { .. }
        | EventKind::WaitOverridden { .. }
        | EventKind::ChecklistTicked { .. }
        | EventKind::AlternativeChosen { .. }
        | EventKind::PlaceholderFilled { .. } => {}
    }
}

/// Every refusal and question the rules give, in Chinese.
fn every_refusal() -> String {
    use drconsole::incident::decide::{Question, Refusal};
    let t = start_time();
    let refusals = vec![
        Refusal::Closed,
        Refusal::UnknownStep("restore-db".into()),
        Refusal::StepNotPending,
        Refusal::StepFinished,
        Refusal::UnknownFunction("cart".into()),
        Refusal::AlreadyRestored,
        Refusal::EmptyText,
        Refusal::BackupInFuture,
        Refusal::BackupAfterT0,
        Refusal::NotRecordable("step-done"),
        Refusal::UnknownType { given: "meteor".into(), known: vec!["database-failure".into()] },
        Refusal::UnknownLevel { given: 7, known: vec!["1".into(), "2".into()] },
        Refusal::UnknownFunctionArg { given: "teleport".into(), known: vec!["cart".into()] },
        Refusal::PartialNeedsFunction { level: 2 },
        Refusal::ReporterRequired,
        Refusal::T0TooOld { days: 40 },
        Refusal::NotReopenable,
        Refusal::NotRestored,
        Refusal::SameLevel,
        Refusal::NothingToUndo,
        Refusal::AlreadyCommander("张三".into()),
        Refusal::AlreadyOwner("张三".into()),
        Refusal::AdjustPending(vec!["调整配置".into()]),
        Refusal::Confirm(Question::NeverStarted("恢复数据库".into())),
        Refusal::Confirm(Question::ServicesNotUp(vec![("mongodb".into(), Health::Down)])),
        Refusal::Confirm(Question::Close {
            unrestored: vec!["购物车".into()],
            services_not_up: vec![("api".into(), Health::Degraded)],
            pending_steps: vec!["监控".into()],
            post_recovery: vec!["撰写事后报告".into()],
            unticked: vec![("恢复后检查".into(), vec!["通知客户".into()])],
        }),
        Refusal::WaitRunning { title: "等待域名解析生效".into(), left: "9m58s".into() },
        Refusal::WaitNotStarted("等待域名解析生效".into()),
        Refusal::NoWait,
        Refusal::UnknownChecklistItem("恢复后检查 #9".into()),
        Refusal::AlreadyTicked(true),
        Refusal::AlreadyTicked(false),
        Refusal::NoAlternatives("restore-db".into()),
        Refusal::UnknownAlternative { given: "x".into(), known: vec!["cart".into()] },
        Refusal::AlreadyChosen("自动切换".into()),
        Refusal::UnknownPlaceholder("cart".into()),
        Refusal::BadValue {
            placeholder: "cart".into(),
            problem: drconsole::runbook::placeholder::ValueProblem::Empty,
        },
        Refusal::BadValue {
            placeholder: "cart".into(),
            problem: drconsole::runbook::placeholder::ValueProblem::Hidden,
        },
        Refusal::BadValue {
            placeholder: "cart".into(),
            problem: drconsole::runbook::placeholder::ValueProblem::NoMatch("[a-z]+".into()),
        },
        Refusal::Confirm(Question::T0 { t0: t, hours_ago: 5, yesterday: true }),
        Refusal::Confirm(Question::T0 { t0: t, hours_ago: 5, yesterday: false }),
    ];
    let now = t + Duration::hours(1);
    let mut s: String = refusals.iter().map(|r| r.message(Lang::Zh) + "\n").collect();
    // What the T0 parser says, as the declare form and `b` show it.
    for bad in ["teatime", "2026-11-29 10:00"] {
        if let Err(e) = drconsole::incident::clock::parse_local_time(bad, now) {
            s.push_str(&e.message(Lang::Zh));
            s.push('\n');
        }
    }
    s
}

// ---------------------------------------------------------------- CLI

fn drc(data: &std::path::Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("drconsole").unwrap();
    c.arg("--data-dir").arg(data).env_remove("DRCONSOLE_CONFIG").env("NO_COLOR", "1");
    c
}

/// The errors of commands on a Chinese incident: the rules' refusals, in its language.
fn cli_errors() -> String {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    let out = drc(&d)
        .args(["declare", "--type", "database-failure", "--level", "3", "--reporter", "值班"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut s = String::new();
    let runs: &[&[&str]] = &[
        &["correct", "reopen", "activate-team", "--reason", "误操作"],
        &["correct", "reopen", "no-such-step", "--reason", "误操作"],
        &["correct", "unrestore", "auth", "--reason", "误操作"],
        &["correct", "level", "3", "--reason", "复核"],
        &["correct", "t0", "teatime", "--reason", "复核"],
        &["correct", "functions", "teleport", "--reason", "复核"],
        &["assign", "no-such-step", "张三"],
        &["note", ""],
    ];
    for args in runs {
        let out = drc(&d).args(*args).output().unwrap();
        assert!(!out.status.success(), "{args:?} was refused");
        let err = String::from_utf8_lossy(&out.stderr);
        // The `error: ` prefix is the CLI's own frame, as every Unix tool writes it.
        s.push_str(err.trim_start_matches("error: "));
        s.push('\n');
    }
    s
}

// ---------------------------------------------------------------- CJK in dialogs

/// The screen's cells, for checks that need each cell rather than the text.
fn cells(app: &App, w: u16, h: u16) -> Vec<Vec<String>> {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.render(f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h).map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect()).collect()
}

/// The box whose top border starts `┌ {title}`: its text rows, after checking that every row
/// has both borders whole (a wide character at the last column must not cover one).
fn dialog_rows(c: &[Vec<String>], title: &str) -> Vec<String> {
    // A wide character's second cell is a filler: skip it when reading.
    let text = |row: &[String]| {
        let mut out = String::new();
        let mut skip = 0;
        for sym in row {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym.as_str()).saturating_sub(1);
        }
        out
    };
    let head = format!("┌ {title}");
    let (y0, x0) = c
        .iter()
        .enumerate()
        .find_map(|(y, row)| {
            (0..row.len())
                .find(|&x| row[x] == "┌" && text(&row[x..]).starts_with(&head))
                .map(|x| (y, x))
        })
        .unwrap_or_else(|| panic!("no dialog titled {title}"));
    let x1 = (x0 + 1..c[y0].len()).find(|&x| c[y0][x] == "┐").expect("top right corner");
    let y1 = (y0 + 1..c.len()).find(|&y| c[y][x0] == "└").expect("bottom left corner");
    assert_eq!(c[y1][x1], "┘", "bottom right corner");
    (y0 + 1..y1)
        .map(|y| {
            assert_eq!(c[y][x0], "│", "left border of row {y}:\n{}", screen_text(c));
            assert_eq!(c[y][x1], "│", "right border of row {y}: {:?}", c[y]);
            text(&c[y][x0 + 1..x1]).trim().to_string()
        })
        .collect()
}

fn screen_text(c: &[Vec<String>]) -> String {
    c.iter().map(|r| r.concat()).collect::<Vec<_>>().join("\n")
}

/// A long Chinese question and typed text at odd and even widths: both borders stay whole,
/// nothing of the text is cut off at the right, and no row starts with closing punctuation.
#[test]
fn dialogs_keep_their_borders_and_the_whole_text_with_wide_characters() {
    let question = "宣布恢复完成并关闭事件?未恢复的功能(将记为未恢复):用户认证、商品浏览、\
                    购物车、下单支付、订单管理、库存管理、报表分析;未完成的步骤:制定恢复\
                    计划和时间表、准备恢复环境(如需要)、恢复数据库(按5.3流程)。 y/n";
    let typed = "主库磁盘损坏，改用凌晨三点的备份。副本集（三个节点）全部不可达，正在联系云厂商。";
    for w in 80..=87u16 {
        let mut h = level3();
        h.app.view.modal = Some(drconsole::ui::view::Modal::Confirm {
            question: question.into(),
            cmd: Box::new(drconsole::incident::decide::Command::Note { text: "x".into() }),
        });
        let rows = dialog_rows(&cells(&h.app, w, 24), "?");
        let shown: String = rows.concat();
        assert_eq!(shown.replace(' ', ""), question.replace(' ', ""), "at {w}: {rows:#?}");
        for r in &rows[1..] {
            let first = r.chars().next().map(String::from).unwrap_or_default();
            assert!(!drconsole::ui::text::is_closing(&first), "at {w}: {rows:#?}");
        }

        let mut h = level3();
        h.key(KeyCode::Char('n'));
        h.keys(typed);
        let rows = dialog_rows(&cells(&h.app, w, 24), "备注");
        assert!(rows.concat().contains(&format!("{typed}▏")), "at {w}: {rows:#?}");
    }
}

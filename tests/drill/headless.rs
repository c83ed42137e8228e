//! A headless drill on the real `App`: a game clock at 120x over a fake base clock, the shipped
//! scenarios' injects, scripted operator keys, and the scorecard they earn.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::{Arc, Mutex};

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::App;
use drconsole::drill::scenario::Action;
use drconsole::drill::{scorecard, GameClock, Session};
use drconsole::incident::clock::{Clock, FakeClock};
use drconsole::incident::sink::{EventSink, MemorySink};
use drconsole::incident::{Event, EventKind};
use drconsole::probe::Health;
use drconsole::runbook::model::Lang;
use drconsole::ui::view::{Modal, Pane, SheetKind};

use common::app::{actor, start_time};

const SPEED: f64 = 120.0;
/// Real time per tick, as `drconsole drill --speed 120` ticks: 12 game seconds.
const TICK_MS: i64 = 100;

struct Drill {
    app: App,
    base: FakeClock,
    game: Arc<GameClock>,
    sink: MemorySink,
    written: Arc<Mutex<u32>>,
}

fn drill(name: &str, lang: Option<Lang>) -> Drill {
    let (sc, name) = drconsole::cmd::drill::resolve(name, None).unwrap();
    let base = FakeClock::at(start_time());
    let game = Arc::new(GameClock::new(Arc::new(base.clone()), SPEED));
    let loaded = Arc::new(sc.runbook.clone());
    let lang = lang.unwrap_or(loaded.runbook.plan.language);
    let sink = MemorySink::default();
    let for_factory = sink.clone();
    let factory = Box::new(move |_: &drconsole::incident::Declaration| {
        Ok(Box::new(for_factory.clone()) as Box<dyn EventSink>)
    });
    let theme = drconsole::theme::Theme::builtin("dark").unwrap();
    let mut app = App::new(loaded, lang, theme, game.clone(), actor(), factory);
    app.tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let mut decl =
        drconsole::cmd::drill::declaration(&sc, &name, SPEED, &actor(), game.now()).unwrap();
    decl.incident_id = "DRILL-20261128-060000-0000".to_string();
    let mut session = Session::new(sc, &name, SPEED);
    session.clock = Some(game.clone());
    let written = Arc::new(Mutex::new(0u32));
    let count = written.clone();
    session.writer = Some(Box::new(move |_input: drconsole::drill::session::ScoreInput| {
        *count.lock().unwrap() += 1;
        Ok(vec![])
    }));
    app.drill = Some(session);
    app.declare(decl).unwrap();
    assert!(app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
    app.drill_start();
    Drill { app, base, game, sink, written }
}

impl Drill {
    /// Tick as the real loop does until the game clock reaches `game_secs` after T0.
    fn run_to(&mut self, game_secs: i64) {
        self.read_decision();
        while self.game.game_elapsed() < Duration::seconds(game_secs) {
            assert!(!self.game.paused(), "the game clock stands: {:?}", self.app.view.modal);
            self.base.advance(Duration::milliseconds(TICK_MS));
            self.app.tick();
            assert!(self.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
            self.read_decision();
        }
    }

    /// A decision inject stops the game (`pause-on-dialog`) until the players close it.
    fn read_decision(&mut self) {
        if matches!(&self.app.view.modal, Some(Modal::Drill(d)) if d.kind == SheetKind::Decision) {
            self.app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        }
    }

    fn key(&mut self, c: char) {
        let m = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
        self.app.on_key(KeyEvent::new(KeyCode::Char(c), m));
        assert!(self.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
    }

    fn enter(&mut self) {
        self.app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
        assert!(self.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
    }

    fn events(&self) -> Vec<Event> {
        self.sink.events.lock().unwrap().clone()
    }

    fn t0(&self) -> chrono::DateTime<chrono::Utc> {
        self.app.inc().unwrap().decl.t0
    }

    fn health(&self, id: &str) -> Health {
        self.app.view.health.iter().find(|r| r.id == id).unwrap().state
    }

    /// Start the selected step at `from`, mark it done at `to` (game seconds).
    fn step(&mut self, from: i64, to: i64) {
        self.run_to(from);
        self.key('s');
        self.run_to(to);
        self.key('d');
        // The cursor stays on the step acted on; `]` moves to the next one not done.
        self.key(']');
    }

    /// Mark the function at `index` of the timers pane restored.
    fn restore(&mut self, index: usize) {
        self.app.view.focus = Pane::Timers;
        self.app.view.timer_sel = index;
        self.key('r');
        // A service it depends on may not be UP yet: the console asks, the operator says yes.
        if matches!(self.app.view.modal, Some(drconsole::ui::view::Modal::Confirm { .. })) {
            self.key('y');
        }
    }

    /// Declare recovery complete through the `declare-complete` step.
    fn close(&mut self) {
        let idx = self.app.inc().unwrap().steps.iter().position(|s| s.id == "declare-complete");
        self.app.view.focus = Pane::Steps;
        self.app.view.step_sel = idx.unwrap();
        self.key('d');
        self.key('y');
        assert!(self.app.inc().unwrap().closed_at.is_some(), "the drill closed");
        // The loop ticks within a tenth of a second; the end of the drill is handled there.
        self.app.tick();
        assert!(self.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
    }

    fn scorecard(&self) -> scorecard::Scorecard {
        let s = self.app.drill.as_ref().unwrap();
        scorecard::build(
            self.app.inc().unwrap(),
            &s.scenario,
            &s.name,
            self.app.now(),
            self.app.tz,
            self.game.real_elapsed(),
        )
    }

    fn screen(&self, w: u16, h: u16) -> String {
        common::app::screen_of(&self.app, w, h)
    }
}

/// The event an inject must produce.
fn matches(action: &Action, ev: &EventKind) -> bool {
    match (action, ev) {
        (
            Action::Service { service, state, .. },
            EventKind::HealthChanged { service: s, to, .. },
        ) => s == service && to == state,
        (Action::Message(m), EventKind::DrillMessage { text, adhoc: false }) => m == text,
        (Action::Decision { prompt, .. }, EventKind::DrillDecision { prompt: p, .. }) => {
            p == prompt
        }
        (Action::Expect(e), EventKind::DrillExpectation { kind, target, by_secs, .. }) => {
            kind == e.kind && *target == e.target && *by_secs == e.by_secs
        }
        _ => false,
    }
}

#[test]
fn injects_fire_in_order_at_their_game_times_and_drive_health_and_timers() {
    let mut d = drill("mongodb-cluster-failure", None);
    let t0 = d.t0();
    // Healthy at T0, without a journaled transition (UNKNOWN -> UP at start is not news).
    assert_eq!(d.health("mongodb"), Health::Up);
    d.run_to(108);
    assert_eq!(d.health("mongodb"), Health::Up, "nothing before T+2m");
    d.run_to(135);
    assert_eq!(d.health("mongodb"), Health::Down);
    d.run_to(4188);
    assert_eq!(d.health("mongodb"), Health::Down, "still down just before T+1h10m");
    d.run_to(4215);
    assert_eq!(d.health("mongodb"), Health::Up);
    assert_eq!(d.health("api"), Health::Degraded, "the API follows at T+1h15m");
    d.run_to(4 * 3600 + 30);
    assert_eq!(d.health("api"), Health::Up);

    let events = d.events();
    let injects = d.app.drill.as_ref().unwrap().scenario.file.injects.clone();
    let mut last_idx = 0;
    for inj in &injects {
        let action = inj.action();
        let (idx, ev) = events
            .iter()
            .enumerate()
            .skip(last_idx)
            .find(|(_, e)| matches(&action, &e.kind))
            .unwrap_or_else(|| panic!("no event for inject at {}: {action:?}", inj.at));
        let late = (ev.at - t0).num_milliseconds() - inj.at.0.as_millis() as i64;
        assert!((0..=12_000).contains(&late), "inject at {} fired {late} ms late", inj.at);
        last_idx = idx + 1;
    }
    // Nobody restored anything: the 4h functions breached and the expectations at 4h missed.
    let inc = d.app.inc().unwrap();
    assert!(inc.timer("checkout").unwrap().breached_at.is_some());
    assert!(inc.timer("browse").unwrap().breached_at.is_none(), "8h budget");
    let missed = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DrillExpectation { met: false, .. }))
        .count();
    assert_eq!(missed, 3, "restore-database, checkout and auth were all expected");
    assert_eq!(*d.written.lock().unwrap(), 0, "no scorecard before the end");
}

#[test]
fn scripted_operator_gets_per_function_met_and_breached() {
    let mut d = drill("mongodb-cluster-failure", None);
    d.step(5 * 60, 15 * 60); // activate-team: 10m
    d.step(16 * 60, 25 * 60);
    d.step(26 * 60, 30 * 60);
    d.step(31 * 60, 40 * 60);
    d.step(41 * 60, 72 * 60); // restore-database: done at T+1h12m
    d.run_to(90 * 60);
    d.restore(2); // cart
    d.restore(3); // checkout
    d.run_to(5 * 3600);
    d.restore(0); // auth, an hour late
    d.run_to(9 * 3600);
    d.close();
    assert_eq!(*d.written.lock().unwrap(), 1, "the scorecard is written when recovery completes");

    let card = d.scorecard();
    let state = |id: &str| card.function_outcomes.iter().find(|o| o.id == id).unwrap().state;
    assert_eq!(state("auth"), "breached");
    assert_eq!(state("cart"), "met");
    assert_eq!(state("checkout"), "met");
    // Never restored: closing does not make them met (the first version counted them so).
    for f in ["browse", "orders", "inventory", "reports"] {
        assert_eq!(state(f), "not-restored", "{f}");
    }
    assert_eq!(card.result, "failure", "{:?}", card.result_reasons);
    // Closed with four functions down: the overall RTO was not met by restoring, late or not.
    assert_eq!(card.overall.as_ref().unwrap().state, "not-restored");
    assert_eq!(
        card.function_outcomes.iter().find(|o| o.id == "checkout").unwrap().actual_secs,
        5400
    );
    let exp: Vec<(&str, &str)> =
        card.expectations.iter().map(|e| (e.target.as_str(), e.state)).collect();
    assert_eq!(exp, [("restore-database", "met"), ("checkout", "met"), ("auth", "missed")]);
    assert_eq!(card.result, "failure");
    assert_eq!(card.steps[0].spent_secs, 600);
    assert_eq!(card.steps[4].spent_secs, 31 * 60);

    let md = scorecard::markdown(&card, d.app.tz);
    for want in [
        "# 测试报告 — 演练 DRILL-20261128-060000-0000",
        "## 测试日期",
        "## 参与人员",
        "- 李四 (数据库管理员)",
        "## 测试场景",
        "**MongoDB 集群故障** (`mongodb-cluster-failure`)",
        "## 范围",
        "## 测试结果(成功/失败)",
        "**失败**",
        "## 实际RTO和RPO值",
        "| 用户认证 | 4h | 5h | 超时 |",
        "| 下单支付 | 4h | 1h30m | 达标 |",
        "| 总体RTO | 8h | 9h | 未恢复 |",
        "| 1 | 启动灾难恢复团队，指定协调员 | 完成 | 10m |",
        "| 用户认证 恢复 ≤ T+4h | 未达成预期 |",
        "## 发现的问题和缺陷\n\n________ (待填写)",
        "## 改进建议\n\n________ (待填写)",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    let json: serde_json::Value = serde_json::to_value(&card).unwrap();
    assert_eq!(json["kind"], "drill-scorecard");
    assert_eq!(json["result"], "failure");
    assert_eq!(json["function_outcomes"][3]["state"], "met");
}

#[test]
fn a_quick_recovery_succeeds_and_decides_pending_expectations_at_close() {
    let mut d = drill("mongodb-cluster-failure", None);
    for i in 0..5 {
        d.step(300 + i * 600, 600 + i * 600);
    }
    d.run_to(2 * 3600);
    for f in 0..7 {
        d.restore(f);
    }
    d.close();
    // The expectations at T+3h and T+4h were decided at the close, and journaled.
    let decided: Vec<bool> = d
        .events()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::DrillExpectation { met, .. } => Some(met),
            _ => None,
        })
        .collect();
    assert_eq!(decided, [true, true, true]);
    let card = d.scorecard();
    assert_eq!(card.result, "success", "{:?}", card.result_reasons);
    assert!(card.function_outcomes.iter().all(|o| o.state == "met"));
    // The exercise is over: the later injects do not fire and nothing is decided twice.
    let before = d.events().len();
    d.run_to(5 * 3600);
    assert_eq!(d.events().len(), before, "no inject after the close");
    d.key('N');
    assert_eq!(d.events().len(), before, "not even by hand");
    assert_eq!(*d.written.lock().unwrap(), 1, "written once");
}

#[test]
fn facilitator_keys_pause_fire_next_and_add_an_inject() {
    let mut d = drill("mongodb-cluster-failure", None);
    d.run_to(60);
    d.key('P');
    let paused_at = d.app.now();
    d.base.advance(Duration::seconds(30));
    d.app.tick();
    assert!(d.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
    assert_eq!(d.app.now(), paused_at, "the game clock stands still");
    assert!(d.screen(80, 24).lines().next().unwrap().contains("DRILL ⏸"));
    d.key('N'); // mongodb DOWN now, although T+2m has not come
    assert_eq!(d.health("mongodb"), Health::Down);
    d.key('P');
    d.base.advance(Duration::seconds(1));
    assert_eq!(d.app.now() - paused_at, Duration::seconds(120));
    d.key('I');
    for c in "供电恢复需两小时".chars() {
        d.key(c);
    }
    d.enter();
    // A cancelled ad-hoc inject does not turn the next note into one.
    d.key('I');
    d.app.on_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    assert!(d.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
    d.key('n');
    d.key('x');
    d.enter();
    let kinds: Vec<EventKind> = d.events().into_iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&EventKind::DrillClock { paused: true }));
    assert!(kinds.contains(&EventKind::DrillClock { paused: false }));
    assert!(kinds
        .contains(&EventKind::DrillMessage {
            text: "供电恢复需两小时".into(), adhoc: true
        }));
    assert!(kinds.contains(&EventKind::Note { text: "x".into() }));
    // The fired inject is not fired again at its time.
    d.run_to(200);
    let downs = d
        .events()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::HealthChanged { to: Health::Down, .. }))
        .count();
    assert_eq!(downs, 1);
}

#[test]
fn drill_screen_shows_the_badge_and_the_game_clock_in_both_languages() {
    let mut zh = drill("mongodb-cluster-failure", None);
    zh.run_to(12 * 60);
    zh.app.view.flash = None;
    let s = zh.screen(80, 24);
    insta::assert_snapshot!("drill_zh_80x24", s);
    let top = s.lines().next().unwrap();
    assert!(top.starts_with(" DRILL ×120 "), "{top}");
    assert!(top.contains("T0+00:12:00"), "{top}");
    assert!(s.contains("P 暂停  N 下一注入  I 注入"), "{s}");

    let mut en = drill("api-outage-en", Some(Lang::En));
    en.run_to(12 * 60);
    en.app.view.flash = None;
    let s = en.screen(80, 24);
    insta::assert_snapshot!("drill_en_80x24", s);
    let top = s.lines().next().unwrap();
    assert!(top.starts_with(" DRILL ×120 "), "{top}");
    assert!(top.contains("T0+00:12:00"), "{top}");
    assert!(s.contains("P pause  N next inject  I inject"), "{s}");
    en.key('?');
    // The help scrolls at 80x24; the facilitator's keys are a group of their own.
    let mut help = String::new();
    for _ in 0..12 {
        help.push_str(&en.screen(80, 24));
        en.app.on_key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::PageDown));
    }
    assert!(help.contains("drill: fire the next inject now"), "{help}");
}

/// Ticks the loop would make over `real_ms` of real time, without closing any dialog.
fn idle(d: &mut Drill, real_ms: i64) {
    for _ in 0..real_ms / TICK_MS {
        d.base.advance(Duration::milliseconds(TICK_MS));
        d.app.tick();
        assert!(d.app.settle(crate::common::scaled(std::time::Duration::from_secs(10))));
    }
}

#[test]
fn the_briefing_comes_before_the_clock_and_enter_starts_it() {
    for (name, lang) in [("mongodb-cluster-failure", Lang::Zh), ("api-outage-en", Lang::En)] {
        let mut d = drill(name, Some(lang));
        d.app.drill_briefing();
        let before = d.events().len();
        let s = d.screen(80, 24);
        insta::assert_snapshot!(format!("drill_briefing_{lang:?}_80x24"), s);
        let (first, last) = match lang {
            Lang::Zh => (["演练简报", "演练目标", "预期行动"], ["参与人员", "张三 (DR协调员)"]),
            Lang::En => (
                ["Drill briefing", "Objectives", "Expected actions"],
                ["Participants", "Zhang San"],
            ),
        };
        for w in first {
            assert!(s.contains(w), "{w}: {s}");
        }
        // The rest is reached by scrolling; nothing is cut.
        for _ in 0..40 {
            d.key('j');
        }
        let s = d.screen(80, 24);
        for w in last {
            assert!(s.contains(w), "{w}: {s}");
        }
        // Minutes of reading: the game clock stands and no inject fires.
        idle(&mut d, 60_000);
        assert!(d.game.game_elapsed() < Duration::seconds(1), "{:?}", d.game.game_elapsed());
        assert_eq!(d.events().len(), before);
        d.enter();
        assert_eq!(d.app.view.modal, None);
        idle(&mut d, 2_000);
        assert!(d.game.game_elapsed() >= Duration::seconds(200), "the clock runs once started");
    }
}

#[test]
fn f_shows_upcoming_injects_for_the_facilitator_and_journals_nothing() {
    let mut d = drill("mongodb-cluster-failure", None);
    d.run_to(60);
    d.app.view.flash = None;
    let before = d.events().len();
    let at = d.app.now();
    d.key('F');
    let s = d.screen(80, 24);
    insta::assert_snapshot!("drill_upcoming_injects_zh_80x24", s);
    assert!(s.contains("即将到来的注入(仅供主持人,不记入日志)"), "{s}");
    assert!(s.contains("T+00:02:00 (再过 00:01:00) 服务 mongodb → DOWN"), "{s}");
    assert!(s.contains("T+00:10:00"), "{s}");
    idle(&mut d, 5_000);
    assert_eq!(d.app.now(), at, "the game waits while the facilitator reads");
    assert_eq!(d.events().len(), before, "opening it journals nothing");
    d.key('F');
    assert_eq!(d.app.view.modal, None);
    idle(&mut d, 1_000);
    assert!(d.app.now() > at);
}

#[test]
fn a_decision_is_shown_whole_and_dialogs_pause_only_when_the_scenario_says_so() {
    let mut d = drill("mongodb-cluster-failure", None);
    d.run_to(9 * 60 + 20);
    // The loop's own ticks, until the T+10m decision opens.
    let deadline = Duration::seconds(11 * 60);
    while d.app.view.modal.is_none() && d.game.game_elapsed() < deadline {
        idle(&mut d, TICK_MS);
    }
    let prompt = "是否等待 Atlas 自动故障转移,还是立即从备份恢复到新集群?";
    match &d.app.view.modal {
        Some(Modal::Drill(sheet)) => assert_eq!(sheet.kind, SheetKind::Decision),
        other => panic!("expected the decision, got {other:?}"),
    }
    let s = d.screen(80, 24);
    let flat: String = s.lines().map(|l| l.replace(['│', ' ', '·'], "")).collect();
    assert!(flat.contains(&prompt.replace(' ', "")), "the whole prompt: {s}");
    assert!(s.contains("2. 立即从每日备份恢复到新 M10 集群"), "{s}");
    let at = d.app.now();
    idle(&mut d, 3_000);
    assert_eq!(d.app.now(), at, "the game waits while the players discuss");
    d.enter();
    idle(&mut d, 1_000);
    assert!(d.app.now() > at);

    // With `pause-on-dialog = false` a note being typed does not stop the game.
    d.app.drill.as_mut().unwrap().scenario.file.scenario.pause_on_dialog = false;
    d.key('n');
    let at = d.app.now();
    idle(&mut d, 1_000);
    assert!(d.app.now() > at, "the clock runs on under the dialog");
    d.app.drill.as_mut().unwrap().scenario.file.scenario.pause_on_dialog = true;
    d.key('x');
    let at = d.app.now();
    idle(&mut d, 1_000);
    assert_eq!(d.app.now(), at, "and stands again when the scenario says so");
}

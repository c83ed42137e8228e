//! No input makes the arithmetic panic: runbooks with any durations the loader accepts (up to
//! its 10-year limit), any T0 the form or `--began-at` accepts, go through load → declare →
//! a day of ticks → screen → record and report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use drconsole::incident::clock::{Clock, FakeClock};
use drconsole::incident::decide::{declaration, Command, DeclareRequest};
use drconsole::incident::session::IncidentSession;
use drconsole::incident::sink::MemorySink;
use drconsole::incident::{Actor, Stamper};
use proptest::prelude::*;

/// The durations that enter date arithmetic (probe timings only pace the probes).
const DURATION_KEYS: &[&str] = &["max-downtime", "rpo", "rto", "update-every"];

fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u64..1000, prop_oneof![Just("s"), Just("m"), Just("h"), Just("d")])
            .prop_map(|(n, u)| format!("{n}{u}")),
        (1u64..=10).prop_map(|n| format!("{n}y")),
        (1u64..=3653).prop_map(|n| format!("{n}d")),
        Just("100000000y".to_string()),
        Just("1ns".to_string()),
        any::<u64>().prop_map(|n| format!("{n}s")),
    ]
}

fn t0() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("now".to_string()),
        (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
        (1i32..=9999, 1u32..=12, 1u32..=28)
            .prop_map(|(y, mo, d)| format!("{y:04}-{mo:02}-{d:02} 00:00")),
    ]
}

/// The built-in runbook with every duration replaced, in order, by the next of `durs`.
fn with_durations(durs: &[String]) -> String {
    let text = include_str!("../../runbooks/shopping-system.toml");
    let mut n = 0;
    let mut out = String::new();
    for line in text.lines() {
        let key = line.split(" = ").next().unwrap_or("");
        if DURATION_KEYS.contains(&key) && line.contains(" = \"") {
            out.push_str(&format!("{key} = \"{}\"", durs[n % durs.len()]));
            n += 1;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Whether it got all the way to a record (the loader or the rules may refuse first).
fn exercise(text: &str, t0: &str, level_pick: usize, ticks: &[u32]) -> bool {
    let Ok(loaded) = drconsole::runbook::load::from_text("fuzz.toml", text) else { return false };
    let loaded = Arc::new(loaded);
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
    let levels: Vec<u8> = loaded.runbook.levels.iter().map(|l| l.level).collect();
    let req = DeclareRequest {
        disaster_type: loaded.runbook.disaster_types[0].id.clone(),
        level: levels[level_pick % levels.len()],
        functions: loaded.runbook.functions.iter().take(2).map(|f| f.id.clone()).collect(),
        reporter: "ops".into(),
        coordinator: None,
        team: None,
        t0: t0.to_string(),
        force: true,
        confirmed: true,
        drill: None,
    };
    let Ok(decl) = declaration(&loaded, &req, now) else { return false };
    let clock = FakeClock::at(now);
    let stamper = Stamper { clock: Arc::new(clock.clone()), actor: Actor::default() };
    let sink = Box::new(MemorySink::default());
    let mut s = IncidentSession::declare(loaded.clone(), sink, stamper, decl).unwrap();
    // A day of game time, in the steps given, then anything left up to 24 h.
    let mut spent = 0i64;
    for t in ticks {
        clock.advance(Duration::seconds(i64::from(*t)));
        spent += i64::from(*t);
        let _ = s.submit(Command::Tick);
    }
    clock.advance(Duration::seconds((86_400 - spent).max(0)));
    let _ = s.submit(Command::Tick);
    let step = s.incident().steps[0].key.clone();
    let _ = s.submit(Command::CompleteStep { step });
    let _ = s.submit(Command::Tick);
    let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let facts = drconsole::record::collect(s.incident(), &loaded.runbook, clock.now(), tz, None);
    let (md, json) = drconsole::record::record(&facts, &loaded.runbook, tz);
    assert!(!md.is_empty() && !json.is_empty());
    let _ = drconsole::record::report::markdown(&facts, &loaded.runbook, tz);
    // The screen too: every countdown is drawn from the same arithmetic.
    let theme = drconsole::theme::Theme::builtin("dark").unwrap();
    let view = drconsole::ui::view::ViewState::new(Vec::new());
    let ctx = drconsole::ui::Ctx {
        rb: &loaded.runbook,
        inc: Some(s.incident()),
        view: &view,
        theme: &theme,
        lang: loaded.runbook.plan.language,
        now: clock.now(),
        tz,
    };
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    term.draw(|f| drconsole::ui::draw(f, &ctx)).unwrap();
    true
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_duration_or_t0_makes_declare_tick_record_panic(
        durs in proptest::collection::vec(duration(), 1..19),
        t0 in t0(),
        level in 0usize..3,
        ticks in proptest::collection::vec(0u32..7200, 0..24),
    ) {
        let _ = exercise(&with_durations(&durs), &t0, level, &ticks);
    }
}

/// The extremes, every time: the longest durations the loader takes and the oldest T0.
#[test]
fn the_longest_durations_and_the_oldest_t0_do_not_panic() {
    for d in ["3653d", "10y", "1s"] {
        for t0 in ["0001-01-01 00:00", "now", "23:59"] {
            assert!(
                exercise(&with_durations(&[d.to_string()]), t0, 2, &[1, 3600, 7200]),
                "{d} {t0} did not get as far as the record"
            );
        }
    }
}

//! Criterion benches: drawing the main screen, loading the runbook, writing the record and the
//! report. Run with `cargo bench --bench console`; `scripts/bench` collects the figures into
//! BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::App;
use drconsole::incident::clock::FakeClock;
use drconsole::incident::sink::{EventSink, MemorySink};
use drconsole::incident::{Actor, EventKind};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn actor() -> Actor {
    Actor {
        user: "ops".into(),
        name: None,
        ssh_client: None,
        host: "jump1".into(),
        tty: Some("/dev/pts/3".into()),
        pid: 4242,
    }
}

/// The built-in runbook, a level-3 incident declared with the form's defaults, and `n` more
/// events on its timeline (notes, step progress and health changes), on a fake clock.
fn app_with_events(n: usize) -> (App, FakeClock) {
    let loaded = drconsole::runbook::load::builtin().expect("builtin runbook");
    let lang = loaded.runbook.plan.language;
    let clock = FakeClock::at(Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap());
    let sink = MemorySink::default();
    let factory = Box::new(move |_: &drconsole::incident::Declaration| {
        Ok(Box::new(sink.clone()) as Box<dyn EventSink>)
    });
    let theme = drconsole::theme::Theme::builtin("dark").expect("dark theme");
    let mut app =
        App::new(Arc::new(loaded), lang, theme, Arc::new(clock.clone()), actor(), factory);
    app.tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(app.settle(std::time::Duration::from_secs(10)));
    let inc = app.inc().expect("declared");
    assert_eq!(inc.decl.level, 3, "the form's default level is 3");
    let steps: Vec<String> = inc.steps.iter().map(|s| s.key.clone()).collect();
    let services: Vec<String> = app.view.health.iter().map(|r| r.id.clone()).collect();
    let mut added = inc.events.len();
    let mut i = 0usize;
    let mut down: std::collections::BTreeSet<String> = Default::default();
    while added < n + 2 {
        clock.advance(chrono::Duration::seconds(7));
        use drconsole::incident::decide::Command;
        // Operator actions go in as commands (decided as in the console), health as a record.
        let cmd = match i % 4 {
            0 => Command::Note { text: format!("note {i}: checked the replica set and the logs") },
            // A step already started is refused and adds nothing, as in the console.
            1 => Command::StartStep { step: steps[i / 4 % steps.len()].clone() },
            2 => {
                use drconsole::probe::Health::{Down, Up};
                // Alternating per service: a change to the state already journaled is none.
                let service = services[i % services.len()].clone();
                let (from, to) = if down.remove(&service) { (Down, Up) } else { (Up, Down) };
                if to == Down {
                    down.insert(service.clone());
                }
                let detail = "connection refused".into();
                Command::Record(EventKind::HealthChanged { service, from, to, detail })
            }
            _ => Command::Note { text: "called the DBA on duty; restoring from last night".into() },
        };
        assert!(app.submit(cmd));
        assert!(app.settle(std::time::Duration::from_secs(10)));
        added = app.inc().unwrap().events.len();
        i += 1;
    }
    (app, clock)
}

fn render(c: &mut Criterion) {
    let (app, _clock) = app_with_events(500);
    let events = app.inc().unwrap().events.len();
    let mut g = c.benchmark_group("render");
    for (w, h) in [(80u16, 24u16), (160, 48), (250, 70)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        g.bench_function(format!("{w}x{h}"), |b| {
            b.iter(|| {
                term.draw(|f| app.render(f)).unwrap();
                black_box(term.backend().buffer().area);
            })
        });
    }
    g.finish();
    eprintln!("render: {events} events on the timeline");
}

fn runbook(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.toml");
    let en = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");
    let mut g = c.benchmark_group("runbook");
    g.bench_function("load_validate_zh", |b| {
        b.iter(|| drconsole::runbook::load(Some(std::path::Path::new(path))).expect("loads"))
    });
    g.bench_function("load_validate_en", |b| {
        b.iter(|| drconsole::runbook::load(Some(std::path::Path::new(en))).expect("loads"))
    });
    g.finish();
}

fn records(c: &mut Criterion) {
    let (app, clock) = app_with_events(10_000);
    let inc = app.inc().unwrap();
    let rb = &app.loaded.runbook;
    let now = drconsole::incident::clock::Clock::now(&clock);
    let mut g = c.benchmark_group("record");
    g.sample_size(20);
    g.bench_function("record_10000_events", |b| {
        b.iter(|| {
            let facts = drconsole::record::collect(inc, rb, now, app.tz, Some("0".repeat(64)));
            black_box(drconsole::record::record(&facts, rb, app.tz))
        })
    });
    g.bench_function("report_10000_events", |b| {
        b.iter(|| {
            // As `drconsole report` does: the facts without the timeline's rows.
            let facts = drconsole::record::summary(inc, rb, now, app.tz, Some("0".repeat(64)));
            black_box(drconsole::record::report::markdown(&facts, rb, app.tz))
        })
    });
    g.bench_function("replay_10000_events", |b| {
        b.iter(|| black_box(drconsole::incident::Incident::replay(rb, &inc.events)))
    });
    g.finish();
}

/// The 10,000 events of [`app_with_events`] written to a journal file through `Journal::append`
/// (the same canonical lines the console writes), in a temporary folder.
fn journal_of(inc: &drconsole::incident::Incident) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.drj");
    let mut j = drconsole::journal::Journal::create(&path).unwrap();
    for ev in &inc.events {
        j.append(serde_json::to_value(&**ev).unwrap()).unwrap();
    }
    (dir, path)
}

/// Reading a 10,000-event journal: the whole read (checksums, hash chain, decoding every
/// payload into an event), and its parts.
fn journal_read(c: &mut Criterion) {
    let (app, _clock) = app_with_events(10_000);
    let inc = app.inc().unwrap();
    let (_dir, path) = journal_of(inc);
    let bytes = std::fs::metadata(&path).unwrap().len();
    eprintln!("journal_read: {} events, {bytes} bytes", inc.events.len());
    let mut payloads = Vec::new();
    drconsole::journal::read_each(&path, |f| payloads.push((f.seq, f.payload.to_string())))
        .unwrap();
    let mut g = c.benchmark_group("journal_read");
    g.sample_size(20);
    g.bench_function("read_decode_10000_events", |b| {
        b.iter(|| black_box(drconsole::store::read_journal(&path).unwrap()))
    });
    g.bench_function("read_verify_10000_lines", |b| {
        b.iter(|| {
            black_box(
                drconsole::journal::read_each(&path, |f| {
                    black_box(f.seq);
                })
                .unwrap(),
            )
        })
    });
    g.bench_function("decode_10000_payloads", |b| {
        b.iter(|| {
            for (seq, p) in &payloads {
                black_box(drconsole::incident::decode::decode(*seq, p, None));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, render, runbook, records, journal_read);
criterion_main!(benches);

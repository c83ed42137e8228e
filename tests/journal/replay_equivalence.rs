//! The invariant the whole console rests on: what a session holds is exactly what a replay of
//! its journal gives, after every command, while a second writer appends to the same journal;
//! and every event reads back from its journal line byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use drconsole::incident::clock::{Clock, FakeClock};
use drconsole::incident::decide::{declaration, Command, DeclareRequest};
use drconsole::incident::session::IncidentSession;
use drconsole::incident::sink::EventSink;
use drconsole::incident::{Actor, Event, EventKind, Incident, Stamper};
use drconsole::journal::Journal;
use drconsole::probe::Health;
use drconsole::runbook::Loaded;
use drconsole::store::{JournalSink, Store};
use proptest::prelude::*;

fn actor(user: &str, pid: u32) -> Actor {
    Actor { user: user.into(), name: None, ssh_client: None, host: "jump1".into(), tty: None, pid }
}

#[derive(Debug, Clone)]
enum Op {
    Start(usize),
    Done(usize),
    Skip(usize, String),
    Fail(usize, String),
    /// Fail the step whose failure brings in the adjust procedure (the system test).
    FailTest(String),
    Restore(usize),
    /// Minutes before (positive) or after (negative) T0.
    Backup(i64),
    Note(String),
    /// Seconds the clock moves, then a tick.
    Tick(u32),
    Health(usize, u8),
    Notified(String),
    CommsSent(String),
    /// The second writer (another process) appends a note.
    ForeignNote(String),
    /// The second writer starts or finishes a step, with no regard for the rules.
    ForeignStep(usize, bool),
    /// The console's once-a-second look for other writers' entries.
    Poll,
    Reopen(usize, String),
    Unrestore(usize, String),
    /// Minutes before now.
    CorrectT0(u32),
    Level(u8),
    /// A bit set over the runbook's functions.
    Functions(u8),
    Undo,
    Withdraw(String),
    /// Tick (or untick) item j of the incident's checklist i.
    TickItem(usize, usize, bool),
    /// Override the wait of a step (refused on a step without one).
    OverrideWait(usize, String),
    /// The second writer overrides a step's wait, with no regard for the rules.
    ForeignWait(usize, String),
    /// Choose alternative `.1` of the `.0`th step that offers some (SaaS runbook).
    Choose(usize, usize),
    /// Give the `.0`th command placeholder a value (SaaS runbook).
    Fill(usize, String),
}

fn text() -> impl Strategy<Value = String> {
    // Any Unicode, including controls, bidi overrides and emoji; sometimes empty.
    prop_oneof![any::<String>(), "[a-z 主库已切换]{0,12}", Just(String::new())]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..40usize).prop_map(Op::Start),
        (0..80usize).prop_map(Op::Done),
        (0..40usize, text()).prop_map(|(i, t)| Op::Skip(i, t)),
        (0..40usize, text()).prop_map(|(i, t)| Op::Fail(i, t)),
        text().prop_map(Op::FailTest),
        (0..8usize).prop_map(Op::Restore),
        (-90i64..600).prop_map(Op::Backup),
        text().prop_map(Op::Note),
        prop_oneof![0..120u32, 0..20_000u32].prop_map(Op::Tick),
        (0..6usize, 0..3u8).prop_map(|(i, s)| Op::Health(i, s)),
        text().prop_map(Op::Notified),
        text().prop_map(Op::CommsSent),
        text().prop_map(Op::ForeignNote),
        (0..40usize, any::<bool>()).prop_map(|(i, d)| Op::ForeignStep(i, d)),
        Just(Op::Poll),
        (0..40usize, text()).prop_map(|(i, t)| Op::Reopen(i, t)),
        (0..8usize, text()).prop_map(|(i, t)| Op::Unrestore(i, t)),
        (0..1500u32).prop_map(Op::CorrectT0),
        (1..4u8).prop_map(Op::Level),
        any::<u8>().prop_map(Op::Functions),
        Just(Op::Undo),
        prop_oneof![9 => Just(String::new()), 1 => text()].prop_map(Op::Withdraw),
        (0..4usize, 0..12usize, any::<bool>()).prop_map(|(i, j, t)| Op::TickItem(i, j, t)),
        (0..40usize, text()).prop_map(|(i, t)| Op::OverrideWait(i, t)),
        (0..40usize, text()).prop_map(|(i, t)| Op::ForeignWait(i, t)),
    ]
}

struct World {
    _tmp: tempfile::TempDir,
    path: PathBuf,
    loaded: Arc<Loaded>,
    clock: FakeClock,
    session: IncidentSession,
    other: JournalSink,
    other_stamper: Stamper,
}

fn world() -> World {
    let loaded = drconsole::runbook::load::builtin().unwrap();
    let dtype = loaded.runbook.disaster_types[0].id.clone();
    world_of(loaded, &dtype, 3)
}

fn world_of(loaded: Loaded, disaster_type: &str, level: u8) -> World {
    let tmp = tempfile::tempdir().unwrap();
    let loaded = Arc::new(loaded);
    let t = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
    let clock = FakeClock::at(t);
    let req = DeclareRequest {
        disaster_type: disaster_type.to_string(),
        level,
        functions: vec![],
        reporter: "值班员".into(),
        coordinator: None,
        team: None,
        t0: "now".into(),
        force: false,
        confirmed: false,
        drill: None,
    };
    let decl = declaration(&loaded, &req, t).unwrap();
    let store = Store::new(tmp.path().to_path_buf());
    let (sink, dir) = store.create(&decl, &loaded).unwrap();
    let stamper = Stamper { clock: Arc::new(clock.clone()), actor: actor("ic", 100) };
    let session = IncidentSession::declare(loaded.clone(), Box::new(sink), stamper, decl).unwrap();
    let path = Store::journal_path(&dir).unwrap();
    let other = JournalSink::new(Journal::open(&path).unwrap().journal);
    let other_stamper = Stamper { clock: Arc::new(clock.clone()), actor: actor("scribe", 200) };
    World { _tmp: tmp, path, loaded, clock, session, other, other_stamper }
}

impl World {
    fn step_key(&self, i: usize) -> String {
        let steps = &self.session.incident().steps;
        steps[i % steps.len()].key.clone()
    }

    fn foreign(&mut self, kind: EventKind) {
        let ev = self.other_stamper.stamp(kind);
        self.other.transact(&mut |_| Ok(vec![ev.clone()])).unwrap();
    }

    fn run(&mut self, op: Op) {
        let inc = self.session.incident();
        let cmd = match op {
            Op::Start(i) => Command::StartStep { step: self.step_key(i) },
            // Half the time the operator has answered the question (never started, closing).
            Op::Done(i) if i % 2 == 0 => {
                Command::Confirmed(Box::new(Command::CompleteStep { step: self.step_key(i / 2) }))
            }
            Op::Done(i) => Command::CompleteStep { step: self.step_key(i / 2) },
            Op::Skip(i, reason) => Command::SkipStep { step: self.step_key(i), reason },
            Op::Fail(i, reason) => Command::FailStep { step: self.step_key(i), reason },
            Op::FailTest(reason) => {
                let rb = &self.loaded.runbook;
                let Some(s) = inc
                    .steps
                    .iter()
                    .find(|s| rb.step(&s.id).is_some_and(|t| t.step.on_fail.is_some()))
                else {
                    return;
                };
                Command::FailStep { step: s.key.clone(), reason }
            }
            Op::Restore(i) => {
                if inc.timers.is_empty() {
                    return;
                }
                Command::RestoreFunction { function: inc.timers[i % inc.timers.len()].id.clone() }
            }
            Op::Backup(min) => Command::BackupPoint {
                backup_at: inc.decl.t0 - Duration::minutes(min),
                source: "operator".into(),
            },
            Op::Note(text) => Command::Note { text },
            Op::Tick(secs) => {
                self.clock.advance(Duration::seconds(i64::from(secs)));
                Command::Tick
            }
            Op::Health(i, s) => {
                let services = &self.loaded.runbook.services;
                let service = services[i % services.len()].id.clone();
                let to = [Health::Up, Health::Down, Health::Degraded][usize::from(s) % 3];
                Command::Record(EventKind::HealthChanged {
                    service,
                    from: Health::Unknown,
                    to,
                    detail: "probe".into(),
                })
            }
            Op::Notified(who) => Command::Record(EventKind::NotificationSent {
                stage: "initial".into(),
                audience: "team".into(),
                channel: "phone".into(),
                notified: who,
                note: String::new(),
            }),
            Op::CommsSent(text) => Command::Record(EventKind::CommsSent {
                template: "outage".into(),
                channel: "status page".into(),
                text,
            }),
            Op::ForeignNote(text) => {
                self.foreign(EventKind::Note { text });
                return;
            }
            Op::Poll => {
                self.session.poll();
                return;
            }
            Op::Reopen(i, reason) => Command::ReopenStep { step: self.step_key(i), reason },
            Op::Unrestore(i, reason) => {
                if inc.timers.is_empty() {
                    return;
                }
                let function = inc.timers[i % inc.timers.len()].id.clone();
                Command::UnrestoreFunction { function, reason }
            }
            Op::CorrectT0(min) => {
                let t0 = (self.clock.now() - Duration::minutes(i64::from(min))).to_rfc3339();
                Command::CorrectT0 { t0, reason: "pager said earlier".into() }
            }
            Op::Level(level) => Command::ChangeLevel { level, reason: "grew".into() },
            Op::Functions(bits) => {
                let functions = self
                    .loaded
                    .runbook
                    .functions
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << (i % 8)) != 0)
                    .map(|(_, f)| f.id.clone())
                    .collect();
                Command::ChangeFunctions { functions, reason: "scope".into() }
            }
            Op::Undo => Command::Undo { host: "jump1".into(), pid: 100 },
            Op::Withdraw(reason) => Command::Withdraw { reason },
            Op::TickItem(i, item, ticked) => {
                let lists = inc.checklists(&self.loaded.runbook);
                if lists.is_empty() {
                    return;
                }
                let cl = lists[i % lists.len()];
                Command::TickChecklist {
                    checklist: cl.id.clone(),
                    item: item % (cl.items.len() + 1),
                    ticked,
                }
            }
            Op::OverrideWait(i, reason) => Command::OverrideWait { step: self.step_key(i), reason },
            Op::ForeignWait(i, reason) => {
                let step = self.step_key(i);
                self.foreign(EventKind::WaitOverridden { step, reason });
                return;
            }
            Op::Choose(i, a) => {
                let rb = &self.loaded.runbook;
                let steps: Vec<_> = rb
                    .procedures
                    .iter()
                    .flat_map(|p| &p.steps)
                    .filter(|s| !s.alternatives.is_empty())
                    .collect();
                let step = steps[i % steps.len()];
                let alternative = step.alternatives[a % step.alternatives.len()].id.clone();
                Command::ChooseAlternative { step: step.id.clone(), alternative }
            }
            Op::Fill(i, value) => {
                let ps = &self.loaded.runbook.placeholders;
                Command::FillPlaceholder { placeholder: ps[i % ps.len()].id.clone(), value }
            }
            Op::ForeignStep(i, done) => {
                let step = self.step_key(i);
                let kind = if done {
                    EventKind::StepDone { step }
                } else {
                    EventKind::StepStarted { step }
                };
                self.foreign(kind);
                return;
            }
        };
        // A refusal is a legitimate outcome; what matters is that state and journal agree.
        let _ = self.session.submit(cmd);
    }

    /// The session holds exactly the replay of the part of the journal it has seen (another
    /// writer's later entries come in with its next poll or append).
    fn check(&mut self) {
        let (events, warnings) = drconsole::store::read_events(&self.path).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let seen = self.session.incident().events.len();
        assert!(seen <= events.len());
        let replayed = Incident::replay(&self.loaded.runbook, &events[..seen]).unwrap();
        assert_eq!(&replayed, self.session.incident(), "replay(journal) != live state");
        lines_round_trip(&self.path, &events);
    }

    /// After a poll the session has seen all of it.
    fn check_all(&mut self) {
        self.session.poll();
        self.check();
        let (events, _) = drconsole::store::read_events(&self.path).unwrap();
        assert_eq!(self.session.incident().events.len(), events.len());
    }
}

/// Each event, serialized again, gives exactly the payload bytes of its journal line.
fn lines_round_trip(path: &Path, events: &[Event]) {
    let bytes = std::fs::read(path).unwrap();
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), events.len());
    for (line, ev) in lines.iter().zip(events) {
        let json = &line[line.iter().position(|b| *b == b'{').unwrap()..];
        let marker = b",\"payload\":";
        let at = json.windows(marker.len()).position(|w| w == marker).unwrap();
        let payload = &json[at + marker.len()..json.len() - 1];
        let again = drconsole::journal::canonical_json(&serde_json::to_value(ev).unwrap());
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(payload),
            "event does not round-trip through its line"
        );
    }
}

/// Steps, choices of alternatives and placeholder values (good, bad, secret) on the SaaS
/// runbook, with a second writer.
fn saas_op() -> impl Strategy<Value = Op> {
    let value = prop_oneof![
        Just("db-1.acme:27017".to_string()),
        Just("ws-0123abcd".to_string()),
        Just("acme-20261128T0500Z.archive.gz".to_string()),
        Just("s3cr3t-s3cr3t-s3cr3t-s3cr3t".to_string()),
        text(),
    ];
    prop_oneof![
        (0..4usize, 0..3usize).prop_map(|(i, a)| Op::Choose(i, a)),
        (0..4usize, value).prop_map(|(i, v)| Op::Fill(i, v)),
        (0..10usize).prop_map(Op::Start),
        (0..20usize).prop_map(Op::Done),
        text().prop_map(Op::ForeignNote),
        Just(Op::Poll),
        prop_oneof![9 => Just(String::new()), 1 => text()].prop_map(Op::Withdraw),
    ]
}

fn saas_world() -> World {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/examples/saas.toml");
    let loaded = drconsole::runbook::load(Some(&path)).unwrap();
    world_of(loaded, "regional-db-failover", 0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn choices_and_placeholder_values_replay_identically(
        ops in proptest::collection::vec(saas_op(), 1..40)
    ) {
        let mut w = saas_world();
        w.check();
        for op in ops {
            w.run(op);
            w.check();
        }
        w.check_all();
        // A secret value is never in the journal.
        let bytes = std::fs::read(&w.path).unwrap();
        prop_assert!(!String::from_utf8_lossy(&bytes).contains("s3cr3t-s3cr3t"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn live_state_equals_the_replay_of_the_journal_with_a_second_writer(
        ops in proptest::collection::vec(op(), 1..60)
    ) {
        let mut w = world();
        w.check();
        for op in ops {
            w.run(op);
            w.check();
        }
        w.check_all();
    }
}

/// The quiet divergence of the first version: entries another writer appended are applied
/// before the session's own, as the journal holds them.
#[test]
fn foreign_entries_caught_up_during_an_append_come_first() {
    let mut w = world();
    let step = w.step_key(0);
    w.foreign(EventKind::StepStarted { step: step.clone() });
    w.foreign(EventKind::Note { text: "from the scribe".into() });
    let written = w.session.submit(Command::CompleteStep { step: step.clone() }).unwrap();
    assert_eq!(written.len(), 1);
    let evs = &w.session.incident().events;
    let n = evs.len();
    assert!(matches!(evs[n - 3].kind, EventKind::StepStarted { .. }));
    assert!(matches!(evs[n - 2].kind, EventKind::Note { .. }));
    assert!(matches!(evs[n - 1].kind, EventKind::StepDone { .. }));
    w.check_all();
}

/// Two consoles pressing `d` on one step at once: the second decides on the caught-up state
/// and is refused, so the journal holds one `step-done`.
#[test]
fn two_writers_completing_one_step_record_it_once() {
    let mut w = world();
    let step = w.step_key(0);
    w.session.submit(Command::StartStep { step: step.clone() }).unwrap();
    let path = w.path.clone();
    let stamper = Stamper { clock: Arc::new(w.clock.clone()), actor: actor("second-ic", 300) };
    let (events, _) = drconsole::store::read_events(&path).unwrap();
    let second_sink = JournalSink::new(Journal::open(&path).unwrap().journal);
    let mut second =
        IncidentSession::resume(w.loaded.clone(), Box::new(second_sink), stamper, events).unwrap();
    second.submit(Command::CompleteStep { step: step.clone() }).unwrap();
    let refused = w.session.submit(Command::CompleteStep { step: step.clone() });
    assert!(
        matches!(
            refused,
            Err(drconsole::incident::sink::SubmitError::Refused(
                drconsole::incident::decide::Refusal::StepFinished
            ))
        ),
        "{refused:?}"
    );
    let (events, _) = drconsole::store::read_events(&path).unwrap();
    let dones = events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::StepDone { step: s } if *s == step))
        .count();
    assert_eq!(dones, 1);
    w.check_all();
}

//! A drill running inside the console: the scenario's injects fire in order at their game
//! times, on every tick. Service injects go through `App::on_probe` as synthesized probe
//! updates, so the health pane, roll-ups and `HealthChanged` events work as in a real incident;
//! everything else is an event through `App::emit`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::clock::GameClock;
use super::scenario::{Expectation, LoadedScenario};
use crate::incident::{EventKind, Incident, StepStatus};
use crate::probe::Health;

/// What the scorecard is written from: the incident as it is durable, the drill, and the time
/// and zone it is scored at.
pub struct ScoreInput<'a> {
    pub inc: &'a Incident,
    pub session: &'a Session,
    pub now: DateTime<Utc>,
    pub tz: chrono::FixedOffset,
}

/// Writes the scorecard when the recovery is declared complete; returns the files written.
/// The command layer gives it (it knows the data folder); the console calls it.
pub type ScorecardWriter = Box<dyn FnMut(ScoreInput) -> Result<Vec<PathBuf>, String> + Send>;

pub struct Session {
    pub scenario: LoadedScenario,
    /// Name shown and recorded (`mongodb-cluster-failure`, or the file path).
    pub name: String,
    pub speed: f64,
    /// The game clock, when the console runs on one (tests may drive a plain fake clock).
    pub clock: Option<Arc<GameClock>>,
    /// Index of the next inject to fire.
    pub next: usize,
    /// The next text typed in the input dialog is an ad-hoc inject, not a note.
    pub closed_handled: bool,
    pub writer: Option<ScorecardWriter>,
    /// Files the scorecard went to, for the exit message.
    pub written: Vec<PathBuf>,
    /// The facilitator's pause and the decisions waiting to be shown.
    pub dialogs: super::facilitator::Dialogs,
}

impl Session {
    pub fn new(scenario: LoadedScenario, name: &str, speed: f64) -> Session {
        Session {
            scenario,
            name: name.to_string(),
            speed,
            clock: None,
            next: 0,
            closed_handled: false,
            writer: None,
            written: Vec::new(),
            dialogs: Default::default(),
        }
    }

    pub fn paused(&self) -> bool {
        self.clock.as_ref().is_some_and(|c| c.paused())
    }
}

/// Whether an expectation holds in the incident as it stands.
pub fn holds(inc: &Incident, health_of: impl Fn(&str) -> Option<Health>, e: &Expectation) -> bool {
    let deadline = crate::incident::timers::after_secs(inc.decl.t0, e.by_secs);
    match e.kind {
        "function" => inc
            .timer(&e.target)
            .and_then(|t| t.restored_at.or(inc.closed_at))
            .or(inc.closed_at)
            .is_some_and(|at| at <= deadline),
        "step" => inc.steps.iter().any(|s| {
            s.id == e.target
                && s.adjust_for.is_none()
                && s.status == StepStatus::Done
                && s.finished_at.is_some_and(|at| at <= deadline)
        }),
        _ => health_of(&e.target) == e.state,
    }
}

pub fn expectation_event(e: &Expectation, met: bool) -> EventKind {
    EventKind::DrillExpectation {
        kind: e.kind.to_string(),
        target: e.target.clone(),
        state: e.state,
        by_secs: e.by_secs,
        met,
    }
}

//! A drill running inside the console: the scenario's injects fire in order at their game
//! times, on every tick. Service injects go through `App::on_probe` as synthesized probe
//! updates, so the health pane, roll-ups and `HealthChanged` events work as in a real incident;
//! everything else is an event through `App::emit`.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::clock::GameClock;
use super::scenario::{Action, Expectation, LoadedScenario};
use crate::app::App;
use crate::incident::{EventKind, Incident, StepStatus};
use crate::probe::{Health, ProbeUpdate, ServiceStatus, Transition};

/// Writes the scorecard when the recovery is declared complete; returns the files written.
pub type ScorecardWriter = Box<dyn FnMut(&App) -> Result<Vec<PathBuf>, String> + Send>;

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

impl App {
    pub fn is_drilling(&self) -> bool {
        self.drill.is_some()
    }

    /// Start the drill after the declaration: the shop is healthy until the scenario says
    /// otherwise. UNKNOWN to UP is not journaled (see `on_probe`), so this adds no events.
    pub fn drill_start(&mut self) {
        let now = self.now();
        let ids: Vec<String> = self.loaded.runbook.services.iter().map(|s| s.id.clone()).collect();
        let detail = crate::i18n::messages(self.lang).drill_healthy_at_t0;
        for id in ids {
            self.drill_service(&id, Health::Up, detail.to_string(), now);
        }
        self.drill_tick();
    }

    /// Fire every inject whose game time has come; handle the end of the recovery.
    pub fn drill_tick(&mut self) {
        self.drill_sync_pause();
        // Nothing happens before the facilitator starts the exercise.
        if self.drill_briefing_open() {
            return;
        }
        let now = self.now();
        let Some(inc) = self.inc() else { return };
        // Recovery declared complete ends the exercise: no inject fires after it.
        if inc.closed_at.is_some() {
            self.drill_check_closed();
            return;
        }
        let t0 = inc.decl.t0;
        loop {
            let Some(s) = self.drill.as_ref() else { return };
            let Some(inj) = s.scenario.file.injects.get(s.next) else { break };
            let due = crate::incident::timers::after(t0, inj.at.0);
            if due > now {
                break;
            }
            self.drill_fire_next();
        }
    }

    /// Fire the next inject now, whatever its game time. Not after the recovery is complete.
    pub fn drill_fire_next(&mut self) -> bool {
        let now = self.now();
        if self.inc().is_none_or(|i| i.closed_at.is_some()) {
            return false;
        }
        let Some(s) = self.drill.as_mut() else { return false };
        let Some(inj) = s.scenario.file.injects.get(s.next) else { return false };
        let action = inj.action();
        s.next += 1;
        match action {
            Action::Service { service, state, detail } => {
                self.drill_service(&service, state, detail, now);
            }
            Action::Message(text) => {
                if self.emit(EventKind::DrillMessage { text: text.clone(), adhoc: false }) {
                    self.view.flash(text, false, now);
                }
            }
            Action::Decision { prompt, options } => {
                let shown = format!("{prompt} [{}]", options.join(" / "));
                if self.emit(EventKind::DrillDecision {
                    prompt: prompt.clone(),
                    options: options.clone(),
                }) {
                    self.view.flash(shown, false, now);
                    self.drill_show_decision(&prompt, &options);
                }
            }
            Action::Expect(e) => {
                let met = self.drill_holds(&e);
                self.emit(expectation_event(&e, met));
            }
        }
        true
    }

    fn drill_holds(&self, e: &Expectation) -> bool {
        let Some(inc) = self.inc() else { return false };
        let health = |id: &str| self.view.health.iter().find(|r| r.id == id).map(|r| r.state);
        holds(inc, health, e)
    }

    /// A synthesized probe result: the same path a real probe's result takes.
    fn drill_service(&mut self, id: &str, to: Health, detail: String, now: DateTime<Utc>) {
        let prev = self.statuses.iter().find(|s| s.id == id).cloned();
        let from = prev.as_ref().map(|p| p.state).unwrap_or(Health::Unknown);
        let mut status = prev.unwrap_or_else(|| ServiceStatus::unknown(id));
        status.state = to;
        status.latency = (to != Health::Down).then(|| std::time::Duration::from_millis(5));
        status.detail = detail.clone();
        status.checked_at = Some(now);
        let transition = (from != to).then(|| {
            status.changed_at = Some(now);
            Transition { service: id.to_string(), from, to, at: now, detail }
        });
        status.history.push_back((to != Health::Down).then_some(5));
        while status.history.len() > crate::probe::HISTORY_LEN {
            status.history.pop_front();
        }
        self.on_probe(ProbeUpdate { status, transition });
    }

    /// When the recovery is declared complete, every expectation not yet checked is decided
    /// now (nothing changes after the close), and the scorecard is written.
    fn drill_check_closed(&mut self) {
        let closed = self.inc().is_some_and(|i| i.closed_at.is_some());
        if !closed || self.drill.as_ref().is_none_or(|s| s.closed_handled) {
            return;
        }
        let pending: Vec<Expectation> = self
            .drill
            .as_ref()
            .map(|s| {
                s.scenario.file.injects[s.next.min(s.scenario.file.injects.len())..]
                    .iter()
                    .filter_map(|i| match i.action() {
                        Action::Expect(e) => Some(e),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for e in pending {
            let met = self.drill_holds(&e);
            self.emit(expectation_event(&e, met));
        }
        // The scorecard is written from what is durable: wait for these to be.
        self.settle(std::time::Duration::from_secs(30));
        let mut writer = self.drill.as_mut().and_then(|s| {
            s.closed_handled = true;
            s.writer.take()
        });
        if let Some(w) = writer.as_mut() {
            let now = self.now();
            match w(self) {
                Ok(paths) => {
                    let shown = paths.first().map(|p| p.display().to_string()).unwrap_or_default();
                    self.view.flash(format!("scorecard: {shown}"), false, now);
                    if let Some(s) = self.drill.as_mut() {
                        s.written = paths;
                    }
                }
                Err(e) => self.view.flash(format!("scorecard not written: {e}"), true, now),
            }
        }
        if let Some(s) = self.drill.as_mut() {
            s.writer = writer;
        }
    }

    /// Facilitator keys: P pause/resume, N next inject now, I ad-hoc inject, F upcoming injects.
    pub fn drill_key(&mut self, c: char) {
        let now = self.now();
        match c {
            'P' => {
                let Some(held) = self.drill.as_ref().map(|s| !s.dialogs.held) else { return };
                // Journal first: the pause is part of the exercise's record.
                if self.emit(EventKind::DrillClock { paused: held }) {
                    if let Some(s) = self.drill.as_mut() {
                        s.dialogs.held = held;
                    }
                    self.drill_sync_pause();
                }
            }
            'F' => self.drill_upcoming(),
            'N' => {
                let fired = self.drill_fire_next();
                if !fired {
                    let msg = crate::i18n::messages(self.lang).no_more_injects;
                    self.view.flash(msg, true, now);
                }
            }
            'I' => {
                self.view.modal = Some(crate::ui::view::Modal::Input {
                    kind: crate::ui::view::InputKind::Inject,
                    text: String::new(),
                });
            }
            _ => {}
        }
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

//! The in-memory incident and the pure function that applies an event to it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::event::{Declaration, Event, EventKind};
use crate::probe::Health;
use crate::runbook::model::{Runbook, TrackKind};

/// Written in records and scorecards as `pending`, `in-progress`, `done`, `skipped`, `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Pending,
    InProgress,
    Done,
    Skipped,
    Failed,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::InProgress => "in-progress",
            StepStatus::Done => "done",
            StepStatus::Skipped => "skipped",
            StepStatus::Failed => "failed",
        }
    }
}

impl std::fmt::Display for StepStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepState {
    /// Unique within the incident: the runbook step id, or `adjust@failed-step` for a step of
    /// an on-fail procedure inserted after a failed step.
    pub key: String,
    /// The runbook step id.
    pub id: String,
    /// For an inserted on-fail step, the step whose failure brought it in.
    pub adjust_for: Option<String>,
    pub status: StepStatus,
    /// Why it was skipped or why it failed.
    pub reason: Option<String>,
    pub running_since: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Time spent in progress, over every attempt.
    pub spent: chrono::Duration,
    /// How many times this step failed (test iterations for a test step).
    pub failures: u32,
    /// When its wait (`wait` in the runbook) began: the last time it was started.
    pub wait_from: Option<DateTime<Utc>>,
    /// The operator cut its wait short (`WaitOverridden`), until the step is reopened.
    pub wait_overridden: bool,
}

impl StepState {
    fn new(key: String, id: String, adjust_for: Option<String>) -> StepState {
        StepState {
            key,
            id,
            adjust_for,
            status: StepStatus::Pending,
            reason: None,
            running_since: None,
            finished_at: None,
            spent: chrono::Duration::zero(),
            failures: 0,
            wait_from: None,
            wait_overridden: false,
        }
    }

    /// Time spent so far, counting a run still in progress up to `now`.
    pub fn spent_at(&self, now: DateTime<Utc>) -> chrono::Duration {
        match self.running_since {
            Some(since) if self.status == StepStatus::InProgress => {
                let running = now.signed_duration_since(since).max(chrono::Duration::zero());
                self.spent.checked_add(&running).unwrap_or(chrono::Duration::MAX)
            }
            _ => self.spent,
        }
    }

    fn stop_running(&mut self, at: DateTime<Utc>) {
        if let Some(since) = self.running_since.take() {
            let ran = at.signed_duration_since(since).max(chrono::Duration::zero());
            self.spent = self.spent.checked_add(&ran).unwrap_or(chrono::Duration::MAX);
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionTimer {
    pub id: String,
    pub budget: Duration,
    pub restored_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
    /// The breach was journaled but no longer holds after a T0 correction: shown as withdrawn.
    pub breach_withdrawn: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HealthMark {
    pub state: Health,
    pub since: DateTime<Utc>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub decl: Declaration,
    pub track_kind: TrackKind,
    pub track_name: String,
    pub steps: Vec<StepState>,
    /// One per timed business function; empty on a maintenance track.
    pub timers: Vec<FunctionTimer>,
    /// The overall RTO; `None` on a maintenance track (no DR clocks).
    pub overall_budget: Option<Duration>,
    pub overall_breached_at: Option<DateTime<Utc>>,
    pub overall_breach_withdrawn: bool,
    pub rpo: Duration,
    pub closed_at: Option<DateTime<Utc>>,
    /// Withdrawn as declared in error, and why: no longer open, never "met".
    pub withdrawn: Option<(DateTime<Utc>, String)>,
    pub backup_point: Option<DateTime<Utc>>,
    /// Last known health per service, as journaled transitions.
    pub health: BTreeMap<String, HealthMark>,
    /// Every event, in journal order. Shared, not copied, between the journal writer's
    /// session and the console's copy of the incident (a long incident held them twice).
    pub events: Vec<Arc<Event>>,
    /// Failed test iterations of the test -> adjust -> re-test loop.
    pub test_failures: u32,
    /// Notifications, messages sent and status-update reminders (§7).
    pub comms: crate::comms::CommsLog,
    /// Who commanded the incident, from when: the declaration's coordinator first, then one
    /// term per hand-over. Never empty.
    pub commanders: Vec<Term>,
    /// Steps whose owner was reassigned, by step key (kept across a level change).
    pub owners: BTreeMap<String, String>,
    /// The alternative chosen for each runbook step that offers some, by step id.
    pub alternatives: BTreeMap<String, String>,
    /// Command placeholders filled, by id: the value, or `None` for a secret one (filled, not
    /// kept: it is asked for again at every copy).
    pub placeholders: BTreeMap<String, Option<String>>,
    /// Checklist items ticked or unticked, by checklist id and item index.
    pub ticks: BTreeMap<(String, usize), TickMark>,
}

/// The last tick or untick of one checklist item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickMark {
    pub ticked: bool,
    pub at: DateTime<Utc>,
    /// The operator, as people are named (see `Actor::label`).
    pub by: String,
    /// The item as it read when ticked.
    pub text: String,
}

/// One person's time in command of the incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub person: String,
    pub since: DateTime<Utc>,
}

impl Incident {
    /// A fresh incident from its declaration event. `None` if the event is not a declaration
    /// or names a level the runbook does not define.
    pub fn from_declared(rb: &Runbook, ev: &Event) -> Option<Incident> {
        let EventKind::Declared(decl) = &ev.kind else { return None };
        let (track_kind, track_name, steps, timers, overall_budget) = plan_for(rb, decl)?;
        Some(Incident {
            decl: Declaration::clone(decl),
            track_kind,
            track_name,
            steps,
            timers,
            overall_budget,
            overall_breached_at: None,
            overall_breach_withdrawn: false,
            rpo: rb.rpo_for(&decl.disaster_type),
            closed_at: None,
            withdrawn: None,
            backup_point: None,
            health: BTreeMap::new(),
            events: vec![Arc::new(ev.clone())],
            test_failures: 0,
            comms: crate::comms::CommsLog::default(),
            commanders: vec![Term {
                person: if decl.coordinator.trim().is_empty() {
                    ev.who.label().to_string()
                } else {
                    decl.coordinator.clone()
                },
                since: ev.at,
            }],
            owners: BTreeMap::new(),
            ticks: BTreeMap::new(),
            alternatives: BTreeMap::new(),
            placeholders: BTreeMap::new(),
        })
    }

    /// The incident commander now.
    pub fn commander(&self) -> &str {
        self.commanders.last().map(|t| t.person.as_str()).unwrap_or_default()
    }

    /// Everyone named in the incident, each once, in the order they appear: commanders, the
    /// coordinator, the reporter, the team, step owners, and operators who gave a name. For
    /// choosing whom to hand over to or give a step to.
    pub fn people(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let named = self.events.iter().filter_map(|e| e.who.name.as_deref());
        let all = self
            .commanders
            .iter()
            .map(|t| t.person.as_str())
            .chain([self.decl.coordinator.as_str(), self.decl.reporter.as_str()])
            .chain(self.decl.team.iter().map(|m| m.person.as_str()))
            .chain(self.owners.values().map(String::as_str))
            .chain(named);
        for p in all {
            if !p.trim().is_empty() && !out.iter().any(|o| o == p) {
                out.push(p.to_string());
            }
        }
        out
    }

    /// When the clocks stopped: closed, or withdrawn.
    pub fn ended_at(&self) -> Option<DateTime<Utc>> {
        self.closed_at.or(self.withdrawn.as_ref().map(|w| w.0))
    }

    /// Whether changes other than notes are still accepted: neither closed nor withdrawn.
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none() && self.withdrawn.is_none()
    }

    /// The level or the affected functions changed: the new track's steps and clocks, keeping
    /// what was already done (mapped by step key and function id) and the inserted adjust steps.
    fn replan(&mut self, rb: &Runbook) {
        let Some((kind, name, fresh, timers, overall)) = plan_for(rb, &self.decl) else { return };
        let mut old = std::mem::take(&mut self.steps);
        let mut steps = Vec::with_capacity(fresh.len());
        for s in fresh {
            let kept = old.iter().position(|o| o.key == s.key).map(|i| old.remove(i));
            let key = s.key.clone();
            steps.push(kept.unwrap_or(s));
            // Adjust steps inserted after a failed step stay right after it.
            while let Some(i) = old.iter().position(|o| o.adjust_for.as_deref() == Some(&key)) {
                steps.push(old.remove(i));
            }
        }
        // Steps of the old plan that were worked stay visible: the record must show them.
        steps.extend(old.into_iter().filter(|o| o.status != StepStatus::Pending));
        let old_timers = std::mem::take(&mut self.timers);
        self.timers = timers
            .into_iter()
            .map(|t| old_timers.iter().find(|o| o.id == t.id).cloned().unwrap_or(t))
            .collect();
        self.steps = steps;
        self.track_kind = kind;
        self.track_name = name;
        self.overall_budget = overall;
    }

    /// Breaches that no longer hold with the current T0 are withdrawn (the events stay).
    fn recheck_breaches(&mut self) {
        let t0 = self.decl.t0;
        let holds = |budget: Duration, at: DateTime<Utc>| super::timers::after(t0, budget) < at;
        for t in &mut self.timers {
            if let Some(at) = t.breached_at {
                t.breach_withdrawn = !holds(t.budget, at);
            }
        }
        if let (Some(at), Some(b)) = (self.overall_breached_at, self.overall_budget) {
            self.overall_breach_withdrawn = !holds(b, at);
        }
    }

    /// [`Incident::replay`] that keeps the events themselves instead of copies (resume: a long
    /// journal's events were held twice). Given events already shared (`Arc<Event>`, as the
    /// journal readers decode them), none is moved or copied.
    pub fn replay_owned<E: Into<Arc<Event>>>(
        rb: &Runbook,
        events: impl IntoIterator<Item = E>,
    ) -> Option<Incident> {
        let mut it = events.into_iter();
        let first: Arc<Event> = it.next()?.into();
        let mut inc = Incident::from_declared(rb, &first)?;
        inc.events = vec![first];
        inc.events.reserve(it.size_hint().0);
        for ev in it {
            apply_shared(&mut inc, rb, ev.into());
        }
        Some(inc)
    }

    /// Rebuild an incident from its whole event list (resume, records, reports).
    /// Events held or shared (`&[Event]`, or another incident's `&[Arc<Event>]`).
    pub fn replay<E: std::borrow::Borrow<Event>>(rb: &Runbook, events: &[E]) -> Option<Incident> {
        let (first, rest) = events.split_first()?;
        let mut inc = Incident::from_declared(rb, first.borrow())?;
        for ev in rest {
            apply(&mut inc, rb, ev.borrow());
        }
        Some(inc)
    }

    pub fn id(&self) -> &str {
        &self.decl.incident_id
    }

    pub fn is_drill(&self) -> bool {
        self.decl.drill.is_some()
    }

    pub fn step(&self, key: &str) -> Option<&StepState> {
        self.steps.iter().find(|s| s.key == key)
    }

    pub fn timer(&self, function: &str) -> Option<&FunctionTimer> {
        self.timers.iter().find(|t| t.id == function)
    }

    /// The step the operator should look at next: the first in progress, else the first
    /// pending (a failed test step waiting for re-test counts as pending).
    pub fn current_step(&self) -> Option<usize> {
        self.steps
            .iter()
            .position(|s| s.status == StepStatus::InProgress)
            .or_else(|| self.steps.iter().position(|s| s.status == StepStatus::Pending))
    }
}

/// Apply one event. Total: an event that names something this runbook does not know (a journal
/// written with another runbook version) is kept on the timeline and otherwise ignored.
pub fn apply(inc: &mut Incident, rb: &Runbook, ev: &Event) {
    apply_state(inc, rb, ev);
    inc.events.push(Arc::new(ev.clone()));
}

/// [`apply`] keeping `ev` itself on the timeline, shared with whoever else holds it (the
/// journal writer and the console apply the same events).
pub fn apply_shared(inc: &mut Incident, rb: &Runbook, ev: Arc<Event>) {
    apply_state(inc, rb, &ev);
    inc.events.push(ev);
}

/// [`apply`] without keeping a copy of the event on the timeline.
fn apply_state(inc: &mut Incident, rb: &Runbook, ev: &Event) {
    let at = ev.at;
    match &ev.kind {
        EventKind::Declared(_)
        | EventKind::SessionStarted { .. }
        | EventKind::SessionEnded { .. }
        | EventKind::SessionInterrupted { .. }
        | EventKind::Note { .. }
        | EventKind::RemoteNote { .. }
        | EventKind::Panic { .. }
        | EventKind::DrillMessage { .. }
        | EventKind::DrillDecision { .. }
        | EventKind::DrillExpectation { .. }
        | EventKind::DrillClock { .. }
        | EventKind::Unreadable { .. } => {}
        EventKind::StepStarted { step } => {
            if let Some(s) = inc.steps.iter_mut().find(|s| &s.key == step) {
                if s.status != StepStatus::InProgress {
                    s.status = StepStatus::InProgress;
                    s.running_since = Some(at);
                    s.reason = None;
                    s.finished_at = None;
                    s.wait_from = Some(at);
                }
            }
        }
        EventKind::StepDone { step } => {
            let mut parent = None;
            if let Some(s) = inc.steps.iter_mut().find(|s| &s.key == step) {
                s.stop_running(at);
                s.status = StepStatus::Done;
                s.finished_at = Some(at);
                parent = s.adjust_for.clone();
            }
            if let Some(parent) = parent {
                reopen_for_retest(inc, &parent);
            }
        }
        EventKind::StepSkipped { step, reason } => {
            let mut parent = None;
            if let Some(s) = inc.steps.iter_mut().find(|s| &s.key == step) {
                s.stop_running(at);
                s.status = StepStatus::Skipped;
                s.reason = Some(reason.clone());
                s.finished_at = Some(at);
                parent = s.adjust_for.clone();
            }
            if let Some(parent) = parent {
                reopen_for_retest(inc, &parent);
            }
        }
        EventKind::StepFailed { step, reason } => {
            let Some(idx) = inc.steps.iter().position(|s| &s.key == step) else {
                return;
            };
            let s = &mut inc.steps[idx];
            s.stop_running(at);
            s.status = StepStatus::Failed;
            s.reason = Some(reason.clone());
            s.finished_at = Some(at);
            s.failures += 1;
            let on_fail = rb.step(&s.id).and_then(|ts| ts.step.on_fail.clone());
            if let Some(proc_id) = on_fail.as_deref().and_then(|p| rb.procedure(p)) {
                inc.test_failures += 1;
                insert_adjust_steps(inc, idx, &proc_id.steps, step);
            }
        }
        EventKind::FunctionRestored { function } => {
            if let Some(t) = inc.timers.iter_mut().find(|t| &t.id == function) {
                t.restored_at.get_or_insert(at);
            }
        }
        EventKind::TimerBreached { function, .. } => match function {
            Some(f) => {
                if let Some(t) = inc.timers.iter_mut().find(|t| &t.id == f) {
                    // A breach withdrawn by a T0 correction can happen again, for real.
                    if t.breached_at.is_none() || t.breach_withdrawn {
                        t.breached_at = Some(at);
                        t.breach_withdrawn = false;
                    }
                }
            }
            None => {
                if inc.overall_breached_at.is_none() || inc.overall_breach_withdrawn {
                    inc.overall_breached_at = Some(at);
                    inc.overall_breach_withdrawn = false;
                }
            }
        },
        EventKind::StepReopened { step, .. } => {
            let Some(idx) = inc.steps.iter().position(|s| &s.key == step) else { return };
            let s = &mut inc.steps[idx];
            s.stop_running(at);
            let was_failed = s.status == StepStatus::Failed;
            s.status = StepStatus::Pending;
            s.reason = None;
            s.finished_at = None;
            s.wait_from = None;
            s.wait_overridden = false;
            if was_failed {
                // Undoing a failure: the adjust steps it brought in go, unless already worked.
                let before = inc.steps.len();
                inc.steps.retain(|o| {
                    o.adjust_for.as_deref() != Some(step.as_str())
                        || o.status != StepStatus::Pending
                });
                if inc.steps.len() < before {
                    inc.test_failures = inc.test_failures.saturating_sub(1);
                }
                if let Some(s) = inc.steps.iter_mut().find(|s| &s.key == step) {
                    s.failures = s.failures.saturating_sub(1);
                }
            }
        }
        EventKind::FunctionUnrestored { function, .. } => {
            if let Some(t) = inc.timers.iter_mut().find(|t| &t.id == function) {
                t.restored_at = None;
            }
        }
        EventKind::T0Corrected { t0, .. } => {
            inc.decl.t0 = *t0;
            inc.recheck_breaches();
        }
        EventKind::LevelChanged { level, .. } => {
            if rb.track_for(&inc.decl.disaster_type, *level).is_some() {
                inc.decl.level = *level;
                inc.replan(rb);
            }
        }
        EventKind::FunctionsChanged { functions, .. } => {
            inc.decl.functions = functions.clone();
            inc.replan(rb);
        }
        EventKind::Withdrawn { reason } => {
            if inc.withdrawn.is_none() {
                inc.withdrawn = Some((at, reason.clone()));
            }
        }
        EventKind::HandedOver { to, .. } => {
            inc.commanders.push(Term { person: to.clone(), since: at });
        }
        EventKind::OwnerAssigned { step, owner } => {
            inc.owners.insert(step.clone(), owner.clone());
        }
        EventKind::WaitOverridden { step, .. } => {
            if let Some(s) = inc.steps.iter_mut().find(|s| &s.key == step) {
                s.wait_overridden = true;
            }
        }
        EventKind::ChecklistTicked { checklist, item, text, ticked } => {
            let by = ev.who.label().to_string();
            let mark = TickMark { ticked: *ticked, at, by, text: text.clone() };
            inc.ticks.insert((checklist.clone(), *item), mark);
        }
        EventKind::AlternativeChosen { step, alternative } => {
            inc.alternatives.insert(step.clone(), alternative.clone());
        }
        EventKind::PlaceholderFilled { placeholder, value } => {
            inc.placeholders.insert(placeholder.clone(), value.clone());
        }
        EventKind::HealthChanged { service, to, detail, .. } => {
            inc.health.insert(
                service.clone(),
                HealthMark { state: *to, since: at, detail: detail.clone() },
            );
        }
        EventKind::BackupPoint { backup_at, .. } => inc.backup_point = Some(*backup_at),
        EventKind::NotificationSent { .. }
        | EventKind::CommsSent { .. }
        | EventKind::UpdateReminder { .. }
        | EventKind::StatusUpdateSent { .. } => inc.comms.apply(rb, ev),
        EventKind::Closed => {
            inc.closed_at.get_or_insert(at);
            // Post-recovery steps (after the closing one) go on after the close.
            let until = inc.closing_index(rb).map_or(inc.steps.len(), |i| i + 1);
            for s in inc.steps[..until].iter_mut().filter(|s| s.status == StepStatus::InProgress) {
                s.stop_running(at);
                s.status = StepStatus::Done;
                s.finished_at = Some(at);
            }
        }
    }
}

/// Put the on-fail procedure's steps right after the failed step (or reset them to pending if
/// an earlier failure already put them there).
fn insert_adjust_steps(
    inc: &mut Incident,
    failed_idx: usize,
    steps: &[crate::runbook::model::Step],
    failed_key: &str,
) {
    let existing: Vec<usize> = inc
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.adjust_for.as_deref() == Some(failed_key))
        .map(|(i, _)| i)
        .collect();
    if existing.is_empty() {
        for (offset, st) in steps.iter().enumerate() {
            let key = format!("{}@{}", st.id, failed_key);
            inc.steps.insert(
                failed_idx + 1 + offset,
                StepState::new(key, st.id.clone(), Some(failed_key.to_string())),
            );
        }
    } else {
        for i in existing {
            let s = &mut inc.steps[i];
            s.status = StepStatus::Pending;
            s.reason = None;
            s.finished_at = None;
            s.running_since = None;
        }
    }
}

/// When every adjust step of a failed step is finished, the failed step is ready to re-test.
fn reopen_for_retest(inc: &mut Incident, failed_key: &str) {
    let all_finished = inc
        .steps
        .iter()
        .filter(|s| s.adjust_for.as_deref() == Some(failed_key))
        .all(|s| matches!(s.status, StepStatus::Done | StepStatus::Skipped));
    if all_finished {
        if let Some(s) = inc.steps.iter_mut().find(|s| s.key == failed_key) {
            if s.status == StepStatus::Failed {
                s.status = StepStatus::Pending;
            }
        }
    }
}

type Plan = (TrackKind, String, Vec<StepState>, Vec<FunctionTimer>, Option<Duration>);

/// The track, steps and clocks a declaration calls for.
fn plan_for(rb: &Runbook, decl: &Declaration) -> Option<Plan> {
    let track = rb.track_for(&decl.disaster_type, decl.level)?;
    let steps = rb
        .track_steps(track, &decl.functions)
        .into_iter()
        .map(|ts| StepState::new(ts.step.id.clone(), ts.step.id.clone(), None))
        .collect();
    let timers = rb
        .timed_functions(track, &decl.functions)
        .into_iter()
        .map(|f| FunctionTimer {
            id: f.id.clone(),
            budget: f.max_downtime.0,
            restored_at: None,
            breached_at: None,
            breach_withdrawn: false,
        })
        .collect();
    let overall_budget =
        (track.kind != TrackKind::Maintenance).then(|| rb.rto_for(&decl.disaster_type));
    Some((track.kind, track.name.clone(), steps, timers, overall_budget))
}

/// On resume: the session that never ended, if its process is gone. A session whose process
/// still runs on this host is another live console, not an interruption.
pub fn interrupted_session<E: std::borrow::Borrow<Event>>(
    events: &[E],
    host: &str,
) -> Option<DateTime<Utc>> {
    let last_session = events.iter().map(E::borrow).rev().find(|e| {
        matches!(
            e.kind,
            EventKind::SessionStarted { .. }
                | EventKind::SessionEnded { .. }
                | EventKind::SessionInterrupted { .. }
        )
    })?;
    if !matches!(last_session.kind, EventKind::SessionStarted { .. }) {
        return None;
    }
    let alive = last_session.who.host == host && super::presence::alive(last_session.who.pid);
    (!alive).then(|| events.last().map(|e| e.borrow().at).unwrap_or(last_session.at))
}

/// A new incident id: UTC date and time plus four hex digits, `DRILL-` in front for exercises.
pub fn new_incident_id(now: DateTime<Utc>, drill: bool) -> String {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded from the OS: two incidents declared in the same second differ.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    let salt = h.finish() & 0xffff;
    let base = format!("{}-{salt:04x}", now.format("%Y%m%d-%H%M%S"));
    if drill {
        format!("DRILL-{base}")
    } else {
        base
    }
}

//! The rules: what an operator (or the program on the operator's behalf) may do to an incident,
//! and which events an action produces. Pure functions of the incident as the journal has it,
//! shared by the console, the CLI and drills, so a rule holds everywhere or nowhere.

use chrono::{DateTime, Utc};

use super::clock::parse_local_time;
use super::event::{Declaration, DrillInfo, EventKind, RemoteAuthor, TeamMember};
use super::state::{Incident, StepStatus};
use super::timers;
use super::waits::Wait;
use crate::i18n::fill;
use crate::probe::Health;
use crate::runbook::model::{Lang, TrackKind};
use crate::runbook::Loaded;

/// Something asked of an incident.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    StartStep {
        step: String,
    },
    /// Done; on the step that completes the recovery this also closes the incident.
    CompleteStep {
        step: String,
    },
    SkipStep {
        step: String,
        reason: String,
    },
    FailStep {
        step: String,
        reason: String,
    },
    RestoreFunction {
        function: String,
    },
    /// The time of the last good backup, for the RPO.
    BackupPoint {
        backup_at: DateTime<Utc>,
        source: String,
    },
    Note {
        text: String,
    },
    /// A note from another host, delivered through the operations MongoDB's inbox. Journaled
    /// once per inbox entry: delivered again, it writes nothing.
    RemoteNote {
        text: String,
        remote: RemoteAuthor,
    },
    /// Corrections: events, never edits.
    ReopenStep {
        step: String,
        reason: String,
    },
    UnrestoreFunction {
        function: String,
        reason: String,
    },
    CorrectT0 {
        t0: String,
        reason: String,
    },
    ChangeLevel {
        level: u8,
        reason: String,
    },
    ChangeFunctions {
        functions: Vec<String>,
        reason: String,
    },
    Withdraw {
        reason: String,
    },
    /// Pass command of the incident to another person.
    HandOver {
        to: String,
    },
    /// Give a step to another owner than the runbook's role holder.
    AssignOwner {
        step: String,
        owner: String,
    },
    /// Pick one of the alternative command sets of runbook step `step`.
    ChooseAlternative {
        step: String,
        alternative: String,
    },
    /// Give a command placeholder its value for this incident.
    FillPlaceholder {
        placeholder: String,
        value: String,
    },
    /// Undo this console's own last step or restore action, within [`UNDO_WINDOW_SECS`].
    Undo {
        host: String,
        pid: u32,
    },
    /// After a failed test: skip its unfinished adjust steps, with why, so it can be re-tested.
    OverrideRetest {
        step: String,
        reason: String,
    },
    /// Cut the wait of step `step` short, with why (see [`super::waits`]).
    OverrideWait {
        step: String,
        reason: String,
    },
    /// Tick (or untick) item `item` (its index) of a checklist.
    TickChecklist {
        checklist: String,
        item: usize,
        ticked: bool,
    },
    /// The operator answered yes to the question a command asked ([`Refusal::Confirm`]).
    Confirmed(Box<Command>),
    /// Whatever the clock has made due: RTO breaches and status-update reminders.
    Tick,
    /// Something the operator does not decide but that belongs in the record: a health
    /// transition, a session starting or ending, a message sent, a drill inject.
    Record(EventKind),
}

/// Why a command was not carried out. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Closed,
    UnknownStep(String),
    StepNotPending,
    StepFinished,
    UnknownFunction(String),
    AlreadyRestored,
    EmptyText,
    BackupInFuture,
    BackupAfterT0,
    /// `Record` was asked to write an event that only a decided command may produce.
    NotRecordable(&'static str),
    UnknownType {
        given: String,
        known: Vec<String>,
    },
    UnknownLevel {
        given: u8,
        known: Vec<String>,
    },
    UnknownFunctionArg {
        given: String,
        known: Vec<String>,
    },
    PartialNeedsFunction {
        level: u8,
    },
    ReporterRequired,
    BadT0(super::clock::TimeError),
    T0TooOld {
        days: i64,
    },
    NotReopenable,
    NotRestored,
    SameLevel,
    NothingToUndo,
    /// A person's name that cannot be used (empty, too long, control characters).
    BadName(String),
    AlreadyCommander(String),
    AlreadyOwner(String),
    /// A failed test's adjust steps are not finished: re-test after them (or override).
    AdjustPending(Vec<String>),
    /// A step's wait is running: the step it holds (or the wait step itself) may be done when
    /// it elapses, or after an override. The step's title and the time left.
    WaitRunning {
        title: String,
        left: String,
    },
    /// Completing a wait step that was never started: its wait never ran.
    WaitNotStarted(String),
    /// An override asked of a step with no wait to cut short.
    NoWait,
    /// A checklist (or item) this incident does not work.
    UnknownChecklistItem(String),
    /// The item is already in the state asked (`true`: ticked already).
    AlreadyTicked(bool),
    /// The step offers no alternative command sets.
    NoAlternatives(String),
    UnknownAlternative {
        given: String,
        known: Vec<String>,
    },
    /// That alternative is the one chosen already (its label).
    AlreadyChosen(String),
    /// No `[[placeholders]]` entry declares it.
    UnknownPlaceholder(String),
    /// The value cannot fill the placeholder: empty, hidden characters, or not its pattern.
    BadValue {
        placeholder: String,
        problem: crate::runbook::placeholder::ValueProblem,
    },
    /// Allowed, but only once the operator says yes: ask, then submit [`Command::Confirmed`].
    Confirm(Question),
}

/// What a command asks before it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Completing a step that was never started.
    NeverStarted(String),
    /// Marking a function restored while a service it depends on is not UP.
    ServicesNotUp(Vec<(String, Health)>),
    /// Declaring recovery complete: what is still open at that moment.
    Close {
        unrestored: Vec<String>,
        services_not_up: Vec<(String, Health)>,
        pending_steps: Vec<String>,
        /// Post-recovery steps (after the closing one): they stay workable after the close.
        post_recovery: Vec<String>,
        /// Unticked items by checklist name.
        unticked: Vec<(String, Vec<String>)>,
    },
    /// A T0 that is not what a tired operator probably meant.
    T0 { t0: DateTime<Utc>, hours_ago: i64, yesterday: bool },
}

/// How long after an action `u` may still undo it.
pub const UNDO_WINDOW_SECS: i64 = 60;

impl Refusal {
    /// The refusal in the operator's language.
    pub fn message(&self, lang: Lang) -> String {
        let ui = crate::i18n::ui(lang);
        let m = crate::i18n::messages(lang);
        match self {
            Refusal::Closed => ui.incident_closed.to_string(),
            Refusal::UnknownStep(s) => fill(m.unknown_step, &[("step", s)]),
            Refusal::StepNotPending => ui.step_not_pending.to_string(),
            Refusal::StepFinished => ui.step_finished.to_string(),
            Refusal::UnknownFunction(f) => fill(m.unknown_function, &[("function", f)]),
            Refusal::AlreadyRestored => ui.already_restored.to_string(),
            Refusal::EmptyText => ui.empty_text.to_string(),
            Refusal::BackupInFuture => m.backup_in_future.to_string(),
            Refusal::BackupAfterT0 => m.backup_after_t0.to_string(),
            Refusal::NotRecordable(what) => fill(m.not_recordable, &[("what", what)]),
            Refusal::UnknownType { given, known } => {
                fill(m.unknown_type, &[("given", given), ("known", &known.join(", "))])
            }
            Refusal::UnknownLevel { given, known } => fill(
                m.unknown_level,
                &[("given", &given.to_string()), ("known", &known.join(", "))],
            ),
            Refusal::UnknownFunctionArg { given, known } => {
                fill(m.unknown_function_arg, &[("given", given), ("known", &known.join(", "))])
            }
            Refusal::PartialNeedsFunction { level } => {
                fill(m.partial_needs_function, &[("level", &level.to_string())])
            }
            Refusal::ReporterRequired => m.reporter_required.to_string(),
            Refusal::BadT0(e) => e.message(lang),
            Refusal::T0TooOld { days } => fill(m.t0_too_old, &[("days", &days.to_string())]),
            Refusal::NotReopenable => m.not_reopenable.to_string(),
            Refusal::NotRestored => m.not_restored.to_string(),
            Refusal::SameLevel => m.same_level.to_string(),
            Refusal::NothingToUndo => {
                fill(m.nothing_to_undo, &[("secs", &UNDO_WINDOW_SECS.to_string())])
            }
            Refusal::BadName(e) => e.clone(),
            Refusal::AlreadyCommander(n) => fill(m.already_commander, &[("name", n)]),
            Refusal::AlreadyOwner(n) => fill(m.already_owner, &[("name", n)]),
            Refusal::AdjustPending(steps) => {
                fill(m.adjust_pending, &[("steps", &steps.join(m.list_sep))])
            }
            Refusal::WaitRunning { title, left } => {
                fill(m.wait_running, &[("left", left), ("title", title)])
            }
            Refusal::WaitNotStarted(title) => fill(m.wait_not_started, &[("title", title)]),
            Refusal::NoWait => m.no_wait.to_string(),
            Refusal::UnknownChecklistItem(what) => {
                fill(m.unknown_checklist_item, &[("what", what)])
            }
            Refusal::AlreadyTicked(true) => m.already_ticked.to_string(),
            Refusal::AlreadyTicked(false) => m.not_ticked.to_string(),
            Refusal::NoAlternatives(s) => fill(m.no_alternatives, &[("step", s)]),
            Refusal::UnknownAlternative { given, known } => {
                fill(m.unknown_alternative, &[("given", given), ("known", &known.join(", "))])
            }
            Refusal::AlreadyChosen(label) => fill(m.already_chosen, &[("label", label)]),
            Refusal::UnknownPlaceholder(p) => {
                fill(m.unknown_placeholder, &[("name", &format!("{{{p}}}"))])
            }
            Refusal::BadValue { placeholder, problem } => fill(
                m.bad_value,
                &[("name", &format!("{{{placeholder}}}")), ("problem", &problem.message(lang))],
            ),
            Refusal::Confirm(q) => q.message(lang),
        }
    }
}

impl Question {
    pub fn message(&self, lang: Lang) -> String {
        let m = crate::i18n::messages(lang);
        let services = |s: &[(String, Health)]| {
            s.iter().map(|(id, st)| format!("{id} {st}")).collect::<Vec<_>>().join(m.list_sep)
        };
        match self {
            Question::NeverStarted(s) => fill(m.never_started, &[("step", s)]),
            Question::ServicesNotUp(s) => fill(m.services_not_up, &[("services", &services(s))]),
            Question::Close {
                unrestored,
                services_not_up,
                pending_steps,
                post_recovery,
                unticked,
            } => {
                let mut parts = Vec::new();
                if !unrestored.is_empty() {
                    parts.push(format!("{}: {}", m.close_unrestored, unrestored.join(m.list_sep)));
                }
                if !services_not_up.is_empty() {
                    parts.push(format!("{}: {}", m.close_services, services(services_not_up)));
                }
                if !pending_steps.is_empty() {
                    parts.push(format!("{}: {}", m.close_steps, pending_steps.join(m.list_sep)));
                }
                for (list, items) in unticked {
                    let l = fill(m.close_unticked, &[("list", list)]);
                    parts.push(format!("{l}: {}", items.join(m.list_sep)));
                }
                if !post_recovery.is_empty() {
                    let l = m.close_post_recovery;
                    parts.push(format!("{l}: {}", post_recovery.join(m.list_sep)));
                }
                if parts.is_empty() {
                    fill(m.close_question, &[("head", m.close_head)])
                } else {
                    let parts = parts.join(m.parts_sep);
                    fill(m.close_question_parts, &[("head", m.close_head), ("parts", &parts)])
                }
            }
            Question::T0 { t0, hours_ago, yesterday } => {
                let local = t0.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string();
                let t = if *yesterday { m.t0_yesterday } else { m.t0_hours_ago };
                fill(t, &[("t0", &local), ("hours", &hours_ago.to_string())])
            }
        }
    }
}

/// Services a function depends on whose last journaled state is DOWN or DEGRADED.
fn services_not_up(
    inc: &Incident,
    rb: &crate::runbook::model::Runbook,
    functions: &[&str],
) -> Vec<(String, Health)> {
    let mut out: Vec<(String, Health)> = Vec::new();
    for f in functions.iter().filter_map(|f| rb.function(f)) {
        for s in &f.services {
            if let Some(mark) = inc.health.get(s) {
                let bad = matches!(mark.state, Health::Down | Health::Degraded);
                if bad && !out.iter().any(|(id, _)| id == s) {
                    out.push((s.clone(), mark.state));
                }
            }
        }
    }
    out
}

/// Adjust steps a failed step still waits for.
fn adjust_pending(inc: &Incident, key: &str) -> Vec<String> {
    inc.steps
        .iter()
        .filter(|s| s.adjust_for.as_deref() == Some(key))
        .filter(|s| !matches!(s.status, StepStatus::Done | StepStatus::Skipped))
        .map(|s| s.key.clone())
        .collect()
}

/// The events a command produces on `inc`, or why it may not happen. `now` is the time the
/// events will carry.
pub fn decide(
    inc: &Incident,
    rb: &crate::runbook::model::Runbook,
    cmd: &Command,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, Refusal> {
    match cmd {
        Command::Confirmed(inner) => decide_as(inc, rb, inner, now, true),
        other => decide_as(inc, rb, other, now, false),
    }
}

fn decide_as(
    inc: &Incident,
    rb: &crate::runbook::model::Runbook,
    cmd: &Command,
    now: DateTime<Utc>,
    confirmed: bool,
) -> Result<Vec<EventKind>, Refusal> {
    let ask = |q: Question| if confirmed { Ok(()) } else { Err(Refusal::Confirm(q)) };
    let open = || if inc.is_open() { Ok(()) } else { Err(Refusal::Closed) };
    let step = |key: &str| {
        inc.step(key).map(|s| (s, s.status)).ok_or_else(|| Refusal::UnknownStep(key.to_string()))
    };
    let text = |t: &str| if t.trim().is_empty() { Err(Refusal::EmptyText) } else { Ok(()) };
    let finished = |st: StepStatus| matches!(st, StepStatus::Done | StepStatus::Skipped);
    // A closed incident's post-recovery steps (after the closing one) stay workable.
    let workable = |key: &str| {
        let post = || {
            inc.closed_at.is_some()
                && inc.withdrawn.is_none()
                && inc
                    .steps
                    .iter()
                    .position(|s| s.key == key)
                    .is_some_and(|i| inc.is_post_closing(rb, i))
        };
        if inc.is_open() || post() {
            Ok(())
        } else {
            Err(Refusal::Closed)
        }
    };
    let title = |key: &str| {
        let id = inc.step(key).map_or(key, |s| s.id.as_str());
        rb.step(id).map_or_else(|| key.to_string(), |t| t.step.title.clone())
    };
    let held = |key: &str| match inc.held_by(rb, key, now) {
        Some((by, left)) => {
            Err(Refusal::WaitRunning { title: title(&by), left: super::waits::left_text(left) })
        }
        None => Ok(()),
    };
    Ok(match cmd {
        Command::StartStep { step: key } => {
            workable(key)?;
            let (_, st) = step(key)?;
            if !matches!(st, StepStatus::Pending | StepStatus::Failed) {
                return Err(Refusal::StepNotPending);
            }
            let waiting = adjust_pending(inc, key);
            if !waiting.is_empty() {
                return Err(Refusal::AdjustPending(waiting));
            }
            held(key)?;
            vec![EventKind::StepStarted { step: key.clone() }]
        }
        Command::CompleteStep { step: key } => {
            workable(key)?;
            let (s, st) = step(key)?;
            if finished(st) {
                return Err(Refusal::StepFinished);
            }
            let waiting = adjust_pending(inc, key);
            if !waiting.is_empty() {
                return Err(Refusal::AdjustPending(waiting));
            }
            held(key)?;
            match inc.wait(rb, key, now) {
                Wait::NotStarted(_) => return Err(Refusal::WaitNotStarted(title(key))),
                Wait::Running(left) => {
                    let left = super::waits::left_text(left);
                    return Err(Refusal::WaitRunning { title: title(key), left });
                }
                Wait::None | Wait::Over => {}
            }
            let done = EventKind::StepDone { step: key.clone() };
            if rb.step(&s.id).is_some_and(|t| t.step.completes_recovery) {
                let unrestored: Vec<String> = inc
                    .timers
                    .iter()
                    .filter(|t| t.restored_at.is_none())
                    .map(|t| t.id.clone())
                    .collect();
                let all: Vec<&str> = inc.timers.iter().map(|t| t.id.as_str()).collect();
                // Steps before the closing one still open (those after it are post-recovery).
                let pending_steps = inc
                    .steps
                    .iter()
                    .take_while(|o| o.key != *key)
                    .filter(|o| !finished(o.status))
                    .map(|o| o.key.clone())
                    .collect();
                let post_recovery = inc
                    .steps
                    .iter()
                    .skip_while(|o| o.key != *key)
                    .skip(1)
                    .filter(|o| !finished(o.status))
                    .map(|o| o.key.clone())
                    .collect();
                let unticked = inc
                    .checklists(rb)
                    .into_iter()
                    .filter_map(|cl| {
                        let open: Vec<String> = (0..cl.items.len())
                            .filter(|i| !inc.is_ticked(&cl.id, *i))
                            .map(|i| cl.items[i].clone())
                            .collect();
                        (!open.is_empty()).then(|| (cl.name.clone(), open))
                    })
                    .collect();
                ask(Question::Close {
                    unrestored,
                    services_not_up: services_not_up(inc, rb, &all),
                    pending_steps,
                    post_recovery,
                    unticked,
                })?;
                vec![done, EventKind::Closed]
            } else {
                if st == StepStatus::Pending {
                    ask(Question::NeverStarted(key.clone()))?;
                }
                vec![done]
            }
        }
        Command::OverrideRetest { step: key, reason } => {
            workable(key)?;
            step(key)?;
            text(reason)?;
            let waiting = adjust_pending(inc, key);
            if waiting.is_empty() {
                return Err(Refusal::StepNotPending);
            }
            waiting
                .into_iter()
                .map(|s| EventKind::StepSkipped { step: s, reason: reason.clone() })
                .collect()
        }
        Command::Confirmed(inner) => decide_as(inc, rb, inner, now, true)?,
        Command::OverrideWait { step: key, reason } => {
            workable(key)?;
            step(key)?;
            if !matches!(inc.wait(rb, key, now), Wait::Running(_) | Wait::NotStarted(_)) {
                return Err(Refusal::NoWait);
            }
            text(reason)?;
            vec![EventKind::WaitOverridden { step: key.clone(), reason: reason.clone() }]
        }
        Command::TickChecklist { checklist, item, ticked } => {
            let lists = inc.checklists(rb);
            let cl = lists.iter().find(|c| c.id == *checklist);
            let unknown = || Refusal::UnknownChecklistItem(format!("{checklist} #{}", item + 1));
            let text = cl.and_then(|c| c.items.get(*item)).ok_or_else(unknown)?;
            if !inc.is_open() {
                // After the close: the lists of post-recovery steps and those of no step.
                let post = inc.closed_at.is_some()
                    && inc.withdrawn.is_none()
                    && (super::waits::unattached_checklists(rb).iter().any(|c| c.id == *checklist)
                        || inc.steps.iter().enumerate().any(|(i, s)| {
                            inc.is_post_closing(rb, i)
                                && rb.step(&s.id).and_then(|t| t.step.checklist.as_deref())
                                    == Some(checklist.as_str())
                        }));
                if !post {
                    return Err(Refusal::Closed);
                }
            }
            if inc.is_ticked(checklist, *item) == *ticked {
                return Err(Refusal::AlreadyTicked(*ticked));
            }
            vec![EventKind::ChecklistTicked {
                checklist: checklist.clone(),
                item: *item,
                text: text.clone(),
                ticked: *ticked,
            }]
        }
        Command::SkipStep { step: key, reason } => {
            workable(key)?;
            let (_, st) = step(key)?;
            if finished(st) {
                return Err(Refusal::StepFinished);
            }
            text(reason)?;
            vec![EventKind::StepSkipped { step: key.clone(), reason: reason.clone() }]
        }
        Command::FailStep { step: key, reason } => {
            workable(key)?;
            let (_, st) = step(key)?;
            if finished(st) || st == StepStatus::Failed {
                return Err(Refusal::StepFinished);
            }
            text(reason)?;
            vec![EventKind::StepFailed { step: key.clone(), reason: reason.clone() }]
        }
        Command::RestoreFunction { function } => {
            open()?;
            let t =
                inc.timer(function).ok_or_else(|| Refusal::UnknownFunction(function.clone()))?;
            if t.restored_at.is_some() {
                return Err(Refusal::AlreadyRestored);
            }
            let down = services_not_up(inc, rb, &[function.as_str()]);
            if !down.is_empty() {
                ask(Question::ServicesNotUp(down))?;
            }
            vec![EventKind::FunctionRestored { function: function.clone() }]
        }
        Command::BackupPoint { backup_at, source } => {
            if *backup_at > now {
                return Err(Refusal::BackupInFuture);
            }
            if *backup_at > inc.decl.t0 {
                return Err(Refusal::BackupAfterT0);
            }
            vec![EventKind::BackupPoint { backup_at: *backup_at, source: source.clone() }]
        }
        Command::Note { text: t } => {
            text(t)?;
            vec![EventKind::Note { text: t.clone() }]
        }
        Command::RemoteNote { text: t, remote } => {
            text(t)?;
            let delivered = inc.events.iter().any(|e| {
                matches!(&e.kind, EventKind::RemoteNote { remote: r, .. }
                    if r.inbox_id == remote.inbox_id)
            });
            if delivered {
                Vec::new()
            } else {
                vec![EventKind::RemoteNote { text: t.clone(), remote: remote.clone() }]
            }
        }
        Command::ReopenStep { step: key, reason } => {
            workable(key)?;
            let (_, st) = step(key)?;
            if st == StepStatus::Pending {
                return Err(Refusal::NotReopenable);
            }
            text(reason)?;
            vec![EventKind::StepReopened { step: key.clone(), reason: reason.clone() }]
        }
        Command::UnrestoreFunction { function, reason } => {
            open()?;
            let t =
                inc.timer(function).ok_or_else(|| Refusal::UnknownFunction(function.clone()))?;
            if t.restored_at.is_none() {
                return Err(Refusal::NotRestored);
            }
            text(reason)?;
            vec![EventKind::FunctionUnrestored {
                function: function.clone(),
                reason: reason.clone(),
            }]
        }
        Command::CorrectT0 { t0, reason } => {
            open()?;
            text(reason)?;
            let t0 = parse_local_time(t0, now).map_err(Refusal::BadT0)?;
            vec![EventKind::T0Corrected { t0, reason: reason.clone() }]
        }
        Command::ChangeLevel { level, reason } => {
            open()?;
            text(reason)?;
            let track = rb.track_for(&inc.decl.disaster_type, *level).ok_or_else(|| {
                Refusal::UnknownLevel {
                    given: *level,
                    known: rb.levels.iter().map(|l| rb.level_label(l.level, "")).collect(),
                }
            })?;
            if *level == inc.decl.level {
                return Err(Refusal::SameLevel);
            }
            if track.kind == TrackKind::Partial && inc.decl.functions.is_empty() {
                return Err(Refusal::PartialNeedsFunction { level: *level });
            }
            vec![EventKind::LevelChanged { level: *level, reason: reason.clone() }]
        }
        Command::ChangeFunctions { functions, reason } => {
            open()?;
            text(reason)?;
            let mut set: Vec<String> = Vec::new();
            for f in functions {
                if rb.function(f).is_none() {
                    return Err(Refusal::UnknownFunctionArg {
                        given: f.clone(),
                        known: rb.functions.iter().map(|f| f.id.clone()).collect(),
                    });
                }
                if !set.contains(f) {
                    set.push(f.clone());
                }
            }
            let partial = rb
                .track_for(&inc.decl.disaster_type, inc.decl.level)
                .is_some_and(|t| t.kind == TrackKind::Partial);
            if partial && set.is_empty() {
                return Err(Refusal::PartialNeedsFunction { level: inc.decl.level });
            }
            vec![EventKind::FunctionsChanged { functions: set, reason: reason.clone() }]
        }
        Command::Withdraw { reason } => {
            open()?;
            text(reason)?;
            vec![EventKind::Withdrawn { reason: reason.clone() }]
        }
        Command::HandOver { to } => {
            open()?;
            let to = super::operator::check(to).map_err(Refusal::BadName)?;
            let from = inc.commander().to_string();
            if to == from {
                return Err(Refusal::AlreadyCommander(to));
            }
            vec![EventKind::HandedOver { from, to }]
        }
        Command::AssignOwner { step: key, owner } => {
            workable(key)?;
            step(key)?;
            let owner = super::operator::check(owner).map_err(Refusal::BadName)?;
            if inc.owners.get(key) == Some(&owner) {
                return Err(Refusal::AlreadyOwner(owner));
            }
            vec![EventKind::OwnerAssigned { step: key.clone(), owner }]
        }
        Command::ChooseAlternative { step: id, alternative } => {
            // A choice of how to do a step is a record of a decision: it stays possible after
            // the incident is closed (post-recovery steps), not once it is withdrawn.
            if inc.withdrawn.is_some() {
                return Err(Refusal::Closed);
            }
            let step = shown_step(inc, rb, id).ok_or_else(|| Refusal::UnknownStep(id.clone()))?;
            if step.alternatives.is_empty() {
                return Err(Refusal::NoAlternatives(id.clone()));
            }
            let alt = step.alternative(alternative).ok_or_else(|| Refusal::UnknownAlternative {
                given: alternative.clone(),
                known: step.alternatives.iter().map(|a| a.id.clone()).collect(),
            })?;
            if inc.alternatives.get(id) == Some(alternative) {
                return Err(Refusal::AlreadyChosen(alt.label.clone()));
            }
            vec![EventKind::AlternativeChosen {
                step: id.clone(),
                alternative: alternative.clone(),
            }]
        }
        Command::FillPlaceholder { placeholder, value } => {
            if inc.withdrawn.is_some() {
                return Err(Refusal::Closed);
            }
            let p = rb
                .placeholder(placeholder)
                .filter(|_| rb.command_placeholders())
                .ok_or_else(|| Refusal::UnknownPlaceholder(placeholder.clone()))?;
            let value = value.trim();
            if let Some(problem) = crate::runbook::placeholder::value_problem(p, value) {
                return Err(Refusal::BadValue { placeholder: placeholder.clone(), problem });
            }
            if p.secret {
                // Checked like any value, journaled as filled: the value itself never is.
                vec![EventKind::PlaceholderFilled { placeholder: placeholder.clone(), value: None }]
            } else if inc.placeholders.get(placeholder) == Some(&Some(value.to_string())) {
                Vec::new()
            } else {
                vec![EventKind::PlaceholderFilled {
                    placeholder: placeholder.clone(),
                    value: Some(value.to_string()),
                }]
            }
        }
        Command::Undo { host, pid } => {
            open()?;
            undo(inc, host, *pid, now).ok_or(Refusal::NothingToUndo)?
        }
        Command::Tick => {
            let mut due: Vec<EventKind> = timers::breaches_due(inc, now)
                .into_iter()
                .map(|(function, budget)| EventKind::TimerBreached {
                    function,
                    budget_secs: budget.as_secs(),
                })
                .collect();
            due.extend(crate::comms::reminders_due(inc, rb, now));
            due.extend(super::response::breach_due(inc, rb, now));
            due
        }
        Command::Record(kind) => {
            if let Some(what) = decided_only(kind) {
                return Err(Refusal::NotRecordable(what));
            }
            // A change to the state the journal already has is none: two consoles probing the
            // same service, or a result that arrived before the last one was written.
            if let EventKind::HealthChanged { service, to, .. } = kind {
                if inc.health.get(service).is_some_and(|m| m.state == *to) {
                    return Ok(Vec::new());
                }
            }
            vec![kind.clone()]
        }
    })
}

/// The correction of this console's last step or restore action, if it was made within the
/// undo window and not corrected since.
fn undo(inc: &Incident, host: &str, pid: u32, now: DateTime<Utc>) -> Option<Vec<EventKind>> {
    let reason = crate::i18n::messages(inc.decl.lang).undo_reason.to_string();
    let own = inc.events.iter().rev().find(|e| {
        e.who.host == host
            && e.who.pid == pid
            && matches!(
                e.kind,
                EventKind::StepStarted { .. }
                    | EventKind::StepDone { .. }
                    | EventKind::StepSkipped { .. }
                    | EventKind::StepFailed { .. }
                    | EventKind::FunctionRestored { .. }
                    | EventKind::StepReopened { .. }
                    | EventKind::FunctionUnrestored { .. }
            )
    })?;
    if now.signed_duration_since(own.at).num_seconds() > UNDO_WINDOW_SECS {
        return None;
    }
    Some(match &own.kind {
        EventKind::StepStarted { step }
        | EventKind::StepDone { step }
        | EventKind::StepSkipped { step, .. }
        | EventKind::StepFailed { step, .. } => {
            // Only if the step is still as that action left it.
            inc.step(step).filter(|s| s.status != StepStatus::Pending)?;
            vec![EventKind::StepReopened { step: step.clone(), reason }]
        }
        EventKind::FunctionRestored { function } => {
            inc.timer(function).filter(|t| t.restored_at.is_some())?;
            vec![EventKind::FunctionUnrestored { function: function.clone(), reason }]
        }
        // The last own action was itself a correction: nothing left to undo.
        _ => return None,
    })
}

/// Runbook step `id` if this incident shows its commands: one of its steps, or a step of the
/// sub-procedure one of them follows.
fn shown_step<'a>(
    inc: &Incident,
    rb: &'a crate::runbook::model::Runbook,
    id: &str,
) -> Option<&'a crate::runbook::model::Step> {
    inc.steps
        .iter()
        .filter_map(|s| rb.step(&s.id))
        .flat_map(|ts| rb.command_steps(ts.step))
        .find(|s| s.id == id)
}

/// Event kinds that only a decided command may produce, by their journal name.
fn decided_only(kind: &EventKind) -> Option<&'static str> {
    match kind {
        EventKind::Declared(_) => Some("declared"),
        EventKind::StepStarted { .. }
        | EventKind::StepDone { .. }
        | EventKind::StepSkipped { .. }
        | EventKind::StepFailed { .. } => Some("step"),
        EventKind::FunctionRestored { .. } => Some("function-restored"),
        EventKind::TimerBreached { .. } => Some("timer-breached"),
        EventKind::UpdateReminder { .. } => Some("update-reminder"),
        EventKind::BackupPoint { .. } => Some("backup-point"),
        EventKind::Closed => Some("closed"),
        EventKind::Note { .. } | EventKind::RemoteNote { .. } => Some("note"),
        EventKind::Unreadable { .. } => Some("unreadable"),
        EventKind::StepReopened { .. }
        | EventKind::FunctionUnrestored { .. }
        | EventKind::T0Corrected { .. }
        | EventKind::LevelChanged { .. }
        | EventKind::FunctionsChanged { .. }
        | EventKind::Withdrawn { .. } => Some("correction"),
        EventKind::HandedOver { .. } => Some("handed-over"),
        EventKind::OwnerAssigned { .. } => Some("owner-assigned"),
        EventKind::WaitOverridden { .. } => Some("wait-overridden"),
        EventKind::ChecklistTicked { .. } => Some("checklist-ticked"),
        EventKind::AlternativeChosen { .. } => Some("alternative-chosen"),
        EventKind::PlaceholderFilled { .. } => Some("placeholder-filled"),
        _ => None,
    }
}

/// What a declaration asks for, from the console's form or from `drconsole declare`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclareRequest {
    pub disaster_type: String,
    pub level: u8,
    /// Affected functions; empty on a full DR means all of them.
    pub functions: Vec<String>,
    pub reporter: String,
    /// Default: the runbook's coordinator role.
    pub coordinator: Option<String>,
    /// Role ids on the team; `None` means every role of the runbook.
    pub team: Option<Vec<String>>,
    /// As typed: now, HH:MM, YYYY-MM-DD HH:MM or RFC 3339.
    pub t0: String,
    /// Accept a T0 more than 30 days back.
    pub force: bool,
    /// The operator already answered the T0 question ([`Question::T0`]).
    pub confirmed: bool,
    pub drill: Option<DrillInfo>,
}

/// How far back a T0 may lie without `--force`: further is nearly always a typo.
const MAX_T0_AGE_DAYS: i64 = 30;

/// The one way a declaration is made: checked against the runbook, every problem named.
pub fn declaration(
    loaded: &Loaded,
    req: &DeclareRequest,
    now: DateTime<Utc>,
) -> Result<Declaration, Refusal> {
    let rb = &loaded.runbook;
    if rb.disaster_type(&req.disaster_type).is_none() {
        return Err(Refusal::UnknownType {
            given: req.disaster_type.clone(),
            known: rb.disaster_types.iter().map(|d| d.id.clone()).collect(),
        });
    }
    let track =
        rb.track_for(&req.disaster_type, req.level).ok_or_else(|| Refusal::UnknownLevel {
            given: req.level,
            known: rb.levels.iter().map(|l| rb.level_label(l.level, "")).collect(),
        })?;
    let mut functions: Vec<String> = Vec::new();
    for f in &req.functions {
        if rb.function(f).is_none() {
            return Err(Refusal::UnknownFunctionArg {
                given: f.clone(),
                known: rb.functions.iter().map(|f| f.id.clone()).collect(),
            });
        }
        if !functions.contains(f) {
            functions.push(f.clone());
        }
    }
    // A scenario's usual functions stand in for none named, as the form pre-ticks them.
    if functions.is_empty() {
        functions =
            rb.disaster_type(&req.disaster_type).map(|d| d.functions.clone()).unwrap_or_default();
    }
    if functions.is_empty() && track.kind == TrackKind::Full {
        functions = rb.functions.iter().map(|f| f.id.clone()).collect();
    }
    if functions.is_empty() && track.kind == TrackKind::Partial {
        return Err(Refusal::PartialNeedsFunction { level: req.level });
    }
    let reporter = req.reporter.trim();
    if reporter.is_empty() {
        return Err(Refusal::ReporterRequired);
    }
    let t0 = parse_local_time(&req.t0, now).map_err(Refusal::BadT0)?;
    let age_days = now.signed_duration_since(t0).num_days();
    if age_days > MAX_T0_AGE_DAYS && !req.force {
        return Err(Refusal::T0TooOld { days: age_days });
    }
    // "23:59" typed at 21:05 means yesterday: say so before every clock starts breached.
    let hours_ago = now.signed_duration_since(t0).num_hours();
    let time_only =
        req.t0.trim().chars().all(|c| c.is_ascii_digit() || c == ':') && req.t0.contains(':');
    let yesterday = time_only
        && t0.with_timezone(&chrono::Local).date_naive()
            != now.with_timezone(&chrono::Local).date_naive();
    if (yesterday || hours_ago >= 24) && !req.confirmed && !req.force {
        return Err(Refusal::Confirm(Question::T0 { t0, hours_ago, yesterday }));
    }
    let coordinator = match req.coordinator.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => c.to_string(),
        _ => rb
            .role("coordinator")
            .or(rb.roles.first())
            .map(|r| r.person.clone())
            .unwrap_or_default(),
    };
    // Each role once, in runbook order, whatever the caller listed twice.
    let team = rb
        .roles
        .iter()
        .filter(|r| req.team.as_ref().is_none_or(|ids| ids.contains(&r.id)))
        .map(|r| TeamMember { role: r.id.clone(), person: r.person.clone() })
        .collect();
    Ok(Declaration {
        incident_id: super::state::new_incident_id(now, req.drill.is_some()),
        disaster_type: req.disaster_type.clone(),
        level: req.level,
        functions,
        reporter: reporter.to_string(),
        coordinator,
        team,
        t0,
        runbook_name: rb.plan.name.clone(),
        runbook_sha256: loaded.sha256(),
        lang: rb.plan.language,
        drill: req.drill.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::event::{Actor, Event};
    use crate::incident::state::apply;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap()
    }

    fn loaded() -> Loaded {
        crate::runbook::load::builtin().unwrap()
    }

    fn req(level: u8) -> DeclareRequest {
        DeclareRequest {
            disaster_type: "database-failure".into(),
            level,
            functions: vec![],
            reporter: "ops".into(),
            coordinator: None,
            team: None,
            t0: "now".into(),
            force: false,
            confirmed: false,
            drill: None,
        }
    }

    fn ev(at: DateTime<Utc>, kind: EventKind) -> Event {
        Event {
            at,
            wall: at,
            mono_ms: 0,
            who: Actor::default().into(),
            resource: None,
            success: true,
            kind,
        }
    }

    fn incident(l: &Loaded) -> Incident {
        let decl = declaration(l, &req(3), t0()).unwrap();
        Incident::from_declared(&l.runbook, &ev(t0(), EventKind::Declared(Box::new(decl)))).unwrap()
    }

    /// Decide, then apply what was decided, as the session does.
    fn run(
        l: &Loaded,
        inc: &mut Incident,
        cmd: Command,
        now: DateTime<Utc>,
    ) -> Result<Vec<EventKind>, Refusal> {
        let kinds = decide(inc, &l.runbook, &cmd, now)?;
        for k in &kinds {
            apply(inc, &l.runbook, &ev(now, k.clone()));
        }
        Ok(kinds)
    }

    #[test]
    fn step_rules() {
        let l = loaded();
        let mut inc = incident(&l);
        let first = inc.steps[0].key.clone();
        let now = t0() + chrono::Duration::minutes(1);
        let start = || Command::StartStep { step: first.clone() };
        let done = || Command::CompleteStep { step: first.clone() };
        assert!(run(&l, &mut inc, start(), now).is_ok());
        assert_eq!(run(&l, &mut inc, start(), now), Err(Refusal::StepNotPending));
        assert_eq!(run(&l, &mut inc, done(), now).unwrap().len(), 1);
        assert_eq!(run(&l, &mut inc, done(), now), Err(Refusal::StepFinished));
        let skip = Command::SkipStep { step: first.clone(), reason: "x".into() };
        assert_eq!(run(&l, &mut inc, skip, now), Err(Refusal::StepFinished));
        let second = inc.steps[1].key.clone();
        let empty = Command::SkipStep { step: second.clone(), reason: "  ".into() };
        assert_eq!(run(&l, &mut inc, empty, now), Err(Refusal::EmptyText));
        let unknown = Command::StartStep { step: "nope".into() };
        assert_eq!(run(&l, &mut inc, unknown, now), Err(Refusal::UnknownStep("nope".into())));
        let fail = || Command::FailStep { step: second.clone(), reason: "bad".into() };
        assert!(run(&l, &mut inc, fail(), now).is_ok());
        assert_eq!(run(&l, &mut inc, fail(), now), Err(Refusal::StepFinished));
        let note = Command::Note { text: "".into() };
        assert_eq!(run(&l, &mut inc, note, now), Err(Refusal::EmptyText));
        let raw = Command::Record(EventKind::Closed);
        assert_eq!(run(&l, &mut inc, raw, now), Err(Refusal::NotRecordable("closed")));
    }

    #[test]
    fn the_closing_step_closes_and_then_only_notes_and_records_pass() {
        let l = loaded();
        let mut inc = incident(&l);
        let close = inc
            .steps
            .iter()
            .find(|s| l.runbook.step(&s.id).is_some_and(|t| t.step.completes_recovery))
            .unwrap()
            .key
            .clone();
        let now = t0() + chrono::Duration::hours(1);
        let close_cmd = Command::CompleteStep { step: close };
        // Closing asks, and lists what is still open: every function, every earlier step.
        let Err(Refusal::Confirm(Question::Close { unrestored, pending_steps, .. })) =
            run(&l, &mut inc, close_cmd.clone(), now)
        else {
            panic!("closing must ask first")
        };
        assert_eq!(unrestored.len(), inc.timers.len());
        assert!(!pending_steps.is_empty());
        let kinds = run(&l, &mut inc, Command::Confirmed(Box::new(close_cmd)), now).unwrap();
        assert!(matches!(kinds.as_slice(), [EventKind::StepDone { .. }, EventKind::Closed]));
        let step = inc.steps[0].key.clone();
        assert_eq!(run(&l, &mut inc, Command::StartStep { step }, now), Err(Refusal::Closed));
        let f = inc.timers[0].id.clone();
        assert_eq!(
            run(&l, &mut inc, Command::RestoreFunction { function: f }, now),
            Err(Refusal::Closed)
        );
        assert!(run(&l, &mut inc, Command::Note { text: "after".into() }, now).is_ok());
        let ended = Command::Record(EventKind::SessionEnded { reason: "quit".into() });
        assert!(run(&l, &mut inc, ended, now).is_ok());
    }

    #[test]
    fn breaches_fall_due_once_per_timer_and_not_after_a_restore() {
        let l = loaded();
        let mut inc = incident(&l);
        let restored = inc.timers[0].id.clone();
        let budget0 = inc.timers[0].budget;
        let before =
            t0() + chrono::Duration::from_std(budget0).unwrap() - chrono::Duration::seconds(1);
        let early = run(&l, &mut inc, Command::Tick, before).unwrap();
        assert!(!early.iter().any(|k| matches!(k, EventKind::TimerBreached { .. })), "{early:?}");
        run(&l, &mut inc, Command::RestoreFunction { function: restored.clone() }, before).unwrap();
        assert_eq!(
            run(&l, &mut inc, Command::RestoreFunction { function: restored.clone() }, before),
            Err(Refusal::AlreadyRestored)
        );
        let day = t0() + chrono::Duration::hours(24);
        let due = run(&l, &mut inc, Command::Tick, day).unwrap();
        let breached: Vec<Option<String>> = due
            .iter()
            .filter_map(|k| match k {
                EventKind::TimerBreached { function, .. } => Some(function.clone()),
                _ => None,
            })
            .collect();
        assert!(breached.contains(&None), "the overall RTO: {breached:?}");
        assert!(!breached.contains(&Some(restored.clone())), "restored in time: {breached:?}");
        let over: Vec<Option<String>> = inc
            .timers
            .iter()
            .filter(|t| t.id != restored && t.budget < std::time::Duration::from_secs(24 * 3600))
            .map(|t| Some(t.id.clone()))
            .collect();
        assert_eq!(breached.len(), over.len() + 1, "{breached:?}");
        assert!(over.iter().all(|f| breached.contains(f)), "{breached:?}");
        let again = run(&l, &mut inc, Command::Tick, day).unwrap();
        assert!(!again.iter().any(|k| matches!(k, EventKind::TimerBreached { .. })), "{again:?}");
    }

    #[test]
    fn backup_time_must_be_before_t0_and_not_in_the_future() {
        let l = loaded();
        let mut inc = incident(&l);
        let now = t0() + chrono::Duration::minutes(5);
        let b = |m: i64| Command::BackupPoint {
            backup_at: t0() + chrono::Duration::minutes(m),
            source: "operator".into(),
        };
        assert_eq!(run(&l, &mut inc, b(10), now), Err(Refusal::BackupInFuture));
        assert_eq!(run(&l, &mut inc, b(1), now), Err(Refusal::BackupAfterT0));
        assert!(run(&l, &mut inc, b(-30), now).is_ok());
        assert_eq!(inc.backup_point, Some(t0() - chrono::Duration::minutes(30)));
    }

    #[test]
    fn declaration_rules() {
        let l = loaded();
        let now = t0();
        let mut r = req(2);
        assert_eq!(declaration(&l, &r, now), Err(Refusal::PartialNeedsFunction { level: 2 }));
        r.functions = vec!["auth".into(), "auth".into()];
        let d = declaration(&l, &r, now);
        let known = l.runbook.functions.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        match d {
            Ok(d) => assert_eq!(d.functions, vec!["auth".to_string()], "de-duplicated"),
            Err(e) => assert_eq!(e, Refusal::UnknownFunctionArg { given: "auth".into(), known }),
        }
        let mut r = req(3);
        assert_eq!(declaration(&l, &r, now).unwrap().functions.len(), l.runbook.functions.len());
        r.reporter = " ".into();
        assert_eq!(declaration(&l, &r, now), Err(Refusal::ReporterRequired));
        let mut r = req(3);
        r.t0 = "1900-01-01 00:00".into();
        assert!(matches!(declaration(&l, &r, now), Err(Refusal::T0TooOld { .. })));
        r.force = true;
        assert!(declaration(&l, &r, now).is_ok());
        let mut r = req(9);
        r.level = 9;
        assert!(matches!(declaration(&l, &r, now), Err(Refusal::UnknownLevel { given: 9, .. })));
        let mut r = req(3);
        r.team = Some(vec!["coordinator".into(), "coordinator".into()]);
        let d = declaration(&l, &r, now).unwrap();
        assert_eq!(d.team.len(), 1, "each role once");
    }

    #[test]
    fn corrections_are_events_and_undo_takes_back_the_last_own_action() {
        let l = loaded();
        let mut inc = incident(&l);
        let now = t0() + chrono::Duration::minutes(2);
        let first = inc.steps[0].key.clone();
        // `d d`-style mistake: a step never started asks before it is done.
        let done = Command::CompleteStep { step: first.clone() };
        assert_eq!(
            run(&l, &mut inc, done.clone(), now),
            Err(Refusal::Confirm(Question::NeverStarted(first.clone())))
        );
        run(&l, &mut inc, Command::Confirmed(Box::new(done)), now).unwrap();
        let reopen = |r: &str| Command::ReopenStep { step: first.clone(), reason: r.into() };
        assert_eq!(run(&l, &mut inc, reopen(""), now), Err(Refusal::EmptyText));
        run(&l, &mut inc, reopen("done by mistake"), now).unwrap();
        assert_eq!(inc.steps[0].status, StepStatus::Pending);
        assert_eq!(run(&l, &mut inc, reopen("again"), now), Err(Refusal::NotReopenable));
        // Undo: the events carry pid 0 / empty host (ev() above): that is "this console".
        let undo = || Command::Undo { host: String::new(), pid: 0 };
        assert_eq!(
            run(&l, &mut inc, undo(), now),
            Err(Refusal::NothingToUndo),
            "last was a correction"
        );
        let f = inc.timers[0].id.clone();
        run(&l, &mut inc, Command::RestoreFunction { function: f.clone() }, now).unwrap();
        let k = run(&l, &mut inc, undo(), now + chrono::Duration::seconds(30)).unwrap();
        assert!(matches!(&k[..], [EventKind::FunctionUnrestored { .. }]), "{k:?}");
        assert!(inc.timers[0].restored_at.is_none());
        run(&l, &mut inc, Command::RestoreFunction { function: f }, now).unwrap();
        let late = now + chrono::Duration::seconds(UNDO_WINDOW_SECS + 1);
        assert_eq!(run(&l, &mut inc, undo(), late), Err(Refusal::NothingToUndo));
        // Another console's action is not ours to undo.
        let other = Command::Undo { host: "elsewhere".into(), pid: 9 };
        assert_eq!(run(&l, &mut inc, other, now), Err(Refusal::NothingToUndo));
    }

    #[test]
    fn command_passes_by_hand_over_and_owners_by_assignment() {
        let l = loaded();
        let mut inc = incident(&l);
        let now = t0() + chrono::Duration::minutes(5);
        // The declaration's coordinator commands first (the runbook's: 张三).
        assert_eq!(inc.commander(), "张三");
        let hand = |to: &str| Command::HandOver { to: to.into() };
        assert_eq!(
            run(&l, &mut inc, hand("张三"), now),
            Err(Refusal::AlreadyCommander("张三".into()))
        );
        assert!(matches!(run(&l, &mut inc, hand("  "), now), Err(Refusal::BadName(_))));
        assert!(matches!(run(&l, &mut inc, hand("a\u{1b}[2J"), now), Err(Refusal::BadName(_))));
        let k = run(&l, &mut inc, hand(" Li Wei "), now).unwrap();
        assert_eq!(k, vec![EventKind::HandedOver { from: "张三".into(), to: "Li Wei".into() }]);
        assert_eq!(inc.commander(), "Li Wei");
        assert_eq!(inc.commanders.len(), 2);
        assert_eq!(inc.commanders[1].since, now);

        let key = inc.steps[1].key.clone();
        let assign = |o: &str| Command::AssignOwner { step: key.clone(), owner: o.into() };
        run(&l, &mut inc, assign("王五"), now).unwrap();
        assert_eq!(inc.owners.get(&key).map(String::as_str), Some("王五"));
        assert_eq!(
            run(&l, &mut inc, assign("王五"), now),
            Err(Refusal::AlreadyOwner("王五".into()))
        );
        let nosuch = Command::AssignOwner { step: "nope".into(), owner: "x".into() };
        assert_eq!(run(&l, &mut inc, nosuch, now), Err(Refusal::UnknownStep("nope".into())));
        // Neither is something a caller may record directly, nor allowed once withdrawn.
        let raw = EventKind::HandedOver { from: "a".into(), to: "b".into() };
        assert!(matches!(
            run(&l, &mut inc, Command::Record(raw), now),
            Err(Refusal::NotRecordable(_))
        ));
        run(&l, &mut inc, Command::Withdraw { reason: "drill typo".into() }, now).unwrap();
        assert_eq!(run(&l, &mut inc, hand("bob"), now), Err(Refusal::Closed));
    }

    #[test]
    fn a_t0_correction_withdraws_breaches_that_no_longer_hold() {
        let l = loaded();
        let mut inc = incident(&l);
        let late = t0() + chrono::Duration::hours(9);
        let due = run(&l, &mut inc, Command::Tick, late).unwrap();
        assert!(due.iter().any(|k| matches!(k, EventKind::TimerBreached { function: None, .. })));
        assert!(inc.overall_breached_at.is_some());
        // T0 was wrong: the outage began an hour before the breach time, not nine.
        let t0 = (late - chrono::Duration::hours(1)).to_rfc3339();
        let fix = Command::CorrectT0 { t0, reason: "typed 23:59 for 07:59".into() };
        run(&l, &mut inc, fix, late).unwrap();
        assert!(inc.overall_breach_withdrawn, "the overall breach no longer holds");
        assert!(inc.overall_breached_at.is_some(), "the breach event is kept");
        let again = run(&l, &mut inc, Command::Tick, late).unwrap();
        assert!(!again
            .iter()
            .any(|k| matches!(k, EventKind::TimerBreached { function: None, .. })));
        // Later it breaches for real under the new T0.
        let later = late + chrono::Duration::hours(8);
        let real = run(&l, &mut inc, Command::Tick, later).unwrap();
        assert!(real.iter().any(|k| matches!(k, EventKind::TimerBreached { function: None, .. })));
        assert!(!inc.overall_breach_withdrawn);
    }

    #[test]
    fn a_level_change_switches_the_track_and_keeps_work_done() {
        let l = loaded();
        let mut r = req(2);
        r.functions = vec![l.runbook.functions[0].id.clone()];
        let decl = declaration(&l, &r, t0()).unwrap();
        let mut inc =
            Incident::from_declared(&l.runbook, &ev(t0(), EventKind::Declared(Box::new(decl))))
                .unwrap();
        let now = t0() + chrono::Duration::minutes(5);
        let partial_steps: Vec<String> = inc.steps.iter().map(|s| s.key.clone()).collect();
        let first = partial_steps[0].clone();
        run(&l, &mut inc, Command::StartStep { step: first.clone() }, now).unwrap();
        run(&l, &mut inc, Command::CompleteStep { step: first.clone() }, now).unwrap();
        let grow = Command::ChangeLevel { level: 3, reason: "the API is down too".into() };
        run(&l, &mut inc, grow, now).unwrap();
        assert_eq!(inc.decl.level, 3);
        assert_eq!(inc.track_kind, TrackKind::Full);
        let done = inc.step(&first).map(|s| s.status);
        assert_eq!(done, Some(StepStatus::Done), "work done stays done");
        assert_eq!(
            run(&l, &mut inc, Command::ChangeLevel { level: 3, reason: "x".into() }, now),
            Err(Refusal::SameLevel)
        );
        let all = l.runbook.functions.len();
        let scope = Command::ChangeFunctions { functions: vec![], reason: "everything".into() };
        run(&l, &mut inc, scope, now).unwrap();
        assert_eq!(inc.timers.len(), all, "a full DR with no functions named times all of them");
        let w = Command::Withdraw { reason: "declared in error".into() };
        run(&l, &mut inc, w, now).unwrap();
        assert!(!inc.is_open());
        let s = inc.steps[1].key.clone();
        assert_eq!(run(&l, &mut inc, Command::StartStep { step: s }, now), Err(Refusal::Closed));
    }

    #[test]
    fn a_failed_test_is_retested_only_after_its_adjust_steps_or_an_override() {
        let l = loaded();
        let mut inc = incident(&l);
        let now = t0() + chrono::Duration::hours(1);
        let test = inc
            .steps
            .iter()
            .find(|s| l.runbook.step(&s.id).is_some_and(|t| t.step.on_fail.is_some()))
            .unwrap()
            .key
            .clone();
        let fail = Command::FailStep { step: test.clone(), reason: "orders missing".into() };
        run(&l, &mut inc, fail, now).unwrap();
        let start = Command::StartStep { step: test.clone() };
        assert!(matches!(run(&l, &mut inc, start.clone(), now), Err(Refusal::AdjustPending(_))));
        let done = Command::CompleteStep { step: test.clone() };
        assert!(matches!(run(&l, &mut inc, done, now), Err(Refusal::AdjustPending(_))));
        let o = Command::OverrideRetest { step: test.clone(), reason: "adjusted by hand".into() };
        let skipped = run(&l, &mut inc, o, now).unwrap();
        assert!(skipped.iter().all(|k| matches!(k, EventKind::StepSkipped { .. })));
        assert!(run(&l, &mut inc, start, now).is_ok(), "re-test allowed after the override");
    }

    #[test]
    fn restoring_a_function_whose_service_is_down_asks_and_names_it() {
        let l = loaded();
        let mut inc = incident(&l);
        let now = t0() + chrono::Duration::minutes(3);
        let f = &l.runbook.functions[0];
        let svc = f.services[0].clone();
        let down = EventKind::HealthChanged {
            service: svc.clone(),
            from: Health::Up,
            to: Health::Down,
            detail: "refused".into(),
        };
        run(&l, &mut inc, Command::Record(down), now).unwrap();
        let r = Command::RestoreFunction { function: f.id.clone() };
        let Err(Refusal::Confirm(Question::ServicesNotUp(s))) = run(&l, &mut inc, r.clone(), now)
        else {
            panic!("must ask")
        };
        assert_eq!(s, vec![(svc, Health::Down)]);
        assert!(run(&l, &mut inc, Command::Confirmed(Box::new(r)), now).is_ok());
    }

    /// The SaaS example: a 10-minute DNS wait before the closing step, a post-recovery
    /// procedure after it (a checklist step, the post-mortem, a 24-hour watch).
    fn saas() -> (Loaded, Incident) {
        let text = include_str!("../../runbooks/examples/saas.toml");
        let l = crate::runbook::load::from_text("saas.toml", text).unwrap();
        let mut r = req(0);
        r.disaster_type = "regional-db-failover".into();
        let decl = declaration(&l, &r, t0()).unwrap();
        let inc =
            Incident::from_declared(&l.runbook, &ev(t0(), EventKind::Declared(Box::new(decl))))
                .unwrap();
        (l, inc)
    }

    #[test]
    fn a_wait_holds_its_step_and_the_next_until_it_elapses_or_is_overridden() {
        let (l, mut inc) = saas();
        let at = |m: i64| t0() + chrono::Duration::minutes(m);
        let dns = || "fo-dns".to_string();
        let close = || Command::CompleteStep { step: "fo-close".into() };
        // Not started: the wait never ran, so the wait step cannot be done; nothing is held.
        assert_eq!(
            run(&l, &mut inc, Command::CompleteStep { step: dns() }, at(1)),
            Err(Refusal::WaitNotStarted(
                "Point DNS at the secondary region and wait out the TTL".into()
            ))
        );
        assert!(inc.held_by(&l.runbook, "fo-close", at(1)).is_none());
        run(&l, &mut inc, Command::StartStep { step: dns() }, at(2)).unwrap();
        // Started at minute 2: held until minute 12, both the next step and the wait step.
        let held = Err(Refusal::WaitRunning {
            title: "Point DNS at the secondary region and wait out the TTL".into(),
            left: "9m".into(),
        });
        assert_eq!(run(&l, &mut inc, Command::StartStep { step: "fo-close".into() }, at(3)), held);
        assert_eq!(run(&l, &mut inc, close(), at(3)), held);
        assert_eq!(run(&l, &mut inc, Command::CompleteStep { step: dns() }, at(3)), held);
        assert_eq!(
            Refusal::WaitRunning { title: "X".into(), left: "9m".into() }.message(Lang::En),
            "still waiting 9m (w overrides, with a reason): X"
        );
        // The RTO clock is not stopped by the wait.
        assert!(inc.is_open() && inc.overall_budget.is_some());
        // Elapsed: nothing is held.
        assert!(run(&l, &mut inc, Command::StartStep { step: "fo-close".into() }, at(12)).is_ok());
        run(
            &l,
            &mut inc,
            Command::ReopenStep { step: "fo-close".into(), reason: "x".into() },
            at(12),
        )
        .unwrap();
        run(&l, &mut inc, Command::ReopenStep { step: dns(), reason: "redo".into() }, at(12))
            .unwrap();
        run(&l, &mut inc, Command::StartStep { step: dns() }, at(13)).unwrap();
        assert!(matches!(run(&l, &mut inc, close(), at(14)), Err(Refusal::WaitRunning { .. })));
        // The override: a reason is required, it is journaled, and it releases both steps.
        let over = |r: &str| Command::OverrideWait { step: dns(), reason: r.into() };
        assert_eq!(run(&l, &mut inc, over(" "), at(14)), Err(Refusal::EmptyText));
        let k = run(&l, &mut inc, over("TTL checked: 60s"), at(14)).unwrap();
        assert_eq!(
            k,
            vec![EventKind::WaitOverridden { step: dns(), reason: "TTL checked: 60s".into() }]
        );
        assert_eq!(run(&l, &mut inc, over("again"), at(14)), Err(Refusal::NoWait));
        let no_wait = Command::OverrideWait { step: "fo-verify".into(), reason: "r".into() };
        assert_eq!(run(&l, &mut inc, no_wait, at(14)), Err(Refusal::NoWait));
        assert!(run(&l, &mut inc, Command::CompleteStep { step: dns() }, at(14)).is_ok());
        assert!(run(&l, &mut inc, Command::StartStep { step: "fo-close".into() }, at(14)).is_ok());
        let raw = EventKind::WaitOverridden { step: dns(), reason: "r".into() };
        assert!(matches!(
            run(&l, &mut inc, Command::Record(raw), at(14)),
            Err(Refusal::NotRecordable(_))
        ));
    }

    #[test]
    fn checklist_items_tick_and_untick_once_each_and_closing_lists_what_is_open() {
        let (l, mut inc) = saas();
        let now = t0() + chrono::Duration::minutes(5);
        let tick = |list: &str, item: usize, ticked: bool| Command::TickChecklist {
            checklist: list.into(),
            item,
            ticked,
        };
        let k = run(&l, &mut inc, tick("post-recovery", 1, true), now).unwrap();
        assert_eq!(
            k,
            vec![EventKind::ChecklistTicked {
                checklist: "post-recovery".into(),
                item: 1,
                text: "Replicas resynced in the failed region".into(),
                ticked: true,
            }]
        );
        assert!(inc.is_ticked("post-recovery", 1));
        assert_eq!(
            run(&l, &mut inc, tick("post-recovery", 1, true), now),
            Err(Refusal::AlreadyTicked(true))
        );
        run(&l, &mut inc, tick("post-recovery", 1, false), now).unwrap();
        assert!(!inc.is_ticked("post-recovery", 1));
        assert_eq!(
            run(&l, &mut inc, tick("post-recovery", 1, false), now),
            Err(Refusal::AlreadyTicked(false))
        );
        assert!(matches!(
            run(&l, &mut inc, tick("post-recovery", 9, true), now),
            Err(Refusal::UnknownChecklistItem(_))
        ));
        assert!(matches!(
            run(&l, &mut inc, tick("nope", 0, true), now),
            Err(Refusal::UnknownChecklistItem(_))
        ));
        // A checklist of no step is the incident's too.
        run(&l, &mut inc, tick("post-incident-review", 0, true), now).unwrap();
        run(&l, &mut inc, tick("post-recovery", 0, true), now).unwrap();
        let Err(Refusal::Confirm(q)) =
            run(&l, &mut inc, Command::CompleteStep { step: "fo-close".into() }, now)
        else {
            panic!("closing asks")
        };
        let Question::Close { unticked, post_recovery, pending_steps, .. } = &q else {
            panic!("{q:?}")
        };
        assert_eq!(unticked.len(), 2, "{unticked:?}");
        assert_eq!(unticked[0].0, "Post-recovery checklist");
        assert_eq!(unticked[0].1.len(), 3, "{unticked:?}");
        assert_eq!(unticked[1].1.len(), 2, "{unticked:?}");
        assert_eq!(post_recovery, &["post-checklist", "post-mortem", "post-watch"]);
        assert!(pending_steps.contains(&"fo-dns".to_string()), "{pending_steps:?}");
        let m = q.message(Lang::En);
        assert!(m.contains("unticked (Post-recovery checklist): Replicas"), "{m}");
        assert!(m.contains("post-recovery steps (workable after the close): post-checklist"));
    }

    #[test]
    fn after_the_close_only_the_post_recovery_steps_and_lists_are_workable() {
        let (l, mut inc) = saas();
        let now = t0() + chrono::Duration::minutes(20);
        run(&l, &mut inc, Command::StartStep { step: "post-checklist".into() }, now).unwrap();
        let close = Command::CompleteStep { step: "fo-close".into() };
        run(&l, &mut inc, Command::Confirmed(Box::new(close)), now).unwrap();
        assert!(inc.closed_at.is_some());
        // The post-recovery step in progress is not completed by the close.
        assert_eq!(inc.step("post-checklist").map(|s| s.status), Some(StepStatus::InProgress));
        assert!(inc.has_post_closing_work(&l.runbook));
        let later = now + chrono::Duration::hours(2);
        // Steps before the close are frozen.
        for step in ["fo-confirm", "fo-verify", "fo-close"] {
            let start = Command::StartStep { step: step.into() };
            assert_eq!(run(&l, &mut inc, start, later), Err(Refusal::Closed), "{step}");
        }
        let skip = Command::SkipStep { step: "fo-dns".into(), reason: "r".into() };
        assert_eq!(run(&l, &mut inc, skip, later), Err(Refusal::Closed));
        let f = inc.timers[0].id.clone();
        assert_eq!(
            run(&l, &mut inc, Command::RestoreFunction { function: f }, later),
            Err(Refusal::Closed)
        );
        // The post-recovery ones are not.
        let tick =
            Command::TickChecklist { checklist: "post-recovery".into(), item: 0, ticked: true };
        run(&l, &mut inc, tick, later).unwrap();
        let review = Command::TickChecklist {
            checklist: "post-incident-review".into(),
            item: 2,
            ticked: true,
        };
        run(&l, &mut inc, review, later).unwrap();
        run(&l, &mut inc, Command::CompleteStep { step: "post-checklist".into() }, later).unwrap();
        run(&l, &mut inc, Command::StartStep { step: "post-mortem".into() }, later).unwrap();
        run(&l, &mut inc, Command::CompleteStep { step: "post-mortem".into() }, later).unwrap();
        // The 24-hour watch is a wait like any other, after the close too.
        run(&l, &mut inc, Command::StartStep { step: "post-watch".into() }, later).unwrap();
        let watch = Command::CompleteStep { step: "post-watch".into() };
        assert!(matches!(
            run(&l, &mut inc, watch.clone(), later),
            Err(Refusal::WaitRunning { .. })
        ));
        let day = later + chrono::Duration::hours(24);
        run(&l, &mut inc, watch, day).unwrap();
        assert!(!inc.has_post_closing_work(&l.runbook));
        // The clocks stopped at the close, whatever was worked after it.
        assert_eq!(inc.ended_at(), Some(now));
        // A withdrawn incident keeps nothing workable.
        let (l, mut inc) = saas();
        run(&l, &mut inc, Command::Withdraw { reason: "typo".into() }, now).unwrap();
        let start = Command::StartStep { step: "post-mortem".into() };
        assert_eq!(run(&l, &mut inc, start, now), Err(Refusal::Closed));
        let tick = Command::TickChecklist {
            checklist: "post-incident-review".into(),
            item: 0,
            ticked: true,
        };
        assert_eq!(run(&l, &mut inc, tick, now), Err(Refusal::Closed));
    }

    #[test]
    fn a_t0_that_fell_on_yesterday_asks() {
        let l = loaded();
        let now = chrono::Local::now().with_timezone(&Utc);
        // One minute ahead of now, as HH:MM: that time today is still to come, so it is
        // yesterday's (unless it wraps past midnight, where it is today: then no question).
        let ahead =
            (chrono::Local::now() + chrono::Duration::minutes(2)).format("%H:%M").to_string();
        let mut r = req(3);
        r.t0 = ahead;
        match declaration(&l, &r, now) {
            Err(Refusal::Confirm(Question::T0 { yesterday: true, hours_ago, .. })) => {
                assert!(hours_ago >= 23, "{hours_ago}");
                r.confirmed = true;
                assert!(declaration(&l, &r, now).is_ok());
            }
            other => {
                let local_hour = chrono::Local::now().format("%H:%M").to_string();
                assert!(local_hour.as_str() >= "23:57", "{other:?}");
            }
        }
        let mut r = req(3);
        r.t0 = (now - chrono::Duration::hours(30)).to_rfc3339();
        assert!(matches!(declaration(&l, &r, now), Err(Refusal::Confirm(Question::T0 { .. }))));
    }

    #[test]
    fn an_alternative_is_chosen_chosen_again_and_only_among_those_offered() {
        let (l, mut inc) = saas();
        let now = t0() + chrono::Duration::minutes(3);
        let choose = |step: &str, a: &str| Command::ChooseAlternative {
            step: step.into(),
            alternative: a.into(),
        };
        assert_eq!(
            run(&l, &mut inc, choose("fo-promote", "nope"), now),
            Err(Refusal::UnknownAlternative {
                given: "nope".into(),
                known: vec!["auto".into(), "manual".into()]
            })
        );
        assert_eq!(
            run(&l, &mut inc, choose("fo-confirm", "auto"), now),
            Err(Refusal::NoAlternatives("fo-confirm".into()))
        );
        // A step of another scenario's track is not this incident's to choose for.
        assert_eq!(
            run(&l, &mut inc, choose("out-mitigate", "kubectl"), now),
            Err(Refusal::UnknownStep("out-mitigate".into()))
        );
        let k = run(&l, &mut inc, choose("fo-promote", "auto"), now).unwrap();
        assert_eq!(
            k,
            vec![EventKind::AlternativeChosen {
                step: "fo-promote".into(),
                alternative: "auto".into()
            }]
        );
        assert!(matches!(
            run(&l, &mut inc, choose("fo-promote", "auto"), now),
            Err(Refusal::AlreadyChosen(_))
        ));
        // Choosing again replaces the choice; both are journaled.
        run(&l, &mut inc, choose("fo-promote", "manual"), now).unwrap();
        assert_eq!(inc.alternatives.get("fo-promote").map(String::as_str), Some("manual"));
        let raw =
            EventKind::AlternativeChosen { step: "fo-promote".into(), alternative: "x".into() };
        assert!(matches!(
            run(&l, &mut inc, Command::Record(raw), now),
            Err(Refusal::NotRecordable(_))
        ));
        run(&l, &mut inc, Command::Withdraw { reason: "drill typo".into() }, now).unwrap();
        assert_eq!(run(&l, &mut inc, choose("fo-promote", "auto"), now), Err(Refusal::Closed));
    }

    #[test]
    fn placeholder_values_are_checked_journaled_and_a_secret_one_without_its_value() {
        use crate::runbook::placeholder::ValueProblem;
        let (l, mut inc) = saas();
        let now = t0() + chrono::Duration::minutes(3);
        let fill =
            |p: &str, v: &str| Command::FillPlaceholder { placeholder: p.into(), value: v.into() };
        let bad = |p: &str, problem| Err(Refusal::BadValue { placeholder: p.into(), problem });
        let pattern = "[a-z0-9.-]+:[0-9]{2,5}".to_string();
        assert_eq!(
            run(&l, &mut inc, fill("primary-host", "not a host"), now),
            bad("primary-host", ValueProblem::NoMatch(pattern.clone()))
        );
        // The whole value must match, not a part of it.
        assert_eq!(
            run(&l, &mut inc, fill("primary-host", "db-1:27017; rm -rf /"), now),
            bad("primary-host", ValueProblem::NoMatch(pattern))
        );
        assert_eq!(
            run(&l, &mut inc, fill("primary-host", "db-1\u{1b}[2J:27017"), now),
            bad("primary-host", ValueProblem::Hidden)
        );
        assert_eq!(
            run(&l, &mut inc, fill("primary-host", "  "), now),
            bad("primary-host", ValueProblem::Empty)
        );
        assert_eq!(
            run(&l, &mut inc, fill("collection", "x"), now),
            Err(Refusal::UnknownPlaceholder("collection".into()))
        );
        let k = run(&l, &mut inc, fill("primary-host", " db-1.acme:27017 "), now).unwrap();
        assert_eq!(
            k,
            vec![EventKind::PlaceholderFilled {
                placeholder: "primary-host".into(),
                value: Some("db-1.acme:27017".into())
            }]
        );
        // The same value again writes nothing; another one is a new entry.
        assert_eq!(run(&l, &mut inc, fill("primary-host", "db-1.acme:27017"), now), Ok(vec![]));
        run(&l, &mut inc, fill("primary-host", "db-2.acme:27017"), now).unwrap();
        assert_eq!(inc.placeholders.get("primary-host"), Some(&Some("db-2.acme:27017".into())));
        // A secret value is checked like any other and journaled without it.
        assert!(matches!(
            run(&l, &mut inc, fill("new-password", "short"), now),
            Err(Refusal::BadValue { .. })
        ));
        let secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t";
        let k = run(&l, &mut inc, fill("new-password", secret), now).unwrap();
        assert_eq!(
            k,
            vec![EventKind::PlaceholderFilled { placeholder: "new-password".into(), value: None }]
        );
        assert_eq!(inc.placeholders.get("new-password"), Some(&None));
        let journaled = serde_json::to_string(&inc.events).unwrap();
        assert!(!journaled.contains(secret), "{journaled}");
    }
}

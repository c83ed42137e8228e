//! The rules: what an operator (or the program on the operator's behalf) may do to an incident,
//! and which events an action produces. Pure functions of the incident as the journal has it,
//! shared by the console, the CLI and drills, so a rule holds everywhere or nowhere.

use chrono::{DateTime, Utc};

use super::clock::parse_local_time;
use super::event::{Declaration, DrillInfo, EventKind, TeamMember};
use super::state::{Incident, StepStatus};
use super::timers;
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
    BadT0(String),
    T0TooOld {
        days: i64,
    },
}

impl Refusal {
    /// The refusal in the operator's language.
    pub fn message(&self, lang: Lang) -> String {
        let ui = crate::i18n::ui(lang);
        let zh = lang == Lang::Zh;
        match self {
            Refusal::Closed => ui.incident_closed.to_string(),
            Refusal::UnknownStep(s) if zh => format!("运行手册中没有步骤 '{s}'"),
            Refusal::UnknownStep(s) => format!("the runbook has no step '{s}'"),
            Refusal::StepNotPending => ui.step_not_pending.to_string(),
            Refusal::StepFinished => ui.step_finished.to_string(),
            Refusal::UnknownFunction(f) if zh => format!("本事件没有计时的业务功能 '{f}'"),
            Refusal::UnknownFunction(f) => format!("this incident has no timed function '{f}'"),
            Refusal::AlreadyRestored => ui.already_restored.to_string(),
            Refusal::EmptyText => ui.empty_text.to_string(),
            Refusal::BackupInFuture if zh => "备份时间不能在将来".to_string(),
            Refusal::BackupInFuture => "the backup time is in the future".to_string(),
            Refusal::BackupAfterT0 if zh => {
                "备份时间晚于故障开始时间 (T0):RPO 计算的是 T0 之前最后一次备份".to_string()
            }
            Refusal::BackupAfterT0 => "the backup time is after T0: the RPO counts from the last \
                                       backup before the outage began"
                .to_string(),
            Refusal::NotRecordable(what) => {
                format!("'{what}' is an operator action, not something to record directly")
            }
            Refusal::UnknownType { given, known } => format!(
                "--type '{given}' is not a disaster type of this runbook; one of: {}",
                known.join(", ")
            ),
            Refusal::UnknownLevel { given, known } => format!(
                "--level {given} is not a level of this runbook; one of: {}",
                known.join(", ")
            ),
            Refusal::UnknownFunctionArg { given, known } => format!(
                "--functions: '{given}' is not a business function; one of: {}",
                known.join(", ")
            ),
            Refusal::PartialNeedsFunction { .. } if zh => {
                "部分DR至少需要选择一个受影响功能".to_string()
            }
            Refusal::PartialNeedsFunction { level } => format!(
                "level {level} is a partial DR: name the affected functions with --functions"
            ),
            Refusal::ReporterRequired if zh => "请填写报告人".to_string(),
            Refusal::ReporterRequired => "the reporter is required".to_string(),
            Refusal::BadT0(e) => e.clone(),
            Refusal::T0TooOld { days } if zh => {
                format!("T0 是 {days} 天前:超过 30 天,请检查日期(确有此事请加 --force)")
            }
            Refusal::T0TooOld { days } => format!(
                "T0 is {days} days ago, more than 30: check the date (--force if it really is)"
            ),
        }
    }
}

/// The events a command produces on `inc`, or why it may not happen. `now` is the time the
/// events will carry.
pub fn decide(
    inc: &Incident,
    rb: &crate::runbook::model::Runbook,
    cmd: &Command,
    now: DateTime<Utc>,
) -> Result<Vec<EventKind>, Refusal> {
    let open = || if inc.closed_at.is_some() { Err(Refusal::Closed) } else { Ok(()) };
    let step = |key: &str| {
        inc.step(key).map(|s| (s, s.status)).ok_or_else(|| Refusal::UnknownStep(key.to_string()))
    };
    let text = |t: &str| if t.trim().is_empty() { Err(Refusal::EmptyText) } else { Ok(()) };
    let finished = |st: StepStatus| matches!(st, StepStatus::Done | StepStatus::Skipped);
    Ok(match cmd {
        Command::StartStep { step: key } => {
            open()?;
            let (_, st) = step(key)?;
            if !matches!(st, StepStatus::Pending | StepStatus::Failed) {
                return Err(Refusal::StepNotPending);
            }
            vec![EventKind::StepStarted { step: key.clone() }]
        }
        Command::CompleteStep { step: key } => {
            open()?;
            let (s, st) = step(key)?;
            if finished(st) {
                return Err(Refusal::StepFinished);
            }
            let done = EventKind::StepDone { step: key.clone() };
            if rb.step(&s.id).is_some_and(|t| t.step.completes_recovery) {
                vec![done, EventKind::Closed]
            } else {
                vec![done]
            }
        }
        Command::SkipStep { step: key, reason } => {
            open()?;
            let (_, st) = step(key)?;
            if finished(st) {
                return Err(Refusal::StepFinished);
            }
            text(reason)?;
            vec![EventKind::StepSkipped { step: key.clone(), reason: reason.clone() }]
        }
        Command::FailStep { step: key, reason } => {
            open()?;
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
        Command::Tick => {
            let mut due: Vec<EventKind> = timers::breaches_due(inc, now)
                .into_iter()
                .map(|(function, budget)| EventKind::TimerBreached {
                    function,
                    budget_secs: budget.as_secs(),
                })
                .collect();
            due.extend(crate::comms::reminders_due(inc, rb, now));
            due
        }
        Command::Record(kind) => {
            if let Some(what) = decided_only(kind) {
                return Err(Refusal::NotRecordable(what));
            }
            vec![kind.clone()]
        }
    })
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
        EventKind::Note { .. } => Some("note"),
        EventKind::Unreadable { .. } => Some("unreadable"),
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
    let track = rb.track_for_level(req.level).ok_or_else(|| Refusal::UnknownLevel {
        given: req.level,
        known: rb.levels.iter().map(|l| l.level.to_string()).collect(),
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

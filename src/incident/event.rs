//! Every change to an incident is an [`Event`]. Events are made durable first, then applied to
//! the in-memory [`super::Incident`] by a pure function, then shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::runbook::model::Lang;

/// Who did it, from where. Filled once per process from the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Actor {
    pub user: String,
    /// Client address from `SSH_CONNECTION`, when the operator is on SSH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_client: Option<String>,
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tty: Option<String>,
    pub pid: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Time on the process's monotonic-anchored clock: durations between events of one session
    /// stay right even if the host clock jumps.
    pub at: DateTime<Utc>,
    /// The host's wall clock when the event was made, kept for the audit trail.
    pub wall: DateTime<Utc>,
    /// Milliseconds since the session (process) started, from a monotonic clock.
    pub mono_ms: u64,
    pub who: Actor,
    /// The step, function or service concerned, for auditors filtering the journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// False for failures: a failed step, a breach, a service going DOWN, a panic.
    #[serde(default = "yes")]
    pub success: bool,
    #[serde(flatten)]
    pub kind: EventKind,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub role: String,
    pub person: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Declaration {
    pub incident_id: String,
    pub disaster_type: String,
    pub level: u8,
    pub functions: Vec<String>,
    pub reporter: String,
    pub coordinator: String,
    pub team: Vec<TeamMember>,
    /// When the outage began; may be earlier than the declaration.
    pub t0: DateTime<Utc>,
    pub runbook_name: String,
    pub runbook_sha256: String,
    pub lang: Lang,
    /// Set when this is a tabletop exercise, never for a real incident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<DrillInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillInfo {
    pub scenario: String,
    pub speed: f64,
}

/// What happened. Serialized with a `type` tag; the names are part of the journal format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EventKind {
    Declared(Declaration),
    SessionStarted {
        resumed: bool,
    },
    SessionEnded {
        reason: String,
    },
    /// Found on resume: the previous session never ended cleanly (kill -9, power loss).
    SessionInterrupted {
        last_event_at: DateTime<Utc>,
    },
    StepStarted {
        step: String,
    },
    StepDone {
        step: String,
    },
    StepSkipped {
        step: String,
        reason: String,
    },
    StepFailed {
        step: String,
        reason: String,
    },
    Note {
        text: String,
    },
    FunctionRestored {
        function: String,
    },
    /// `function` is `None` for the overall RTO.
    TimerBreached {
        function: Option<String>,
        budget_secs: u64,
    },
    HealthChanged {
        service: String,
        from: String,
        to: String,
        detail: String,
    },
    /// The time of the last good backup, for the RPO.
    BackupPoint {
        at: DateTime<Utc>,
        source: String,
    },
    /// Recovery declared complete (§5.5 step 11); the clocks stop.
    Closed,
    Panic {
        message: String,
    },
    /// An internal notification of §7.1 was made. `notified` names who was reached (it cannot
    /// be called `who`: the event's own `who`, the operator, shares the flattened JSON object).
    NotificationSent {
        stage: String,
        audience: String,
        channel: String,
        notified: String,
        note: String,
    },
    /// An external message of §7.2 went out; `text` is exactly what was sent.
    CommsSent {
        template: String,
        channel: String,
        text: String,
    },
    /// A stakeholder status update fell due (journaled once per due time).
    UpdateReminder {
        due_at: DateTime<Utc>,
    },
    /// A stakeholder status update went out by some other way than a template.
    StatusUpdateSent {
        channel: String,
        note: String,
    },
    /// Drill only: a message to the players, from the scenario or ad hoc from the facilitator.
    DrillMessage {
        text: String,
        #[serde(default)]
        adhoc: bool,
    },
    /// Drill only: a decision the players must take, with its options.
    DrillDecision {
        prompt: String,
        options: Vec<String>,
    },
    /// Drill only: a scenario expectation checked against the incident at its game time.
    /// `kind` is `function` (restored), `step` (done) or `service` (in `state`).
    DrillExpectation {
        kind: String,
        target: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
        by_secs: u64,
        met: bool,
    },
    /// Drill only: the facilitator paused or resumed the game clock.
    DrillClock {
        paused: bool,
    },
}

impl EventKind {
    /// The step, function or service the event concerns, for the audit trail.
    pub fn resource(&self) -> Option<&str> {
        match self {
            EventKind::StepStarted { step }
            | EventKind::StepDone { step }
            | EventKind::StepSkipped { step, .. }
            | EventKind::StepFailed { step, .. } => Some(step),
            EventKind::FunctionRestored { function } => Some(function),
            EventKind::TimerBreached { function, .. } => function.as_deref(),
            EventKind::HealthChanged { service, .. } => Some(service),
            EventKind::NotificationSent { stage, .. } => Some(stage),
            EventKind::CommsSent { template, .. } => Some(template),
            EventKind::DrillExpectation { target, .. } => Some(target),
            _ => None,
        }
    }

    /// Whether the action it records went wrong (a failed step, a breach, a panic).
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            EventKind::StepFailed { .. }
                | EventKind::TimerBreached { .. }
                | EventKind::Panic { .. }
                | EventKind::DrillExpectation { met: false, .. }
        ) || matches!(self, EventKind::HealthChanged { to, .. } if to == "DOWN")
    }
}

impl Actor {
    /// The operator of this process, from the environment.
    pub fn from_env() -> Actor {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .ok()
            .filter(|u| !u.is_empty())
            .or_else(passwd_name)
            .unwrap_or_else(|| format!("uid{}", unsafe_uid()));
        let ssh_client = std::env::var("SSH_CONNECTION")
            .ok()
            .and_then(|s| s.split_whitespace().next().map(str::to_string));
        Actor { user, ssh_client, host: hostname(), tty: tty_name(), pid: std::process::id() }
    }
}

fn unsafe_uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

fn passwd_name() -> Option<String> {
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0u8; 4096];
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes only into pwd and buf (valid for their sizes) and sets out to
    // &pwd on success; name points into buf, which outlives the read below.
    let rc = unsafe {
        libc::getpwuid_r(unsafe_uid(), &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut out)
    };
    if rc != 0 || out.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: pw_name is a NUL-terminated string inside buf.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates on success.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "unknown".to_string();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

fn tty_name() -> Option<String> {
    std::fs::read_link("/proc/self/fd/0")
        .ok()
        .map(|p| p.display().to_string())
        .filter(|p| p.starts_with("/dev/"))
}

//! Every change to an incident is an [`Event`]. Events are made durable first, then applied to
//! the in-memory [`super::Incident`] by a pure function, then shown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::probe::Health;
use crate::runbook::model::Lang;

/// Who did it, from where. Filled once per process from the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Actor {
    /// The login.
    pub user: String,
    /// The operator's name (`--as`, `DRCONSOLE_OPERATOR`, the config's `operator`), when one
    /// was given: several people share a login on a jump host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
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
    #[serde(deserialize_with = "super::decode::event_time")]
    pub at: DateTime<Utc>,
    /// The host's wall clock when the event was made, kept for the audit trail.
    #[serde(deserialize_with = "super::decode::event_time")]
    pub wall: DateTime<Utc>,
    /// Milliseconds since the session (process) started, from a monotonic clock.
    pub mono_ms: u64,
    /// Shared: every event of one session has the same operator, and a long incident holds
    /// tens of thousands of events (readers share one allocation among consecutive events).
    #[serde(deserialize_with = "super::decode::shared_actor")]
    pub who: std::sync::Arc<Actor>,
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

/// Who wrote a note on another host. (Nested, so its field names never meet the envelope's.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteAuthor {
    /// The operator's name as given there, else the login.
    pub name: String,
    pub login: String,
    pub host: String,
    /// When it was written, on that host's clock.
    pub written: DateTime<Utc>,
    /// The inbox entry it came from: one entry is journaled once, however often delivered.
    pub inbox_id: String,
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
    /// Boxed: it is the largest by far and there is one per incident, while a long incident
    /// holds tens of thousands of events (each as large as the largest kind).
    Declared(Box<Declaration>),
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
    /// A note written on another host (`drconsole note --mongodb`) and delivered through the
    /// operations MongoDB's inbox; journaled by the console that owns the incident.
    RemoteNote {
        text: String,
        remote: RemoteAuthor,
    },
    FunctionRestored {
        function: String,
    },
    /// `function` is `None` for the overall RTO.
    TimerBreached {
        function: Option<String>,
        budget_secs: u64,
    },
    /// `from` and `to` are written as `UP`, `DEGRADED`, `DOWN`, `UNKNOWN` (see [`Health`]).
    HealthChanged {
        service: String,
        from: Health,
        to: Health,
        detail: String,
    },
    /// The time of the last good backup, for the RPO. (Named `backup_at`: a payload field may
    /// never share a name with the envelope, see [`ENVELOPE_FIELDS`].)
    BackupPoint {
        backup_at: DateTime<Utc>,
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
        state: Option<Health>,
        by_secs: u64,
        met: bool,
    },
    /// Drill only: the facilitator paused or resumed the game clock.
    DrillClock {
        paused: bool,
    },
    /// A correction: a started or finished step back to pending.
    StepReopened {
        step: String,
        reason: String,
    },
    /// A correction: a function marked restored by mistake; its clock runs again.
    FunctionUnrestored {
        function: String,
        reason: String,
    },
    /// A correction of when the outage began. The clocks recompute; a breach that no longer
    /// holds is marked withdrawn, never deleted.
    T0Corrected {
        t0: DateTime<Utc>,
        reason: String,
    },
    /// The incident grew or shrank: the track of the new level applies; steps already worked
    /// keep their state (mapped by id).
    LevelChanged {
        level: u8,
        reason: String,
    },
    /// The affected business functions, as they now are.
    FunctionsChanged {
        functions: Vec<String>,
        reason: String,
    },
    /// Declared in error: the incident leaves the open set; its record says so.
    Withdrawn {
        reason: String,
    },
    /// Command of the incident passed from one person to another (`h`, `drconsole handover`).
    HandedOver {
        from: String,
        to: String,
    },
    /// A step's owner is now this person instead of the runbook's role holder.
    OwnerAssigned {
        step: String,
        owner: String,
    },
    /// A step's wait (`wait = "24h"` in the runbook) was cut short by the operator, with why:
    /// the step and the one after it may be done before the wait elapses.
    WaitOverridden {
        step: String,
        reason: String,
    },
    /// A checklist item ticked (or unticked: `ticked` false). `item` is its index in the
    /// runbook's list; `text` is the item as it read then, so the record stays true if the
    /// runbook changes.
    ChecklistTicked {
        checklist: String,
        item: usize,
        text: String,
        ticked: bool,
    },
    /// The operator picked one of a step's alternative command sets (`step` is the runbook
    /// step that offers them). Choosing again replaces the choice; both stay journaled.
    AlternativeChosen {
        step: String,
        alternative: String,
    },
    /// The value of a command placeholder for this incident, reused by every later command
    /// that names it until filled again. A secret placeholder is journaled as filled, with no
    /// value.
    PlaceholderFilled {
        placeholder: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// A well-framed journal entry this version cannot read (a newer version's event, a field
    /// it does not know): kept on the timeline and in the record, ignored by the state. Made
    /// only by the decoder, never read from a journal and never appended to one.
    #[serde(skip_deserializing)]
    Unreadable {
        seq: u64,
        event_type: String,
        /// The entry's JSON, with passwords in connection strings redacted.
        raw: String,
        error: String,
    },
}

/// The envelope's own field names. `EventKind` is flattened into `Event`, so a payload field
/// with one of these names would silently replace the envelope's (the first version's
/// `backup-point` lost its event time that way). A unit test holds every variant to this.
pub const ENVELOPE_FIELDS: &[&str] =
    &["at", "wall", "mono_ms", "who", "resource", "success", "type"];

impl EventKind {
    /// The step, function or service the event concerns, for the audit trail.
    pub fn resource(&self) -> Option<&str> {
        match self {
            EventKind::StepStarted { step }
            | EventKind::StepDone { step }
            | EventKind::StepSkipped { step, .. }
            | EventKind::StepFailed { step, .. }
            | EventKind::StepReopened { step, .. }
            | EventKind::WaitOverridden { step, .. } => Some(step),
            EventKind::ChecklistTicked { checklist, .. } => Some(checklist),
            EventKind::FunctionRestored { function }
            | EventKind::FunctionUnrestored { function, .. } => Some(function),
            EventKind::TimerBreached { function, .. } => function.as_deref(),
            EventKind::HealthChanged { service, .. } => Some(service),
            EventKind::NotificationSent { stage, .. } => Some(stage),
            EventKind::CommsSent { template, .. } => Some(template),
            EventKind::DrillExpectation { target, .. } => Some(target),
            EventKind::AlternativeChosen { step, .. } => Some(step),
            EventKind::PlaceholderFilled { placeholder, .. } => Some(placeholder),
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
                | EventKind::Unreadable { .. }
                | EventKind::DrillExpectation { met: false, .. }
        ) || matches!(self, EventKind::HealthChanged { to: Health::Down, .. })
    }

    /// The `type` the journal gives this kind (its serde tag), without serializing it.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::Declared(_) => "declared",
            EventKind::SessionStarted { .. } => "session-started",
            EventKind::SessionEnded { .. } => "session-ended",
            EventKind::SessionInterrupted { .. } => "session-interrupted",
            EventKind::StepStarted { .. } => "step-started",
            EventKind::StepDone { .. } => "step-done",
            EventKind::StepSkipped { .. } => "step-skipped",
            EventKind::StepFailed { .. } => "step-failed",
            EventKind::Note { .. } => "note",
            EventKind::FunctionRestored { .. } => "function-restored",
            EventKind::TimerBreached { .. } => "timer-breached",
            EventKind::HealthChanged { .. } => "health-changed",
            EventKind::BackupPoint { .. } => "backup-point",
            EventKind::Closed => "closed",
            EventKind::Panic { .. } => "panic",
            EventKind::NotificationSent { .. } => "notification-sent",
            EventKind::CommsSent { .. } => "comms-sent",
            EventKind::UpdateReminder { .. } => "update-reminder",
            EventKind::StatusUpdateSent { .. } => "status-update-sent",
            EventKind::DrillMessage { .. } => "drill-message",
            EventKind::DrillDecision { .. } => "drill-decision",
            EventKind::DrillExpectation { .. } => "drill-expectation",
            EventKind::DrillClock { .. } => "drill-clock",
            EventKind::StepReopened { .. } => "step-reopened",
            EventKind::FunctionUnrestored { .. } => "function-unrestored",
            EventKind::T0Corrected { .. } => "t0-corrected",
            EventKind::LevelChanged { .. } => "level-changed",
            EventKind::FunctionsChanged { .. } => "functions-changed",
            EventKind::Withdrawn { .. } => "withdrawn",
            EventKind::RemoteNote { .. } => "remote-note",
            EventKind::HandedOver { .. } => "handed-over",
            EventKind::OwnerAssigned { .. } => "owner-assigned",
            EventKind::WaitOverridden { .. } => "wait-overridden",
            EventKind::ChecklistTicked { .. } => "checklist-ticked",
            EventKind::AlternativeChosen { .. } => "alternative-chosen",
            EventKind::PlaceholderFilled { .. } => "placeholder-filled",
            EventKind::Unreadable { .. } => "unreadable",
        }
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
            .unwrap_or_else(|| format!("uid{}", rustix::process::getuid().as_raw()));
        let ssh_client = std::env::var("SSH_CONNECTION")
            .ok()
            .and_then(|s| s.split_whitespace().next().map(str::to_string));
        Actor {
            user,
            name: super::operator::chosen(),
            ssh_client,
            host: hostname(),
            tty: tty_name(),
            pid: std::process::id(),
        }
    }

    /// Who this is, as people are named on screen and in the record: the operator's name,
    /// else the login.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.user)
    }

    /// The terminal without `/dev/`, e.g. `pts/3`.
    pub fn short_tty(&self) -> Option<&str> {
        self.tty.as_deref().map(|t| t.strip_prefix("/dev/").unwrap_or(t))
    }
}

/// The user's name in the password database (NSS: also LDAP and the like), through the C
/// library's getpwuid_r, as before; rustix has no user database.
fn passwd_name() -> Option<String> {
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::current()).ok()??;
    Some(user.name).filter(|n| !n.is_empty())
}

/// gethostname(2) on Linux is the node name of uname(2).
fn hostname() -> String {
    String::from_utf8_lossy(rustix::system::uname().nodename().to_bytes()).into_owned()
}

fn tty_name() -> Option<String> {
    std::fs::read_link("/proc/self/fd/0")
        .ok()
        .map(|p| p.display().to_string())
        // A terminal, not whatever stdin is (`/dev/null` under cron or a test runner).
        .filter(|p| p.starts_with("/dev/pts/") || p.starts_with("/dev/tty"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// One instance of every variant. `variant_number` has no wildcard arm, so a new variant
    /// does not compile until it is numbered, and the test below fails until it is here.
    fn every_kind() -> Vec<EventKind> {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        let s = |x: &str| x.to_string();
        vec![
            EventKind::Declared(Box::new(Declaration {
                incident_id: s("20261128-060000-abcd"),
                disaster_type: s("database-failure"),
                level: 3,
                functions: vec![s("auth")],
                reporter: s("ops"),
                coordinator: s("lead"),
                team: vec![TeamMember { role: s("coordinator"), person: s("lead") }],
                t0: t,
                runbook_name: s("rb"),
                runbook_sha256: s("00"),
                lang: Lang::En,
                drill: Some(DrillInfo { scenario: s("x"), speed: 2.5 }),
            })),
            EventKind::SessionStarted { resumed: true },
            EventKind::SessionEnded { reason: s("quit") },
            EventKind::SessionInterrupted { last_event_at: t },
            EventKind::StepStarted { step: s("a") },
            EventKind::StepDone { step: s("a") },
            EventKind::StepSkipped { step: s("a"), reason: s("r") },
            EventKind::StepFailed { step: s("a"), reason: s("r") },
            EventKind::Note { text: s("n") },
            EventKind::FunctionRestored { function: s("auth") },
            EventKind::TimerBreached { function: Some(s("auth")), budget_secs: 60 },
            EventKind::HealthChanged {
                service: s("api"),
                from: Health::Up,
                to: Health::Down,
                detail: s("d"),
            },
            EventKind::BackupPoint { backup_at: t, source: s("operator") },
            EventKind::Closed,
            EventKind::Panic { message: s("p") },
            EventKind::NotificationSent {
                stage: s("s"),
                audience: s("a"),
                channel: s("c"),
                notified: s("n"),
                note: s("x"),
            },
            EventKind::CommsSent { template: s("t"), channel: s("c"), text: s("x") },
            EventKind::UpdateReminder { due_at: t },
            EventKind::StatusUpdateSent { channel: s("c"), note: s("n") },
            EventKind::DrillMessage { text: s("m"), adhoc: true },
            EventKind::DrillDecision { prompt: s("p"), options: vec![s("a")] },
            EventKind::DrillExpectation {
                kind: s("function"),
                target: s("auth"),
                state: Some(Health::Up),
                by_secs: 5,
                met: true,
            },
            EventKind::DrillClock { paused: true },
            EventKind::Unreadable { seq: 1, event_type: s("x"), raw: s("{}"), error: s("e") },
            EventKind::StepReopened { step: s("a"), reason: s("r") },
            EventKind::FunctionUnrestored { function: s("auth"), reason: s("r") },
            EventKind::T0Corrected { t0: t, reason: s("r") },
            EventKind::LevelChanged { level: 2, reason: s("r") },
            EventKind::FunctionsChanged { functions: vec![s("auth")], reason: s("r") },
            EventKind::Withdrawn { reason: s("r") },
            EventKind::HandedOver { from: s("张三"), to: s("Li Wei") },
            EventKind::OwnerAssigned { step: s("a"), owner: s("Li Wei") },
            EventKind::WaitOverridden { step: s("a"), reason: s("TTL is 60s in fact") },
            EventKind::ChecklistTicked {
                checklist: s("post-recovery"),
                item: 2,
                text: s("客户已通知"),
                ticked: false,
            },
            EventKind::AlternativeChosen { step: s("fo-promote"), alternative: s("manual") },
            EventKind::PlaceholderFilled { placeholder: s("workspace-id"), value: Some(s("ws-1")) },
            EventKind::PlaceholderFilled { placeholder: s("api-token"), value: None },
            EventKind::RemoteNote {
                text: s("n"),
                remote: RemoteAuthor {
                    name: s("Li Wei"),
                    login: s("liwei"),
                    host: s("ops2"),
                    written: t,
                    inbox_id: s("65f0"),
                },
            },
        ]
    }

    fn variant_number(k: &EventKind) -> usize {
        match k {
            EventKind::Declared(_) => 0,
            EventKind::SessionStarted { .. } => 1,
            EventKind::SessionEnded { .. } => 2,
            EventKind::SessionInterrupted { .. } => 3,
            EventKind::StepStarted { .. } => 4,
            EventKind::StepDone { .. } => 5,
            EventKind::StepSkipped { .. } => 6,
            EventKind::StepFailed { .. } => 7,
            EventKind::Note { .. } => 8,
            EventKind::FunctionRestored { .. } => 9,
            EventKind::TimerBreached { .. } => 10,
            EventKind::HealthChanged { .. } => 11,
            EventKind::BackupPoint { .. } => 12,
            EventKind::Closed => 13,
            EventKind::Panic { .. } => 14,
            EventKind::NotificationSent { .. } => 15,
            EventKind::CommsSent { .. } => 16,
            EventKind::UpdateReminder { .. } => 17,
            EventKind::StatusUpdateSent { .. } => 18,
            EventKind::DrillMessage { .. } => 19,
            EventKind::DrillDecision { .. } => 20,
            EventKind::DrillExpectation { .. } => 21,
            EventKind::DrillClock { .. } => 22,
            EventKind::Unreadable { .. } => 23,
            EventKind::StepReopened { .. } => 24,
            EventKind::FunctionUnrestored { .. } => 25,
            EventKind::T0Corrected { .. } => 26,
            EventKind::LevelChanged { .. } => 27,
            EventKind::FunctionsChanged { .. } => 28,
            EventKind::Withdrawn { .. } => 29,
            EventKind::RemoteNote { .. } => 30,
            EventKind::HandedOver { .. } => 31,
            EventKind::OwnerAssigned { .. } => 32,
            EventKind::WaitOverridden { .. } => 33,
            EventKind::ChecklistTicked { .. } => 34,
            EventKind::AlternativeChosen { .. } => 35,
            EventKind::PlaceholderFilled { .. } => 36,
        }
    }

    #[test]
    fn every_variant_is_in_the_examples() {
        let mut seen: Vec<usize> = every_kind().iter().map(variant_number).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, (0..=36).collect::<Vec<_>>());
    }

    #[test]
    fn type_names_are_the_serialized_tags() {
        for kind in every_kind() {
            assert_eq!(serde_json::to_value(&kind).unwrap()["type"], kind.type_name());
        }
    }

    /// The class of bug that made an incident unreadable: a payload field named like an
    /// envelope field. Derived from the serialized variants, not from a hand-kept list.
    #[test]
    fn no_payload_field_shares_a_name_with_the_envelope() {
        for kind in every_kind() {
            let v = serde_json::to_value(&kind).unwrap();
            let obj = v.as_object().unwrap();
            for key in obj.keys().filter(|k| *k != "type") {
                assert!(
                    !ENVELOPE_FIELDS.contains(&key.as_str()),
                    "{} has a field '{key}', which the envelope uses",
                    obj["type"]
                );
            }
        }
    }

    #[test]
    fn every_event_round_trips_through_json() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        for kind in every_kind() {
            let ev = Event {
                at: t,
                wall: t + chrono::Duration::seconds(3),
                mono_ms: 12,
                who: Actor::default().into(),
                resource: kind.resource().map(str::to_string),
                success: !kind.is_failure(),
                kind,
            };
            let v = serde_json::to_value(&ev).unwrap();
            if matches!(ev.kind, EventKind::Unreadable { .. }) {
                // Never read from a journal: a planted "unreadable" line is itself unreadable.
                assert!(serde_json::from_value::<Event>(v).is_err());
                continue;
            }
            let back: Event = serde_json::from_value(v).unwrap();
            assert_eq!(back, ev);
        }
    }
}

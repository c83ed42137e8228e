//! Serde types of the runbook format. Everything the DR plan defines is data here; the Rust code
//! only knows the shape. Field names are kebab-case in TOML; unknown keys are rejected so a typo
//! never silently drops part of a plan.

use serde::{Deserialize, Serialize};

use super::duration::Dur;
use super::percent::Percent;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Runbook {
    /// The format version: absent means 1 (every runbook written before format 2 existed).
    /// Format 2 adds scenario keys on disaster types, severities on levels and cadences on
    /// procedures; see `docs/runbook-format.md`.
    #[serde(default)]
    pub format: Option<u8>,
    pub plan: Plan,
    #[serde(default)]
    pub components: Vec<Component>,
    pub services: Vec<Service>,
    pub disaster_types: Vec<DisasterType>,
    pub functions: Vec<BusinessFunction>,
    pub roles: Vec<Role>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub backups: Vec<Backup>,
    pub levels: Vec<Level>,
    pub tracks: Vec<Track>,
    pub procedures: Vec<Procedure>,
    #[serde(default)]
    pub checklists: Vec<Checklist>,
    #[serde(default)]
    pub notifications: Vec<NotificationStage>,
    #[serde(default)]
    pub templates: Vec<Template>,
    #[serde(default)]
    pub fields: Vec<TemplateField>,
    /// Format 2: the `{name}` placeholders that steps' commands may use, asked for when a
    /// command is copied.
    #[serde(default)]
    pub placeholders: Vec<Placeholder>,
    pub forms: Forms,
    #[serde(default)]
    pub exercises: Vec<Exercise>,
    /// Tables and lists of the plan that the console shows but does not act on
    /// (§4.3, §6.2, §8, §9, §10).
    #[serde(default)]
    pub references: Vec<Reference>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    Zh,
    En,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Plan {
    pub name: String,
    pub system: String,
    pub language: Lang,
    #[serde(default)]
    pub version: Option<String>,
    /// Recovery point objective: the most data the business accepts to lose.
    pub rpo: Dur,
    /// Overall recovery time objective for the critical systems.
    pub rto: Dur,
    /// Optional: without it there is no monthly downtime budget to show.
    #[serde(default)]
    pub availability_target: Option<Percent>,
    #[serde(default)]
    pub objectives: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Component {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceKind {
    Mongodb,
    Http,
    Tcp,
    Command,
}

impl ServiceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceKind::Mongodb => "mongodb",
            ServiceKind::Http => "http",
            ServiceKind::Tcp => "tcp",
            ServiceKind::Command => "command",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub kind: ServiceKind,
    /// URI, URL, `host:port` or program path depending on `kind`. May reference
    /// `${env:NAME}`; credentials are never written inline.
    pub target: String,
    pub interval: Dur,
    pub timeout: Dur,
    #[serde(default)]
    pub component: Option<String>,
    /// Consecutive failures before the state flips to DOWN.
    #[serde(default)]
    pub fall: Option<u32>,
    /// Consecutive successes before the state flips back to UP.
    #[serde(default)]
    pub rise: Option<u32>,
    /// HTTP method (default GET).
    #[serde(default)]
    pub method: Option<String>,
    /// Accepted HTTP status codes (default: any 2xx).
    #[serde(default)]
    pub expect_status: Vec<u16>,
    #[serde(default)]
    pub body_contains: Option<String>,
    /// Slower than this is DEGRADED.
    #[serde(default)]
    pub latency_warn: Option<Dur>,
    #[serde(default)]
    pub ca_file: Option<String>,
    /// Arguments of a `command` probe (no shell).
    #[serde(default)]
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    Severe,
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DisasterType {
    pub id: String,
    pub name: String,
    pub description: String,
    pub impact: Impact,
    /// 1 is the highest recovery priority.
    pub priority: u8,
    /// Contacts (§3.2) to involve for this type, e.g. the legal team for a breach.
    #[serde(default)]
    pub contacts: Vec<String>,
    /// Format 2: the track this scenario runs, whatever the level; without it the level's
    /// track applies (the plan's §5.2).
    #[serde(default)]
    pub track: Option<String>,
    /// Format 2: this scenario's own RTO, replacing the plan's for its incidents.
    #[serde(default)]
    pub rto: Option<Dur>,
    /// Format 2: this scenario's own RPO, replacing the plan's for its incidents.
    #[serde(default)]
    pub rpo: Option<Dur>,
    /// Format 2: how the scenario shows itself, to recognise it when declaring.
    #[serde(default)]
    pub symptoms: Vec<String>,
    /// Format 2: the business functions it usually hits, pre-ticked when declaring.
    #[serde(default)]
    pub functions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BusinessFunction {
    pub id: String,
    pub name: String,
    /// What the business loses while it is down.
    pub impact: String,
    /// The same loss as what a customer cannot do, to follow "you may be unable to" in a
    /// message template (`{impact}`); the impact text is used when it is absent.
    #[serde(default)]
    pub action: Option<String>,
    /// Maximum tolerable downtime: this function's RTO.
    pub max_downtime: Dur,
    /// Service ids whose health this function depends on.
    #[serde(default)]
    pub services: Vec<String>,
    /// Procedures that restore it; a partial-DR track runs these.
    #[serde(default)]
    pub procedures: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub title: String,
    pub person: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub duties: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Contact {
    pub id: String,
    pub organization: String,
    pub person: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    pub service: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackupScope {
    Database,
    Config,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Backup {
    pub id: String,
    pub scope: BackupScope,
    pub name: String,
    #[serde(default)]
    pub method: Option<String>,
    pub frequency: String,
    #[serde(default)]
    pub retention: Option<String>,
    pub location: String,
    #[serde(default)]
    pub verification: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Level {
    /// Stored as a number in journals; format 2 allows 0-255 (P0 is level 0) and shows
    /// `label` wherever the number would be shown.
    pub level: u8,
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub response: Option<String>,
    /// The track this level runs. Format 2 may leave it out when every disaster type names
    /// its own track.
    #[serde(default)]
    pub track: Option<String>,
    /// How often stakeholders get a status update at this level.
    #[serde(default)]
    pub update_every: Option<Dur>,
    /// Format 2: the severity as the team writes it (`P0`, `SEV1`, `级别3`), shown as-is.
    #[serde(default)]
    pub label: Option<String>,
    /// Format 2: how soon someone must acknowledge an incident of this severity, counted from
    /// its declaration.
    #[serde(default)]
    pub respond_within: Option<Dur>,
    /// Format 2: role ids to escalate to, in order.
    #[serde(default)]
    pub escalation: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrackKind {
    /// Routine maintenance: no DR clocks.
    Maintenance,
    /// Partial DR: the affected functions' procedures and timers only.
    Partial,
    /// Full DR: the whole recovery procedure and every timer.
    Full,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Track {
    pub id: String,
    pub name: String,
    pub kind: TrackKind,
    /// The procedure this track runs. A partial track may omit it and run the affected
    /// functions' procedures; when given, it runs first.
    #[serde(default)]
    pub procedure: Option<String>,
    /// A procedure run last, after the functions' procedures of a partial track.
    #[serde(default)]
    pub finish: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Procedure {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub section: Option<String>,
    /// Format 2: the procedure is due again this long after it last ran (a 90-day secret
    /// rotation, a quarterly drill); `drconsole due` lists the overdue ones.
    #[serde(default)]
    pub every: Option<Dur>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// The role responsible; optional, not shown when absent.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    /// Sub-steps written inline.
    #[serde(default)]
    pub items: Vec<String>,
    /// A checklist of appendix A to work through in this step.
    #[serde(default)]
    pub checklist: Option<String>,
    /// A sub-procedure (e.g. §5.3) this step follows.
    #[serde(default)]
    pub procedure: Option<String>,
    /// Commands shown to the operator; never executed by the console.
    #[serde(default)]
    pub commands: Vec<StepCommand>,
    /// Format 2: alternative command sets, of which the operator picks one (automatic
    /// failover *or* a manual step-down); `commands` holds what every alternative shares.
    #[serde(default)]
    pub alternatives: Vec<Alternative>,
    /// When this step fails, work through this procedure and then run the step again
    /// (the test -> adjust -> re-test loop of §5.1).
    #[serde(default)]
    pub on_fail: Option<String>,
    /// Completing this step declares recovery complete and closes the incident.
    #[serde(default)]
    pub completes_recovery: bool,
    /// Format 2: how long to wait once the step is started (a DNS TTL, watching a new primary
    /// for a day) before it, and the step after it, may be done; an override takes a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Dur>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StepCommand {
    pub label: String,
    pub run: String,
}

/// One way of doing a step, among others (`[[procedures.steps.alternatives]]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Alternative {
    /// Unique within its step; what the journal records as chosen.
    pub id: String,
    pub label: String,
    /// When to take this way rather than another.
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub commands: Vec<StepCommand>,
}

/// A `{name}` a command may hold (`[[placeholders]]`): asked for, checked and journaled when
/// the command is copied.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Placeholder {
    /// The name written between the braces.
    pub id: String,
    /// What the operator is asked for.
    pub label: String,
    /// A regular expression the whole value must match (`ws-[0-9]+`).
    #[serde(default)]
    pub pattern: Option<String>,
    /// A value that must not be journaled (a token, a password): asked for at every copy,
    /// journaled as filled without the value.
    #[serde(default)]
    pub secret: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Checklist {
    pub id: String,
    pub name: String,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotifyWhen {
    Declared,
    InProgress,
    Complete,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct NotificationStage {
    pub id: String,
    pub stage: String,
    pub when: NotifyWhen,
    pub audience: String,
    pub channels: Vec<String>,
    pub content: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub name: String,
    /// Text with `{field-id}` placeholders, each provided by a `[[fields]]` entry.
    pub body: String,
}

/// Where a template placeholder's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldSource {
    AffectedServices,
    ExpectedRecoveryTime,
    Impact,
    DisasterType,
    IncidentId,
    Level,
    DeclaredAt,
    /// The operator writes it; left as a marked blank until then.
    Operator,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TemplateField {
    pub id: String,
    pub label: String,
    pub source: FieldSource,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Forms {
    /// Appendix B.1: the response record.
    pub record: Form,
    /// Appendix B.2: the post-incident analysis report.
    pub report: Form,
    /// §6.3: the report written after a test or drill.
    pub test_report: Form,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Form {
    pub title: String,
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FormField {
    /// One of the ids the renderer knows how to fill for this form (see `forms::KNOWN`).
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Exercise {
    pub id: String,
    pub name: String,
    pub frequency: String,
    pub participants: String,
    pub content: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Reference {
    pub id: String,
    #[serde(default)]
    pub section: Option<String>,
    pub title: String,
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub rows: Vec<Vec<String>>,
    #[serde(default)]
    pub items: Vec<String>,
}

//! The fields each form can carry. A runbook labels them in its own language; the record and
//! report renderers know how to fill each id from the journal.

/// Appendix B.1, the response record.
pub const RECORD_FIELDS: &[&str] = &[
    "date-time",
    "reporter",
    "disaster-type",
    "level",
    "affected-systems",
    "estimated-downtime",
    "estimated-data-loss",
    "team",
    "initial-measures",
    "internal-notifications",
    "external-notifications",
    "expected-recovery-time",
];

/// Appendix B.2, the post-incident analysis report.
pub const REPORT_FIELDS: &[&str] = &[
    "date-time",
    "duration",
    "impact-scope",
    "direct-cause",
    "root-cause",
    "contributing-factors",
    "actual-rto",
    "actual-rpo",
    "problems",
    "successes",
    "improvements",
    "action-plan",
    "approver",
    "approval-date",
];

/// §6.3, the report after a test or drill.
pub const TEST_REPORT_FIELDS: &[&str] = &[
    "date",
    "participants",
    "scenario",
    "scope",
    "result",
    "actual-rto-rpo",
    "problems",
    "improvements",
];

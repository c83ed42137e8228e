//! The stakeholder status-update cadence of each level (`levels[].update-every`): when the next
//! update is due, whether it is overdue, and the reminder events the 1 Hz tick journals.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::incident::{EventKind, Incident};
use crate::runbook::model::Runbook;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateStatus {
    pub every: Duration,
    /// The last update sent, `None` before the first.
    pub last_update: Option<DateTime<Utc>>,
    /// One interval after the last update, or after the declaration before the first.
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
}

/// When the incident was declared: its first event, else T0.
fn declared_at(inc: &Incident) -> DateTime<Utc> {
    inc.events.first().map(|e| e.at).unwrap_or(inc.decl.t0)
}

/// Where the status-update clock stands. `None` when this level sets no cadence (level 1) or
/// the incident is closed.
pub fn update_status(inc: &Incident, rb: &Runbook, now: DateTime<Utc>) -> Option<UpdateStatus> {
    if inc.closed_at.is_some() {
        return None;
    }
    let every = rb.level(inc.decl.level)?.update_every?.0;
    let step = chrono::Duration::from_std(every).ok().filter(|d| *d > chrono::Duration::zero())?;
    let last_update = inc.comms.last_update_at;
    let due_at = last_update.unwrap_or_else(|| declared_at(inc)).checked_add_signed(step)?;
    Some(UpdateStatus { every, last_update, due_at, overdue: now >= due_at })
}

/// Reminders to journal now, for the tick to emit: at most one `UpdateReminder`, for the latest
/// due time that has passed and has no reminder yet. While no update is sent the due times
/// repeat at the level's interval (30m, 1h, 1h30m ... after the last update); a console that
/// was away for hours reminds once, for the latest, not once per missed interval.
pub fn reminders_due(inc: &Incident, rb: &Runbook, now: DateTime<Utc>) -> Vec<EventKind> {
    let Some(st) = update_status(inc, rb, now) else { return Vec::new() };
    if !st.overdue {
        return Vec::new();
    }
    let Ok(step) = chrono::Duration::from_std(st.every) else { return Vec::new() };
    let Some(base) = st.due_at.checked_sub_signed(step) else { return Vec::new() };
    let missed = (now - base).num_milliseconds() / step.num_milliseconds().max(1);
    let Some(latest) = i32::try_from(missed)
        .ok()
        .and_then(|n| step.checked_mul(n))
        .and_then(|d| base.checked_add_signed(d))
    else {
        return Vec::new();
    };
    if inc.comms.last_reminder_due.is_some_and(|d| d >= latest) {
        return Vec::new();
    }
    vec![EventKind::UpdateReminder { due_at: latest }]
}

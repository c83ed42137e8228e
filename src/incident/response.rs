//! The acknowledge clock of a severity (`respond-within`, format 2): from the declaration until
//! someone first works a step. Passing it is journaled once, as a `timer-breached` event whose
//! `function` is [`TIMER`], a name no runbook id can take.

use chrono::{DateTime, Utc};

use super::{EventKind, Incident};
use crate::runbook::Runbook;

/// The `function` of the breach event: `@` is never part of a runbook id.
pub const TIMER: &str = "@response";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response {
    pub due: DateTime<Utc>,
    /// The first step started, done, skipped or failed.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

impl Response {
    /// Passed without acknowledgement (at `now`), or acknowledged late.
    pub fn breached(&self, now: DateTime<Utc>) -> bool {
        self.acknowledged_at.unwrap_or(now) > self.due
    }
}

/// The clock of the incident's level, if that level has a response time.
pub fn response(inc: &Incident, rb: &Runbook) -> Option<Response> {
    let within = rb.level(inc.decl.level)?.respond_within?;
    let declared = inc.events.first().map_or(inc.decl.t0, |e| e.at);
    let due = crate::incident::timers::after(declared, within.0);
    let acknowledged_at = inc.events.iter().find_map(|e| match e.kind {
        EventKind::StepStarted { .. }
        | EventKind::StepDone { .. }
        | EventKind::StepSkipped { .. }
        | EventKind::StepFailed { .. } => Some(e.at),
        _ => None,
    });
    Some(Response { due, acknowledged_at })
}

/// The breach event due at `now`, once per incident.
pub fn breach_due(inc: &Incident, rb: &Runbook, now: DateTime<Utc>) -> Option<EventKind> {
    let r = response(inc, rb)?;
    let journaled = inc.events.iter().any(
        |e| matches!(&e.kind, EventKind::TimerBreached { function: Some(f), .. } if f == TIMER),
    );
    if journaled || r.acknowledged_at.is_some() || !inc.is_open() || now <= r.due {
        return None;
    }
    let within = rb.level(inc.decl.level)?.respond_within?;
    Some(EventKind::TimerBreached {
        function: Some(TIMER.to_string()),
        budget_secs: within.as_secs(),
    })
}

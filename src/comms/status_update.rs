//! The internal status update (§5.2's stakeholder updates at the level's cadence), built in
//! rather than written in every runbook: where the incident stands, which steps are done and
//! which come next, when each business function is due back, and when the next update is due.
//! Everything comes from the incident, so it is never stale and never asks for a blank.

use crate::i18n::fill;
use chrono::{DateTime, FixedOffset, Utc};

use super::fill::local_time;
use crate::duration_text::clock as hms;
use crate::incident::timers::{function_countdown, Phase};
use crate::incident::{Incident, StepStatus};
use crate::runbook::model::{Lang, Runbook};

/// The id it is journaled under and offered as in the communications dialog.
pub const ID: &str = "status-update";

/// The name shown in the communications dialog.
pub fn name(lang: Lang) -> &'static str {
    crate::i18n::status_update_words(lang).name
}

/// The filled text, in `lang`.
pub fn text(
    inc: &Incident,
    rb: &Runbook,
    lang: Lang,
    now: DateTime<Utc>,
    tz: FixedOffset,
) -> String {
    let w = crate::i18n::status_update_words(lang);
    let d = &inc.decl;
    let level = rb.level(d.level).map(|l| l.name.clone()).unwrap_or_else(|| d.level.to_string());
    let dtype = rb
        .disaster_type(&d.disaster_type)
        .map(|t| t.name.clone())
        .unwrap_or_else(|| d.disaster_type.clone());
    let end = inc.ended_at().unwrap_or(now);
    let mut out = vec![
        format!("{} · {} · {level} · {dtype}", w.title, d.incident_id),
        format!("{}: {} (T0+{})", w.at, local_time(now, tz), hms(end - d.t0)),
    ];
    let state = match (&inc.withdrawn, inc.closed_at) {
        (Some(_), _) => w.withdrawn,
        (None, Some(_)) => w.closed,
        (None, None) => w.open,
    };
    let health: Vec<String> =
        inc.health.iter().map(|(id, mark)| format!("{id} {}", mark.state)).collect();
    if health.is_empty() {
        out.push(format!("{}: {state}", w.state));
    } else {
        out.push(format!("{}: {state}; {}: {}", w.state, w.services, health.join(w.sep)));
    }

    let title = |key: &str| -> String {
        let id = key.split('@').next().unwrap_or(key);
        rb.step(id).map(|ts| ts.step.title.clone()).unwrap_or_else(|| key.to_string())
    };
    let numbered = |i: usize, key: &str| format!("{} {}", i + 1, title(key));
    let finished = |s: &StepStatus| matches!(s, StepStatus::Done | StepStatus::Skipped);
    let done: Vec<String> = inc
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.status == StepStatus::Done)
        .map(|(i, s)| numbered(i, &s.key))
        .collect();
    let count = inc.steps.iter().filter(|s| finished(&s.status)).count();
    let done_list = if done.is_empty() { w.none.to_string() } else { done.join(w.sep) };
    out.push(format!("{} ({count}/{}): {done_list}", w.done, inc.steps.len()));
    let running: Vec<String> = inc
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.status == StepStatus::InProgress)
        .map(|(i, s)| numbered(i, &s.key))
        .collect();
    if !running.is_empty() {
        out.push(format!("{}: {}", w.running, running.join(w.sep)));
    }
    let next = inc
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| matches!(s.status, StepStatus::Pending | StepStatus::Failed))
        .map(|(i, s)| numbered(i, &s.key));
    if let Some(next) = next {
        out.push(format!("{}: {next}", w.next));
    }

    if !inc.timers.is_empty() {
        out.push(format!("{}:", w.eta));
    }
    for t in &inc.timers {
        let name = rb.function(&t.id).map(|f| f.name.clone()).unwrap_or_else(|| t.id.clone());
        let c = function_countdown(inc, t, now);
        let deadline = crate::incident::timers::after(d.t0, t.budget);
        let line = match (t.restored_at, c.phase) {
            (Some(at), _) => format!("{} {}", w.restored, local_time(at, tz)),
            (None, Phase::NotRestored) => w.not_restored.to_string(),
            (None, Phase::Breached | Phase::Missed) => format!(
                "{} {} — {} {}",
                w.due,
                local_time(deadline, tz),
                w.over,
                hms(-c.remaining())
            ),
            (None, _) => {
                let left = fill(w.left, &[("time", &hms(c.remaining()))]);
                format!("{} {} ({left})", w.due, local_time(deadline, tz))
            }
        };
        out.push(format!("- {name}: {line}"));
    }

    let next_update = match super::update_status(inc, rb, now) {
        Some(u) => local_time(u.due_at, tz),
        None => w.no_cadence.to_string(),
    };
    out.push(format!("{}: {next_update}", w.next_update));
    out.join("\n") + "\n"
}

/// One line of it, journaled as the note of the `status-update-sent` event when the operator
/// records it as sent.
pub fn summary(inc: &Incident, lang: Lang) -> String {
    let done = inc
        .steps
        .iter()
        .filter(|s| matches!(s.status, StepStatus::Done | StepStatus::Skipped))
        .count();
    let restored = inc.timers.iter().filter(|t| t.restored_at.is_some()).count();
    fill(
        crate::i18n::status_update_words(lang).progress,
        &[
            ("done", &done.to_string()),
            ("steps", &inc.steps.len().to_string()),
            ("restored", &restored.to_string()),
            ("functions", &inc.timers.len().to_string()),
        ],
    )
}

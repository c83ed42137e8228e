//! The timeline chart of the HTML record: what happened when, as lanes on one time axis.
//!
//! [`build`] turns an incident into lanes (one per step, business function, service, and one
//! each for notes and communications); `super::svg` draws them.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::facts::Facts;
use crate::incident::describe::describe;
use crate::incident::{EventKind, Incident};
use crate::probe::Health;
use crate::runbook::model::{Lang, Runbook};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// From `from` to `to`.
    Bar,
    /// A glyph at `from` (failed, skipped, restored).
    Mark,
    /// A vertical line across the lane at `from` (an RTO deadline).
    Line,
    /// A short vertical stroke at `from` (a note, a message).
    Tick,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub shape: Shape,
    /// CSS classes, e.g. `step done` or `band down`.
    pub class: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Shown on hover.
    pub title: String,
    /// Health bands only: how bad the state is, to keep the worst when merging.
    pub severity: u8,
}

#[derive(Debug, Clone)]
pub struct Lane {
    pub label: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct Group {
    /// `steps`, `functions`, `services`, `notes` or `comms`: the lanes' CSS class.
    pub kind: &'static str,
    pub title: String,
    pub lanes: Vec<Lane>,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub t0: DateTime<Utc>,
    pub groups: Vec<Group>,
}

pub use crate::i18n::ChartWords as Words;

pub fn words(lang: Lang) -> &'static Words {
    crate::i18n::chart_words(lang)
}

/// Times on the chart: seconds matter within a day, the date beyond one.
#[derive(Clone, Copy)]
struct Clock {
    tz: FixedOffset,
    long: bool,
}

impl Clock {
    fn at(&self, t: DateTime<Utc>) -> String {
        let fmt = if self.long { "%m-%d %H:%M" } else { "%H:%M:%S" };
        t.with_timezone(&self.tz).format(fmt).to_string()
    }

    fn span(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
        format!(
            "{}–{} ({})",
            self.at(from),
            self.at(to),
            super::facts::signed_secs(secs(to - from))
        )
    }
}

fn secs(d: Duration) -> i64 {
    d.num_seconds()
}

fn item(shape: Shape, class: &str, from: DateTime<Utc>, to: DateTime<Utc>, title: String) -> Item {
    Item { shape, class: class.to_string(), from, to, title, severity: 0 }
}

/// The lanes of an incident, from its events and state.
pub fn build(inc: &Incident, rb: &Runbook, f: &Facts, tz: FixedOffset) -> Chart {
    let w = words(f.lang);
    let last_event = inc.events.iter().map(|e| e.at).max();
    let first_event = inc.events.iter().map(|e| e.at).min();
    let end = inc.closed_at.unwrap_or(f.generated_at).max(last_event.unwrap_or(f.t0));
    let start = first_event.map_or(f.t0, |e| e.min(f.t0));
    let end = end.max(start + Duration::minutes(1));
    // Deadlines a little past the end are worth seeing (how close was it?); far ones would
    // squash the whole chart, so they stay off it.
    let reach = end + (end - start) / 2;
    let deadlines = inc
        .timers
        .iter()
        .map(|t| t.budget)
        .chain(inc.overall_budget)
        .filter_map(|b| Duration::from_std(b).ok())
        .map(|b| f.t0 + b)
        .filter(|d| *d > end && *d <= reach)
        .max();
    let end = deadlines.unwrap_or(end);
    let clock = Clock { tz, long: end - start > Duration::hours(24) };

    let mut groups = vec![step_group(inc, f, w, clock, end)];
    groups.push(function_group(inc, f, w, clock, end));
    let services = service_group(inc, rb, w, clock, end);
    if !services.lanes.is_empty() {
        groups.push(services);
    }
    groups.push(tick_group(inc, rb, f.lang, w, clock));
    Chart { start, end, t0: f.t0, groups }
}

fn step_group(inc: &Incident, f: &Facts, w: &Words, clock: Clock, end: DateTime<Utc>) -> Group {
    // One pass over the events: the step events of each step, in journal order.
    let mut by_step: HashMap<&str, Vec<(DateTime<Utc>, &EventKind)>> = HashMap::new();
    for ev in &inc.events {
        match &ev.kind {
            EventKind::StepStarted { step }
            | EventKind::StepDone { step }
            | EventKind::StepSkipped { step, .. }
            | EventKind::StepFailed { step, .. } => {
                by_step.entry(step.as_str()).or_default().push((ev.at, &ev.kind))
            }
            _ => {}
        }
    }
    let lanes = inc
        .steps
        .iter()
        .zip(&f.steps)
        .map(|(s, row)| {
            let label = format!("{} {}", row.number, row.title);
            let mut items = Vec::new();
            let mut open: Option<DateTime<Utc>> = None;
            let mut bars = 0u32;
            let mut failed_before = false;
            let mut bar = |items: &mut Vec<Item>, from, to, class: &str, state: &str, fb: bool| {
                bars += 1;
                let n = if fb || bars > 1 {
                    format!(" · {}", w.iteration.replace("{n}", &bars.to_string()))
                } else {
                    String::new()
                };
                let retest = if fb { " retest" } else { "" };
                let mut it = item(
                    Shape::Bar,
                    &format!("bar step {class}{retest}"),
                    from,
                    to,
                    format!("{}: {state} {}{n}", row.title, clock.span(from, to)),
                );
                // Runs too short to see apart are merged; the worst outcome shows.
                it.severity = match class {
                    "failed" => 3,
                    "running" => 2,
                    "skipped" => 1,
                    _ => 0,
                };
                items.push(it);
            };
            for (at, kind) in by_step.get(s.key.as_str()).into_iter().flatten() {
                let at = *at;
                match kind {
                    EventKind::StepStarted { .. } => {
                        open.get_or_insert(at);
                    }
                    EventKind::StepDone { .. } => {
                        bar(
                            &mut items,
                            open.take().unwrap_or(at),
                            at,
                            "done",
                            w.done,
                            failed_before,
                        );
                    }
                    EventKind::StepFailed { reason, .. } => {
                        if let Some(from) = open.take() {
                            bar(&mut items, from, at, "failed", w.failed, failed_before);
                        }
                        items.push(item(
                            Shape::Mark,
                            "mark failed",
                            at,
                            at,
                            format!("{}: {} {} — {reason}", row.title, w.failed, clock.at(at)),
                        ));
                        failed_before = true;
                    }
                    EventKind::StepSkipped { reason, .. } => {
                        if let Some(from) = open.take() {
                            bar(&mut items, from, at, "skipped", w.skipped, failed_before);
                        }
                        items.push(item(
                            Shape::Mark,
                            "mark skipped",
                            at,
                            at,
                            format!("{}: {} {} — {reason}", row.title, w.skipped, clock.at(at)),
                        ));
                    }
                    _ => {}
                }
            }
            if let Some(from) = open {
                // Closing the incident completes a step still in progress (see `apply`).
                match inc.closed_at {
                    Some(c) => bar(&mut items, from, c, "done", w.done, failed_before),
                    None => bar(&mut items, from, end, "running", w.running, failed_before),
                }
            }
            Lane { label, items }
        })
        .collect();
    Group { kind: "steps", title: w.steps.to_string(), lanes }
}

/// An outage to draw: a business function's, or the whole system's (overall RTO).
struct Outage<'a> {
    label: &'a str,
    t0: DateTime<Utc>,
    budget: Option<std::time::Duration>,
    restored: Option<DateTime<Utc>>,
    stop: Option<DateTime<Utc>>,
}

/// One lane: outage from T0 until restored (or closed, or now), the RTO deadline, the part
/// past the deadline in red.
fn outage_lane(o: Outage, w: &Words, clock: Clock, end: DateTime<Utc>) -> Lane {
    let Outage { label, t0, budget, restored, stop } = o;
    let until = stop.unwrap_or(end).min(end).max(t0);
    let mut items = vec![item(
        Shape::Bar,
        "bar outage",
        t0,
        until,
        format!("{label}: {} {}", w.outage, clock.span(t0, until)),
    )];
    if let Some(deadline) = budget.map(|b| crate::incident::timers::after(t0, b)) {
        let budget_words = super::facts::signed_secs(secs(deadline - t0));
        items.push(item(
            Shape::Line,
            "deadline",
            deadline,
            deadline,
            format!("{label}: {} {budget_words} → {}", w.deadline, clock.at(deadline)),
        ));
        if until > deadline {
            items.push(item(
                Shape::Bar,
                "bar breach",
                deadline,
                until,
                format!(
                    "{label}: {} +{}",
                    w.breach,
                    super::facts::signed_secs(secs(until - deadline))
                ),
            ));
        }
    }
    if let Some(r) = restored {
        items.push(item(
            Shape::Mark,
            "mark restored",
            r,
            r,
            format!("{label}: {} {}", w.restored, clock.at(r)),
        ));
    }
    Lane { label: label.to_string(), items }
}

fn function_group(inc: &Incident, f: &Facts, w: &Words, clock: Clock, end: DateTime<Utc>) -> Group {
    let mut lanes = Vec::new();
    if let Some(ov) = &f.overall {
        let o = Outage {
            label: &ov.name,
            t0: f.t0,
            budget: inc.overall_budget,
            restored: None,
            stop: inc.closed_at,
        };
        lanes.push(outage_lane(o, w, clock, end));
    }
    for (t, fo) in inc.timers.iter().zip(&f.functions) {
        let o = Outage {
            label: &fo.name,
            t0: f.t0,
            budget: Some(t.budget),
            restored: t.restored_at,
            stop: t.restored_at.or(inc.closed_at),
        };
        lanes.push(outage_lane(o, w, clock, end));
    }
    Group { kind: "functions", title: w.functions.to_string(), lanes }
}

pub(super) fn severity(state: Health) -> u8 {
    match state {
        Health::Down => 3,
        Health::Degraded => 2,
        Health::Unknown => 1,
        Health::Up => 0,
    }
}

fn service_group(
    inc: &Incident,
    rb: &Runbook,
    w: &Words,
    clock: Clock,
    end: DateTime<Utc>,
) -> Group {
    // (when, to-state, detail) per service.
    type Change<'a> = (DateTime<Utc>, Health, &'a str);
    let mut changes: HashMap<&str, Vec<Change>> = HashMap::new();
    for ev in &inc.events {
        if let EventKind::HealthChanged { service, to, detail, .. } = &ev.kind {
            changes.entry(service.as_str()).or_default().push((ev.at, *to, detail));
        }
    }
    // The runbook's order, then services it does not know (another runbook version).
    let mut order: Vec<&str> =
        rb.services.iter().map(|s| s.id.as_str()).filter(|id| changes.contains_key(id)).collect();
    let mut unknown: Vec<&str> = changes.keys().copied().filter(|id| !order.contains(id)).collect();
    unknown.sort_unstable();
    order.extend(unknown);
    let lanes = order
        .into_iter()
        .map(|id| {
            let list = changes.get(id).map(Vec::as_slice).unwrap_or_default();
            let items = list
                .iter()
                .enumerate()
                .map(|(i, (at, to, detail))| {
                    let until = list.get(i + 1).map_or(end, |next| next.0).max(*at);
                    let detail =
                        if detail.is_empty() { String::new() } else { format!(" — {detail}") };
                    Item {
                        shape: Shape::Bar,
                        class: format!("band {}", to.as_str().to_ascii_lowercase()),
                        from: *at,
                        to: until,
                        title: format!("{id} {to} {}{detail}", clock.span(*at, until)),
                        severity: severity(*to),
                    }
                })
                .collect();
            Lane { label: id.to_string(), items }
        })
        .collect();
    Group { kind: "services", title: w.services.to_string(), lanes }
}

fn tick_group(inc: &Incident, rb: &Runbook, lang: Lang, w: &Words, clock: Clock) -> Group {
    let mut notes = Vec::new();
    let mut comms = Vec::new();
    for ev in &inc.events {
        let at = ev.at;
        match &ev.kind {
            EventKind::Note { text } => notes.push(item(
                Shape::Tick,
                "tick note",
                at,
                at,
                format!("{} {text}", clock.at(at)),
            )),
            EventKind::DrillMessage { .. } | EventKind::DrillDecision { .. } => notes.push(item(
                Shape::Tick,
                "tick inject",
                at,
                at,
                format!("{} {}", clock.at(at), describe(ev, rb, lang)),
            )),
            EventKind::NotificationSent { .. }
            | EventKind::CommsSent { .. }
            | EventKind::StatusUpdateSent { .. } => comms.push(item(
                Shape::Tick,
                "tick comms",
                at,
                at,
                format!("{} {}", clock.at(at), describe(ev, rb, lang)),
            )),
            _ => {}
        }
    }
    let lanes = vec![
        Lane { label: w.notes.to_string(), items: notes },
        Lane { label: w.comms.to_string(), items: comms },
    ];
    Group { kind: "ticks", title: format!("{} · {}", w.notes, w.comms), lanes }
}

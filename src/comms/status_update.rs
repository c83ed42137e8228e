//! The internal status update (§5.2's stakeholder updates at the level's cadence), built in
//! rather than written in every runbook: where the incident stands, which steps are done and
//! which come next, when each business function is due back, and when the next update is due.
//! Everything comes from the incident, so it is never stale and never asks for a blank.

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
    match lang {
        Lang::Zh => "内部状态更新(内置)",
        Lang::En => "Internal status update (built in)",
    }
}

struct Words {
    title: &'static str,
    at: &'static str,
    state: &'static str,
    open: &'static str,
    closed: &'static str,
    withdrawn: &'static str,
    services: &'static str,
    done: &'static str,
    none: &'static str,
    running: &'static str,
    next: &'static str,
    eta: &'static str,
    restored: &'static str,
    due: &'static str,
    left: &'static str,
    over: &'static str,
    not_restored: &'static str,
    next_update: &'static str,
    no_cadence: &'static str,
    sep: &'static str,
}

const ZH: Words = Words {
    title: "内部状态更新",
    at: "时间",
    state: "当前状态",
    open: "处理中",
    closed: "已宣布恢复完成",
    withdrawn: "已撤回",
    services: "服务",
    done: "已完成步骤",
    none: "无",
    running: "进行中",
    next: "下一步",
    eta: "各业务功能预计恢复(按最大可接受停机时间)",
    restored: "已恢复于",
    due: "应于",
    left: "剩余",
    over: "已超时",
    not_restored: "未恢复",
    next_update: "下次状态更新",
    no_cadence: "本级别无固定更新频率",
    sep: "、",
};

const EN: Words = Words {
    title: "Internal status update",
    at: "As of",
    state: "Current state",
    open: "in progress",
    closed: "recovery declared complete",
    withdrawn: "withdrawn",
    services: "Services",
    done: "Steps done",
    none: "none",
    running: "Running",
    next: "Next",
    eta: "Expected recovery per function (by its maximum downtime)",
    restored: "restored at",
    due: "due by",
    left: "left",
    over: "overdue by",
    not_restored: "not restored",
    next_update: "Next status update",
    no_cadence: "this level sets no update cadence",
    sep: ", ",
};

/// The filled text, in `lang`.
pub fn text(
    inc: &Incident,
    rb: &Runbook,
    lang: Lang,
    now: DateTime<Utc>,
    tz: FixedOffset,
) -> String {
    let w = match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    };
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
                let left = match lang {
                    Lang::Zh => format!("{} {}", w.left, hms(c.remaining())),
                    Lang::En => format!("{} {}", hms(c.remaining()), w.left),
                };
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
    match lang {
        Lang::Zh => format!(
            "步骤 {done}/{},业务功能已恢复 {restored}/{}",
            inc.steps.len(),
            inc.timers.len()
        ),
        Lang::En => format!(
            "steps {done}/{}, functions restored {restored}/{}",
            inc.steps.len(),
            inc.timers.len()
        ),
    }
}

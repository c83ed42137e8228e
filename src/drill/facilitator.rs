//! The facilitator's side of a drill: the briefing read out before the game clock starts, the
//! injects still to come (`F`, for the facilitator's eyes: opening it journals nothing), a
//! decision inject shown whole, and the game clock held while a dialog is open when the
//! scenario's `pause-on-dialog` (default on) says so.

use std::collections::VecDeque;

use super::scenario::{Action, Expectation, LoadedScenario};
use crate::duration_text::clock as hms;
use crate::runbook::model::{Lang, Runbook};
use crate::ui::view::{DrillSheet, SheetKind};

use crate::i18n::DrillSheetWords as Words;

fn words(lang: Lang) -> &'static Words {
    crate::i18n::drill_sheet_words(lang)
}

/// What an expectation asks for: "下单支付 已恢复".
fn expected(e: &Expectation, rb: &Runbook, w: &Words) -> String {
    match e.kind {
        "function" => {
            let name = rb.function(&e.target).map_or(e.target.as_str(), |f| f.name.as_str());
            format!("{name} {}", w.restored)
        }
        "step" => {
            let title = rb.step(&e.target).map_or(e.target.clone(), |s| s.step.title.clone());
            format!("{title} {}", w.step_done)
        }
        _ => format!("{} {}", e.target, e.state.map(|h| h.as_str()).unwrap_or("")),
    }
}

/// An expectation with its deadline: "T+04:00:00 之前: 下单支付 已恢复".
fn expectation(e: &Expectation, rb: &Runbook, w: &Words) -> String {
    let what = expected(e, rb, w);
    let at = format!("T+{}", hms(chrono::Duration::seconds(e.by_secs as i64)));
    if w.by == "by" {
        format!("{} {at}: {what}", w.by)
    } else {
        format!("{at} {}: {what}", w.by)
    }
}

/// The briefing: what the facilitator reads out before starting the clock.
pub fn briefing(sc: &LoadedScenario, speed: f64, lang: Lang) -> DrillSheet {
    let w = words(lang);
    let s = &sc.file.scenario;
    let rb = &sc.runbook.runbook;
    let dtype = rb.disaster_type(&s.disaster_type).map_or(s.disaster_type.as_str(), |d| &d.name);
    let level = rb.level(s.level).map_or(s.level.to_string(), |l| l.name.clone());
    let mut scenario: Vec<String> = s.description.trim().lines().map(str::to_string).collect();
    scenario.push(format!("{}: {dtype} · {level} · {} ×{speed}", w.declared, w.speed));
    if s.pause_on_dialog {
        scenario.push(w.paused.to_string());
    }
    let or_none = |v: Vec<String>| if v.is_empty() { vec![w.none.to_string()] } else { v };
    let mut expected = s.expected_actions.clone();
    expected.extend(sc.file.injects.iter().filter_map(|i| match i.action() {
        Action::Expect(e) => Some(expectation(&e, rb, w)),
        _ => None,
    }));
    DrillSheet {
        kind: SheetKind::Briefing,
        title: format!("{} · {}", w.briefing, s.title),
        sections: vec![
            (w.scenario.to_string(), scenario),
            (w.objectives.to_string(), or_none(s.objectives.clone())),
            (w.expected.to_string(), or_none(expected)),
            (w.participants.to_string(), or_none(s.participants.clone())),
        ],
        keys: w.briefing_keys.to_string(),
        scroll: 0,
    }
}

/// The injects from `next` on, each with its game time and how far off it is at `elapsed`
/// game time after T0.
pub fn upcoming(
    sc: &LoadedScenario,
    next: usize,
    elapsed: chrono::Duration,
    lang: Lang,
) -> DrillSheet {
    let w = words(lang);
    let rb = &sc.runbook.runbook;
    let lines: Vec<String> = sc
        .file
        .injects
        .iter()
        .skip(next)
        .map(|inj| {
            let at = chrono::Duration::seconds(inj.at.as_secs() as i64);
            let left = at - elapsed;
            let when = if left > chrono::Duration::zero() {
                format!("{} {}", w.due, hms(left))
            } else {
                w.overdue.to_string()
            };
            let what = match inj.action() {
                Action::Service { service, state, detail } => {
                    let detail =
                        if detail.is_empty() { String::new() } else { format!(": {detail}") };
                    format!("{} {service} → {state}{detail}", w.service)
                }
                Action::Message(text) => format!("{}: {text}", w.message),
                Action::Decision { prompt, options } => {
                    format!("{}: {prompt} [{}]", w.decision, options.join(" / "))
                }
                Action::Expect(e) => format!("{}: {}", w.check, expected(&e, rb, w)),
            };
            format!("T+{} ({when}) {what}", hms(at))
        })
        .collect();
    let lines = if lines.is_empty() { vec![w.no_more.to_string()] } else { lines };
    DrillSheet {
        kind: SheetKind::Injects,
        title: w.injects.to_string(),
        sections: vec![(String::new(), lines)],
        keys: w.injects_keys.to_string(),
        scroll: 0,
    }
}

/// A decision inject, whole: its prompt and every option.
pub fn decision(prompt: &str, options: &[String], lang: Lang) -> DrillSheet {
    let w = words(lang);
    let options = options.iter().enumerate().map(|(i, o)| format!("{}. {o}", i + 1)).collect();
    DrillSheet {
        kind: SheetKind::Decision,
        title: w.decision_title.to_string(),
        sections: vec![(String::new(), vec![prompt.to_string()]), (w.options.to_string(), options)],
        keys: w.decision_keys.to_string(),
        scroll: 0,
    }
}

/// What a drill remembers of its dialogs.
#[derive(Debug, Default)]
pub struct Dialogs {
    /// The facilitator paused the game (`P`), whatever dialogs are open.
    pub held: bool,
    /// Decisions that fired while another dialog was open, shown once it closes.
    pub pending: VecDeque<DrillSheet>,
}

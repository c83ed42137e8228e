//! The drill scorecard: the test report of §6.3, labelled by the runbook's
//! `forms.test-report`, computed from the same facts as the response record
//! (`record::facts`) plus the scenario's expectations. Markdown and JSON.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use super::scenario::{Action, LoadedScenario};
use super::session::holds;
use crate::i18n::{record_words, RecordWords};
use crate::incident::describe::expectation_text;
use crate::incident::{EventKind, Incident, StepStatus};
use crate::journal;
use crate::record::facts::{self, local, secs, signed_secs, Facts, Outcome, StepRow};
use crate::runbook::model::Lang;

#[derive(Debug, Clone, Serialize)]
pub struct ExpectationRow {
    pub kind: String,
    pub target: String,
    pub by_secs: u64,
    pub text: String,
    /// `met`, `missed`, or `not-reached` (the drill ended before its game time).
    pub state: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormLabel {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub kind: &'static str,
    pub title: String,
    pub fields: Vec<FormLabel>,
    pub incident_id: String,
    pub lang: Lang,
    pub date: DateTime<Utc>,
    pub participants: Vec<String>,
    pub scenario: String,
    pub scenario_title: String,
    pub scenario_description: String,
    pub disaster_type: String,
    pub level: String,
    pub functions: Vec<String>,
    pub speed: f64,
    /// Game time from T0 to the end (close, or when the scorecard was made).
    pub game_secs: i64,
    /// Wall-clock time the exercise took.
    pub real_secs: u64,
    /// `success`, `partial` or `failure`.
    pub result: &'static str,
    pub result_reasons: Vec<String>,
    pub overall: Option<Outcome>,
    pub function_outcomes: Vec<Outcome>,
    pub rpo: facts::Rpo,
    pub steps: Vec<StepRow>,
    pub skipped: Vec<StepRow>,
    pub failed: Vec<StepRow>,
    pub expectations: Vec<ExpectationRow>,
    /// Left for the debrief: `None` is a marked blank in the Markdown.
    pub problems: Option<String>,
    pub improvements: Option<String>,
}

pub(super) use crate::i18n::ScorecardWords as Words;

pub(super) fn words(lang: Lang) -> &'static Words {
    crate::i18n::scorecard_words(lang)
}

/// Everything the scorecard says, computed once.
pub fn build(
    inc: &Incident,
    sc: &LoadedScenario,
    scenario_name: &str,
    now: DateTime<Utc>,
    tz: FixedOffset,
    real: std::time::Duration,
) -> Scorecard {
    let rb = &sc.runbook.runbook;
    let f: Facts = facts::collect(inc, rb, now, tz, None);
    let lang = f.lang;
    let w = words(lang);
    let health = |id: &str| inc.health.get(id).map(|m| m.state);
    let expectations: Vec<ExpectationRow> = sc
        .file
        .injects
        .iter()
        .filter_map(|i| match i.action() {
            Action::Expect(e) => Some(e),
            _ => None,
        })
        .map(|e| {
            let journaled = inc.events.iter().rev().find_map(|ev| match &ev.kind {
                EventKind::DrillExpectation { kind, target, by_secs, met, .. }
                    if kind == e.kind && *target == e.target && *by_secs == e.by_secs =>
                {
                    Some(*met)
                }
                _ => None,
            });
            let deadline = crate::incident::timers::after_secs(inc.decl.t0, e.by_secs);
            let state = match journaled {
                Some(true) => "met",
                Some(false) => "missed",
                None if holds(inc, health, &e) => "met",
                None if now >= deadline => "missed",
                None => "not-reached",
            };
            ExpectationRow {
                kind: e.kind.to_string(),
                target: e.target.clone(),
                by_secs: e.by_secs,
                text: expectation_text(rb, e.kind, &e.target, e.state, e.by_secs, lang),
                state,
            }
        })
        .collect();
    // Failure: the recovery was not completed, a function never came back, or more data was
    // lost than the RPO allows. Partial: it came back, but late or with expectations missed.
    let mut fatal = Vec::new();
    let mut reasons = Vec::new();
    if f.closed_at.is_none() {
        fatal.push(w.not_closed.to_string());
    }
    for o in f.functions.iter().chain(f.overall.iter()) {
        match o.state {
            "not-restored" => fatal.push(format!("{}: {}", o.name, w.not_restored)),
            "breached" => reasons.push(format!("{}: {}", o.name, w.breached)),
            _ => {}
        }
    }
    if f.rpo.met == Some(false) {
        fatal.push(w.rpo_breached.to_string());
    }
    for e in expectations.iter().filter(|e| e.state != "met") {
        reasons.push(format!("{}: {}", e.text, outcome_word(record_words(lang), w, e.state)));
    }
    let failed = f
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Failed || s.failures > 0)
        .cloned()
        .collect();
    let s = &sc.file.scenario;
    Scorecard {
        kind: "drill-scorecard",
        title: rb.forms.test_report.title.clone(),
        fields: rb
            .forms
            .test_report
            .fields
            .iter()
            .map(|x| FormLabel { id: x.id.clone(), label: x.label.clone() })
            .collect(),
        incident_id: f.incident_id.clone(),
        lang,
        date: f.declared_at,
        participants: s.participants.clone(),
        scenario: scenario_name.to_string(),
        scenario_title: s.title.clone(),
        scenario_description: s.description.trim().to_string(),
        disaster_type: f.disaster_type_name.clone(),
        level: f.level_name.clone(),
        functions: f.affected_functions.clone(),
        speed: inc.decl.drill.as_ref().map(|d| d.speed).unwrap_or(1.0),
        game_secs: f.duration_secs,
        real_secs: real.as_secs(),
        result: match (fatal.is_empty(), reasons.is_empty()) {
            (true, true) => "success",
            (true, false) => "partial",
            (false, _) => "failure",
        },
        result_reasons: fatal.into_iter().chain(reasons).collect(),
        overall: f.overall.clone(),
        function_outcomes: f.functions.clone(),
        rpo: f.rpo.clone(),
        skipped: f.skipped.clone(),
        steps: f.steps,
        failed,
        expectations,
        problems: None,
        improvements: None,
    }
}

pub(super) fn result_word(w: &Words, result: &str) -> &'static str {
    match result {
        "success" => w.success,
        "partial" => w.partial,
        _ => w.failure,
    }
}

pub(super) fn outcome_word(r: &RecordWords, w: &Words, state: &str) -> String {
    match state {
        "met" => r.met.to_string(),
        "breached" => r.breached.to_string(),
        "running" => r.running.to_string(),
        "not-restored" => r.not_restored.to_string(),
        "missed" => w.missed.to_string(),
        "not-reached" => w.not_reached.to_string(),
        other => other.to_string(),
    }
}

/// The §6.3 test report in Markdown, in the runbook's language.
pub fn markdown(c: &Scorecard, tz: FixedOffset) -> String {
    let r = record_words(c.lang);
    let w = words(c.lang);
    let label = |id: &str| {
        c.fields.iter().find(|f| f.id == id).map(|f| f.label.clone()).unwrap_or_else(|| id.into())
    };
    let mut md = String::new();
    let mut line = |s: String| {
        md.push_str(&s);
        md.push('\n');
    };
    line(format!("# {} — {} {}", c.title, r.drill, c.incident_id));
    line(String::new());
    line(format!("> {}", r.drill_note));
    line(String::new());
    line(format!("## {}", label("date")));
    line(String::new());
    line(local(c.date, tz));
    line(String::new());
    line(format!("- {}: {} (×{})", w.game_time, signed_secs(c.game_secs), trim_speed(c.speed)));
    line(format!("- {}: {}", w.real_time, secs(c.real_secs)));
    line(String::new());
    line(format!("## {}", label("participants")));
    line(String::new());
    for p in &c.participants {
        line(format!("- {p}"));
    }
    line(String::new());
    line(format!("## {}", label("scenario")));
    line(String::new());
    line(format!("**{}** (`{}`)", c.scenario_title, c.scenario));
    line(String::new());
    line(c.scenario_description.clone());
    line(String::new());
    line(format!("## {}", label("scope")));
    line(String::new());
    line(format!("- {}: {}", w.disaster_type, c.disaster_type));
    line(format!("- {}: {}", w.level, c.level));
    line(format!("- {}: {}", w.functions, c.functions.join(", ")));
    line(String::new());
    line(format!("## {}", label("result")));
    line(String::new());
    let result = result_word(w, c.result);
    line(format!("**{result}**"));
    for reason in &c.result_reasons {
        line(format!("- {reason}"));
    }
    line(String::new());
    line(format!("## {}", label("actual-rto-rpo")));
    line(String::new());
    line(format!("| {} | {} | {} | {} |", r.function, r.target, r.actual, r.result));
    line("| --- | --- | --- | --- |".to_string());
    for o in c.function_outcomes.iter().chain(c.overall.iter()) {
        line(format!(
            "| {} | {} | {} | {} |",
            o.name,
            secs(o.target_secs),
            secs(o.actual_secs),
            outcome_word(r, w, o.state)
        ));
    }
    line(String::new());
    let rpo = match (c.rpo.window_secs, c.rpo.met) {
        (Some(win), Some(met)) => format!(
            "{}: {} {}, {} {} — {}",
            r.rpo,
            r.target,
            secs(c.rpo.target_secs),
            w.window,
            signed_secs(win),
            if met { r.met } else { r.breached }
        ),
        _ => format!("{}: {} {} — {}", r.rpo, r.target, secs(c.rpo.target_secs), r.rpo_unknown),
    };
    line(rpo);
    line(String::new());
    line(format!("### {}", r.steps_section));
    line(String::new());
    line(format!("| # | {} | {} | {} |", r.step, r.state, r.spent));
    line("| --- | --- | --- | --- |".to_string());
    for s in &c.steps {
        line(format!(
            "| {} | {} | {} | {} |",
            s.number,
            s.title,
            step_word(c.lang, s.status),
            signed_secs(s.spent_secs)
        ));
    }
    line(String::new());
    for (title, rows) in [(r.skipped, &c.skipped), (w.failed_steps, &c.failed)] {
        line(format!("### {title}"));
        line(String::new());
        if rows.is_empty() {
            line(format!("- {}", r.none));
        }
        for s in rows.iter() {
            let why =
                s.reason.as_deref().map(|x| format!(" — {}: {x}", r.reason)).unwrap_or_default();
            line(format!("- {} {}{why}", s.number, s.title));
        }
        line(String::new());
    }
    line(format!("### {}", w.expectations));
    line(String::new());
    line(format!("| {} | {} |", w.expectation, r.result));
    line("| --- | --- |".to_string());
    for e in &c.expectations {
        line(format!("| {} | {} |", e.text, outcome_word(r, w, e.state)));
    }
    if c.expectations.is_empty() {
        line(format!("| {} | |", r.none));
    }
    line(String::new());
    for (id, value) in [("problems", &c.problems), ("improvements", &c.improvements)] {
        line(format!("## {}", label(id)));
        line(String::new());
        line(value.clone().unwrap_or_else(|| r.blank.to_string()));
        line(String::new());
    }
    md
}

fn step_word(lang: Lang, status: StepStatus) -> &'static str {
    crate::i18n::step_status(lang, status)
}

pub(super) fn trim_speed(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

/// Both forms, written atomically beside the drill's journal. Returns the paths.
pub fn write(
    dir: &std::path::Path,
    c: &Scorecard,
    tz: FixedOffset,
) -> Result<Vec<PathBuf>, String> {
    let md = markdown(c, tz);
    let json = serde_json::to_string_pretty(c).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (ext, body) in [("md", md), ("json", json)] {
        let path = dir.join(format!("scorecard.{ext}"));
        journal::atomic_write(&path, body.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        out.push(path);
    }
    Ok(out)
}

/// The per-function outcome in one line each, for the exit message.
pub fn summary_lines(c: &Scorecard) -> Vec<String> {
    let r = record_words(c.lang);
    let w = words(c.lang);
    let mut out = vec![format!(
        "{}: {}",
        c.fields.iter().find(|f| f.id == "result").map(|f| f.label.as_str()).unwrap_or(w.result),
        result_word(w, c.result)
    )];
    for o in c.function_outcomes.iter().chain(c.overall.iter()) {
        // The overall clock has a name but no runbook id to show beside it.
        let id = if c.overall.as_ref().is_some_and(|ov| ov.id == o.id) {
            String::new()
        } else {
            format!(" ({})", o.id)
        };
        out.push(format!(
            "  {}{id}: {} / {} {}",
            o.name,
            secs(o.actual_secs),
            secs(o.target_secs),
            outcome_word(r, w, o.state)
        ));
    }
    out
}

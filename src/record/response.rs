//! The response record of appendix B.1: the form's fields, then the full timeline, the RTO of
//! every business function, the overall RTO and the RPO, skipped steps, failed test
//! iterations and the journal head hash. In the runbook's language.

use crate::i18n::step_status;
use std::fmt::Write;

use chrono::FixedOffset;

use super::facts::{local, secs, signed_secs, Facts, Outcome};
use crate::i18n::{self, RecordWords};
use crate::incident::StepStatus;
use crate::runbook::model::{Lang, Runbook};

/// The value of one B.1 field, by its id (see `runbook::forms::RECORD_FIELDS`).
pub fn field_value(id: &str, f: &Facts, w: &RecordWords, tz: FixedOffset) -> String {
    let join = |v: &[String]| if v.is_empty() { w.none_recorded.to_string() } else { v.join(", ") };
    match id {
        "date-time" => {
            format!("{} ({}: {})", local(f.t0, tz), w.declared_at, local(f.declared_at, tz))
        }
        "reporter" => f.reporter.clone(),
        "disaster-type" => format!("{} ({})", f.disaster_type_name, f.disaster_type),
        "level" => f.level_line(),
        "affected-systems" => {
            format!(
                "{}; {}: {}",
                join(&f.affected_functions),
                w.services,
                join(&f.affected_services)
            )
        }
        "estimated-downtime" => {
            let worst = f.functions.iter().map(|o| o.target_secs).max();
            match (&f.overall, worst) {
                (Some(o), Some(m)) => format!(
                    "≤ {} ({} {}); {}: {}",
                    secs(o.target_secs),
                    w.function,
                    secs(m),
                    w.actual,
                    signed_secs(f.duration_secs)
                ),
                _ => format!("{}: {}", w.actual, signed_secs(f.duration_secs)),
            }
        }
        "estimated-data-loss" => match (f.rpo.backup_point, f.rpo.window_secs) {
            (Some(b), Some(win)) => format!(
                "{} ({} {}, {} {})",
                signed_secs(win),
                w.rpo,
                secs(f.rpo.target_secs),
                local(b, tz),
                if f.rpo.met == Some(true) { w.met } else { w.breached }
            ),
            _ => format!("{} ({} {})", w.rpo_unknown, w.rpo, secs(f.rpo.target_secs)),
        },
        "team" => {
            let people: Vec<String> = f
                .people
                .iter()
                .map(|p| {
                    let mut held = p.roles.clone();
                    held.extend(p.command.iter().map(|(from, until)| {
                        let until = until.map(|u| local(u, tz)).unwrap_or_default();
                        format!("{} {}–{until}", w.commander, local(*from, tz))
                    }));
                    format!("{} ({})", p.name, held.join(", "))
                })
                .collect();
            people.join("; ")
        }
        "initial-measures" => {
            let first: Vec<String> = f
                .steps
                .iter()
                .filter(|s| s.status != StepStatus::Pending)
                .take(3)
                .map(|s| format!("{}. {} [{}]", s.number, s.title, step_status(f.lang, s.status)))
                .collect();
            join(&first)
        }
        "internal-notifications" | "external-notifications" => {
            let kind =
                if id == "internal-notifications" { "notification-sent" } else { "comms-sent" };
            let sent: Vec<String> = f
                .timeline
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| format!("{} {}", r.local, r.text))
                .collect();
            join(&sent)
        }
        "expected-recovery-time" => match f.expected_recovery {
            Some(t) => local(t, tz),
            None => w.none.to_string(),
        },
        _ => w.blank.to_string(),
    }
}

fn outcome_row(o: &Outcome, w: &RecordWords) -> String {
    let state = match o.state {
        "met" => w.met,
        "breached" => w.breached,
        "not-restored" => w.not_restored,
        _ => w.running,
    };
    format!("| {} | {} | {} | {} |", o.name, secs(o.target_secs), secs(o.actual_secs), state)
}

/// "(ticked by Li Wei, 2026-11-28 10:42:00 +08:00)" for an item someone touched.
pub fn tick_note(it: &super::facts::ItemRow, lang: Lang, tz: FixedOffset) -> String {
    let (Some(by), Some(at)) = (&it.by, it.at) else { return String::new() };
    let when = local(at, tz);
    match (lang == Lang::Zh, it.ticked) {
        (true, true) => format!(" ({by} 勾选于 {when})"),
        (true, false) => format!(" ({by} 取消勾选于 {when})"),
        (false, true) => format!(" (ticked by {by}, {when})"),
        (false, false) => format!(" (unticked by {by}, {when})"),
    }
}

/// Markdown cells must not break the table.
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(f: &Facts, rb: &Runbook, tz: FixedOffset) -> String {
    let w = i18n::record_words(f.lang);
    let mut o = String::new();
    let form = &rb.forms.record;
    let drill = if f.drill { format!(" [{}]", w.drill) } else { String::new() };
    let _ = writeln!(o, "# {}{drill} — {}\n", form.title, f.incident_id);
    if f.drill {
        let _ = writeln!(o, "> {}\n", w.drill_note);
    }
    let status = match &f.withdrawn {
        Some((at, why)) => format!("{} ({}, {why})", w.withdrawn, local(*at, tz)),
        None if f.open => w.open.to_string(),
        None => w.closed.to_string(),
    };
    let _ = writeln!(o, "- {}: **{status}**", w.status);
    let _ = writeln!(o, "- {}: {}", w.generated, local(f.generated_at, tz));
    let _ = writeln!(o, "- {}: {} (sha256 {})", w.runbook, f.runbook_name, f.runbook_sha256);
    if f.open {
        let _ = writeln!(o, "\n{}", w.still_open_note);
    }
    o.push('\n');
    for field in &form.fields {
        let _ = writeln!(o, "- **{}**: {}", field.label, field_value(&field.id, f, w, tz));
    }

    let _ = writeln!(o, "\n## {}\n", w.rto_section);
    let _ = writeln!(o, "| {} | {} | {} | {} |", w.function, w.target, w.actual, w.result);
    let _ = writeln!(o, "|---|---|---|---|");
    if let Some(ov) = &f.overall {
        let _ = writeln!(o, "{}", outcome_row(ov, w));
    }
    for fo in &f.functions {
        let _ = writeln!(o, "{}", outcome_row(fo, w));
    }
    let rpo = match (f.rpo.window_secs, f.rpo.met) {
        (Some(win), Some(met)) => format!(
            "{} {}: {} {} → {}",
            w.rpo,
            secs(f.rpo.target_secs),
            w.actual,
            signed_secs(win),
            if met { w.met } else { w.breached }
        ),
        _ => format!("{} {}: {}", w.rpo, secs(f.rpo.target_secs), w.rpo_unknown),
    };
    let _ = writeln!(o, "\n{rpo}");

    let _ = writeln!(o, "\n## {}\n", w.steps_section);
    let _ = writeln!(o, "| # | {} | {} | {} | {} |", w.step, w.owner, w.state, w.spent);
    let _ = writeln!(o, "|---|---|---|---|---|");
    for s in &f.steps {
        let reason = s.reason.as_deref().map(|r| format!(" — {}", cell(r))).unwrap_or_default();
        let _ = writeln!(
            o,
            "| {} | {}{reason} | {} | {} | {} |",
            s.number,
            cell(&s.title),
            cell(&s.owner),
            step_status(f.lang, s.status),
            signed_secs(s.spent_secs)
        );
    }

    o.push_str(&super::commands::markdown(&f.alternatives, &f.placeholders, f.lang, tz));

    let _ = writeln!(o, "\n## {}\n", w.skipped);
    if f.skipped.is_empty() {
        let _ = writeln!(o, "{}", w.none);
    }
    for s in &f.skipped {
        let _ = writeln!(
            o,
            "- {}. {} — {}: {}",
            s.number,
            s.title,
            w.reason,
            s.reason.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(o, "\n## {}\n", w.failed_iterations);
    if f.failed_iterations.is_empty() {
        let _ = writeln!(o, "{}", w.none);
    }
    for it in &f.failed_iterations {
        let _ =
            writeln!(o, "- {} #{} ({}): {}", it.title, it.iteration, local(it.at, tz), it.reason);
    }

    if !f.checklists.is_empty() {
        let title = if f.lang == Lang::Zh { "检查清单" } else { "Checklists" };
        let _ = writeln!(o, "\n## {title}\n");
        for cl in &f.checklists {
            let _ = writeln!(o, "### {}\n", cl.name);
            for it in &cl.items {
                let _ = writeln!(
                    o,
                    "- [{}] {}{}",
                    if it.ticked { "x" } else { " " },
                    it.text,
                    tick_note(it, f.lang, tz)
                );
            }
            o.push('\n');
        }
    }

    let _ = writeln!(o, "\n## {}\n", w.timeline);
    let _ = writeln!(o, "| {} | {} | {} |", w.time, w.who, w.event);
    let _ = writeln!(o, "|---|---|---|");
    for r in &f.timeline {
        let _ = writeln!(o, "| {} | {} | {} |", r.local, cell(&r.who), cell(&r.text));
    }
    let _ = writeln!(o, "\n{}: `{}`", w.head_hash, f.head_hash.as_deref().unwrap_or("-"));
    o
}

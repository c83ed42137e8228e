//! The post-incident analysis of appendix B.2, pre-filled from the journal. What only people can
//! write (causes, improvements, the action plan, approval) is left as clearly marked blanks.

use std::fmt::Write;

use chrono::FixedOffset;

use super::facts::{local, secs, signed_secs, Facts};
use super::response::cell;
use crate::i18n;
use crate::runbook::model::Runbook;

/// Problems met: failed and skipped steps, and breached timers.
pub fn problems(f: &Facts) -> Vec<String> {
    let w = i18n::record_words(f.lang);
    let mut v: Vec<String> = f
        .failed_iterations
        .iter()
        .map(|it| format!("{} #{}: {}", it.title, it.iteration, it.reason))
        .collect();
    v.extend(
        f.skipped
            .iter()
            .map(|s| format!("{} ({}: {})", s.title, w.reason, s.reason.as_deref().unwrap_or(""))),
    );
    v.extend(f.overall.iter().chain(&f.functions).filter(|o| o.state == "breached").map(|o| {
        format!("{} {} {} > {}", o.name, w.breached, secs(o.actual_secs), secs(o.target_secs))
    }));
    v
}

/// What went well: functions restored inside their RTO.
pub fn successes(f: &Facts) -> Vec<String> {
    let w = i18n::record_words(f.lang);
    f.functions
        .iter()
        .filter(|o| o.state == "met")
        .map(|o| format!("{} {} {} ≤ {}", o.name, w.met, secs(o.actual_secs), secs(o.target_secs)))
        .collect()
}

/// The report, made safe to show (`safe_text`): it quotes notes, reasons and names.
pub fn markdown(f: &Facts, rb: &Runbook, tz: FixedOffset) -> String {
    crate::safe_text::visible_owned(report_text(f, rb, tz))
}

fn report_text(f: &Facts, rb: &Runbook, tz: FixedOffset) -> String {
    let w = i18n::record_words(f.lang);
    let form = &rb.forms.report;
    let mut o = String::new();
    let drill = if f.drill { format!(" [{}]", w.drill) } else { String::new() };
    let _ = writeln!(o, "# {}{drill} — {}\n", form.title, f.incident_id);
    let _ = writeln!(o, "- {}: {}", w.generated, local(f.generated_at, tz));
    let status = if f.open { w.open } else { w.closed };
    let _ = writeln!(o, "- {}: **{status}**\n", w.status);
    let list = |items: Vec<String>| -> String {
        if items.is_empty() {
            format!(" {}", w.none)
        } else {
            items.iter().map(|i| format!("\n  - {i}")).collect()
        }
    };
    for field in &form.fields {
        let value = match field.id.as_str() {
            "date-time" => format!(" {}", local(f.t0, tz)),
            "duration" => format!(" {}", signed_secs(f.duration_secs)),
            "impact-scope" => format!(" {}", f.affected_functions.join(", ")),
            "actual-rto" => {
                let mut v: Vec<String> = f
                    .overall
                    .iter()
                    .map(|ov| format!("{} {}", ov.name, secs(ov.actual_secs)))
                    .collect();
                v.extend(f.functions.iter().map(|fo| {
                    format!(
                        "{} {} ({} {})",
                        fo.name,
                        secs(fo.actual_secs),
                        w.target,
                        secs(fo.target_secs)
                    )
                }));
                list(v)
            }
            "actual-rpo" => match f.rpo.window_secs {
                Some(win) => {
                    format!(" {} ({} {})", signed_secs(win), w.target, secs(f.rpo.target_secs))
                }
                None => format!(" {} ({})", w.blank, w.rpo_unknown),
            },
            "problems" => list(problems(f)),
            "successes" => list(successes(f)),
            "improvements" => format!("\n  1. {}\n  2. {}\n  3. {}", w.blank, w.blank, w.blank),
            "action-plan" => {
                let header = format!(
                    "\n\n  | {} | {} | {} | {} |\n  |---|---|---|---|",
                    cell(&field.label),
                    w.owner,
                    w.deadline,
                    w.priority
                );
                format!(
                    "{header}\n  | {b} | {b} | {b} | {b} |\n  | {b} | {b} | {b} | {b} |",
                    b = w.blank
                )
            }
            _ => format!(" {}", w.blank),
        };
        let _ = writeln!(o, "- **{}**:{value}", field.label);
    }
    o
}

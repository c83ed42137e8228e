//! The response record as one self-contained HTML page, for the people who will read it
//! rather than work from it: header facts, a timeline chart (inline SVG, see [`super::chart`]),
//! the RPO, then the tables of appendix B.1. No script, no network: the styles are inline and a
//! Content-Security-Policy forbids anything else. Every text is escaped, and control and
//! bidirectional-override characters are shown as `[U+XXXX]`: notes are untrusted text.

use std::fmt::Write;

use chrono::FixedOffset;

use super::chart;
use super::facts::{local, secs, signed_secs, Facts, Outcome};
use super::response::field_value;
use crate::i18n::{record_words, RecordWords};
use crate::incident::{Incident, StepStatus};
use crate::probe::Health;
use crate::runbook::model::{Lang, Runbook};

/// `s` safe as HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\n' | '\t' => o.push(c),
            c if c.is_control() || is_bidi_control(c) => {
                let _ = write!(o, "[U+{:04X}]", c as u32);
            }
            c => o.push(c),
        }
    }
    o
}

/// Characters that reorder the text around them: shown, never obeyed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub use crate::i18n::RecordPageWords as Words;

pub fn words(lang: Lang) -> &'static Words {
    crate::i18n::record_page_words(lang)
}

const STYLE: &str = include_str!("record.css");

/// A complete page around `body`: doctype, language, a policy that forbids scripts and
/// fetching anything, the stylesheet.
pub fn shell(lang: Lang, title: &str, body: &str) -> String {
    let lang = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let mut o = String::with_capacity(body.len() + STYLE.len() + 512);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    );
    o
}

fn state_word<'a>(r: &'a RecordWords, state: &'a str) -> &'a str {
    match state {
        "met" => r.met,
        "breached" => r.breached,
        "running" => r.running,
        "not-restored" => r.not_restored,
        other => other,
    }
}

/// A step status in the record's language.
pub fn step_word(lang: Lang, status: StepStatus) -> &'static str {
    crate::i18n::step_status(lang, status)
}

/// The chart with its legend.
pub fn chart_section(c: &chart::Chart, lang: Lang, tz: FixedOffset) -> String {
    let cw = chart::words(lang);
    let hw = words(lang);
    let mut o = String::new();
    let _ = write!(o, "<section class=\"chart\">\n<h2>{}</h2>\n", escape(cw.chart));
    o.push_str(&super::svg::chart(c, tz, lang));
    let swatch = |class: &str, label: &str| {
        format!("<span><i class=\"sw {class}\"></i>{}</span>", escape(label))
    };
    let _ = write!(
        o,
        "\n<p class=\"legend\">{}{}{}{}{}{}{}{}{}{}{}{}</p>\n<p class=\"hint\">{}</p>\n</section>\n",
        swatch("done", cw.done),
        swatch("failed", cw.failed),
        swatch("skipped", cw.skipped),
        swatch("running", cw.running),
        swatch("retest", hw.legend_step),
        swatch("outage", cw.outage),
        swatch("breach", cw.breach),
        swatch("deadline", cw.deadline),
        swatch("up", Health::Up.as_str()),
        swatch("degraded", Health::Degraded.as_str()),
        swatch("down", Health::Down.as_str()),
        swatch("note", cw.notes),
        escape(hw.hover)
    );
    o
}

/// The RPO: T0 against the last good backup, as a sentence and a bar against the target.
pub fn rpo_section(rpo: &super::facts::Rpo, lang: Lang, tz: FixedOffset) -> String {
    let r = record_words(lang);
    let hw = words(lang);
    let mut o = format!("<section class=\"rpo\">\n<h2>{}</h2>\n", escape(hw.rpo_title));
    match (rpo.backup_point, rpo.window_secs) {
        (Some(b), Some(win)) => {
            let t0 = b + chrono::Duration::seconds(win);
            let met = rpo.met == Some(true);
            let verdict = if met { r.met } else { r.breached };
            let _ = writeln!(
                o,
                "<p>{}: {} → T0 {}: {} {} ({} {}) — <b class=\"{}\">{}</b></p>",
                escape(hw.backup),
                escape(&local(b, tz)),
                escape(&local(t0, tz)),
                escape(hw.window),
                escape(&signed_secs(win)),
                escape(r.target),
                escape(&secs(rpo.target_secs)),
                if met { "ok" } else { "bad" },
                escape(verdict)
            );
            let scale = (win.max(0) as f64).max(rpo.target_secs as f64).max(1.0);
            let bar = 600.0 * (win.max(0) as f64) / scale;
            let target = 600.0 * rpo.target_secs as f64 / scale;
            let _ = writeln!(
                o,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"rpo-chart\" viewBox=\"0 0 620 48\">\
                 <rect class=\"rpo-bar {}\" x=\"10\" y=\"8\" width=\"{bar:.1}\" height=\"16\">\
                 <title>{win}</title></rect>\
                 <text class=\"{label_class}\" x=\"{label_x:.1}\" y=\"20\">{} {win}</text>\
                 <line class=\"rpo-target\" x1=\"{t:.1}\" x2=\"{t:.1}\" y1=\"2\" y2=\"32\">\
                 <title>RPO {rpo}</title></line>\
                 <text class=\"rpo-tl\" x=\"{t:.1}\" y=\"44\">RPO {rpo}</text></svg>",
                if met { "met" } else { "breached" },
                escape(hw.window),
                win = escape(&signed_secs(win)),
                rpo = escape(&secs(rpo.target_secs)),
                t = 10.0 + target,
                // Inside a long bar in white; after a short one in the text colour.
                label_class = if bar > 200.0 { "rpo-label in" } else { "rpo-label" },
                label_x = if bar > 200.0 { 14.0 } else { 14.0 + bar },
            );
        }
        _ => {
            let _ = writeln!(
                o,
                "<p>{} {}: {}</p>",
                escape(r.rpo),
                escape(&secs(rpo.target_secs)),
                escape(r.rpo_unknown)
            );
        }
    }
    o.push_str("</section>\n");
    o
}

/// One row of an RTO table.
pub fn outcome_row(o: &Outcome, r: &RecordWords) -> String {
    format!(
        "<tr class=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"state\">{}</td></tr>\n",
        escape(o.state),
        escape(&o.name),
        escape(&secs(o.target_secs)),
        escape(&secs(o.actual_secs)),
        escape(state_word(r, o.state))
    )
}

/// The response record page.
pub fn page(f: &Facts, inc: &Incident, rb: &Runbook, tz: FixedOffset) -> String {
    let r = record_words(f.lang);
    let hw = words(f.lang);
    let form = &rb.forms.record;
    let mut b = String::with_capacity(64 * 1024 + f.timeline.len() * 160);
    let drill = if f.drill {
        format!(" <span class=\"badge drill\">{}</span>", escape(r.drill))
    } else {
        String::new()
    };
    let status = if f.open { r.open } else { r.closed };
    let _ = write!(
        b,
        "<header>\n<h1>{}{drill}</h1>\n<p class=\"id\">{} · <span class=\"badge {}\">{}</span></p>\n",
        escape(&form.title),
        escape(&f.incident_id),
        if f.open { "open" } else { "closed" },
        escape(status)
    );
    if f.drill {
        let _ = writeln!(b, "<p class=\"note\">{}</p>", escape(r.drill_note));
    }
    if f.open {
        let _ = writeln!(b, "<p class=\"note\">{}</p>", escape(r.still_open_note));
    }
    b.push_str("</header>\n");

    // Header facts.
    let mut facts: Vec<(&str, String)> = vec![
        (r.t0, local(f.t0, tz)),
        (r.declared_at, local(f.declared_at, tz)),
        (hw.closed_at, f.closed_at.map(|c| local(c, tz)).unwrap_or_else(|| status.to_string())),
        (hw.duration, signed_secs(f.duration_secs)),
        (hw.level, f.level_line()),
        (hw.disaster_type, format!("{} ({})", f.disaster_type_name, f.disaster_type)),
        (hw.reporter, f.reporter.clone()),
        (hw.coordinator, f.coordinator.clone()),
    ];
    if let Some(ov) = &f.overall {
        facts.push((
            r.overall,
            format!(
                "{} / {} — {}",
                secs(ov.actual_secs),
                secs(ov.target_secs),
                state_word(r, ov.state)
            ),
        ));
    }
    facts.push((r.generated, local(f.generated_at, tz)));
    facts.push((r.runbook, format!("{} (sha256 {})", f.runbook_name, f.runbook_sha256)));
    let _ = writeln!(b, "<section class=\"facts\">\n<h2>{}</h2>\n<dl>", escape(hw.facts));
    for (k, v) in &facts {
        let _ = writeln!(b, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    }
    b.push_str("</dl>\n</section>\n");

    let c = chart::build(inc, rb, f, tz);
    b.push_str(&chart_section(&c, f.lang, tz));
    b.push_str(&rpo_section(&f.rpo, f.lang, tz));

    // The B.1 form.
    let _ = writeln!(
        b,
        "<section class=\"form\">\n<h2>{} — {}</h2>\n<table>",
        escape(&form.title),
        escape(hw.form)
    );
    for field in &form.fields {
        let _ = writeln!(
            b,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(&field.label),
            escape(&field_value(&field.id, f, r, tz))
        );
    }
    b.push_str("</table>\n</section>\n");

    let _ = writeln!(
        b,
        "<section>\n<h2>{}</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        escape(r.rto_section),
        escape(r.function),
        escape(r.target),
        escape(r.actual),
        escape(r.result)
    );
    for o in f.overall.iter().chain(&f.functions) {
        b.push_str(&outcome_row(o, r));
    }
    b.push_str("</tbody></table>\n</section>\n");

    let _ = writeln!(
        b,
        "<section>\n<h2>{}</h2>\n<table>\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        escape(r.steps_section),
        escape(r.step),
        escape(r.owner),
        escape(r.state),
        escape(r.spent)
    );
    for s in &f.steps {
        let reason = s.reason.as_deref().map(|x| format!(" — {}", escape(x))).unwrap_or_default();
        let _ = writeln!(
            b,
            "<tr class=\"{}\"><td class=\"num\">{}</td><td>{}{reason}</td><td>{}</td><td class=\"state\">{}</td><td class=\"num\">{}</td></tr>",
            escape(s.status.as_str()),
            escape(&s.number),
            escape(&s.title),
            escape(&s.owner),
            escape(step_word(f.lang, s.status)),
            escape(&signed_secs(s.spent_secs))
        );
    }
    b.push_str("</tbody></table>\n</section>\n");

    b.push_str(&super::commands::html(&f.alternatives, &f.placeholders, f.lang, tz));

    let _ = writeln!(b, "<section>\n<h2>{}</h2>\n<ul>", escape(r.skipped));
    if f.skipped.is_empty() {
        let _ = writeln!(b, "<li>{}</li>", escape(r.none));
    }
    for s in &f.skipped {
        let _ = writeln!(
            b,
            "<li>{}. {} — {}: {}</li>",
            escape(&s.number),
            escape(&s.title),
            escape(r.reason),
            escape(s.reason.as_deref().unwrap_or(""))
        );
    }
    let _ = writeln!(b, "</ul>\n<h2>{}</h2>\n<ul>", escape(r.failed_iterations));
    if f.failed_iterations.is_empty() {
        let _ = writeln!(b, "<li>{}</li>", escape(r.none));
    }
    for it in &f.failed_iterations {
        let _ = writeln!(
            b,
            "<li>{} #{} ({}): {}</li>",
            escape(&it.title),
            it.iteration,
            escape(&local(it.at, tz)),
            escape(&it.reason)
        );
    }
    b.push_str("</ul>\n</section>\n");

    if !f.checklists.is_empty() {
        let title = if f.lang == Lang::Zh { "检查清单" } else { "Checklists" };
        let _ = writeln!(b, "<section>\n<h2>{}</h2>", escape(title));
        for cl in &f.checklists {
            let _ = writeln!(b, "<h3>{}</h3>\n<ul class=\"checklist\">", escape(&cl.name));
            for it in &cl.items {
                let note = super::response::tick_note(it, f.lang, tz);
                let _ = writeln!(
                    b,
                    "<li>{} {}{}</li>",
                    if it.ticked { "☑" } else { "☐" },
                    escape(&it.text),
                    escape(&note)
                );
            }
            b.push_str("</ul>\n");
        }
        b.push_str("</section>\n");
    }

    b.push_str(&timeline_section(f, r, tz));
    let _ = writeln!(
        b,
        "<footer><p>{}: <code>{}</code></p></footer>",
        escape(r.head_hash),
        escape(f.head_hash.as_deref().unwrap_or("-"))
    );
    shell(f.lang, &format!("{} — {}", form.title, f.incident_id), &b)
}

/// Rows per table of the timeline. Each block is laid out only once it scrolls into view
/// (`content-visibility: auto`), which keeps a page of 10,000 events quick to open.
const BLOCK_ROWS: usize = 500;

/// The full timeline: the largest part of a long incident's page, so kept terse. The date
/// is said once per day, the operator only when it changes, and cells close implicitly.
fn timeline_section(f: &Facts, r: &RecordWords, tz: FixedOffset) -> String {
    let mut o = String::with_capacity(f.timeline.len() * 96 + 512);
    let _ = writeln!(o, "<section class=\"timeline\">\n<h2>{}</h2>", escape(r.timeline));
    let mut day = String::new();
    let mut who = "";
    for (i, block) in f.timeline.chunks(BLOCK_ROWS).enumerate() {
        o.push_str(
            "<div class=\"block\"><table class=\"rows\"><colgroup><col class=\"c-time\">\
             <col class=\"c-who\"><col></colgroup>\n",
        );
        if i == 0 {
            let _ = writeln!(
                o,
                "<thead><tr><th>{}<th>{}<th>{}</thead>",
                escape(r.time),
                escape(r.who),
                escape(r.event)
            );
        }
        o.push_str("<tbody>\n");
        for row in block {
            let local = row.at.with_timezone(&tz);
            let d = local.format("%Y-%m-%d (UTC%:z)").to_string();
            if d != day {
                let _ = writeln!(o, "<tr class=\"day\"><th colspan=\"3\">{d}</tr>");
                day = d;
                who = "";
            }
            let class = match row.kind.as_str() {
                "note" => " class=\"note\"",
                "step-failed" | "timer-breached" | "panic" => " class=\"bad\"",
                _ => "",
            };
            let shown = if row.who == who { "" } else { row.who.as_str() };
            who = &row.who;
            let _ = writeln!(
                o,
                "<tr{class}><td>{}<td>{}<td>{}</tr>",
                local.format("%H:%M:%S"),
                escape(shown),
                escape(&row.text)
            );
        }
        o.push_str("</tbody></table></div>\n");
    }
    o.push_str("</section>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_controls_and_bidi() {
        assert_eq!(escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(escape("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
        assert_eq!(escape("x\u{1b}[31my"), "x[U+001B][31my");
        assert_eq!(escape("abc\u{202E}fed"), "abc[U+202E]fed");
        assert_eq!(escape("数据库\n备份"), "数据库\n备份");
    }
}

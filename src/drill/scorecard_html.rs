//! The drill scorecard (§6.3) as one self-contained HTML page, like the HTML response record:
//! the result first, then the drill's timeline chart, the RTO/RPO against target, the steps and
//! the expectations. Built from the same [`Scorecard`] as the Markdown.

use std::fmt::Write;

use chrono::FixedOffset;

use super::scorecard::{outcome_word, trim_speed, words, Scorecard};
use crate::i18n::record_words;
use crate::record::chart::Chart;
use crate::record::facts::{local, secs, signed_secs};
use crate::record::html::{chart_section, escape, rpo_section, shell, step_word};

/// The page; `chart` is the drill's timeline (see `record::chart::build`).
pub fn page(c: &Scorecard, chart: Option<&Chart>, tz: FixedOffset) -> String {
    let r = record_words(c.lang);
    let w = words(c.lang);
    let label = |id: &str| {
        c.fields.iter().find(|f| f.id == id).map(|f| f.label.clone()).unwrap_or_else(|| id.into())
    };
    let mut b = String::with_capacity(32 * 1024);
    let ok = c.result == "success";
    let _ = write!(
        b,
        "<header>\n<h1>{} <span class=\"badge drill\">{}</span></h1>\n<p class=\"id\">{}</p>\n\
         <p class=\"note\">{}</p>\n</header>\n",
        escape(&c.title),
        escape(r.drill),
        escape(&c.incident_id),
        escape(r.drill_note)
    );
    let _ = write!(
        b,
        "<section class=\"result\">\n<h2>{}</h2>\n<p><b class=\"{}\">{}</b></p>\n<ul>\n",
        escape(&label("result")),
        if ok { "ok" } else { "bad" },
        escape(super::scorecard::result_word(w, c.result))
    );
    for reason in &c.result_reasons {
        let _ = writeln!(b, "<li>{}</li>", escape(reason));
    }
    b.push_str("</ul>\n</section>\n");

    let facts: Vec<(String, String)> = vec![
        (label("date"), local(c.date, tz)),
        (
            w.game_time.to_string(),
            format!("{} (×{})", signed_secs(c.game_secs), trim_speed(c.speed)),
        ),
        (w.real_time.to_string(), secs(c.real_secs)),
        (label("participants"), c.participants.join(", ")),
        (label("scenario"), format!("{} ({})", c.scenario_title, c.scenario)),
        (w.disaster_type.to_string(), c.disaster_type.clone()),
        (w.level.to_string(), c.level.clone()),
        (w.functions.to_string(), c.functions.join(", ")),
    ];
    let _ = writeln!(b, "<section class=\"facts\">\n<h2>{}</h2>\n<dl>", escape(&label("scope")));
    for (k, v) in &facts {
        let _ = writeln!(b, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    }
    let _ = writeln!(b, "</dl>\n<p>{}</p>\n</section>", escape(&c.scenario_description));

    if let Some(chart) = chart {
        b.push_str(&chart_section(chart, c.lang, tz));
    }

    let _ = writeln!(
        b,
        "<section>\n<h2>{}</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        escape(&label("actual-rto-rpo")),
        escape(r.function),
        escape(r.target),
        escape(r.actual),
        escape(r.result)
    );
    for o in c.function_outcomes.iter().chain(c.overall.iter()) {
        let _ = writeln!(
            b,
            "<tr class=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"state\">{}</td></tr>",
            escape(o.state),
            escape(&o.name),
            escape(&secs(o.target_secs)),
            escape(&secs(o.actual_secs)),
            escape(&outcome_word(r, w, o.state))
        );
    }
    b.push_str("</tbody></table>\n</section>\n");
    b.push_str(&rpo_section(&c.rpo, c.lang, tz));

    let _ = writeln!(
        b,
        "<section>\n<h2>{}</h2>\n<table>\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        escape(r.steps_section),
        escape(r.step),
        escape(r.state),
        escape(r.spent)
    );
    for s in &c.steps {
        let reason = s.reason.as_deref().map(|x| format!(" — {}", escape(x))).unwrap_or_default();
        let _ = writeln!(
            b,
            "<tr class=\"{}\"><td class=\"num\">{}</td><td>{}{reason}</td><td class=\"state\">{}</td><td class=\"num\">{}</td></tr>",
            escape(s.status.as_str()),
            escape(&s.number),
            escape(&s.title),
            escape(step_word(c.lang, s.status)),
            escape(&signed_secs(s.spent_secs))
        );
    }
    b.push_str("</tbody></table>\n</section>\n");

    let _ = writeln!(
        b,
        "<section>\n<h2>{}</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        escape(w.expectations),
        escape(w.expectation),
        escape(r.result)
    );
    if c.expectations.is_empty() {
        let _ = writeln!(b, "<tr><td colspan=\"2\">{}</td></tr>", escape(r.none));
    }
    for e in &c.expectations {
        let class = if e.state == "met" { "met" } else { "breached" };
        let _ = writeln!(
            b,
            "<tr class=\"{class}\"><td>{}</td><td class=\"state\">{}</td></tr>",
            escape(&e.text),
            escape(&outcome_word(r, w, e.state))
        );
    }
    b.push_str("</tbody></table>\n</section>\n");
    for (id, value) in [("problems", &c.problems), ("improvements", &c.improvements)] {
        let _ = writeln!(
            b,
            "<section>\n<h2>{}</h2>\n<p>{}</p>\n</section>",
            escape(&label(id)),
            escape(value.as_deref().unwrap_or(r.blank))
        );
    }
    shell(c.lang, &format!("{} — {}", c.title, c.incident_id), &b)
}

/// Write `scorecard.html` beside the drill's journal, atomically, with the chart of `inc`.
pub fn write(
    dir: &std::path::Path,
    c: &Scorecard,
    inc: &crate::incident::Incident,
    rb: &crate::runbook::Runbook,
    now: chrono::DateTime<chrono::Utc>,
    tz: FixedOffset,
) -> Result<std::path::PathBuf, String> {
    let facts = crate::record::collect(inc, rb, now, tz, None);
    let chart = crate::record::chart::build(inc, rb, &facts, tz);
    let path = dir.join("scorecard.html");
    crate::journal::atomic_write(&path, page(c, Some(&chart), tz).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

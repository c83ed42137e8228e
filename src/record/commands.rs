//! What a record says about commands: the alternative chosen for each step that offers some,
//! and the values the command placeholders were given (a secret one's never: "(secret)").
//! The last choice and the last value count; every one is on the timeline.

use std::fmt::Write;

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use super::facts::local;
use crate::incident::{EventKind, Incident};
use crate::runbook::model::Runbook;

#[derive(Debug, Clone, Serialize)]
pub struct AlternativeRow {
    pub step: String,
    pub step_title: String,
    pub alternative: String,
    pub label: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaceholderRow {
    pub placeholder: String,
    pub label: String,
    /// The value, or the words for a secret one.
    pub value: String,
    pub secret: bool,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// The choices and values of `inc`, in the order they were first made.
pub fn rows(inc: &Incident, rb: &Runbook) -> (Vec<AlternativeRow>, Vec<PlaceholderRow>) {
    let words = crate::i18n::command_words(inc.decl.lang);
    let mut alts: Vec<AlternativeRow> = Vec::new();
    let mut values: Vec<PlaceholderRow> = Vec::new();
    for ev in &inc.events {
        let by = || ev.who.label().to_string();
        match &ev.kind {
            EventKind::AlternativeChosen { step, alternative } => {
                let s = rb.step(step).map(|t| t.step);
                let row = AlternativeRow {
                    step: step.clone(),
                    step_title: s.map_or_else(|| step.clone(), |s| s.title.clone()),
                    alternative: alternative.clone(),
                    label: s
                        .and_then(|s| s.alternative(alternative))
                        .map_or_else(|| alternative.clone(), |a| a.label.clone()),
                    at: ev.at,
                    by: by(),
                };
                match alts.iter_mut().find(|r| r.step == *step) {
                    Some(r) => *r = row,
                    None => alts.push(row),
                }
            }
            EventKind::PlaceholderFilled { placeholder, value } => {
                let p = rb.placeholder(placeholder);
                let row = PlaceholderRow {
                    placeholder: placeholder.clone(),
                    label: p.map_or_else(|| placeholder.clone(), |p| p.label.clone()),
                    value: value.clone().unwrap_or_else(|| words.secret.to_string()),
                    secret: value.is_none(),
                    at: ev.at,
                    by: by(),
                };
                match values.iter_mut().find(|r| r.placeholder == *placeholder) {
                    Some(r) => *r = row,
                    None => values.push(row),
                }
            }
            _ => {}
        }
    }
    (alts, values)
}

/// The Markdown section; nothing when no step offered a choice and no placeholder was filled.
pub fn markdown(
    alts: &[AlternativeRow],
    values: &[PlaceholderRow],
    lang: crate::runbook::model::Lang,
    tz: FixedOffset,
) -> String {
    let mut o = String::new();
    if alts.is_empty() && values.is_empty() {
        return o;
    }
    let w = crate::i18n::command_words(lang);
    let cell = super::response::cell;
    let _ = writeln!(o, "\n## {}\n", w.record_heading);
    if !alts.is_empty() {
        let _ = writeln!(o, "| {} | {} | {} |", w.record_step, w.alternative, w.record_by);
        let _ = writeln!(o, "|---|---|---|");
        for a in alts {
            let _ = writeln!(
                o,
                "| {} | {} ({}) | {} {} |",
                cell(&a.step_title),
                cell(&a.label),
                a.alternative,
                cell(&a.by),
                local(a.at, tz)
            );
        }
        o.push('\n');
    }
    if !values.is_empty() {
        let _ = writeln!(o, "| {} | {} | {} |", w.placeholder, w.record_value, w.record_by);
        let _ = writeln!(o, "|---|---|---|");
        for v in values {
            let _ = writeln!(
                o,
                "| {{{}}} {} | {} | {} {} |",
                v.placeholder,
                cell(&v.label),
                cell(&v.value),
                cell(&v.by),
                local(v.at, tz)
            );
        }
    }
    o
}

/// The HTML section, escaped; nothing when there is nothing to say.
pub fn html(
    alts: &[AlternativeRow],
    values: &[PlaceholderRow],
    lang: crate::runbook::model::Lang,
    tz: FixedOffset,
) -> String {
    let mut b = String::new();
    if alts.is_empty() && values.is_empty() {
        return b;
    }
    let e = super::html::escape;
    let w = crate::i18n::command_words(lang);
    let _ = writeln!(b, "<section>\n<h2>{}</h2>", e(w.record_heading));
    let mut table = |head: [&str; 3], rows: Vec<[String; 3]>| {
        let _ = writeln!(
            b,
            "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            e(head[0]),
            e(head[1]),
            e(head[2])
        );
        for r in rows {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&r[0]),
                e(&r[1]),
                e(&r[2])
            );
        }
        b.push_str("</tbody></table>\n");
    };
    if !alts.is_empty() {
        let rows = alts
            .iter()
            .map(|a| {
                [
                    a.step_title.clone(),
                    format!("{} ({})", a.label, a.alternative),
                    format!("{} {}", a.by, local(a.at, tz)),
                ]
            })
            .collect();
        table([w.record_step, w.alternative, w.record_by], rows);
    }
    if !values.is_empty() {
        let rows = values
            .iter()
            .map(|v| {
                [
                    format!("{{{}}} {}", v.placeholder, v.label),
                    v.value.clone(),
                    format!("{} {}", v.by, local(v.at, tz)),
                ]
            })
            .collect();
        table([w.placeholder, w.record_value, w.record_by], rows);
    }
    b.push_str("</section>\n");
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::{declaration, DeclareRequest};
    use crate::incident::{Actor, Event};
    use chrono::TimeZone;

    #[test]
    fn the_last_choice_and_value_count_and_a_secret_shows_as_secret() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/examples/saas.toml");
        let l = crate::runbook::load(Some(std::path::Path::new(path))).unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        let req = DeclareRequest {
            disaster_type: "regional-db-failover".into(),
            level: 0,
            functions: vec![],
            reporter: "ops".into(),
            coordinator: None,
            team: None,
            t0: "now".into(),
            force: false,
            confirmed: false,
            drill: None,
        };
        let decl = declaration(&l, &req, t).unwrap();
        let ev = |kind| Event {
            at: t,
            wall: t,
            mono_ms: 0,
            who: Actor { user: "ic".into(), ..Actor::default() }.into(),
            resource: None,
            success: true,
            kind,
        };
        let s = |x: &str| x.to_string();
        let events = vec![
            ev(EventKind::Declared(Box::new(decl))),
            ev(EventKind::AlternativeChosen { step: s("fo-promote"), alternative: s("auto") }),
            ev(EventKind::PlaceholderFilled {
                placeholder: s("primary-host"),
                value: Some(s("a:1")),
            }),
            ev(EventKind::AlternativeChosen { step: s("fo-promote"), alternative: s("manual") }),
            ev(EventKind::PlaceholderFilled { placeholder: s("new-password"), value: None }),
            ev(EventKind::PlaceholderFilled {
                placeholder: s("primary-host"),
                value: Some(s("b:2")),
            }),
        ];
        let inc = Incident::replay(&l.runbook, &events).unwrap();
        let (alts, values) = rows(&inc, &l.runbook);
        assert_eq!(alts.len(), 1);
        assert_eq!(alts[0].alternative, "manual");
        assert_eq!(alts[0].by, "ic");
        let shown: Vec<(&str, &str, bool)> =
            values.iter().map(|v| (v.placeholder.as_str(), v.value.as_str(), v.secret)).collect();
        assert_eq!(shown, vec![("primary-host", "b:2", false), ("new-password", "(secret)", true)]);
        let tz = FixedOffset::east_opt(0).unwrap();
        let md = markdown(&alts, &values, crate::runbook::model::Lang::En, tz);
        assert!(
            md.contains("| {new-password} New password of the application user | (secret) |"),
            "{md}"
        );
        let html = html(&alts, &values, crate::runbook::model::Lang::En, tz);
        assert!(html.contains("<td>(secret)</td>") && html.contains("Manual failover"), "{html}");
        // Nothing chosen, nothing filled: no section at all (format 1 records are unchanged).
        assert!(markdown(&[], &[], crate::runbook::model::Lang::En, tz).is_empty());
    }
}

//! Records and reports: pure renderings of an incident's events, in Markdown, JSON and HTML.

pub mod chart;
pub mod commands;
pub mod facts;
pub mod html;
pub mod report;
pub mod response;
pub mod svg;

use chrono::{DateTime, FixedOffset, Utc};

pub use facts::{collect, summary, Facts};

/// `YYYY-MM-DDTHH-MM-SSZ-<incident-id>`: sorts by time, safe in every file system.
pub fn file_stem(at: DateTime<Utc>, incident_id: &str) -> String {
    format!("{}-{incident_id}", at.format("%Y-%m-%dT%H-%M-%SZ"))
}

/// The response record in both forms, made safe to show (`safe_text`): it quotes notes, names
/// and runbook text, and is printed to terminals as well as saved.
pub fn record(f: &Facts, rb: &crate::runbook::Runbook, tz: FixedOffset) -> (String, String) {
    (markdown(f, rb, tz), json(f, rb, tz))
}

/// The record as Markdown, made safe to show.
pub fn markdown(f: &Facts, rb: &crate::runbook::Runbook, tz: FixedOffset) -> String {
    crate::safe_text::visible_owned(response::markdown(f, rb, tz))
}

/// The record as JSON: the form's fields and the facts, made safe to show.
pub fn json(f: &Facts, rb: &crate::runbook::Runbook, tz: FixedOffset) -> String {
    // Written straight from the facts: building a `serde_json::Value` of a long incident's
    // timeline first took a third of the time (BENCHMARKS.md, record generation).
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        kind: &'static str,
        title: &'a str,
        fields: Vec<Field<'a>>,
        facts: &'a Facts,
    }
    #[derive(serde::Serialize)]
    struct Field<'a> {
        id: &'a str,
        label: &'a str,
        value: String,
    }
    let words = crate::i18n::record_words(f.lang);
    let doc = Doc {
        kind: "response-record",
        title: &rb.forms.record.title,
        fields: rb
            .forms
            .record
            .fields
            .iter()
            .map(|field| Field {
                id: &field.id,
                label: &field.label,
                value: response::field_value(&field.id, f, words, tz),
            })
            .collect(),
        facts: f,
    };
    let json =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    crate::safe_text::json_owned(json)
}

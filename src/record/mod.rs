//! Records and reports: pure renderings of an incident's events, in Markdown and JSON.

pub mod facts;
pub mod report;
pub mod response;

use chrono::{DateTime, FixedOffset, Utc};

pub use facts::{collect, Facts};

/// `YYYY-MM-DDTHH-MM-SSZ-<incident-id>`: sorts by time, safe in every file system.
pub fn file_stem(at: DateTime<Utc>, incident_id: &str) -> String {
    format!("{}-{incident_id}", at.format("%Y-%m-%dT%H-%M-%SZ"))
}

/// The response record in both forms.
pub fn record(f: &Facts, rb: &crate::runbook::Runbook, tz: FixedOffset) -> (String, String) {
    (response::markdown(f, rb, tz), json(f, rb, tz))
}

/// The record as JSON: the form's fields and the facts.
pub fn json(f: &Facts, rb: &crate::runbook::Runbook, tz: FixedOffset) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "kind": "response-record",
        "title": rb.forms.record.title,
        "fields": rb.forms.record.fields.iter().map(|field| serde_json::json!({
            "id": field.id,
            "label": field.label,
            "value": response::field_value(&field.id, f, rb, crate::i18n::record_words(f.lang), tz),
        })).collect::<Vec<_>>(),
        "facts": f,
    }))
    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

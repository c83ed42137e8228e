//! Filling a §7.2 template from the incident. Every `{field}` is replaced in one pass: by the
//! operator's value, else by what the incident says, else by a marked blank `[label]`. No raw
//! placeholder survives, and a value that happens to contain `{x}` is never expanded again.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};

use crate::incident::{EventKind, Incident};
use crate::runbook::model::{FieldSource, Runbook, Template, TemplateField};
use crate::runbook::placeholder::{self, Syntax};
use crate::runbook::validate::placeholders;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub text: String,
    /// Field ids left as a marked `[label]` blank, in order of first use.
    pub blanks: Vec<String>,
}

/// The `[[fields]]` entries a template uses, in order of first use. A placeholder without an
/// entry (impossible in a validated runbook) is left out.
pub fn template_fields<'a>(t: &Template, rb: &'a Runbook) -> Vec<&'a TemplateField> {
    placeholders(&t.body)
        .unwrap_or_default()
        .iter()
        .filter_map(|id| rb.fields.iter().find(|f| &f.id == id))
        .collect()
}

/// How a blank looks in the text: the field's label in brackets, as the plan writes it.
pub fn blank(label: &str) -> String {
    format!("[{label}]")
}

/// What the incident says for a field; `None` for an operator field, or when the incident has
/// nothing to say (no affected function named).
pub fn computed_value(
    field: &TemplateField,
    inc: &Incident,
    rb: &Runbook,
    tz: FixedOffset,
) -> Option<String> {
    let d = &inc.decl;
    let m = crate::i18n::messages(rb.plan.language);
    let functions = affected_functions(inc);
    let list = |items: Vec<String>, sep: &str| (!items.is_empty()).then(|| items.join(sep));
    match field.source {
        FieldSource::Operator => None,
        FieldSource::AffectedServices => list(
            functions
                .iter()
                .map(|id| rb.function(id).map(|f| f.name.clone()).unwrap_or_else(|| id.clone()))
                .collect(),
            m.list_sep,
        ),
        FieldSource::Impact => list(
            functions
                .iter()
                .filter_map(|id| rb.function(id))
                .map(|f| f.action.clone().unwrap_or_else(|| f.impact.clone()))
                .collect(),
            m.clause_sep,
        ),
        FieldSource::ExpectedRecoveryTime => {
            Some(local_time(crate::incident::timers::after(d.t0, rb.rto_for(&d.disaster_type)), tz))
        }
        FieldSource::DisasterType => Some(
            rb.disaster_type(&d.disaster_type)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| d.disaster_type.clone()),
        ),
        FieldSource::IncidentId => Some(d.incident_id.clone()),
        FieldSource::Level => Some(
            rb.level(d.level)
                .map(|l| l.name.clone())
                .unwrap_or_else(|| rb.level_label(d.level, "")),
        ),
        FieldSource::DeclaredAt => {
            Some(local_time(inc.events.first().map(|e| e.at).unwrap_or(d.t0), tz))
        }
    }
}

/// The functions the declaration names; a full DR declared without a list affects every
/// timed function.
fn affected_functions(inc: &Incident) -> Vec<String> {
    if inc.decl.functions.is_empty() {
        inc.timers.iter().map(|t| t.id.clone()).collect()
    } else {
        inc.decl.functions.clone()
    }
}

/// Local time as a customer reads it, with the offset so nobody guesses the zone.
pub fn local_time(t: DateTime<Utc>, tz: FixedOffset) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M (UTC%:z)").to_string()
}

/// Text typed by an operator becomes the message that is sent, printed and journalled as sent:
/// no control characters or bidi overrides (an ESC could drive a terminal, `safe_text`), so
/// the text printed and the text recorded are the same; line breaks stay.
fn clean(value: &str) -> String {
    value
        .chars()
        .map(|c| if crate::safe_text::is_hostile(c) && c != '\n' { ' ' } else { c })
        .collect()
}

/// Fill `template`. `operator_values` maps field ids to text: a non-blank value wins over the
/// computed one; a blank value is an intentional blank; an absent key takes the computed value,
/// and an operator field without a value stays blank.
pub fn fill(
    template: &Template,
    inc: &Incident,
    rb: &Runbook,
    operator_values: &BTreeMap<String, String>,
    tz: FixedOffset,
) -> Filled {
    let mut blanks: Vec<String> = Vec::new();
    let mut value_for = |name: &str| -> String {
        let field = rb.fields.iter().find(|f| f.id == name);
        let value = match operator_values.get(name) {
            Some(v) if v.trim().is_empty() => None,
            Some(v) => Some(clean(v.trim())),
            None => field.and_then(|f| computed_value(f, inc, rb, tz)),
        };
        value.unwrap_or_else(|| {
            if !blanks.iter().any(|b| b == name) {
                blanks.push(name.to_string());
            }
            blank(field.map(|f| f.label.as_str()).unwrap_or(name))
        })
    };
    // The same scanner `check` uses: what it accepts is exactly what is filled.
    let text = placeholder::fill(&template.body, Syntax::Message, |name| value_for(name));
    Filled { text, blanks }
}

impl Filled {
    /// The event that records this text as sent through `channel`: journal it when the
    /// operator says the message went out (copying it is not sending it).
    pub fn sent(&self, template: &Template, channel: &str) -> EventKind {
        EventKind::CommsSent {
            template: template.id.clone(),
            channel: channel.to_string(),
            text: self.text.clone(),
        }
    }
}

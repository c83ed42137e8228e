//! `drconsole comms`: print a §7.2 message filled from an incident, for scripts; `--list` shows
//! the templates, the §7.1 notification stages and the status-update cadence.

use std::collections::BTreeMap;

use super::exit;
use super::incident::{load_runbook, local_tz, rebuild, store};
use crate::cli::Global;
use crate::comms::{self, fill::template_fields, StageState};
use crate::config::ConfigFile;
use crate::incident::decide::Command;
use crate::incident::{EventKind, Incident};
use crate::runbook::model::{FieldSource, NotifyWhen, Runbook};
use crate::store::Store;

pub struct CommsArgs {
    pub template: Option<String>,
    pub incident: Option<String>,
    pub set: Vec<String>,
    pub channel: Option<String>,
    pub list: bool,
}

fn fail(msg: impl std::fmt::Display) -> i32 {
    errln!("error: {msg}");
    exit::USAGE
}

/// `FIELD=VALUE` pairs; the value may be empty (an intentional blank).
fn parse_sets(sets: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for s in sets {
        let (k, v) = s.split_once('=').ok_or_else(|| {
            format!("--set '{s}': write FIELD=VALUE (an empty VALUE leaves a blank)")
        })?;
        out.insert(k.trim().to_string(), v.to_string());
    }
    Ok(out)
}

/// The incident meant: the id given, else the latest open one, else (the recovery-complete
/// message goes out after closing) the latest real incident of any state.
fn resolve(store: &Store, id: Option<&str>) -> Result<String, String> {
    store.resolve_any(id).map_err(|e| {
        let known: Vec<String> = store.list().incidents.into_iter().map(|s| s.id).collect();
        let known = if known.is_empty() { "(none)".to_string() } else { known.join(", ") };
        format!("{e}; known incidents: {known}")
    })
}

pub fn run(g: &Global, cfg: &ConfigFile, a: CommsArgs) -> i32 {
    if a.list {
        return list(g, cfg, a.incident.as_deref());
    }
    let Some(template_id) = a.template.as_deref() else {
        return fail("name a template (see `drconsole comms --list`)");
    };
    let values = match parse_sets(&a.set) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let id = match resolve(&store, a.incident.as_deref()) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    let (inc, loaded, _) = match rebuild(&store, &id) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let rb = &loaded.runbook;
    let Some(template) = rb.templates.iter().find(|t| t.id == template_id) else {
        let known: Vec<&str> = rb.templates.iter().map(|t| t.id.as_str()).collect();
        return fail(format!("no template '{template_id}'; known templates: {}", known.join(", ")));
    };
    let fields = template_fields(template, rb);
    for key in values.keys() {
        if !fields.iter().any(|f| &f.id == key) {
            let known: Vec<&str> = fields.iter().map(|f| f.id.as_str()).collect();
            return fail(format!(
                "template '{template_id}' has no field '{key}'; its fields: {}",
                known.join(", ")
            ));
        }
    }
    let filled = comms::fill(template, &inc, rb, &values, local_tz());
    out!("{}", filled.text);
    if !filled.text.ends_with('\n') {
        outln!();
    }
    for b in &filled.blanks {
        let label = fields.iter().find(|f| &f.id == b).map(|f| f.label.as_str()).unwrap_or(b);
        errln!("blank: [{label}] — fill it with --set {b}=...");
    }
    match a.channel {
        Some(channel) => record_sent(&store, &id, template_id, &channel, filled.text),
        None => exit::OK,
    }
}

/// Journal the text as sent through `channel`: the script that asked for it sends it.
fn record_sent(store: &Store, id: &str, template: &str, channel: &str, text: String) -> i32 {
    let mut session = match super::incident::open_session(store, id) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let kind =
        EventKind::CommsSent { template: template.to_string(), channel: channel.to_string(), text };
    match super::incident::submit_once(&mut session, Command::Record(kind)) {
        Ok(()) => {
            errln!("recorded in {id} as sent via {channel}");
            exit::OK
        }
        Err((code, e)) => {
            errln!("error: the message was printed but not recorded: {e}");
            code
        }
    }
}

fn source_word(s: FieldSource) -> &'static str {
    match s {
        FieldSource::AffectedServices => "affected functions",
        FieldSource::ExpectedRecoveryTime => "T0 + overall RTO",
        FieldSource::Impact => "impact of the affected functions",
        FieldSource::DisasterType => "disaster type",
        FieldSource::IncidentId => "incident id",
        FieldSource::Level => "level",
        FieldSource::DeclaredAt => "declaration time",
        FieldSource::Operator => "operator",
    }
}

fn when_word(w: NotifyWhen) -> &'static str {
    match w {
        NotifyWhen::Declared => "declared",
        NotifyWhen::InProgress => "in progress",
        NotifyWhen::Complete => "complete",
    }
}

fn list(g: &Global, cfg: &ConfigFile, id: Option<&str>) -> i32 {
    // With an incident, its own runbook and where its stages stand; else the configured runbook.
    let found = match store(g) {
        Ok(store) => match (id, store.resolve(id)) {
            (_, Ok(id)) => match rebuild(&store, &id) {
                Ok((inc, loaded, _)) => Some((inc, loaded)),
                Err(e) => return fail(e),
            },
            (Some(_), Err(e)) => return fail(e),
            (None, Err(_)) => None,
        },
        Err(e) if id.is_some() => return fail(e),
        Err(_) => None,
    };
    let (inc, loaded) = match found {
        Some((inc, loaded)) => (Some(inc), loaded),
        None => match load_runbook(g, cfg) {
            Ok(l) => (None, l),
            Err(code) => return code,
        },
    };
    out!("{}", listing(&loaded.runbook, inc.as_ref(), chrono::Utc::now(), local_tz()));
    exit::OK
}

/// The `--list` text.
pub fn listing(
    rb: &Runbook,
    inc: Option<&Incident>,
    now: chrono::DateTime<chrono::Utc>,
    tz: chrono::FixedOffset,
) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "TEMPLATES");
    for t in &rb.templates {
        let _ = writeln!(o, "  {:<22} {}", t.id, t.name);
        for f in template_fields(t, rb) {
            let _ = writeln!(o, "      {{{}}}  {} ({})", f.id, f.label, source_word(f.source));
        }
    }
    match inc {
        Some(inc) => {
            let _ = writeln!(o, "\nNOTIFICATION STAGES ({})", inc.id());
            for s in comms::stage_statuses(inc, rb) {
                let state = match s.state {
                    StageState::NotYet => "-".to_string(),
                    StageState::Due => "DUE".to_string(),
                    StageState::Done => format!("done x{}", s.sent.len()),
                };
                let _ = writeln!(o, "  {:<22} {:<8} {}", s.stage.id, state, s.stage.stage);
                stage_detail(&mut o, s.stage);
            }
        }
        None => {
            let _ = writeln!(o, "\nNOTIFICATION STAGES");
            for s in &rb.notifications {
                let _ = writeln!(o, "  {:<22} {}", s.id, s.stage);
                stage_detail(&mut o, s);
            }
        }
    }
    let _ = writeln!(o, "\nSTATUS UPDATES");
    for l in &rb.levels {
        let every = l
            .update_every
            .map(|d| format!("every {}", crate::duration_text::compact(d.0)))
            .unwrap_or_else(|| "none".to_string());
        let _ = writeln!(o, "  level {}  {every}", l.level);
    }
    if let Some(st) = inc.and_then(|i| comms::update_status(i, rb, now)) {
        let due = comms::fill::local_time(st.due_at, tz);
        let overdue = if st.overdue { " (OVERDUE)" } else { "" };
        let _ = writeln!(o, "  next update due {due}{overdue}");
    }
    o
}

fn stage_detail(o: &mut String, s: &crate::runbook::model::NotificationStage) {
    use std::fmt::Write;
    let _ = writeln!(
        o,
        "      when {}: {} — {} — {}",
        when_word(s.when),
        s.audience,
        s.channels.join(", "),
        s.content
    );
}

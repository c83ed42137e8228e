//! `drconsole due`: which periodic procedures (`every = "90d"`, format 2) are overdue, judged
//! from the journals of past incidents and drills. Exit 1 when any is, for cron.

use chrono::{DateTime, Utc};

use super::exit;
use super::incident::{load_runbook, local_tz, store};
use crate::cli::Global;
use crate::config::ConfigFile;
use crate::incident::EventKind;
use crate::runbook::model::Runbook;

/// One periodic procedure and when it last ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Due {
    pub procedure: String,
    pub name: String,
    pub every_secs: u64,
    /// The last completed step of this procedure in any incident or drill.
    pub last_run: Option<DateTime<Utc>>,
    /// The incident or drill of that run.
    pub last_incident: Option<String>,
    pub overdue: bool,
}

/// A procedure ran when one of its steps was completed; its last run is the latest such
/// completion. Never run counts as overdue.
pub fn due<'a>(
    rb: &Runbook,
    journals: impl IntoIterator<Item = (&'a str, &'a [std::sync::Arc<crate::incident::Event>])>,
    now: DateTime<Utc>,
) -> Vec<Due> {
    let mut rows: Vec<Due> = rb
        .procedures
        .iter()
        .filter_map(|p| {
            let every = p.every?;
            Some(Due {
                procedure: p.id.clone(),
                name: p.name.clone(),
                every_secs: every.as_secs(),
                last_run: None,
                last_incident: None,
                overdue: true,
            })
        })
        .collect();
    for (id, events) in journals {
        for ev in events {
            let EventKind::StepDone { step } = &ev.kind else { continue };
            // Adjust steps are journaled as `step@failed-step`.
            let step = step.split('@').next().unwrap_or(step);
            let Some(ts) = rb.step(step) else { continue };
            if let Some(row) = rows.iter_mut().find(|r| r.procedure == ts.procedure.id) {
                if row.last_run.is_none_or(|t| ev.at > t) {
                    row.last_run = Some(ev.at);
                    row.last_incident = Some(id.to_string());
                }
            }
        }
    }
    for row in &mut rows {
        let every = std::time::Duration::from_secs(row.every_secs);
        row.overdue = row.last_run.is_none_or(|t| crate::incident::timers::after(t, every) < now);
    }
    rows
}

pub fn run(g: &Global, cfg: &ConfigFile, json: bool) -> i32 {
    let loaded = match load_runbook(g, cfg) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => {
            errln!("error: {e}");
            return exit::USAGE;
        }
    };
    let listing = store.list();
    let mut journals: Vec<(String, Vec<std::sync::Arc<crate::incident::Event>>)> = Vec::new();
    for s in &listing.incidents {
        let read =
            crate::store::Store::journal_path(&s.dir).and_then(|p| crate::store::read_journal(&p));
        match read {
            Ok(r) => journals.push((s.id.clone(), r.events)),
            Err(e) => errln!("warning: {}: {e}", s.id),
        }
    }
    for u in &listing.unreadable {
        errln!("warning: {}: unreadable: {}", u.id, u.reason);
    }
    let rows = due(
        &loaded.runbook,
        journals.iter().map(|(id, ev)| (id.as_str(), ev.as_slice())),
        Utc::now(),
    );
    if json {
        match serde_json::to_string_pretty(&rows) {
            Ok(s) => crate::out::print_json(&s),
            Err(e) => {
                errln!("error: {e}");
                return exit::USAGE;
            }
        }
    } else if rows.is_empty() {
        outln!("no procedure of {} has a cadence (`every`)", loaded.origin);
    } else {
        let tz = local_tz();
        for r in &rows {
            let every = crate::duration_text::compact(std::time::Duration::from_secs(r.every_secs));
            let last = match (&r.last_run, &r.last_incident) {
                (Some(t), Some(id)) => {
                    format!("last run {} ({id})", t.with_timezone(&tz).format("%Y-%m-%d %H:%M"))
                }
                _ => "never run".to_string(),
            };
            let state = if r.overdue { "OVERDUE" } else { "ok" };
            outln!("{state:<8} {:<20} every {every:<8} {last}  {}", r.procedure, r.name);
        }
    }
    if rows.iter().any(|r| r.overdue) {
        exit::FAILED
    } else {
        exit::OK
    }
}

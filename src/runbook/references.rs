//! The runbook's reference checks as one table: each row says which field of which item names
//! ids that which table must define. A new kind of reference is one more row.

use std::collections::{HashMap, HashSet};

use super::model::{
    BusinessFunction, Component, DisasterType, Level, Procedure, Runbook, Service, Step, Track,
};
use super::source::KeyPath;
use crate::key_path;

/// One kind of reference.
pub(super) struct Rule {
    /// What is named, as the message says it: "names {what} '{id}'".
    what: &'static str,
    /// The table that must define it: whose ids are looked in, and "[{table}]" in the message.
    table: &'static str,
    /// Every place the runbook names one: where, who names it, and the id.
    sites: for<'a> fn(&'a Runbook) -> Vec<Site<'a>>,
}

/// One id named somewhere in the runbook.
pub(super) struct Site<'a> {
    path: KeyPath,
    who: String,
    id: &'a str,
}

/// Every reference check. A step that names its own procedure as a sub-procedure is left out
/// here: that is its own error, with its own message (see `validate`).
#[rustfmt::skip]
pub(super) const RULES: &[Rule] = &[
    Rule { what: "service", table: "services", sites: |rb| many(&rb.components, "components", "services", |c| &c.services) },
    Rule { what: "component", table: "components", sites: |rb| one(&rb.services, "services", "component", |s| s.component.as_deref()) },
    Rule { what: "contact", table: "contacts", sites: |rb| many(&rb.disaster_types, "disaster-types", "contacts", |d| &d.contacts) },
    Rule { what: "track", table: "tracks", sites: |rb| one(&rb.disaster_types, "disaster-types", "track", |d| d.track.as_deref()) },
    Rule { what: "function", table: "functions", sites: |rb| many(&rb.disaster_types, "disaster-types", "functions", |d| &d.functions) },
    Rule { what: "service", table: "services", sites: |rb| many(&rb.functions, "functions", "services", |f| &f.services) },
    Rule { what: "procedure", table: "procedures", sites: |rb| many(&rb.functions, "functions", "procedures", |f| &f.procedures) },
    Rule { what: "track", table: "tracks", sites: |rb| one(&rb.levels, "levels", "track", |l| l.track.as_deref()) },
    Rule { what: "role", table: "roles", sites: |rb| many(&rb.levels, "levels", "escalation", |l| &l.escalation) },
    Rule { what: "procedure", table: "procedures", sites: |rb| one(&rb.tracks, "tracks", "procedure", |t| t.procedure.as_deref()) },
    Rule { what: "procedure", table: "procedures", sites: |rb| one(&rb.tracks, "tracks", "finish", |t| t.finish.as_deref()) },
    Rule { what: "role", table: "roles", sites: |rb| of_steps(rb, "owner", |_, s| s.owner.as_deref()) },
    Rule { what: "checklist", table: "checklists", sites: |rb| of_steps(rb, "checklist", |_, s| s.checklist.as_deref()) },
    Rule { what: "procedure", table: "procedures", sites: |rb| of_steps(rb, "procedure", |p, s| s.procedure.as_deref().filter(|sub| *sub != p.id)) },
    Rule { what: "procedure", table: "procedures", sites: |rb| of_steps(rb, "on-fail", |_, s| s.on_fail.as_deref()) },
];

/// Every id named where [`RULES`] look that its table (in `defined`, by table name) does not
/// define: where, and the message.
pub(super) fn dangling(
    rb: &Runbook,
    defined: &HashMap<&str, HashSet<String>>,
) -> Vec<(KeyPath, String)> {
    let mut out = Vec::new();
    for rule in RULES {
        let known = defined.get(rule.table);
        for Site { path, who, id } in (rule.sites)(rb) {
            if !known.is_some_and(|k| k.contains(id)) {
                let (what, table) = (rule.what, rule.table);
                out.push((
                    path,
                    format!("{who} names {what} '{id}', which [{table}] does not define"),
                ));
            }
        }
    }
    out
}

/// How an item that names ids is called in a message.
pub(super) trait Named {
    fn who(&self) -> String;
}

impl Named for Component {
    fn who(&self) -> String {
        format!("component '{}'", self.id)
    }
}

impl Named for Service {
    fn who(&self) -> String {
        format!("service '{}'", self.id)
    }
}

impl Named for DisasterType {
    fn who(&self) -> String {
        format!("disaster type '{}'", self.id)
    }
}

impl Named for BusinessFunction {
    fn who(&self) -> String {
        format!("function '{}'", self.id)
    }
}

impl Named for Level {
    fn who(&self) -> String {
        match &self.label {
            Some(label) => format!("level '{label}'"),
            None => format!("level {}", self.level),
        }
    }
}

impl Named for Track {
    fn who(&self) -> String {
        format!("track '{}'", self.id)
    }
}

impl Named for Step {
    fn who(&self) -> String {
        format!("step '{}'", self.id)
    }
}

/// A field of each item of `list` (the table `section`) that holds one id, when set.
fn one<'a, T: Named>(
    list: &'a [T],
    section: &str,
    key: &str,
    get: fn(&'a T) -> Option<&'a str>,
) -> Vec<Site<'a>> {
    list.iter()
        .enumerate()
        .filter_map(|(i, item)| {
            get(item).map(|id| Site { path: key_path![section, i, key], who: item.who(), id })
        })
        .collect()
}

/// A field of each item of `list` (the table `section`) that holds a list of ids.
fn many<'a, T: Named>(
    list: &'a [T],
    section: &str,
    key: &str,
    get: fn(&'a T) -> &'a [String],
) -> Vec<Site<'a>> {
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        for (j, id) in get(item).iter().enumerate() {
            out.push(Site { path: key_path![section, i, key, j], who: item.who(), id });
        }
    }
    out
}

/// A field of every procedure's steps that holds one id, when set.
fn of_steps<'a>(
    rb: &'a Runbook,
    key: &str,
    get: fn(&'a Procedure, &'a Step) -> Option<&'a str>,
) -> Vec<Site<'a>> {
    let mut out = Vec::new();
    for (i, p) in rb.procedures.iter().enumerate() {
        for (j, s) in p.steps.iter().enumerate() {
            if let Some(id) = get(p, s) {
                out.push(Site {
                    path: key_path!["procedures", i, "steps", j, key],
                    who: s.who(),
                    id,
                });
            }
        }
    }
    out
}

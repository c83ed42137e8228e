//! Cross-reference and sanity checks that the schema alone cannot express. Every problem is
//! reported with the key it concerns; all problems are collected, not only the first.

use std::collections::{HashMap, HashSet};

use super::forms::{RECORD_FIELDS, REPORT_FIELDS, TEST_REPORT_FIELDS};
use super::model::{Runbook, ServiceKind, StepCommand, TrackKind};
use super::placeholder::{self, Syntax};
use super::references::{self, Named};
use super::source::{Diagnostic, KeyPath, Source};
use crate::key_path;

struct Checker<'a, 'b> {
    src: &'a Source<'b>,
    out: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Checker<'_, '_> {
    fn err(&mut self, path: KeyPath, msg: impl Into<String>) {
        self.out.push(self.src.at_path(&path, msg));
    }

    fn warn(&mut self, path: KeyPath, msg: impl Into<String>) {
        self.warnings.push(self.src.at_path(&path, msg));
    }

    /// A format 2 key in a file that does not say `format = 2`: refused, so that a v1 reader
    /// of the same file is never silently given less than its author wrote.
    fn needs_v2(&mut self, v2: bool, present: bool, path: KeyPath, what: &str) {
        if present && !v2 {
            self.err(
                path,
                format!("{what} is a format 2 key; write `format = 2` at the top of the file"),
            );
        }
    }

    /// Ids must be unique within `section` and written as lowercase kebab-case.
    fn ids<'x>(
        &mut self,
        section: &str,
        noun: &str,
        ids: impl Iterator<Item = &'x str>,
    ) -> HashSet<String> {
        let mut seen = HashSet::new();
        for (i, id) in ids.enumerate() {
            let path = key_path![section, i, "id"];
            if !is_id(id) {
                self.err(
                    path,
                    format!("{noun} id '{id}' must be lowercase letters, digits and '-'"),
                );
            } else if !seen.insert(id.to_string()) {
                self.err(path, format!("duplicate {noun} id '{id}'"));
            }
        }
        seen
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
}

/// What `validate` found: errors refuse the runbook, warnings are printed by `check` only.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// File order, so that an author fixes a file from the top down.
pub fn in_file_order(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| (d.line, d.column));
}

pub fn validate(rb: &Runbook, src: &Source) -> Findings {
    let mut c = Checker { src, out: Vec::new(), warnings: Vec::new() };

    let v2 = match rb.format {
        None | Some(1) => false,
        Some(2) => true,
        Some(n) => {
            c.err(
                key_path!["format"],
                format!("format {n} is not known; this drconsole reads formats 1 and 2"),
            );
            true
        }
    };

    if rb.plan.rto.0.is_zero() {
        c.err(key_path!["plan", "rto"], "the overall RTO must be longer than zero");
    }
    if rb.plan.rpo.0.is_zero() {
        c.err(key_path!["plan", "rpo"], "the RPO must be longer than zero");
    }

    // The ids of each table that references name, by table name (see `references::RULES`).
    let mut defined: HashMap<&str, HashSet<String>> = HashMap::new();
    for (table, noun, list) in [
        ("services", "service", rb.services.iter().map(|s| s.id.as_str()).collect::<Vec<_>>()),
        ("components", "component", rb.components.iter().map(|s| s.id.as_str()).collect()),
        ("roles", "role", rb.roles.iter().map(|s| s.id.as_str()).collect()),
        ("contacts", "contact", rb.contacts.iter().map(|s| s.id.as_str()).collect()),
        ("functions", "function", rb.functions.iter().map(|s| s.id.as_str()).collect()),
        ("procedures", "procedure", rb.procedures.iter().map(|s| s.id.as_str()).collect()),
        ("checklists", "checklist", rb.checklists.iter().map(|s| s.id.as_str()).collect()),
        ("tracks", "track", rb.tracks.iter().map(|s| s.id.as_str()).collect()),
    ] {
        defined.insert(table, c.ids(table, noun, list.into_iter()));
    }
    c.ids("disaster-types", "disaster type", rb.disaster_types.iter().map(|s| s.id.as_str()));
    c.ids("backups", "backup", rb.backups.iter().map(|s| s.id.as_str()));
    c.ids("notifications", "notification", rb.notifications.iter().map(|s| s.id.as_str()));
    c.ids("templates", "template", rb.templates.iter().map(|s| s.id.as_str()));
    c.ids("exercises", "exercise", rb.exercises.iter().map(|s| s.id.as_str()));
    c.ids("references", "reference", rb.references.iter().map(|s| s.id.as_str()));
    let fields = c.ids("fields", "field", rb.fields.iter().map(|s| s.id.as_str()));

    for list in [
        ("services", rb.services.is_empty()),
        ("disaster-types", rb.disaster_types.is_empty()),
        ("functions", rb.functions.is_empty()),
        ("roles", rb.roles.is_empty()),
        ("levels", rb.levels.is_empty()),
        ("tracks", rb.tracks.is_empty()),
        ("procedures", rb.procedures.is_empty()),
    ] {
        if list.1 {
            c.err(key_path![list.0], format!("[{}] must not be empty", list.0));
        }
    }

    for (i, s) in rb.services.iter().enumerate() {
        let who = s.who();
        if s.target.trim().is_empty() {
            c.err(key_path!["services", i, "target"], format!("{who} has an empty target"));
        } else if let Err(e) = crate::target::check_syntax(&s.target) {
            c.err(key_path!["services", i, "target"], format!("{who}: {e}"));
        } else if crate::target::has_inline_password(&s.target) {
            c.err(
                key_path!["services", i, "target"],
                format!("{who} writes a password inline; reference it instead, e.g. \"${{env:{}_URI}}\"", s.id.to_uppercase().replace('-', "_")),
            );
        } else if !s.target.contains("${") {
            let t = s.target.as_str();
            let ok = match s.kind {
                ServiceKind::Mongodb => {
                    t.starts_with("mongodb://") || t.starts_with("mongodb+srv://")
                }
                ServiceKind::Http => t.starts_with("http://") || t.starts_with("https://"),
                ServiceKind::Tcp => t
                    .rsplit_once(':')
                    .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok()),
                ServiceKind::Command => true,
            };
            if !ok {
                let want = match s.kind {
                    ServiceKind::Mongodb => "a mongodb:// or mongodb+srv:// URI",
                    ServiceKind::Http => "an http:// or https:// URL",
                    ServiceKind::Tcp => "host:port",
                    ServiceKind::Command => "a program",
                };
                c.err(
                    key_path!["services", i, "target"],
                    format!("{who} needs {want}, not \"{t}\""),
                );
            }
        }
        if s.interval.0.is_zero() {
            c.err(key_path!["services", i, "interval"], format!("{who} has a zero interval"));
        }
        if s.timeout.0.is_zero() {
            c.err(key_path!["services", i, "timeout"], format!("{who} has a zero timeout"));
        }
        for (j, code) in s.expect_status.iter().enumerate() {
            if !(100..=599).contains(code) {
                c.err(
                    key_path!["services", i, "expect-status", j],
                    format!("{who}: {code} is not an HTTP status code"),
                );
            }
        }
        if let Some(m) = &s.method {
            if !["GET", "HEAD", "POST", "PUT", "OPTIONS"].contains(&m.as_str()) {
                c.err(
                    key_path!["services", i, "method"],
                    format!("{who}: method '{m}' is not one of GET, HEAD, POST, PUT, OPTIONS"),
                );
            }
        }
        for (key, v) in [("fall", s.fall), ("rise", s.rise)] {
            if v == Some(0) {
                c.err(key_path!["services", i, key], format!("{who}: {key} must be at least 1"));
            }
        }
    }

    for (i, d) in rb.disaster_types.iter().enumerate() {
        let who = d.who();
        let at = |k: &str| key_path!["disaster-types", i, k];
        c.needs_v2(v2, d.track.is_some(), at("track"), "a disaster type's `track`");
        c.needs_v2(v2, d.rto.is_some(), at("rto"), "a disaster type's `rto`");
        c.needs_v2(v2, d.rpo.is_some(), at("rpo"), "a disaster type's `rpo`");
        c.needs_v2(v2, !d.symptoms.is_empty(), at("symptoms"), "a disaster type's `symptoms`");
        c.needs_v2(v2, !d.functions.is_empty(), at("functions"), "a disaster type's `functions`");
        for (key, dur) in [("rto", d.rto), ("rpo", d.rpo)] {
            if dur.is_some_and(|x| x.0.is_zero()) {
                c.err(at(key), format!("{who} has a zero {}", key.to_uppercase()));
            }
        }
        // Pre-ticked functions on a track that times none of them would mislead.
        let track = d.track.as_deref().and_then(|t| rb.track(t));
        if !d.functions.is_empty() && track.is_some_and(|t| t.kind == TrackKind::Maintenance) {
            c.warn(
                at("functions"),
                format!(
                    "{who} names functions, but its track '{}' is maintenance, which ignores them",
                    d.track.as_deref().unwrap_or_default()
                ),
            );
        }
    }

    for (i, f) in rb.functions.iter().enumerate() {
        if f.max_downtime.0.is_zero() {
            c.err(
                key_path!["functions", i, "max-downtime"],
                format!("{} has a zero maximum downtime", f.who()),
            );
        }
    }

    let mut levels_seen = HashSet::new();
    let mut labels_seen = HashSet::new();
    let untracked_types: Vec<&str> =
        rb.disaster_types.iter().filter(|d| d.track.is_none()).map(|d| d.id.as_str()).collect();
    for (i, l) in rb.levels.iter().enumerate() {
        let at = |k: &str| key_path!["levels", i, k];
        // Format 2 numbers levels 0-255 (P0 is level 0); format 1 keeps the plan's 1-9.
        if !v2 && !(1..=9).contains(&l.level) {
            c.err(at("level"), format!("level {} must be between 1 and 9", l.level));
        } else if !levels_seen.insert(l.level) {
            c.err(at("level"), format!("duplicate level {}", l.level));
        }
        let who = l.who();
        c.needs_v2(v2, l.label.is_some(), at("label"), "a level's `label`");
        c.needs_v2(v2, l.respond_within.is_some(), at("respond-within"), "`respond-within`");
        c.needs_v2(v2, !l.escalation.is_empty(), at("escalation"), "`escalation`");
        if let Some(label) = &l.label {
            if label.trim().is_empty() {
                c.err(at("label"), format!("level {} has an empty label", l.level));
            } else if !labels_seen.insert(label.clone()) {
                c.err(at("label"), format!("duplicate level label '{label}'"));
            }
        }
        // Whether a level's track exists is a reference check (`references::RULES`); here
        // only whether one is given where one must be.
        if l.track.is_none() {
            if !v2 {
                c.err(at("track"), "required key is missing");
            } else if let Some(d) = untracked_types.first() {
                c.err(
                    key_path!["levels", i],
                    format!(
                        "{who} names no track and disaster type '{d}' names none either; give \
                         one of them a track"
                    ),
                );
            }
        }
        if l.update_every.is_some_and(|d| d.0.is_zero()) {
            c.err(at("update-every"), format!("{who} has a zero update interval"));
        }
        if l.respond_within.is_some_and(|d| d.0.is_zero()) {
            c.err(at("respond-within"), format!("{who} has a zero response time"));
        }
    }

    for (i, t) in rb.tracks.iter().enumerate() {
        if t.procedure.is_none() && t.kind != TrackKind::Partial {
            c.err(
                key_path!["tracks", i],
                format!("{} needs a procedure; only a partial track may leave it out", t.who()),
            );
        }
    }

    let declared = command_placeholders(&mut c, rb, v2);
    let mut used_placeholders: HashSet<String> = HashSet::new();

    let mut step_ids: HashMap<&str, ()> = HashMap::new();
    for (i, p) in rb.procedures.iter().enumerate() {
        let every = key_path!["procedures", i, "every"];
        c.needs_v2(v2, p.every.is_some(), every.clone(), "a procedure's `every`");
        if p.every.is_some_and(|d| d.0.is_zero()) {
            c.err(every, format!("procedure '{}' has a zero cadence", p.id));
        }
        if p.steps.is_empty() {
            c.err(
                key_path!["procedures", i, "steps"],
                format!("procedure '{}' has no steps", p.id),
            );
        }
        for (j, s) in p.steps.iter().enumerate() {
            let base = || key_path!["procedures", i, "steps", j];
            let who = s.who();
            if !is_id(&s.id) {
                c.err(
                    base().key("id"),
                    format!("step id '{}' must be lowercase letters, digits and '-'", s.id),
                );
            } else if step_ids.insert(&s.id, ()).is_some() {
                c.err(base().key("id"), format!("duplicate step id '{}'", s.id));
            }
            // Not a reference to check against [procedures] (see `references::RULES`).
            if s.procedure.as_ref() == Some(&p.id) {
                c.err(
                    base().key("procedure"),
                    format!("{who} names its own procedure '{}' as a sub-procedure", p.id),
                );
            }
            if let Some(wait) = s.wait {
                let path = base().key("wait");
                c.needs_v2(v2, true, path.clone(), "a step's `wait`");
                if wait.0.is_zero() {
                    c.err(path, format!("{who} has a zero wait"));
                } else if s.completes_recovery {
                    c.err(
                        path,
                        format!(
                            "{who} closes the incident and has a wait: the wait would hold the \
                             close; put the wait on a step before it"
                        ),
                    );
                }
            }
            let mut sets: Vec<(KeyPath, &[StepCommand])> =
                vec![(base().key("commands"), &s.commands)];
            c.needs_v2(
                v2,
                !s.alternatives.is_empty(),
                base().key("alternatives"),
                "a step's `alternatives`",
            );
            let mut alt_ids = HashSet::new();
            for (a, alt) in s.alternatives.iter().enumerate() {
                let at = base().key("alternatives").index(a);
                if !is_id(&alt.id) {
                    c.err(
                        at.clone().key("id"),
                        format!(
                            "alternative id '{}' must be lowercase letters, digits and '-'",
                            alt.id
                        ),
                    );
                } else if !alt_ids.insert(alt.id.as_str()) {
                    c.err(
                        at.clone().key("id"),
                        format!("{who} has two alternatives with the id '{}'", alt.id),
                    );
                }
                if alt.commands.is_empty() {
                    c.err(
                        at.clone(),
                        format!(
                            "alternative '{}' of {who} has no commands; write its \
                             [[procedures.steps.alternatives.commands]]",
                            alt.id
                        ),
                    );
                }
                sets.push((at.key("commands"), &alt.commands));
            }
            if s.alternatives.len() == 1 {
                c.warn(
                    base().key("alternatives"),
                    format!(
                        "{who} offers one alternative only, which is no choice; write its \
                         commands as the step's `commands`"
                    ),
                );
            }
            for (path, cmds) in sets {
                for (k, cmd) in cmds.iter().enumerate() {
                    let run = path.clone().index(k).key("run");
                    if cmd.run.trim().is_empty() {
                        c.err(run, format!("{who} has an empty command"));
                        continue;
                    }
                    // Format 1 commands are text as written: braces there were never more.
                    if !v2 {
                        continue;
                    }
                    let mut reported = HashSet::new();
                    for u in placeholder::uses(&cmd.run, Syntax::Command) {
                        used_placeholders.insert(u.name.clone());
                        if !declared.contains(&u.name) && reported.insert(u.name.clone()) {
                            let msg = format!(
                                "{who} uses placeholder {{{}}}, which no [[placeholders]] \
                                 entry declares",
                                u.name
                            );
                            c.out.push(c.src.at_path_in_string(&run, &cmd.run, u.at, msg));
                        }
                    }
                }
            }
        }
    }

    for (i, p) in rb.placeholders.iter().enumerate() {
        if declared.contains(&p.id) && !used_placeholders.contains(&p.id) {
            c.warn(
                key_path!["placeholders", i, "id"],
                format!("placeholder '{}' is used by no command", p.id),
            );
        }
    }

    for (i, n) in rb.notifications.iter().enumerate() {
        if n.channels.is_empty() {
            c.err(
                key_path!["notifications", i, "channels"],
                format!("notification '{}' names no channel", n.id),
            );
        }
    }

    for (i, t) in rb.templates.iter().enumerate() {
        let path = key_path!["templates", i, "body"];
        // Each problem points at its own brace inside the body, which may be many lines long.
        match placeholder::check(&t.body, Syntax::Message) {
            Ok(uses) => {
                let mut reported = HashSet::new();
                for placeholder::Use { at, name, .. } in uses {
                    if !fields.contains(&name) && reported.insert(name.clone()) {
                        let msg = format!(
                            "template '{}' uses placeholder {{{name}}}, which no [[fields]] entry provides",
                            t.id
                        );
                        c.out.push(c.src.at_path_in_string(&path, &t.body, at, msg));
                    }
                }
            }
            Err((at, e)) => {
                let msg = format!("template '{}': {e}", t.id);
                c.out.push(c.src.at_path_in_string(&path, &t.body, at, msg));
            }
        }
    }

    for (form, known, key) in [
        (&rb.forms.record, RECORD_FIELDS, "record"),
        (&rb.forms.report, REPORT_FIELDS, "report"),
        (&rb.forms.test_report, TEST_REPORT_FIELDS, "test-report"),
    ] {
        let mut seen = HashSet::new();
        for (i, f) in form.fields.iter().enumerate() {
            let path = key_path!["forms", key, "fields", i, "id"];
            if !known.contains(&f.id.as_str()) {
                c.err(
                    path,
                    format!(
                        "the {key} form has no field '{}'; known fields: {}",
                        f.id,
                        known.join(", ")
                    ),
                );
            } else if !seen.insert(f.id.as_str()) {
                c.err(path, format!("duplicate {key} field '{}'", f.id));
            }
        }
    }

    // After the other checks: where one of them points at the same key (a format 2 key in a
    // format 1 file), it is listed first, as it always was.
    for (path, msg) in references::dangling(rb, &defined) {
        c.err(path, msg);
    }

    structure_warnings(&mut c, rb);
    in_file_order(&mut c.out);
    in_file_order(&mut c.warnings);
    Findings { errors: c.out, warnings: c.warnings }
}

/// The `[[placeholders]]` table: ids a command may name, each pattern a regular expression.
/// Returns the ids declared well.
fn command_placeholders(c: &mut Checker, rb: &Runbook, v2: bool) -> HashSet<String> {
    c.needs_v2(v2, !rb.placeholders.is_empty(), key_path!["placeholders"], "`[[placeholders]]`");
    let mut ok = HashSet::new();
    for (i, p) in rb.placeholders.iter().enumerate() {
        let at = |k: &str| key_path!["placeholders", i, k];
        if !placeholder::is_command_name(&p.id) {
            c.err(
                at("id"),
                format!(
                    "placeholder id '{}' must start with a lowercase letter and hold only \
                     lowercase letters, digits and '-'",
                    p.id
                ),
            );
        } else if !ok.insert(p.id.clone()) {
            c.err(at("id"), format!("duplicate placeholder id '{}'", p.id));
        }
        if p.label.trim().is_empty() {
            c.err(at("label"), format!("placeholder '{}' has an empty label", p.id));
        }
        if let Some(why) = p.pattern.as_deref().and_then(pattern_problem) {
            c.err(
                at("pattern"),
                format!("placeholder '{}': the pattern is not a regular expression: {why}", p.id),
            );
        }
    }
    ok
}

/// Shapes that are valid but probably not what the author meant.
fn structure_warnings(c: &mut Checker, rb: &Runbook) {
    let all_functions: Vec<String> = rb.functions.iter().map(|f| f.id.clone()).collect();
    for (i, t) in rb.tracks.iter().enumerate() {
        let steps = rb.track_steps(t, &all_functions);
        if !steps.is_empty() && !steps.iter().any(|ts| ts.step.completes_recovery) {
            c.warn(
                key_path!["tracks", i],
                format!(
                    "track '{}' has no closing step (completes-recovery = true): its incidents \
                     can only be closed by a correction",
                    t.id
                ),
            );
        }
    }
    wait_warnings(c, rb, &all_functions);
    let mut used: HashSet<&str> = HashSet::new();
    for t in &rb.tracks {
        used.extend(t.procedure.as_deref());
        used.extend(t.finish.as_deref());
    }
    for f in &rb.functions {
        used.extend(f.procedures.iter().map(String::as_str));
    }
    for s in rb.procedures.iter().flat_map(|p| &p.steps) {
        used.extend(s.procedure.as_deref());
        used.extend(s.on_fail.as_deref());
    }
    for (i, p) in rb.procedures.iter().enumerate() {
        if !used.contains(p.id.as_str()) {
            c.warn(
                key_path!["procedures", i, "id"],
                format!(
                    "procedure '{}' is referenced by nothing: no track, function or step runs it",
                    p.id
                ),
            );
        }
    }
    let partial = rb.tracks.iter().any(|t| t.kind == TrackKind::Partial);
    for (i, f) in rb.functions.iter().enumerate() {
        if !partial && !f.procedures.is_empty() {
            c.warn(
                key_path!["functions", i, "procedures"],
                format!(
                    "function '{}' lists procedures, but only a partial track runs them and \
                     this runbook has none",
                    f.id
                ),
            );
        }
    }
}

/// A wait before a track's closing step counts against the RTO, which keeps running: one
/// longer than the RTO of a scenario that runs the track breaches it however fast the rest
/// goes. (Waits after the closing step run on stopped clocks.)
fn wait_warnings(c: &mut Checker, rb: &Runbook, all_functions: &[String]) {
    let mut warned: HashSet<&str> = HashSet::new();
    for t in &rb.tracks {
        // The scenarios that name this track, else the plan (a level's track).
        let named: Vec<(&str, std::time::Duration)> = rb
            .disaster_types
            .iter()
            .filter(|d| d.track.as_deref() == Some(t.id.as_str()))
            .map(|d| (d.id.as_str(), d.rto.unwrap_or(rb.plan.rto).0))
            .collect();
        let Some((scenario, rto)) = named.into_iter().min_by_key(|(_, rto)| *rto).or_else(|| {
            let by_level = rb.levels.iter().any(|l| l.track.as_deref() == Some(t.id.as_str()));
            by_level.then_some(("", rb.plan.rto.0))
        }) else {
            continue;
        };
        for ts in rb.track_steps(t, all_functions) {
            if ts.step.completes_recovery {
                break;
            }
            let Some(wait) = ts.step.wait.filter(|w| w.0 > rto) else { continue };
            if !warned.insert(ts.step.id.as_str()) {
                continue;
            }
            let Some((i, j)) =
                rb.procedures.iter().enumerate().find_map(|(i, p)| {
                    p.steps.iter().position(|s| s.id == ts.step.id).map(|j| (i, j))
                })
            else {
                continue;
            };
            let rto_text = crate::duration_text::compact(rto);
            let whose = if scenario.is_empty() {
                format!("the plan's RTO of {rto_text}")
            } else {
                format!("the RTO of scenario '{scenario}' ({rto_text})")
            };
            c.warn(
                key_path!["procedures", i, "steps", j, "wait"],
                format!(
                    "step '{}' waits {}, longer than {whose}, which keeps running during the \
                     wait",
                    ts.step.id,
                    crate::duration_text::compact(wait.0)
                ),
            );
        }
    }
}

/// What is wrong with a placeholder's pattern, in one line; `None` when it compiles.
fn pattern_problem(pattern: &str) -> Option<String> {
    placeholder::compile(pattern).err()
}

/// The `{name}` placeholders of a template body, in order of first use.
pub fn placeholders(body: &str) -> Result<Vec<String>, String> {
    placeholder::check(body, Syntax::Message).map_err(|(_, e)| e)?;
    Ok(placeholder::names(body, Syntax::Message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_placeholders_are_listed_once_in_order() {
        assert_eq!(placeholders("a {x} b {y-z} {x}").unwrap(), vec!["x", "y-z"]);
        assert!(placeholders("a {x").is_err());
    }

    #[test]
    fn patterns_must_compile_and_match_the_whole_value() {
        let p = |pattern: &str| crate::runbook::model::Placeholder {
            id: "ws".into(),
            label: "Workspace".into(),
            pattern: Some(pattern.into()),
            secret: false,
        };
        assert_eq!(pattern_problem("ws-[0-9]+"), None);
        assert_eq!(pattern_problem("[a-").as_deref(), Some("unclosed character class"));
        assert!(pattern_problem("(").is_some());
        let ws = p("ws-[0-9]+");
        assert_eq!(crate::runbook::placeholder::value_problem(&ws, "ws-42"), None);
        // The whole value, not a part of it.
        assert!(crate::runbook::placeholder::value_problem(&ws, "xws-42").is_some());
        assert!(crate::runbook::placeholder::value_problem(&ws, "ws-42; rm -rf /").is_some());
        // An alternation is anchored as a whole.
        let either = p("a|b");
        assert_eq!(crate::runbook::placeholder::value_problem(&either, "b"), None);
        assert!(crate::runbook::placeholder::value_problem(&either, "ab").is_some());
    }
}

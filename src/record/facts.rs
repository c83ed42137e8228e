//! What a record says, computed once from the incident: the Markdown and JSON forms of every
//! record and report are renderings of these facts, so they never disagree.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use crate::i18n;
use crate::incident::describe::describe;
use crate::incident::timers::{self, Phase};
use crate::incident::{EventKind, Incident, StepStatus};
use crate::runbook::model::{Lang, Runbook};

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: String,
    pub name: String,
    pub target_secs: u64,
    /// T0 to restoration (or to now while it runs).
    pub actual_secs: u64,
    /// `met`, `breached`, `running`, or `not-restored`.
    pub state: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    pub at: DateTime<Utc>,
    pub local: String,
    pub who: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub name: String,
    /// Role titles and steps owned, in the runbook's words.
    pub roles: Vec<String>,
    /// Times in command: from, and until (none while still in command).
    pub command: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepRow {
    pub number: String,
    pub key: String,
    pub title: String,
    pub owner: String,
    pub status: StepStatus,
    pub spent_secs: i64,
    pub reason: Option<String>,
    pub failures: u32,
}

/// A checklist of the incident and where each item stands: ticked by whom, when.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistRow {
    pub id: String,
    pub name: String,
    pub items: Vec<ItemRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub text: String,
    pub ticked: bool,
    /// Who last ticked or unticked it, and when; none if nobody touched it.
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedIteration {
    pub step: String,
    pub title: String,
    pub at: DateTime<Utc>,
    pub iteration: u32,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rpo {
    pub target_secs: u64,
    pub backup_point: Option<DateTime<Utc>>,
    pub window_secs: Option<i64>,
    pub met: Option<bool>,
}

impl Facts {
    /// The level, its track and, when the severity has one, its escalation path.
    pub fn level_line(&self) -> String {
        let mut line = format!("{} — {}", self.level_name, self.track);
        if !self.escalation.is_empty() {
            line.push_str(&format!(" · {}", self.escalation.join(" → ")));
        }
        line
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub incident_id: String,
    pub open: bool,
    pub drill: bool,
    pub lang: Lang,
    pub generated_at: DateTime<Utc>,
    pub runbook_name: String,
    pub runbook_sha256: String,
    pub disaster_type: String,
    pub disaster_type_name: String,
    pub level: u8,
    pub level_name: String,
    /// The severity's escalation path (role titles, in order); empty when it has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub escalation: Vec<String>,
    pub track: String,
    pub t0: DateTime<Utc>,
    pub declared_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Withdrawn as declared in error: when, and why.
    pub withdrawn: Option<(DateTime<Utc>, String)>,
    pub reporter: String,
    pub coordinator: String,
    pub team: Vec<(String, String)>,
    /// Everyone who held a role, each once: the runbook roles, the reporter, the terms in
    /// command (hand-overs), steps given to them, and named console operators.
    pub people: Vec<Person>,
    pub affected_functions: Vec<String>,
    pub affected_services: Vec<String>,
    pub expected_recovery: Option<DateTime<Utc>>,
    pub duration_secs: i64,
    pub overall: Option<Outcome>,
    pub functions: Vec<Outcome>,
    pub rpo: Rpo,
    pub steps: Vec<StepRow>,
    pub skipped: Vec<StepRow>,
    pub failed_iterations: Vec<FailedIteration>,
    /// The incident's checklists, once any item was ticked (records of incidents that ticked
    /// nothing read as before).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checklists: Vec<ChecklistRow>,
    pub notes: Vec<TimelineRow>,
    /// The alternative chosen for each step that offers some (the last choice).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<super::commands::AlternativeRow>,
    /// The values command placeholders were given (a secret one's as "(secret)").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub placeholders: Vec<super::commands::PlaceholderRow>,
    pub timeline: Vec<TimelineRow>,
    pub head_hash: Option<String>,
}

fn outcome(id: &str, name: &str, c: &timers::Countdown) -> Outcome {
    let state = match c.phase {
        Phase::Met => "met",
        Phase::Missed | Phase::Breached => "breached",
        Phase::NotRestored => "not-restored",
        _ => "running",
    };
    Outcome {
        id: id.to_string(),
        name: name.to_string(),
        target_secs: c.budget.as_secs(),
        actual_secs: c.elapsed.num_seconds().max(0) as u64,
        state,
    }
}

pub fn local(t: DateTime<Utc>, tz: FixedOffset) -> String {
    use chrono::{Datelike, Timelike};
    // Once per timeline row: written out rather than through chrono's format string, which
    // is parsed again on every call (a tenth of a 100,000-event report).
    let l = t.with_timezone(&tz);
    let off = tz.local_minus_utc();
    if !(0..=9999).contains(&l.year()) || off % 60 != 0 {
        return l.format("%Y-%m-%d %H:%M:%S %:z").to_string();
    }
    let (sign, off) = if off < 0 { ('-', -off) } else { ('+', off) };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {sign}{:02}:{:02}",
        l.year(),
        l.month(),
        l.day(),
        l.hour(),
        l.minute(),
        l.second(),
        off / 3600,
        off / 60 % 60
    )
}

/// Each person once, with every role they held; command terms end at the next hand-over.
fn people(inc: &Incident, rb: &Runbook) -> Vec<Person> {
    let w = crate::i18n::record_words(inc.decl.lang);
    let mut out: Vec<Person> = Vec::new();
    fn entry<'a>(out: &'a mut Vec<Person>, name: &str) -> &'a mut Person {
        let i = match out.iter().position(|p| p.name == name) {
            Some(i) => i,
            None => {
                out.push(Person { name: name.to_string(), roles: Vec::new(), command: Vec::new() });
                out.len() - 1
            }
        };
        &mut out[i]
    }
    let role = |out: &mut Vec<Person>, name: &str, title: String| {
        if name.trim().is_empty() {
            return;
        }
        let p = entry(out, name);
        if !p.roles.contains(&title) {
            p.roles.push(title);
        }
    };
    let title = |id: &str| rb.role(id).map(|r| r.title.clone()).unwrap_or_else(|| id.to_string());
    for (i, t) in inc.commanders.iter().enumerate() {
        let until = inc.commanders.get(i + 1).map(|n| n.since).or(inc.ended_at());
        entry(&mut out, &t.person).command.push((t.since, until));
    }
    role(&mut out, &inc.decl.coordinator, title("coordinator"));
    for m in &inc.decl.team {
        // The declaration names the coordinator; the runbook's holder of that role is not it.
        if m.role == "coordinator" && !inc.decl.coordinator.trim().is_empty() {
            continue;
        }
        role(&mut out, &m.person, title(&m.role));
    }
    role(&mut out, &inc.decl.reporter, w.reporter.to_string());
    for (step, person) in &inc.owners {
        let id = step.split('@').next().unwrap_or(step);
        let name = rb.step(id).map(|t| t.step.title.clone()).unwrap_or_else(|| step.clone());
        role(&mut out, person, format!("{} {name}", w.owner_of));
    }
    for e in &inc.events {
        if let Some(n) = &e.who.name {
            role(&mut out, n, w.operator.to_string());
        }
    }
    out
}

/// Every fact of the incident, its timeline listed event by event: what the record shows.
pub fn collect(
    inc: &Incident,
    rb: &Runbook,
    now: DateTime<Utc>,
    tz: FixedOffset,
    head_hash: Option<String>,
) -> Facts {
    build(inc, rb, now, tz, head_hash, true)
}

/// The same facts without the timeline's rows (`timeline` and `notes` are empty): what the
/// post-incident report needs, which summarises the incident but lists no events. Writing a
/// row for each of 10,000 events was most of the time a report took.
pub fn summary(
    inc: &Incident,
    rb: &Runbook,
    now: DateTime<Utc>,
    tz: FixedOffset,
    head_hash: Option<String>,
) -> Facts {
    build(inc, rb, now, tz, head_hash, false)
}

fn build(
    inc: &Incident,
    rb: &Runbook,
    now: DateTime<Utc>,
    tz: FixedOffset,
    head_hash: Option<String>,
    list_events: bool,
) -> Facts {
    let lang = inc.decl.lang;
    let d = &inc.decl;
    let end = inc.ended_at().unwrap_or(now);
    let functions_all: Vec<String> = if d.functions.is_empty() {
        inc.timers.iter().map(|t| t.id.clone()).collect()
    } else {
        d.functions.clone()
    };
    let mut services: Vec<String> = Vec::new();
    for f in functions_all.iter().filter_map(|id| rb.function(id)) {
        for s in &f.services {
            if !services.contains(s) {
                services.push(s.clone());
            }
        }
    }
    let name_of =
        |id: &str| rb.function(id).map(|f| f.name.clone()).unwrap_or_else(|| id.to_string());

    let mut number = 0;
    let steps: Vec<StepRow> = inc
        .steps
        .iter()
        .map(|s| {
            let ts = rb.step(&s.id);
            let num = if s.adjust_for.is_some() {
                "↳".to_string()
            } else {
                number += 1;
                number.to_string()
            };
            StepRow {
                number: num,
                key: s.key.clone(),
                title: ts.map(|t| t.step.title.clone()).unwrap_or_else(|| s.id.clone()),
                owner: match inc.owners.get(&s.key) {
                    Some(person) => person.clone(),
                    None => ts
                        .and_then(|t| t.step.owner.as_deref())
                        .and_then(|o| rb.role(o))
                        .map(|r| r.title.clone())
                        .unwrap_or_default(),
                },
                status: s.status,
                spent_secs: s.spent_at(end).num_seconds(),
                reason: s.reason.clone(),
                failures: s.failures,
            }
        })
        .collect();

    let listed = if list_events { &inc.events[..] } else { &[] };
    let mut timeline: Vec<TimelineRow> = listed
        .iter()
        .map(|ev| TimelineRow {
            at: ev.at,
            local: local(ev.at, tz),
            who: {
                let login = match &ev.who.ssh_client {
                    Some(c) => format!("{}@{} ({c})", ev.who.user, ev.who.host),
                    None => format!("{}@{}", ev.who.user, ev.who.host),
                };
                match &ev.who.name {
                    Some(n) => format!("{n} — {login}"),
                    None => login,
                }
            },
            kind: ev.kind.type_name().to_string(),
            text: describe(ev, rb, lang),
        })
        .collect();
    timeline.sort_by_key(|r| r.at);

    let mut failed_iterations = Vec::new();
    let mut counts: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for ev in &inc.events {
        if let EventKind::StepFailed { step, reason } = &ev.kind {
            let n = counts.entry(step.as_str()).or_insert(0);
            *n += 1;
            failed_iterations.push(FailedIteration {
                step: step.clone(),
                title: rb.step(step).map(|t| t.step.title.clone()).unwrap_or_else(|| step.clone()),
                at: ev.at,
                iteration: *n,
                reason: reason.clone(),
            });
        }
    }

    let overall = timers::overall_countdown(inc, now)
        .map(|c| outcome("overall", i18n::record_words(lang).overall, &c));
    let functions = inc
        .timers
        .iter()
        .map(|t| outcome(&t.id, &name_of(&t.id), &timers::function_countdown(inc, t, now)))
        .collect();
    let rpo = timers::rpo_status(inc);
    let skipped = steps.iter().filter(|s| s.status == StepStatus::Skipped).cloned().collect();
    let notes = timeline.iter().filter(|r| r.kind == "note").cloned().collect();
    let level = rb.level(d.level);
    let checklists = if inc.ticks.is_empty() {
        Vec::new()
    } else {
        inc.checklists(rb)
            .into_iter()
            .map(|cl| ChecklistRow {
                id: cl.id.clone(),
                name: cl.name.clone(),
                items: cl
                    .items
                    .iter()
                    .enumerate()
                    .map(|(i, text)| {
                        let mark = inc.ticks.get(&(cl.id.clone(), i));
                        ItemRow {
                            text: text.clone(),
                            ticked: mark.is_some_and(|m| m.ticked),
                            by: mark.map(|m| m.by.clone()),
                            at: mark.map(|m| m.at),
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    let (alternatives, placeholders) = super::commands::rows(inc, rb);

    Facts {
        incident_id: d.incident_id.clone(),
        open: inc.is_open(),
        drill: inc.is_drill(),
        lang,
        generated_at: now,
        runbook_name: d.runbook_name.clone(),
        runbook_sha256: d.runbook_sha256.clone(),
        disaster_type: d.disaster_type.clone(),
        disaster_type_name: rb
            .disaster_type(&d.disaster_type)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| d.disaster_type.clone()),
        level: d.level,
        level_name: match level {
            // A severity's own label (P0) leads, as the team says it.
            Some(l) => match &l.label {
                Some(label) if !l.name.contains(label.as_str()) => format!("{label} {}", l.name),
                _ => l.name.clone(),
            },
            None => d.level.to_string(),
        },
        escalation: level
            .map(|l| {
                l.escalation
                    .iter()
                    .map(|r| rb.role(r).map_or_else(|| r.clone(), |x| x.title.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        track: inc.track_name.clone(),
        t0: d.t0,
        declared_at: inc.events.first().map(|e| e.at).unwrap_or(d.t0),
        closed_at: inc.closed_at,
        withdrawn: inc.withdrawn.clone(),
        reporter: d.reporter.clone(),
        coordinator: d.coordinator.clone(),
        team: d
            .team
            .iter()
            .map(|m| {
                (
                    rb.role(&m.role).map(|r| r.title.clone()).unwrap_or_else(|| m.role.clone()),
                    m.person.clone(),
                )
            })
            .collect(),
        people: people(inc, rb),
        affected_functions: functions_all.iter().map(|f| name_of(f)).collect(),
        affected_services: services
            .iter()
            .map(|s| {
                rb.services
                    .iter()
                    .find(|x| &x.id == s)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| s.clone())
            })
            .collect(),
        expected_recovery: inc.overall_budget.map(|b| timers::after(d.t0, b)),
        duration_secs: (end - d.t0).num_seconds().max(0),
        overall,
        functions,
        rpo: Rpo {
            target_secs: rpo.rpo.as_secs(),
            backup_point: inc.backup_point,
            window_secs: rpo.window.map(|w| w.num_seconds()),
            met: rpo.met(),
        },
        steps,
        skipped,
        failed_iterations,
        checklists,
        notes,
        alternatives,
        placeholders,
        timeline,
        head_hash,
    }
}

pub fn secs(s: u64) -> String {
    crate::duration_text::compact(std::time::Duration::from_secs(s))
}

pub fn signed_secs(s: i64) -> String {
    crate::duration_text::signed(chrono::Duration::try_seconds(s).unwrap_or(chrono::Duration::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_times_read_as_chrono_formats_them() {
        let offsets = [0, 8 * 3600, -5 * 3600, 5 * 3600 + 45 * 60, -(9 * 3600 + 30 * 60), 3661];
        let times = [
            Utc.with_ymd_and_hms(2026, 11, 28, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(2024, 2, 29, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1, 1, 1, 3, 4, 5).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 20, 0, 0).unwrap(),
            DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::nanoseconds(999_999_999),
        ];
        for off in offsets {
            let tz = FixedOffset::east_opt(off).unwrap();
            for t in times {
                let chrono = t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S %:z").to_string();
                assert_eq!(local(t, tz), chrono, "{t} at {off}");
            }
        }
    }
}

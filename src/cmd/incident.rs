//! Commands around the journal: declare, note, list, record, report, verify.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::FixedOffset;

use super::{exit, print_diagnostics};
use crate::app::sink::EventSink;
use crate::cli::{Format, Global};
use crate::config::{self, ConfigFile};
use crate::incident::clock::{parse_local_time, SystemClock};
use crate::incident::state::new_incident_id;
use crate::incident::{Actor, Declaration, EventKind, Incident, Stamper, TeamMember};
use crate::journal;
use crate::record;
use crate::runbook::model::TrackKind;
use crate::runbook::{self, Loaded};
use crate::store::Store;

/// Print an error and give the usage/configuration exit code.
fn fail(msg: impl std::fmt::Display) -> i32 {
    eprintln!("error: {msg}");
    exit::USAGE
}

pub fn store(g: &Global) -> Result<Store, String> {
    config::data_dir(g.data_dir.as_deref())
        .map(Store::new)
        .ok_or_else(|| "no data folder: give --data-dir or set DRCONSOLE_DATA".to_string())
}

pub fn local_tz() -> FixedOffset {
    *chrono::Local::now().offset()
}

pub fn load_runbook(g: &Global, cfg: &ConfigFile) -> Result<Loaded, i32> {
    let path = g.runbook.clone().or(cfg.runbook.clone());
    runbook::load(path.as_deref()).map_err(|d| {
        print_diagnostics(&d);
        exit::USAGE
    })
}

pub struct DeclareArgs {
    pub disaster_type: String,
    pub level: u8,
    pub functions: Vec<String>,
    pub reporter: Option<String>,
    pub coordinator: Option<String>,
    pub began_at: Option<String>,
}

/// Check a declaration against the runbook; every problem is named.
pub fn build_declaration(
    loaded: &Loaded,
    a: &DeclareArgs,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Declaration, String> {
    let rb = &loaded.runbook;
    if rb.disaster_type(&a.disaster_type).is_none() {
        let known: Vec<&str> = rb.disaster_types.iter().map(|d| d.id.as_str()).collect();
        return Err(format!(
            "--type '{}' is not a disaster type of this runbook; one of: {}",
            a.disaster_type,
            known.join(", ")
        ));
    }
    let track = rb.track_for_level(a.level).ok_or_else(|| {
        let known: Vec<String> = rb.levels.iter().map(|l| l.level.to_string()).collect();
        format!("--level {} is not a level of this runbook; one of: {}", a.level, known.join(", "))
    })?;
    for f in &a.functions {
        if rb.function(f).is_none() {
            let known: Vec<&str> = rb.functions.iter().map(|f| f.id.as_str()).collect();
            return Err(format!(
                "--functions: '{f}' is not a business function; one of: {}",
                known.join(", ")
            ));
        }
    }
    let functions = if a.functions.is_empty() && track.kind == TrackKind::Full {
        rb.functions.iter().map(|f| f.id.clone()).collect()
    } else {
        a.functions.clone()
    };
    if functions.is_empty() && track.kind == TrackKind::Partial {
        return Err(format!(
            "level {} is a partial DR: name the affected functions with --functions",
            a.level
        ));
    }
    let t0 = match &a.began_at {
        Some(t) => parse_local_time(t, now).map_err(|e| format!("--began-at: {e}"))?,
        None => now,
    };
    let coordinator = a.coordinator.clone().unwrap_or_else(|| {
        rb.role("coordinator").or(rb.roles.first()).map(|r| r.person.clone()).unwrap_or_default()
    });
    Ok(Declaration {
        incident_id: new_incident_id(now, false),
        disaster_type: a.disaster_type.clone(),
        level: a.level,
        functions,
        reporter: a.reporter.clone().unwrap_or_else(|| actor.user.clone()),
        coordinator,
        team: rb
            .roles
            .iter()
            .map(|r| TeamMember { role: r.id.clone(), person: r.person.clone() })
            .collect(),
        t0,
        runbook_name: rb.plan.name.clone(),
        runbook_sha256: loaded.sha256(),
        lang: rb.plan.language,
        drill: None,
    })
}

pub fn declare(g: &Global, cfg: &ConfigFile, a: DeclareArgs) -> i32 {
    let loaded = match load_runbook(g, cfg) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let stamper = Stamper { clock: Arc::new(SystemClock::new()), actor: Actor::from_env() };
    let decl = match build_declaration(&loaded, &a, &stamper.actor, stamper.clock.now()) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let id = decl.incident_id.clone();
    let (mut sink, _) = match store.create(&decl, &loaded) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if let Err(e) = sink.append(&stamper.stamp(EventKind::Declared(decl))) {
        eprintln!("error: the declaration could not be saved: {e}");
        return exit::FAILED;
    }
    println!("{id}");
    exit::OK
}

pub fn note(g: &Global, incident: Option<&str>, text: &[String]) -> i32 {
    let text = text.join(" ");
    if text.trim().is_empty() {
        return fail("the note is empty");
    }
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let id = match store.resolve(incident) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    let (mut sink, _, recovered) = match store.open(&id) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if let Some(r) = recovered {
        eprintln!("warning: {r}");
    }
    let stamper = Stamper { clock: Arc::new(SystemClock::new()), actor: Actor::from_env() };
    match sink.append(&stamper.stamp(EventKind::Note { text })) {
        Ok(()) => {
            if let Some(alarm) = sink.alarm() {
                eprintln!("warning: {alarm}");
            }
            println!("noted in {id} (head {})", sink.head().unwrap_or_default());
            exit::OK
        }
        Err(e) => {
            eprintln!("error: the note was not saved: {e}");
            exit::FAILED
        }
    }
}

pub fn list(g: &Global, json: bool) -> i32 {
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let all = store.list();
    if json {
        match serde_json::to_string_pretty(&all) {
            Ok(s) => println!("{s}"),
            Err(e) => return fail(e),
        }
        return exit::OK;
    }
    let tz = local_tz();
    for (title, drills) in [("INCIDENTS", false), ("DRILLS", true)] {
        let rows: Vec<_> = all.iter().filter(|s| s.drill == drills).collect();
        if drills && rows.is_empty() {
            continue;
        }
        println!("{title}");
        println!(
            "  {:<26} {:>2} {:<20} {:<16} {:<7} {:>9}",
            "ID", "L", "TYPE", "T0", "STATE", "DURATION"
        );
        if rows.is_empty() {
            println!("  (none in {})", store.root.display());
        }
        for s in rows {
            let state = if s.drill {
                if s.closed {
                    "drill"
                } else {
                    "drill*"
                }
            } else {
                &s.state
            };
            println!(
                "  {:<26} {:>2} {:<20} {:<16} {:<7} {:>9}",
                s.id,
                s.level,
                crate::ui::text::truncate(&s.disaster_type, 20),
                s.t0.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
                state,
                record::facts::signed_secs(s.duration_secs)
            );
        }
    }
    exit::OK
}

/// Rebuild an incident from its journal with the runbook it was declared under.
pub fn rebuild(store: &Store, id: &str) -> Result<(Incident, Loaded, String), String> {
    let dir = store.find_dir(id).ok_or_else(|| format!("no incident '{id}'"))?;
    let path = Store::journal_path(&dir);
    let events = crate::store::read_events(&path)?;
    let loaded = store.runbook(id)?;
    let inc = Incident::replay(&loaded.runbook, &events)
        .ok_or("the journal does not start with a declaration this runbook understands")?;
    let head = journal::verify(&path).head;
    Ok((inc, loaded, head))
}

fn write_out(out: Option<&Path>, body: &str) -> i32 {
    match out {
        None => {
            print!("{body}");
            exit::OK
        }
        Some(p) => match journal::atomic_write(p, body.as_bytes()) {
            Ok(()) => {
                eprintln!("wrote {}", p.display());
                exit::OK
            }
            Err(e) => fail(format!("cannot write {}: {e}", p.display())),
        },
    }
}

/// An incident rebuilt from its journal and its facts, for `record` and `report`.
fn facts_for(
    g: &Global,
    id: Option<&str>,
) -> Result<(record::Facts, Incident, Loaded, FixedOffset), i32> {
    let store = store(g).map_err(fail)?;
    let id = resolve_any(&store, id).map_err(fail)?;
    let (inc, loaded, head) = rebuild(&store, &id).map_err(fail)?;
    let tz = local_tz();
    let facts = record::collect(&inc, &loaded.runbook, chrono::Utc::now(), tz, Some(head));
    Ok((facts, inc, loaded, tz))
}

pub fn record_cmd(g: &Global, id: Option<&str>, format: Format, out: Option<PathBuf>) -> i32 {
    match facts_for(g, id) {
        Ok((facts, inc, loaded, tz)) => {
            let body = match format {
                Format::Html => record::html::page(&facts, &inc, &loaded.runbook, tz),
                Format::Md => record::record(&facts, &loaded.runbook, tz).0,
                Format::Json => record::record(&facts, &loaded.runbook, tz).1,
            };
            write_out(out.as_deref(), &body)
        }
        Err(code) => code,
    }
}

pub fn report_cmd(g: &Global, id: Option<&str>, out: Option<PathBuf>) -> i32 {
    match facts_for(g, id) {
        Ok((facts, _, loaded, tz)) => {
            write_out(out.as_deref(), &record::report::markdown(&facts, &loaded.runbook, tz))
        }
        Err(code) => code,
    }
}

/// Records, reports and verification are also wanted for closed incidents: with no id, the
/// latest open incident, else the newest of any.
fn resolve_any(store: &Store, id: Option<&str>) -> Result<String, String> {
    match id {
        Some(_) => store.resolve(id),
        None => store
            .resolve(None)
            .or_else(|e| store.list().into_iter().find(|s| !s.drill).map(|s| s.id).ok_or(e)),
    }
}

pub fn verify_cmd(g: &Global, id: Option<&str>) -> i32 {
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let id = match resolve_any(&store, id) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    let Some(dir) = store.find_dir(&id) else { return fail(format!("no incident '{id}'")) };
    let path = Store::journal_path(&dir);
    let report = journal::verify(&path);
    match &report.first_broken {
        None => {
            println!("ok: {id}: {} events, chain intact, head {}", report.entries, report.head);
            exit::OK
        }
        Some(b) => {
            println!(
                "BROKEN: {id}: line {}{}: {}; the {} events before it verify",
                b.line,
                b.seq.map(|s| format!(" (seq {s})")).unwrap_or_default(),
                b.reason,
                report.entries
            );
            exit::FAILED
        }
    }
}

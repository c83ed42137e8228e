//! Commands around the journal: declare, note, list, record, report, verify.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::FixedOffset;

use super::{exit, print_diagnostics};
use crate::app::sink::EventSink;
use crate::cli::{Format, Global};
use crate::config::{self, ConfigFile};
use crate::files::Written;
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
    config::data_dir_chosen(g.data_dir.as_deref())
        .map(|(root, named)| Store { create_parents: !named, ..Store::new(root) })
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
    let listing = store.list();
    let all = &listing.incidents;
    // A folder that cannot be read is shown, never left out, and the exit code says so.
    let code = if listing.unreadable.is_empty() { exit::OK } else { exit::FAILED };
    if json {
        let mut rows: Vec<serde_json::Value> = Vec::new();
        for s in all {
            match serde_json::to_value(s) {
                Ok(v) => rows.push(v),
                Err(e) => return fail(e),
            }
        }
        rows.extend(listing.unreadable.iter().map(|u| {
            serde_json::json!({
                "id": u.id, "state": "unreadable", "drill": u.drill, "dir": u.dir, "reason": u.reason,
            })
        }));
        match serde_json::to_string_pretty(&rows) {
            Ok(s) => println!("{s}"),
            Err(e) => return fail(e),
        }
        return code;
    }
    let tz = local_tz();
    for (title, drills) in [("INCIDENTS", false), ("DRILLS", true)] {
        let rows: Vec<_> = all.iter().filter(|s| s.drill == drills).collect();
        let broken: Vec<_> = listing.unreadable.iter().filter(|u| u.drill == drills).collect();
        if drills && rows.is_empty() && broken.is_empty() {
            continue;
        }
        println!("{title}");
        println!(
            "  {:<26} {:>2} {:<20} {:<16} {:<7} {:>9}",
            "ID", "L", "TYPE", "T0", "STATE", "DURATION"
        );
        if rows.is_empty() && broken.is_empty() {
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
        for u in broken {
            println!("  {:<26} unreadable: {}", u.id, u.reason);
        }
    }
    code
}

/// Rebuild an incident from its journal with the runbook it was declared under.
pub fn rebuild(store: &Store, id: &str) -> Result<(Incident, Loaded, String), String> {
    let dir = store.find_dir(id).ok_or_else(|| format!("no incident '{id}'"))?;
    let path = Store::journal_path(&dir)?;
    let events = crate::store::read_events(&path)?;
    let loaded = store.runbook(id)?;
    let inc = Incident::replay(&loaded.runbook, &events)
        .ok_or("the journal does not start with a declaration this runbook understands")?;
    let head = journal::verify(&path).head;
    Ok((inc, loaded, head))
}

/// Standard output, or `--out`: a regular file is replaced atomically, a device or a FIFO is
/// written through (see [`crate::files::write_out`]).
fn write_out(out: Option<&Path>, body: &str) -> i32 {
    let dest = out.unwrap_or(Path::new("-"));
    match crate::files::write_out(dest, body.as_bytes()) {
        Ok(Written::File) => {
            eprintln!("wrote {}", dest.display());
            exit::OK
        }
        Ok(Written::Stdout | Written::Through) => exit::OK,
        // The reader went away (`| head`): nothing to say, and no one to say it to.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::FAILED,
        Err(e) => {
            let shown = match out {
                None => "standard output".to_string(),
                Some(p) => p.display().to_string(),
            };
            eprintln!("error: cannot write {shown}: {e}");
            if e.kind() == std::io::ErrorKind::InvalidInput {
                exit::USAGE
            } else {
                exit::FAILED
            }
        }
    }
}

/// The facts of an incident rebuilt from its journal, for `record` and `report`.
fn facts_for(g: &Global, id: Option<&str>) -> Result<(record::Facts, Loaded, FixedOffset), i32> {
    let store = store(g).map_err(fail)?;
    let id = store.resolve_any(id).map_err(fail)?;
    let (inc, loaded, head) = rebuild(&store, &id).map_err(fail)?;
    let tz = local_tz();
    let facts = record::collect(&inc, &loaded.runbook, chrono::Utc::now(), tz, Some(head));
    Ok((facts, loaded, tz))
}

pub fn record_cmd(g: &Global, id: Option<&str>, format: Format, out: Option<PathBuf>) -> i32 {
    match facts_for(g, id) {
        Ok((facts, loaded, tz)) => {
            let (md, json) = record::record(&facts, &loaded.runbook, tz);
            write_out(out.as_deref(), if format == Format::Md { &md } else { &json })
        }
        Err(code) => code,
    }
}

pub fn report_cmd(g: &Global, id: Option<&str>, out: Option<PathBuf>) -> i32 {
    match facts_for(g, id) {
        Ok((facts, loaded, tz)) => {
            write_out(out.as_deref(), &record::report::markdown(&facts, &loaded.runbook, tz))
        }
        Err(code) => code,
    }
}

pub fn verify_cmd(g: &Global, id: Option<&str>, strict: bool, anchor: Option<&str>) -> i32 {
    let anchor = anchor.map(str::to_ascii_lowercase);
    if let Some(a) = &anchor {
        // A prefix would be a weak anchor: a rewritten chain can be ground until a hash
        // starts with a few given digits.
        if a.len() != 64 || !a.bytes().all(|b| b.is_ascii_hexdigit()) {
            return fail(format!(
                "--head {a}: give the whole head hash, 64 hex digits (as printed on exit, by \
                 `note`, and in the record)"
            ));
        }
    }
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let id = match store.resolve_any(id) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    let Some(dir) = store.find_dir(&id) else { return fail(format!("no incident '{id}'")) };
    let path = match Store::journal_path(&dir) {
        Ok(p) => p,
        Err(e) => {
            println!("BROKEN: {id}: {e}");
            return exit::FAILED;
        }
    };
    let report = journal::verify_anchored(&path, anchor.as_deref());
    let mut code = exit::OK;
    match &report.first_broken {
        None => {
            println!("ok: {id}: {} events, chain intact, head {}", report.entries, report.head);
        }
        Some(b) => {
            println!(
                "BROKEN: {id}: line {}{}: {}; the {} events before it verify",
                b.line,
                b.seq.map(|s| format!(" (seq {s})")).unwrap_or_default(),
                b.reason,
                report.entries
            );
            code = exit::FAILED;
        }
    }
    if let Some(bytes) = report.unfinished_tail {
        println!(
            "warning: {id}: the journal ends in an unfinished line ({bytes} bytes after event {}): \
             a write cut short by a crash, or a copy cut mid-line. Those bytes were never an \
             acknowledged event; the next append cuts them.",
            report.entries
        );
        if strict {
            code = exit::FAILED;
        }
    }
    if let Some(a) = &anchor {
        match report.anchor_seq {
            Some(seq) => println!("ok: {id}: head {a} is event {seq} of the chain"),
            None => {
                println!(
                    "BROKEN: {id}: head {a} is not in the chain: the journal was rewritten or \
                     cut after that head was saved, or the head belongs to another incident"
                );
                code = exit::FAILED;
            }
        }
    }
    code
}

//! Commands around the journal: declare, note, list, record, report, verify.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};

use super::{exit, print_diagnostics};
use crate::cli::{Format, Global};
use crate::config::{self, ConfigFile};
use crate::files::Written;
use crate::incident::clock::SystemClock;
use crate::incident::decide::{declaration, Command, DeclareRequest, Question, Refusal};
use crate::incident::session::IncidentSession;
use crate::incident::sink::SubmitError;
use crate::incident::{Actor, Incident, Stamper};
use crate::journal;
use crate::record;
use crate::runbook::model::Lang;
use crate::runbook::{self, Loaded, Runbook};
use crate::store::Store;

/// Print an error and give the usage/configuration exit code.
fn fail(msg: impl std::fmt::Display) -> i32 {
    errln!("error: {msg}");
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
    /// A number or a severity label (`P0`), resolved against the runbook.
    pub level: String,
    pub functions: Vec<String>,
    pub reporter: Option<String>,
    pub coordinator: Option<String>,
    pub began_at: Option<String>,
    pub force: bool,
}

/// A second open incident of one type declared within this long is refused without --force.
const DUPLICATE_WINDOW: chrono::Duration = chrono::Duration::minutes(30);

pub fn declare(g: &Global, cfg: &ConfigFile, a: DeclareArgs) -> i32 {
    let loaded = match load_runbook(g, cfg) {
        Ok(l) => Arc::new(l),
        Err(code) => return code,
    };
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let stamper = Stamper { clock: Arc::new(SystemClock::new()), actor: Actor::from_env() };
    let level = match loaded.runbook.level_given(&a.level) {
        Ok(n) => n,
        Err(e) => return fail(format!("--{e}")),
    };
    let req = DeclareRequest {
        disaster_type: a.disaster_type,
        level,
        functions: a.functions,
        reporter: a.reporter.unwrap_or_else(|| stamper.actor.user.clone()),
        coordinator: a.coordinator,
        team: None,
        t0: a.began_at.unwrap_or_else(|| "now".to_string()),
        force: a.force,
        confirmed: a.force,
        drill: None,
    };
    let decl = match declaration(&loaded, &req, stamper.clock.now()) {
        Ok(d) => d,
        Err(Refusal::BadT0(e)) => return fail(format!("--began-at: {e}")),
        Err(Refusal::Confirm(Question::T0 { t0, hours_ago, .. })) => {
            return fail(format!(
                "--began-at means {} ({hours_ago}h ago): if that is right, give it as \
                 \"YYYY-MM-DD HH:MM\" with --force",
                t0.with_timezone(&local_tz()).format("%Y-%m-%d %H:%M")
            ))
        }
        Err(r) => return fail(r.message(Lang::En)),
    };
    let recent =
        store.recent_open_of_type(&decl.disaster_type, stamper.clock.now(), DUPLICATE_WINDOW);
    if !recent.is_empty() && !a.force {
        let tz = local_tz();
        let lines: Vec<String> = recent.iter().map(|s| s.line(tz)).collect();
        return fail(format!(
            "an open '{}' incident was declared in the last {} minutes; add to it (`drconsole \
             note --incident ID`, `drconsole resume ID`) or declare another with --force:\n{}",
            decl.disaster_type,
            DUPLICATE_WINDOW.num_minutes(),
            lines.join("\n")
        ));
    }
    let id = decl.incident_id.clone();
    let (sink, _) = match store.create(&decl, &loaded) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if let Err(e) = IncidentSession::declare(loaded, Box::new(sink), stamper, decl) {
        errln!("error: the declaration could not be saved: {e}");
        return exit::FAILED;
    }
    outln!("{id}");
    exit::OK
}

/// An incident opened for one command from a shell: its journal, state and rules, exactly as
/// the console has them. Warnings (unreadable entries, a cut tail) are printed.
pub fn open_session(store: &Store, id: &str) -> Result<IncidentSession, String> {
    let opened = store.open(id)?;
    let loaded = Arc::new(store.runbook(id)?);
    for w in &opened.warnings {
        errln!("warning: {w}");
    }
    let stamper = Stamper { clock: Arc::new(SystemClock::new()), actor: Actor::from_env() };
    IncidentSession::resume(loaded, Box::new(opened.sink), stamper, opened.events)
}

/// Submit one command from a shell; the message for a refusal or an unsaved change.
pub fn submit_once(session: &mut IncidentSession, cmd: Command) -> Result<(), (i32, String)> {
    let lang = session.incident().decl.lang;
    match session.submit(cmd) {
        Ok(_) => {
            if let Some(alarm) = session.alarm() {
                errln!("warning: {alarm}");
            }
            Ok(())
        }
        Err(SubmitError::Refused(r)) => Err((exit::USAGE, r.message(lang))),
        Err(SubmitError::NotSaved(e)) => Err((exit::FAILED, e)),
    }
}

/// The most a note read from stdin may hold, like any other text the program takes in.
const MAX_NOTE_BYTES: u64 = 1 << 20;

pub fn note(g: &Global, incident: Option<&str>, text: &[String]) -> i32 {
    let text = if text == ["-"] {
        // `note -`: the note comes from stdin, for alert hooks.
        let mut buf = String::new();
        use std::io::Read;
        let read = std::io::stdin().lock().take(MAX_NOTE_BYTES + 1).read_to_string(&mut buf);
        match read {
            Ok(n) if n as u64 > MAX_NOTE_BYTES => {
                return fail(format!("the note on stdin is over {MAX_NOTE_BYTES} bytes"))
            }
            Ok(_) => buf.trim_end_matches('\n').to_string(),
            Err(e) => return fail(format!("cannot read the note from stdin: {e}")),
        }
    } else {
        text.join(" ")
    };
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let id = match store.resolve(incident) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    let mut session = match open_session(&store, &id) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    match submit_once(&mut session, Command::Note { text }) {
        Ok(()) => {
            outln!("noted in {id} (head {})", session.head().unwrap_or_default());
            exit::OK
        }
        // A refusal (an empty note) in the incident's language, as every command's.
        Err((exit::USAGE, e)) => fail(e),
        Err((code, e)) => {
            errln!("error: the note was not saved: {e}");
            code
        }
    }
}

/// `drconsole use [ID] [--clear]`: pin the incident commands without an id mean.
pub fn use_cmd(g: &Global, id: Option<&str>, clear: bool) -> i32 {
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if clear {
        return match store.pin(None) {
            Ok(()) => {
                outln!("no incident pinned");
                exit::OK
            }
            Err(e) => fail(e),
        };
    }
    let Some(id) = id else {
        return match store.pinned() {
            Ok(Some(id)) => {
                outln!("{id}");
                exit::OK
            }
            Ok(None) => {
                outln!("no incident pinned");
                exit::OK
            }
            Err(e) => fail(e),
        };
    };
    let id = match store.resolve(Some(id)) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    match store.pin(Some(&id)) {
        Ok(()) => {
            outln!("pinned {id}: commands without an id now mean it (`drconsole use --clear`)");
            exit::OK
        }
        Err(e) => fail(e),
    }
}

/// `drconsole withdraw`, `handover`, `assign`: one decided command from a shell.
pub fn correct(g: &Global, incident: Option<&str>, cmd: Command) -> i32 {
    correct_with(g, incident, |_| Ok(cmd))
}

/// `drconsole correct …`: a command that may need the incident's own runbook to be read
/// (a level named by its label).
pub fn correct_with(
    g: &Global,
    incident: Option<&str>,
    make: impl FnOnce(&crate::runbook::Runbook) -> Result<Command, String>,
) -> i32 {
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let id = match store.resolve(incident) {
        Ok(id) => id,
        Err(e) => return fail(e),
    };
    let mut session = match open_session(&store, &id) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let cmd = match make(&session.loaded().runbook) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let done = match &cmd {
        Command::HandOver { to } => format!("{id}: command handed over to {}", to.trim()),
        Command::AssignOwner { step, owner } => {
            format!("{id}: {step} now owned by {}", owner.trim())
        }
        Command::Withdraw { .. } => format!("withdrew {id}"),
        _ => format!("corrected {id}"),
    };
    match submit_once(&mut session, cmd) {
        Ok(()) => {
            outln!("{done} (head {})", session.head().unwrap_or_default());
            exit::OK
        }
        Err((code, e)) => {
            errln!("error: {e}");
            code
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
            Ok(s) => crate::out::print_json(&s),
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
        outln!("{title}");
        outln!(
            "  {:<26} {:>2} {:<20} {:<16} {:<7} {:>9}",
            "ID",
            "L",
            "TYPE",
            "T0",
            "STATE",
            "DURATION"
        );
        if rows.is_empty() && broken.is_empty() {
            outln!("  (none in {})", store.root.display());
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
            outln!(
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
            outln!("  {:<26} unreadable: {}", u.id, u.reason);
        }
    }
    code
}

/// Rebuild an incident from its journal with the runbook it was declared under.
pub fn rebuild(store: &Store, id: &str) -> Result<(Incident, Loaded, String), String> {
    let dir = store.find_dir(id).ok_or_else(|| format!("no incident '{id}'"))?;
    let path = Store::journal_path(&dir)?;
    // One pass: the head is the one the read checked, and the events are moved, not copied.
    let read = crate::store::read_journal(&path)?;
    for w in &read.warnings {
        errln!("warning: {w}");
    }
    let loaded = store.runbook(id)?;
    let inc = Incident::replay_owned(&loaded.runbook, read.events)
        .ok_or("the journal does not start with a declaration this runbook understands")?;
    Ok((inc, loaded, read.head))
}

/// Standard output, or `--out`: a regular file is replaced atomically, a device or a FIFO is
/// written through (see [`crate::files::write_out`]).
fn write_out(out: Option<&Path>, body: &str) -> i32 {
    let dest = out.unwrap_or(Path::new("-"));
    match crate::files::write_out(dest, body.as_bytes()) {
        Ok(Written::File) => {
            errln!("wrote {}", dest.display());
            exit::OK
        }
        Ok(Written::Stdout | Written::Through) => exit::OK,
        // The reader went away (`| head`): nothing to say, and no one to say it to.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => crate::out::EXIT_BROKEN_PIPE,
        Err(e) => {
            let shown = match out {
                None => "standard output".to_string(),
                Some(p) => p.display().to_string(),
            };
            errln!("error: cannot write {shown}: {e}");
            if e.kind() == std::io::ErrorKind::InvalidInput {
                exit::USAGE
            } else {
                exit::FAILED
            }
        }
    }
}

/// An incident rebuilt from its journal and its facts, for `record` and `report` (`collect`
/// or `summary`).
fn facts_for(
    g: &Global,
    id: Option<&str>,
    collect: fn(&Incident, &Runbook, DateTime<Utc>, FixedOffset, Option<String>) -> record::Facts,
) -> Result<(record::Facts, Incident, Loaded, FixedOffset), i32> {
    let store = store(g).map_err(fail)?;
    let id = store.resolve_any(id).map_err(fail)?;
    let (inc, loaded, head) = rebuild(&store, &id).map_err(fail)?;
    let tz = local_tz();
    let facts = collect(&inc, &loaded.runbook, chrono::Utc::now(), tz, Some(head));
    Ok((facts, inc, loaded, tz))
}

pub fn record_cmd(g: &Global, id: Option<&str>, format: Format, out: Option<PathBuf>) -> i32 {
    match facts_for(g, id, record::collect) {
        Ok((facts, inc, loaded, tz)) => {
            // Only the format asked for is rendered.
            let body = match format {
                Format::Html => record::html::page(&facts, &inc, &loaded.runbook, tz),
                Format::Md => record::markdown(&facts, &loaded.runbook, tz),
                Format::Json => record::json(&facts, &loaded.runbook, tz),
            };
            write_out(out.as_deref(), &body)
        }
        Err(code) => code,
    }
}

pub fn report_cmd(g: &Global, id: Option<&str>, out: Option<PathBuf>) -> i32 {
    match facts_for(g, id, record::summary) {
        Ok((facts, _, loaded, tz)) => {
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
            outln!("BROKEN: {id}: {e}");
            return exit::FAILED;
        }
    };
    let report = journal::verify_anchored(&path, anchor.as_deref());
    let mut code = exit::OK;
    match &report.first_broken {
        None => {
            outln!("ok: {id}: {} events, chain intact, head {}", report.entries, report.head);
        }
        Some(b) => {
            outln!(
                "BROKEN: {id}: line {}{}: {}; the {} events before it verify",
                b.line,
                b.seq.map(|s| format!(" (seq {s})")).unwrap_or_default(),
                b.reason,
                report.entries
            );
            code = exit::FAILED;
        }
    }
    // The record is rebuilt with the runbook copy: it is a fact the record depends on too.
    match crate::store::verify_runbook_copy(&dir, &path) {
        Ok(line) => outln!("ok: {line}"),
        Err(line) => {
            outln!("BROKEN: {line}");
            code = exit::FAILED;
        }
    }
    if let Some(bytes) = report.unfinished_tail {
        outln!(
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
            Some(seq) => outln!("ok: {id}: head {a} is event {seq} of the chain"),
            None => {
                outln!(
                    "BROKEN: {id}: head {a} is not in the chain: the journal was rewritten or \
                     cut after that head was saved, or the head belongs to another incident"
                );
                code = exit::FAILED;
            }
        }
    }
    code
}

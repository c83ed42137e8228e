//! The data folder: one sub-folder per incident holding its journal, the exact runbook text it
//! was declared under, and the records written from it. Drills live apart from real incidents.
//!
//! ```text
//! <data>/incidents/<id>/journal.drj     append-only, hash-chained events (0600)
//! <data>/incidents/<id>/runbook.toml    the runbook as declared (sha256 in the declaration)
//! <data>/incidents/<id>/<stamp>-<id>.md/.json/.html   response records
//! <data>/drills/<id>/...                the same for exercises
//! ```

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};

use crate::app::sink::EventSink;
use crate::incident::{Declaration, Event, EventKind, Incident};
use crate::journal::{self, Journal, JournalError};
use crate::runbook::{self, Loaded};

pub const JOURNAL_FILE: &str = "journal.drj";
pub const RUNBOOK_FILE: &str = "runbook.toml";
/// Refuse to declare with less free space than this: an incident must be recordable.
pub const MIN_FREE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
}

/// One incident as `list` shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    pub id: String,
    pub level: u8,
    pub disaster_type: String,
    pub t0: DateTime<Utc>,
    /// `open`, `closed`, or `drill` (an exercise, open or closed).
    pub state: String,
    pub closed: bool,
    pub drill: bool,
    pub duration_secs: i64,
    pub events: usize,
    pub dir: PathBuf,
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("cannot {what} {}: {e}", path.display())
}

impl Store {
    pub fn new(root: PathBuf) -> Store {
        Store { root }
    }

    fn kind_dir(&self, drill: bool) -> PathBuf {
        self.root.join(if drill { "drills" } else { "incidents" })
    }

    /// Where an incident lives, whichever kind it is.
    pub fn find_dir(&self, id: &str) -> Option<PathBuf> {
        [false, true]
            .into_iter()
            .map(|d| self.kind_dir(d).join(id))
            .find(|p| p.join(JOURNAL_FILE).exists())
    }

    /// The journal file of an incident folder. After a failed write an earlier session may
    /// have continued in `journal.drj.cont-N` beside it or in the fallback folder; every
    /// continuation holds all entries before it, so the largest file is the whole journal.
    pub fn journal_path(dir: &Path) -> PathBuf {
        let main = dir.join(JOURNAL_FILE);
        let mut candidates = journal::continuations(&main);
        if let Some(id) = dir.file_name() {
            candidates.extend(journal::continuations(
                &fallback_dir(&id.to_string_lossy()).join(JOURNAL_FILE),
            ));
        }
        let size = |p: &PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        candidates.into_iter().fold(main, |best, c| if size(&c) > size(&best) { c } else { best })
    }

    /// Create the incident's folder, keep the runbook text beside it and open its journal.
    pub fn create(
        &self,
        decl: &Declaration,
        loaded: &Loaded,
    ) -> Result<(JournalSink, PathBuf), String> {
        let dir = self.kind_dir(decl.drill.is_some()).join(&decl.incident_id);
        crate::journal::create_private_dirs(&dir).map_err(|e| io_err("create", &dir, e))?;
        let free =
            journal::free_space(&dir).map_err(|e| io_err("measure free space in", &dir, e))?;
        if free < MIN_FREE_BYTES {
            return Err(format!(
                "disk full: only {free} bytes free in {}; an incident needs at least {MIN_FREE_BYTES} \
                 bytes to be recorded. Free space or use --data-dir on another disk.",
                dir.display()
            ));
        }
        let rb_path = dir.join(RUNBOOK_FILE);
        journal::atomic_write(&rb_path, loaded.text.as_bytes())
            .map_err(|e| io_err("write", &rb_path, e))?;
        let jpath = dir.join(JOURNAL_FILE);
        let mut journal = Journal::create(&jpath).map_err(|e| e.to_string())?;
        journal.set_fallback_dir(fallback_dir(&decl.incident_id));
        Ok((JournalSink::new(journal), dir))
    }

    /// Every incident, newest T0 first.
    pub fn list(&self) -> Vec<Summary> {
        let mut out = Vec::new();
        for drill in [false, true] {
            let Ok(rd) = std::fs::read_dir(self.kind_dir(drill)) else { continue };
            for entry in rd.flatten() {
                let dir = entry.path();
                if let Ok(events) = read_events(&Store::journal_path(&dir)) {
                    if let Some(s) = summarize(&dir, &events) {
                        out.push(s);
                    }
                }
            }
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.t0));
        out
    }

    /// The incident a command means: the id given (or a unique prefix of it), else the latest
    /// open real incident.
    pub fn resolve(&self, id: Option<&str>) -> Result<String, String> {
        // An exact id needs no listing: listing reads every journal in the folder whole.
        if let Some(want) = id.filter(|w| self.find_dir(w).is_some()) {
            return Ok(want.to_string());
        }
        let all = self.list();
        match id {
            Some(want) => {
                let matches: Vec<&Summary> =
                    all.iter().filter(|s| s.id.starts_with(want)).collect();
                match matches.as_slice() {
                    [one] => Ok(one.id.clone()),
                    [] => Err(format!("no incident '{want}' in {}", self.root.display())),
                    _ => Err(format!(
                        "'{want}' matches {} incidents; give more of the id",
                        matches.len()
                    )),
                }
            }
            None => all
                .iter()
                .find(|s| !s.closed && !s.drill)
                .map(|s| s.id.clone())
                .ok_or_else(|| format!("no open incident in {}", self.root.display())),
        }
    }

    /// The runbook an incident was declared under, from the copy kept beside its journal.
    pub fn runbook(&self, id: &str) -> Result<Loaded, String> {
        let dir = self.find_dir(id).ok_or_else(|| format!("no incident '{id}'"))?;
        let path = dir.join(RUNBOOK_FILE);
        runbook::load(Some(&path))
            .map_err(|d| d.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("\n"))
    }

    /// Open an incident's journal for appending, with its events.
    pub fn open(&self, id: &str) -> Result<(JournalSink, Vec<Event>, Option<String>), String> {
        let dir = self.find_dir(id).ok_or_else(|| format!("no incident '{id}'"))?;
        let path = Store::journal_path(&dir);
        // Decode each entry as it is read: holding every entry's parsed JSON first took tens of
        // MB for a long journal (see BENCHMARKS.md, peak RSS).
        let mut events = Vec::new();
        let mut undecodable = None;
        let opened = Journal::open_each(&path, &mut |e| {
            let seq = e.seq;
            match serde_json::from_value::<Event>(e.payload) {
                Ok(ev) => {
                    events.push(ev);
                    Ok(())
                }
                Err(err) => {
                    let why = format!(
                        "journal entry {seq} is not an event this version understands: {err}"
                    );
                    undecodable = Some(why.clone());
                    Err(JournalError::Payload(why))
                }
            }
        });
        if let Some(why) = undecodable {
            return Err(why);
        }
        let (mut journal, recovery) = opened.map_err(|e| describe_open_error(&path, e))?;
        journal.set_fallback_dir(fallback_dir(id));
        let recovered = recovery.as_ref().map(|r| {
            format!(
                "the journal's last {} bytes were an unfinished write and were cut ({}); every \
                 complete event is kept",
                r.bytes_cut, r.reason
            )
        });
        Ok((JournalSink::new(journal), events, recovered))
    }

    /// Write the response record (Markdown, JSON and HTML) beside the journal, atomically.
    pub fn write_record(
        &self,
        inc: &Incident,
        rb: &runbook::Runbook,
        now: DateTime<Utc>,
        tz: FixedOffset,
        head: Option<String>,
    ) -> Result<Vec<PathBuf>, String> {
        let dir = self.find_dir(inc.id()).ok_or_else(|| format!("no incident '{}'", inc.id()))?;
        let facts = crate::record::collect(inc, rb, now, tz, head);
        let (md, json) = crate::record::record(&facts, rb, tz);
        let html = crate::record::html::page(&facts, inc, rb, tz);
        let stem = crate::record::file_stem(now, inc.id());
        let mut written = Vec::new();
        for (ext, body) in [("md", md), ("json", json), ("html", html)] {
            let path = dir.join(format!("{stem}.{ext}"));
            journal::atomic_write(&path, body.as_bytes()).map_err(|e| io_err("write", &path, e))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Where an incident's journal continues when its own disk refuses writes: a folder per
/// incident under the system's temporary folder (often another file system).
pub fn fallback_dir(incident_id: &str) -> PathBuf {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    std::env::temp_dir().join(format!("drconsole-fallback-{uid}")).join(incident_id)
}

fn describe_open_error(path: &Path, e: JournalError) -> String {
    match e {
        JournalError::Corrupt { .. } => format!(
            "{e}. Nothing was changed; run `drconsole verify` for details ({})",
            path.display()
        ),
        other => other.to_string(),
    }
}

/// Events from journal entries. An entry this version cannot read is an error, never skipped.
pub fn decode(entries: &[journal::Entry]) -> Result<Vec<Event>, String> {
    entries
        .iter()
        .map(|e| {
            serde_json::from_value::<Event>(e.payload.clone()).map_err(|err| {
                format!("journal entry {} is not an event this version understands: {err}", e.seq)
            })
        })
        .collect()
}

/// Like [`decode`], freeing each entry's JSON as it goes: the parsed JSON of a long journal
/// is several times the size of its events.
pub fn decode_owned(entries: Vec<journal::Entry>) -> Result<Vec<Event>, String> {
    let mut events = Vec::with_capacity(entries.len());
    for e in entries {
        let seq = e.seq;
        events.push(serde_json::from_value::<Event>(e.payload).map_err(|err| {
            format!("journal entry {seq} is not an event this version understands: {err}")
        })?);
    }
    Ok(events)
}

/// Read every event without opening for append (list, record, report).
pub fn read_events(path: &Path) -> Result<Vec<Event>, String> {
    let entries = journal::read_entries(path).map_err(|e| e.to_string())?;
    decode_owned(entries)
}

fn summarize(dir: &Path, events: &[Event]) -> Option<Summary> {
    let EventKind::Declared(d) = &events.first()?.kind else { return None };
    let closed_at = events.iter().find_map(|e| matches!(e.kind, EventKind::Closed).then_some(e.at));
    let last = events.last().map(|e| e.at).unwrap_or(d.t0);
    let end = closed_at.unwrap_or(last.max(Utc::now()));
    let drill = d.drill.is_some();
    let state = if drill {
        "drill"
    } else if closed_at.is_some() {
        "closed"
    } else {
        "open"
    };
    Some(Summary {
        id: d.incident_id.clone(),
        level: d.level,
        disaster_type: d.disaster_type.clone(),
        t0: d.t0,
        state: state.to_string(),
        closed: closed_at.is_some(),
        drill,
        duration_secs: (end - d.t0).num_seconds().max(0),
        events: events.len(),
        dir: dir.to_path_buf(),
    })
}

/// The journal as an event sink. Shared so the panic hook can append the panic event.
#[derive(Clone)]
pub struct JournalSink {
    pub journal: Arc<Mutex<Journal>>,
    /// A problem reading other processes' events, shown until the next good poll.
    problem: Arc<Mutex<Option<String>>>,
    /// The switch to a fresh file was logged (once is enough).
    failover_logged: Arc<std::sync::atomic::AtomicBool>,
}

impl JournalSink {
    pub fn new(j: Journal) -> JournalSink {
        JournalSink {
            journal: Arc::new(Mutex::new(j)),
            problem: Arc::new(Mutex::new(None)),
            failover_logged: Arc::default(),
        }
    }

    fn set_problem(&self, p: Option<String>) {
        if let Ok(mut slot) = self.problem.lock() {
            *slot = p;
        }
    }
}

impl EventSink for JournalSink {
    fn append(&mut self, ev: &Event) -> Result<(), String> {
        let payload = serde_json::to_value(ev).map_err(|e| e.to_string())?;
        let mut j = self.journal.lock().map_err(|_| "journal lock poisoned".to_string())?;
        let appended = j.append(payload).map(|_| ()).map_err(|e| e.to_string());
        if let Err(e) = &appended {
            tracing::error!(path = %j.path().display(), "journal: an event was not recorded: {e}");
        }
        if let Some(why) = j.degraded() {
            if !self.failover_logged.swap(true, std::sync::atomic::Ordering::Relaxed) {
                tracing::error!("journal: failed over to a fresh file: {why}");
            }
        }
        appended
    }

    fn poll_foreign(&mut self) -> Vec<Event> {
        let polled = match self.journal.lock() {
            Ok(mut j) => j.poll().map_err(|e| e.to_string()),
            Err(_) => Err("journal lock poisoned".to_string()),
        };
        match polled.and_then(|entries| decode(&entries)) {
            Ok(events) => {
                self.set_problem(None);
                events
            }
            Err(e) => {
                self.set_problem(Some(format!("cannot read events from other processes: {e}")));
                Vec::new()
            }
        }
    }

    fn alarm(&self) -> Option<String> {
        let degraded = self.journal.lock().ok().and_then(|j| j.degraded().map(str::to_string));
        degraded.or_else(|| self.problem.lock().ok().and_then(|p| p.clone()))
    }

    fn head(&self) -> Option<String> {
        self.journal.lock().ok().map(|j| j.head().to_string())
    }
}

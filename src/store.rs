//! The data folder: one sub-folder per incident holding its journal, the exact runbook text it
//! was declared under, and the records written from it. Drills live apart from real incidents.
//!
//! ```text
//! <data>/incidents/<id>/journal.drj     append-only, hash-chained events (0600)
//! <data>/incidents/<id>/journal.drj.current   which file the journal continues in
//!                                       (itself until a fail-over; see `journal::pointer`)
//! <data>/incidents/<id>/runbook.toml    the runbook as declared (sha256 in the declaration)
//! <data>/incidents/<id>/<stamp>-<id>.md/.json/.html   response records
//! <data>/drills/<id>/...                the same for exercises
//! ```

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};

use crate::incident::decide::Refusal;
use crate::incident::decode;
use crate::incident::sink::{Decider, EventSink, SubmitError};
use crate::incident::{Declaration, Event, EventKind, Incident};
use crate::journal::{self, Journal, JournalError};
use crate::runbook::{self, Loaded};

pub const JOURNAL_FILE: &str = "journal.drj";
/// Names the file the journal continues in; a continuation is found only through it.
pub const POINTER_FILE: &str = "journal.drj.current";
/// Longest incident id accepted.
const MAX_ID_LEN: usize = 64;
pub const RUNBOOK_FILE: &str = "runbook.toml";
/// Refuse to declare with less free space than this: an incident must be recordable.
pub const MIN_FREE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
    /// Create the data folder's missing parents too. Off for a folder the user named
    /// (`--data-dir`, `DRCONSOLE_DATA`): a typo must not grow a tree of folders.
    pub create_parents: bool,
}

/// An incident folder `list` could not read, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unreadable {
    /// The folder's name.
    pub id: String,
    pub drill: bool,
    pub dir: PathBuf,
    pub reason: String,
}

/// Everything in the data folder: incidents that read, and those that do not.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Newest T0 first.
    pub incidents: Vec<Summary>,
    pub unreadable: Vec<Unreadable>,
}

impl Listing {
    /// Why no incident may be guessed: with one that cannot be read, the latest open one may
    /// be the unreadable one.
    pub fn guess_refused(&self) -> Option<String> {
        if self.unreadable.is_empty() {
            return None;
        }
        let names: Vec<String> =
            self.unreadable.iter().map(|u| format!("{} ({})", u.id, u.reason)).collect();
        Some(format!(
            "not guessing which incident is meant: {} cannot be read: {}; give the incident id",
            if names.len() == 1 { "one incident" } else { "some incidents" },
            names.join("; ")
        ))
    }
}

/// Checks an incident id (or the prefix of one) given on the command line: letters, digits and
/// `-` only, so it can never name a path outside the data folder (`/`, `..`).
pub fn validate_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("the incident id is empty".to_string());
    }
    if id.len() > MAX_ID_LEN {
        return Err(format!(
            "'{}…' is not an incident id: longer than {MAX_ID_LEN} characters",
            { id.chars().take(16).collect::<String>() }
        ));
    }
    if let Some(c) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
        return Err(format!(
            "{:?} is not an incident id: {c:?} is not allowed (letters, digits and '-' only)",
            id
        ));
    }
    Ok(())
}

/// Checks that `target`, named by the pointer in the incident folder `dir`, may be read as
/// the incident's journal: a continuation by name, a regular file of the folder's owner, in
/// the folder itself or in a private folder of that owner's (see
/// [`journal::check_private_dir`]).
fn trusted_continuation(dir: &Path, target: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let named = target
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(&format!("{JOURNAL_FILE}.cont-")))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let refuse = |why: String| {
        format!("{POINTER_FILE} names {} as the journal, but {why}", target.display())
    };
    if !named {
        return Err(refuse(format!("that is not a continuation of {JOURNAL_FILE}")));
    }
    let owner = std::fs::metadata(dir).map_err(|e| io_err("examine", dir, e))?.uid();
    let m = std::fs::symlink_metadata(target).map_err(|e| refuse(e.to_string()))?;
    if !m.file_type().is_file() {
        return Err(refuse(format!("it is {}", crate::files::kind_of(m.file_type()))));
    }
    if m.uid() != owner {
        return Err(refuse(format!("it belongs to uid {}, not to uid {owner}", m.uid())));
    }
    let folder = journal_parent(target);
    let same = match (std::fs::canonicalize(folder), std::fs::canonicalize(dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        journal::check_private_dir(folder, owner).map_err(|e| refuse(e.to_string()))?;
    }
    Ok(())
}

fn journal_parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// An incident's journal opened for appending.
pub struct Opened {
    pub sink: JournalSink,
    /// Every event, in journal order, each decoded straight into the allocation the incident
    /// keeps (no second copy of a long journal's events while it is replayed).
    pub events: Vec<Arc<Event>>,
    /// Entries this version could not read, a torn tail that was cut: for the operator.
    pub warnings: Vec<String>,
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
    /// The newest event's time.
    pub last_activity: DateTime<Utc>,
    /// When it was declared (the first event).
    pub declared_at: DateTime<Utc>,
    pub dir: PathBuf,
}

impl Summary {
    /// One line for a list of candidates: id, level, type, T0, last activity.
    pub fn line(&self, tz: FixedOffset) -> String {
        format!(
            "  {}  L{}  {}  T0 {}  last activity {}",
            self.id,
            self.level,
            self.disaster_type,
            self.t0.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
            self.last_activity.with_timezone(&tz).format("%Y-%m-%d %H:%M")
        )
    }
}

/// Why a command without an id does not pick one of several open incidents.
fn several_open(open: &[&Summary]) -> String {
    let tz = *chrono::Local::now().offset();
    let lines: Vec<String> = open.iter().map(|s| s.line(tz)).collect();
    format!(
        "{} incidents are open; not guessing which one is meant. Give its id, or pin one for \
         this shell or user with DRCONSOLE_INCIDENT=ID or `drconsole use ID`:\n{}",
        open.len(),
        lines.join("\n")
    )
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("cannot {what} {}: {e}", path.display())
}

impl Store {
    /// A store in a folder the user named: only its last component is created.
    pub fn new(root: PathBuf) -> Store {
        Store { root, create_parents: false }
    }

    /// The data folder must exist, or at least its parent (then it is created, 0700).
    fn ensure_root(&self) -> Result<(), String> {
        if self.root.is_dir() {
            return Ok(());
        }
        let parent = journal_parent(&self.root);
        if !self.create_parents && !parent.is_dir() {
            return Err(format!(
                "the data folder {} does not exist, and neither does {}: check the path (only \
                 the last folder of --data-dir or DRCONSOLE_DATA is created)",
                self.root.display(),
                parent.display()
            ));
        }
        journal::create_private_dirs(&self.root).map_err(|e| io_err("create", &self.root, e))
    }

    fn kind_dir(&self, drill: bool) -> PathBuf {
        self.root.join(if drill { "drills" } else { "incidents" })
    }

    /// Where an incident lives, whichever kind it is: its folder holds the journal, or the
    /// pointer to where the journal continues (the journal itself may have been deleted).
    pub fn find_dir(&self, id: &str) -> Option<PathBuf> {
        validate_id(id).ok()?;
        [false, true].into_iter().map(|d| self.kind_dir(d).join(id)).find(|p| {
            [JOURNAL_FILE, POINTER_FILE].iter().any(|f| p.join(f).symlink_metadata().is_ok())
        })
    }

    /// The journal file of an incident folder: `journal.drj`, or the continuation its pointer
    /// names after a fail-over. A continuation the pointer does not name is never read, and
    /// one the pointer names is refused unless it is the folder owner's, in a private folder
    /// (another user could have left a file of that name in a shared temporary folder).
    pub fn journal_path(dir: &Path) -> Result<PathBuf, String> {
        let main = dir.join(JOURNAL_FILE);
        let pointer = dir.join(POINTER_FILE);
        match journal::read_pointer(&pointer) {
            Ok(None) => Ok(main),
            Ok(Some(target)) if target == main => Ok(main),
            Ok(Some(target)) => trusted_continuation(dir, &target).map(|()| target),
            Err(e) => Err(io_err("read", &pointer, e)),
        }
    }

    /// Create the incident's folder, keep the runbook text beside it and open its journal.
    pub fn create(
        &self,
        decl: &Declaration,
        loaded: &Loaded,
    ) -> Result<(JournalSink, PathBuf), String> {
        validate_id(&decl.incident_id)?;
        self.ensure_root()?;
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
        // The journal first, create-new: an incident folder that already holds one is never
        // written into.
        let jpath = dir.join(JOURNAL_FILE);
        let mut journal = Journal::create(&jpath).map_err(|e| e.to_string())?;
        let pointer = dir.join(POINTER_FILE);
        let rb_path = dir.join(RUNBOOK_FILE);
        let written = journal::create_pointer(&pointer, &jpath)
            .map_err(|e| io_err("write", &pointer, e))
            .and_then(|()| {
                journal::atomic_write(&rb_path, loaded.text.as_bytes())
                    .map_err(|e| io_err("write", &rb_path, e))
            });
        if let Err(e) = written {
            // Nothing was declared: leave no half-made incident for `list` to trip over.
            for f in [&rb_path, &pointer, &jpath] {
                let _ = std::fs::remove_file(f);
            }
            let _ = std::fs::remove_dir(&dir);
            return Err(e);
        }
        journal.set_fallback_dir(fallback_dir(&decl.incident_id));
        journal.set_pointer(pointer);
        Ok((JournalSink::new(journal), dir))
    }

    /// Every incident, newest T0 first, and every folder that should hold one but cannot be
    /// read, with the reason: nothing in the data folder is silently left out.
    pub fn list(&self) -> Listing {
        let mut out = Listing::default();
        for drill in [false, true] {
            let kind = self.kind_dir(drill);
            let unreadable =
                |id: String, dir: PathBuf, reason: String| Unreadable { id, drill, dir, reason };
            let rd = match std::fs::read_dir(&kind) {
                Ok(rd) => rd,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    let name = kind.file_name().unwrap_or_default().to_string_lossy().into_owned();
                    out.unreadable.push(unreadable(name, kind.clone(), e.to_string()));
                    continue;
                }
            };
            for entry in rd {
                match entry {
                    Ok(entry) => {
                        let dir = entry.path();
                        let id = entry.file_name().to_string_lossy().into_owned();
                        match read_summary(&dir, &id) {
                            Ok(s) => out.incidents.push(s),
                            Err(reason) => out.unreadable.push(unreadable(id, dir, reason)),
                        }
                    }
                    Err(e) => out.unreadable.push(unreadable(String::new(), kind.clone(), {
                        format!("cannot list {}: {e}", kind.display())
                    })),
                }
            }
        }
        out.incidents.sort_by_key(|s| std::cmp::Reverse(s.t0));
        out.unreadable.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// The incident a command means: the id given (or a unique prefix of it), else the latest
    /// open real incident.
    pub fn resolve(&self, id: Option<&str>) -> Result<String, String> {
        let pinned = if id.is_none() { self.pinned()? } else { None };
        let id = id.or(pinned.as_deref());
        if let Some(want) = id {
            validate_id(want)?;
            // An exact id needs no listing: listing reads every journal in the folder whole.
            if self.find_dir(want).is_some() {
                return Ok(want.to_string());
            }
        }
        let listing = self.list();
        let all = &listing.incidents;
        match id {
            Some(want) => {
                // An unreadable incident matches too: opening it then says what is wrong.
                let mut matches: Vec<&str> = all
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(listing.unreadable.iter().map(|u| u.id.as_str()))
                    .filter(|i| i.starts_with(want))
                    .collect();
                matches.sort_unstable();
                matches.dedup();
                match matches.as_slice() {
                    [one] => Ok(one.to_string()),
                    [] => Err(format!("no incident '{want}' in {}", self.root.display())),
                    _ => Err(format!(
                        "'{want}' matches {} incidents; give more of the id",
                        matches.len()
                    )),
                }
            }
            None => {
                if let Some(why) = listing.guess_refused() {
                    return Err(why);
                }
                let open: Vec<&Summary> = all.iter().filter(|s| !s.closed && !s.drill).collect();
                match open.as_slice() {
                    [] => Err(format!("no open incident in {}", self.root.display())),
                    [one] => Ok(one.id.clone()),
                    _ => Err(several_open(&open)),
                }
            }
        }
    }

    /// For commands also wanted after an incident closed (record, report, verify, comms):
    /// the id given, else the latest open incident, else the newest real one of any state.
    pub fn resolve_any(&self, id: Option<&str>) -> Result<String, String> {
        self.resolve(id).or_else(|e| {
            // An explicit or pinned id, or several open incidents: never fall back to a guess.
            if id.is_some() || self.pinned()?.is_some() || e.contains("incidents are open") {
                return Err(e);
            }
            let listing = self.list();
            if let Some(why) = listing.guess_refused() {
                return Err(why);
            }
            listing.incidents.into_iter().find(|s| !s.drill).map(|s| s.id).ok_or(e)
        })
    }

    /// Where `drconsole use` keeps this user's pinned incident.
    fn pin_file(&self) -> PathBuf {
        self.root.join(format!("pinned-{}", journal::euid()))
    }

    /// The incident commands without an id mean: `DRCONSOLE_INCIDENT`, else the one pinned
    /// with `drconsole use`. An invalid pin is an error, never silently ignored.
    pub fn pinned(&self) -> Result<Option<String>, String> {
        let (id, from) = match std::env::var("DRCONSOLE_INCIDENT") {
            Ok(v) if !v.trim().is_empty() => (v.trim().to_string(), "DRCONSOLE_INCIDENT"),
            _ => match crate::files::read_bounded(&self.pin_file(), 256) {
                Ok(bytes) => {
                    let v = String::from_utf8_lossy(&bytes).trim().to_string();
                    if v.is_empty() {
                        return Ok(None);
                    }
                    (v, "drconsole use")
                }
                Err(_) => return Ok(None),
            },
        };
        validate_id(&id).map_err(|e| format!("{from}: {e}"))?;
        if self.find_dir(&id).is_none() {
            return Err(format!(
                "{from} pins incident '{id}', which is not in {}; `drconsole use --clear` unpins",
                self.root.display()
            ));
        }
        Ok(Some(id))
    }

    /// Pin `id` for this user (`drconsole use ID`), or unpin with `None`.
    pub fn pin(&self, id: Option<&str>) -> Result<(), String> {
        let file = self.pin_file();
        match id {
            Some(id) => {
                validate_id(id)?;
                if self.find_dir(id).is_none() {
                    return Err(format!("no incident '{id}' in {}", self.root.display()));
                }
                journal::create_private_dirs(&self.root)
                    .map_err(|e| io_err("create", &self.root, e))?;
                journal::atomic_write(&file, format!("{id}\n").as_bytes())
                    .map_err(|e| io_err("write", &file, e))
            }
            None => match std::fs::remove_file(&file) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_err("remove", &file, e)),
            },
        }
    }

    /// Open incidents of `disaster_type` declared (T0) within `window` before `now`: a second
    /// declaration of the same outage is nearly always a second person reacting to it.
    pub fn recent_open_of_type(
        &self,
        disaster_type: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Vec<Summary> {
        self.list()
            .incidents
            .into_iter()
            .filter(|s| !s.closed && !s.drill && s.disaster_type == disaster_type)
            .filter(|s| now.signed_duration_since(s.declared_at) <= window)
            .collect()
    }

    /// The runbook an incident was declared under, from the copy kept beside its journal.
    pub fn runbook(&self, id: &str) -> Result<Loaded, String> {
        let dir = self.find_dir(id).ok_or_else(|| format!("no incident '{id}'"))?;
        let path = dir.join(RUNBOOK_FILE);
        runbook::load(Some(&path))
            .map_err(|d| d.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("\n"))
    }

    /// Open an incident's journal for appending, with its events.
    pub fn open(&self, id: &str) -> Result<Opened, String> {
        self.open_if(id, |_| true)?.ok_or_else(|| format!("{id}: the open was given up"))
    }

    /// [`Store::open`], unless `keep`, shown every event once the journal is read (under its
    /// lock, before anything is written), says no: then `None`, and the journal is as it was.
    /// `resume` reads a long journal once this way, deciding from its events whether the
    /// incident may be written to at all.
    pub fn open_if(
        &self,
        id: &str,
        keep: impl FnOnce(&[Arc<Event>]) -> bool,
    ) -> Result<Option<Opened>, String> {
        let dir = self.find_dir(id).ok_or_else(|| format!("no incident '{id}'"))?;
        let path = Store::journal_path(&dir)?;
        // Decode each entry as it is read: holding every entry's parsed JSON first took tens of
        // MB for a long journal (see BENCHMARKS.md, peak RSS).
        let events: std::cell::RefCell<Vec<Arc<Event>>> = Default::default();
        let mut warnings = Vec::new();
        let decode = |f: &journal::Frame<'_>| decode::decode_alone(f.seq, f.payload);
        let mut keep = Some(keep);
        let opened = Journal::open_mapped(
            &path,
            &decode,
            &mut |_, d| {
                let mut events = events.borrow_mut();
                let d = d.settle(events.last().map(|e| &**e));
                warnings.extend(d.warning);
                events.push(Arc::new(d.event));
                Ok(())
            },
            &mut || keep.take().is_some_and(|k| k(&events.borrow())),
        );
        let Some((mut journal, recovery)) = opened.map_err(|e| describe_open_error(&path, e))?
        else {
            return Ok(None);
        };
        let events = events.into_inner();
        journal.set_fallback_dir(fallback_dir(id));
        let pointer = dir.join(POINTER_FILE);
        if !pointer.exists() {
            // Made before pointers existed: add one now, while the disk has room, so that a
            // fail-over can switch it without needing any.
            let _ = journal::create_pointer(&pointer, &path);
        }
        journal.set_pointer(pointer);
        warnings.extend(recovery.as_ref().map(|r| {
            format!(
                "the journal's last {} bytes were an unfinished write and were cut ({}); every \
                 complete event is kept",
                r.bytes_cut, r.reason
            )
        }));
        Ok(Some(Opened { sink: JournalSink::new(journal), events, warnings }))
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

/// Whether the incident's `runbook.toml` copy is the one its declaration names (sha256): a
/// line for `verify` saying so, or naming the file that differs.
pub fn verify_runbook_copy(dir: &Path, journal: &Path) -> Result<String, String> {
    use sha2::Digest;
    let rb_path = dir.join(RUNBOOK_FILE);
    let mut first = None;
    journal::read_each(journal, |f| {
        if first.is_none() {
            first = Some(decode::decode(f.seq, f.payload, None).event);
        }
    })
    .map_err(|e| format!("{}: {e}", journal.display()))?;
    let Some(Event { kind: EventKind::Declared(decl), .. }) = first else {
        return Err(format!("{}: the first entry is not a declaration", journal.display()));
    };
    let bytes = std::fs::read(&rb_path).map_err(|e| io_err("read", &rb_path, e))?;
    let actual = hex::encode(sha2::Sha256::digest(&bytes));
    if actual == decl.runbook_sha256 {
        Ok(format!("{}: sha256 matches the declaration", rb_path.display()))
    } else {
        Err(format!(
            "{}: sha256 {actual} differs from the declaration's {}: the runbook copy was \
             changed after the incident was declared",
            rb_path.display(),
            decl.runbook_sha256
        ))
    }
}

/// Where an incident's journal continues when its own folder refuses writes: a folder per
/// incident under `$XDG_RUNTIME_DIR/drconsole-fallback` (the user's own private folder) when
/// that is set and is this user's (not after `sudo`, say), else under
/// `$TMPDIR/drconsole-fallback-<uid>` (often another file system). Either must be a private
/// folder of the user's when used: one made by someone else is refused (see
/// [`journal::ensure_private_dir`]).
pub fn fallback_dir(incident_id: &str) -> PathBuf {
    fallback_dir_in(std::env::var_os("XDG_RUNTIME_DIR"), incident_id)
}

fn fallback_dir_in(runtime: Option<std::ffi::OsString>, incident_id: &str) -> PathBuf {
    use std::os::unix::fs::MetadataExt;
    let runtime = runtime.map(PathBuf::from).filter(|p| {
        p.is_absolute() && std::fs::metadata(p).is_ok_and(|m| m.uid() == journal::euid())
    });
    let base = match runtime {
        Some(dir) => dir.join("drconsole-fallback"),
        None => std::env::temp_dir().join(format!("drconsole-fallback-{}", journal::euid())),
    };
    base.join(incident_id)
}

/// One listed folder as a summary, or why it cannot be read.
fn read_summary(dir: &Path, name: &str) -> Result<Summary, String> {
    validate_id(name)?;
    let m = std::fs::symlink_metadata(dir).map_err(|e| e.to_string())?;
    if !m.is_dir() {
        return Err(format!(
            "it is {}, not an incident folder",
            crate::files::kind_of(m.file_type())
        ));
    }
    std::fs::read_dir(dir).map_err(|e| io_err("read", dir, e))?;
    let has = |f: &str| dir.join(f).symlink_metadata().is_ok();
    if !has(JOURNAL_FILE) && !has(POINTER_FILE) {
        return Err(format!("it holds no {JOURNAL_FILE}"));
    }
    let (events, _) = read_events(&Store::journal_path(dir)?)?;
    summarize(dir, &events)
        .ok_or_else(|| "the journal does not start with a declaration".to_string())
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

/// Read every event without opening for append (list, record, report), with a warning for
/// each entry this version cannot read (see [`decode`]).
pub fn read_events(path: &Path) -> Result<(Vec<Event>, Vec<String>), String> {
    let r = read_journal(path)?;
    let events = r.events.into_iter().map(Arc::unwrap_or_clone).collect();
    Ok((events, r.warnings))
}

/// A journal read whole: its events, the warnings about entries this version cannot read,
/// and the chain's head.
pub struct ReadJournal {
    pub events: Vec<Arc<Event>>,
    pub warnings: Vec<String>,
    /// Hash of the last entry: what `verify` says of the same bytes.
    pub head: String,
}

/// [`read_events`] and the chain's head in one pass over the file: each line is checked
/// (checksum, hash, link) and its payload decoded from the file's bytes, once, many lines at
/// a time on two threads when there are two cores.
pub fn read_journal(path: &Path) -> Result<ReadJournal, String> {
    let mut events: Vec<Arc<Event>> = Vec::new();
    let mut warnings = Vec::new();
    let decode = |f: &journal::Frame<'_>| decode::decode_alone(f.seq, f.payload);
    let end = journal::read_mapped(path, decode, |_, d| {
        let d = d.settle(events.last().map(|e| &**e));
        warnings.extend(d.warning);
        events.push(Arc::new(d.event));
    })
    .map_err(|e| e.to_string())?;
    Ok(ReadJournal { events, warnings, head: end.head })
}

fn summarize(dir: &Path, events: &[Event]) -> Option<Summary> {
    let EventKind::Declared(d) = &events.first()?.kind else { return None };
    let closed_at = events.iter().find_map(|e| matches!(e.kind, EventKind::Closed).then_some(e.at));
    let last = events.last().map(|e| e.at).unwrap_or(d.t0);
    let end = closed_at.unwrap_or(last.max(Utc::now()));
    let withdrawn_at =
        events.iter().find_map(|e| matches!(e.kind, EventKind::Withdrawn { .. }).then_some(e.at));
    let closed_at = closed_at.or(withdrawn_at);
    let drill = d.drill.is_some();
    let state = if drill {
        "drill"
    } else if withdrawn_at.is_some() {
        "withdrawn"
    } else if closed_at.is_some() {
        "closed"
    } else {
        "open"
    };
    // Corrections are events: the level and T0 are the latest ones.
    let level = events.iter().rev().find_map(|e| match e.kind {
        EventKind::LevelChanged { level, .. } => Some(level),
        _ => None,
    });
    let t0 = events
        .iter()
        .rev()
        .find_map(|e| match e.kind {
            EventKind::T0Corrected { t0, .. } => Some(t0),
            _ => None,
        })
        .unwrap_or(d.t0);
    Some(Summary {
        id: d.incident_id.clone(),
        level: level.unwrap_or(d.level),
        disaster_type: d.disaster_type.clone(),
        t0,
        state: state.to_string(),
        closed: closed_at.is_some(),
        drill,
        duration_secs: (end - t0).num_seconds().max(0),
        events: events.len(),
        last_activity: last,
        declared_at: events.first().map(|e| e.at).unwrap_or(d.t0),
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

impl JournalSink {
    /// Decode entries in journal order; a warning about an unreadable one stays up as the
    /// sink's problem until the next clean read.
    fn decode_entries(&self, entries: Vec<journal::Entry>) -> Vec<Event> {
        let mut warnings = Vec::new();
        let events =
            decode::decode_all(entries.iter().map(|e| (e.seq, e.payload.as_str())), &mut warnings);
        if let Some(w) = warnings.pop() {
            self.set_problem(Some(w));
        }
        events
    }
}

impl EventSink for JournalSink {
    fn transact(&mut self, decide: &mut Decider<'_>) -> Result<Vec<Event>, SubmitError> {
        let not_saved = |e: String| SubmitError::NotSaved(e);
        let this = self.clone();
        let mut j = self.journal.lock().map_err(|_| not_saved("journal lock poisoned".into()))?;
        let appended = j.append_with(|foreign| -> Result<Vec<serde_json::Value>, Decided> {
            let events = decide(this.decode_entries(foreign)).map_err(Decided::Refused)?;
            events
                .iter()
                .map(|ev| serde_json::to_value(ev).map_err(|e| Decided::Encode(e.to_string())))
                .collect()
        });
        if let Err(e) = &appended {
            tracing::error!(path = %j.path().display(), "journal: an event was not recorded: {e}");
        }
        if let Some(why) = j.degraded() {
            if !self.failover_logged.swap(true, std::sync::atomic::Ordering::Relaxed) {
                tracing::error!("journal: failed over to a fresh file: {why}");
            }
        }
        let entries = match appended.map_err(|e| not_saved(e.to_string()))? {
            Ok(entries) => entries,
            Err(Decided::Refused(r)) => return Err(SubmitError::Refused(r)),
            Err(Decided::Encode(e)) => return Err(not_saved(e)),
        };
        drop(j);
        // What the caller applies is what a replay will read back.
        Ok(self.decode_entries(entries))
    }

    fn poll_foreign(&mut self) -> Vec<Event> {
        let polled = match self.journal.lock() {
            Ok(mut j) => j.poll().map_err(|e| e.to_string()),
            Err(_) => Err("journal lock poisoned".to_string()),
        };
        match polled {
            Ok(entries) => {
                self.set_problem(None);
                self.decode_entries(entries)
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

    fn path(&self) -> Option<PathBuf> {
        self.journal.lock().ok().map(|j| j.path().to_path_buf())
    }
}

/// What the decider inside an append said, when it was not payloads.
enum Decided {
    Refused(Refusal),
    Encode(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_fallback_folder_is_in_the_users_own_runtime_dir_else_in_tmp() {
        let tmp = tempfile::tempdir().unwrap();
        let runtime = tmp.path().join("run-user");
        std::fs::create_dir(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let id = "20990101-000000-0000";
        let chosen = fallback_dir_in(Some(runtime.clone().into_os_string()), id);
        assert_eq!(chosen, runtime.join("drconsole-fallback").join(id));
        let tmp_dir = std::env::temp_dir().join(format!("drconsole-fallback-{}", journal::euid()));
        assert_eq!(fallback_dir_in(None, id), tmp_dir.join(id));
        assert_eq!(fallback_dir_in(Some("relative".into()), id), tmp_dir.join(id));
        if journal::euid() == 0 {
            // Someone else's runtime folder (after `sudo`, say) is not used.
            std::os::unix::fs::chown(&runtime, Some(65534), None).unwrap();
            assert_eq!(fallback_dir_in(Some(runtime.into_os_string()), id), tmp_dir.join(id));
        }
    }

    #[test]
    fn incident_ids_are_letters_digits_and_dashes() {
        for good in ["20261128-143005-ab12", "DRILL-20261128-143005-ab12", "2026"] {
            assert!(validate_id(good).is_ok(), "{good}");
        }
        for bad in ["", "..", "../x", "a/b", "a b", "é", "x\u{1b}", &"a".repeat(65)] {
            assert!(validate_id(bad).is_err(), "{bad:?}");
        }
    }
}

//! Optional mirror of an incident's journal into an operations MongoDB
//! (`[journal] mongodb = "${env:OPS_MONGODB_URI}"` in the config): the shared bus for
//! observers and operators on other hosts. The local journal stays the only record.
//!
//! Its queue is the journal itself: the task follows the journal read-only (new lines only)
//! and keeps what the server has not acknowledged, so events from other processes (`drconsole
//! note`) are mirrored too, nothing is lost while the server is unreachable, and a retry can
//! never duplicate an event (each document's `_id` is `<incident>/<seq>`). Each document
//! carries the journal line exactly as written, so an observer elsewhere checks the hash chain
//! itself (see [`remote`]). The task also publishes the runbook the incident was declared
//! under, how far the journal is (for an observer's lag), and takes notes written on other
//! hosts from the inbox (see [`inbox`]). It never blocks the console: it runs in its own task
//! and every driver call is bounded by a timeout on its join handle.

pub mod inbox;
pub mod remote;

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mongodb::bson::{doc, Bson, Document};
use mongodb::options::ClientOptions;
use mongodb::{Client, Collection};

use crate::incident::follow::Follower;
use crate::journal::Line;
pub use inbox::{InboxDone, InboxNote};

pub const DATABASE: &str = "drconsole";
/// One document per journal entry.
pub const COLLECTION: &str = "events";
/// The runbook text each incident was declared under, by its sha256.
pub const RUNBOOKS: &str = "runbooks";
/// Per incident: the newest seq its console's journal holds, and when it said so.
pub const HEADS: &str = "heads";
/// Per-call bound: connect, select a server and insert.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(3);

/// What the console shows about the mirror, and the notes it hands over from the inbox.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MirrorStatus {
    /// Highest journal seq the server has acknowledged.
    pub acked: u64,
    /// Entries in the journal not yet on the server.
    pub queued: u64,
    /// Why the last attempt failed, in plain words (credentials redacted).
    pub error: Option<String>,
    /// Notes from the inbox for the console to journal (taken by it).
    pub inbox: Vec<InboxNote>,
    /// What the console did with each note it took, by inbox id (taken by the mirror).
    pub done: Vec<(String, InboxDone)>,
}

pub type SharedStatus = Arc<Mutex<MirrorStatus>>;

/// What is mirrored.
#[derive(Clone)]
enum Source {
    /// A journal file on its own (no runbook, no inbox).
    File(PathBuf),
    /// An incident folder: its journal through the pointer, its runbook copy, its inbox.
    Incident(PathBuf),
}

/// Start mirroring `journal` (the file, read-only) for `incident_id` every `period`.
/// Needs a tokio runtime; dropping the returned handle stops the task.
pub fn spawn(
    uri: String,
    incident_id: String,
    journal: PathBuf,
    period: Duration,
) -> (tokio::task::JoinHandle<()>, SharedStatus) {
    start(uri, incident_id, Source::File(journal), period)
}

/// Mirror the incident in folder `dir`: its journal (through the pointer), the runbook it
/// was declared under, how far its journal is, and the notes its inbox receives.
pub fn spawn_incident(
    uri: String,
    incident_id: String,
    dir: PathBuf,
    period: Duration,
) -> (tokio::task::JoinHandle<()>, SharedStatus) {
    start(uri, incident_id, Source::Incident(dir), period)
}

fn start(
    uri: String,
    incident_id: String,
    source: Source,
    period: Duration,
) -> (tokio::task::JoinHandle<()>, SharedStatus) {
    let status: SharedStatus = Arc::new(Mutex::new(MirrorStatus::default()));
    let shared = status.clone();
    let task = tokio::spawn(async move {
        let mut m = Mirror {
            uri,
            incident_id,
            source,
            client: None,
            acked: None,
            status: shared,
            follower: None,
            backlog: VecDeque::new(),
            runbook_sent: false,
            in_flight: BTreeMap::new(),
        };
        let mut backoff = period;
        let mut failures = 0u32;
        let mut last_error: Option<String> = None;
        loop {
            let ok = m.round().await;
            backoff = if ok { period } else { (backoff * 2).min(Duration::from_secs(30)) };
            log_round(&m.status, ok, &mut failures, &mut last_error, backoff);
            tokio::time::sleep(backoff).await;
        }
    });
    (task, status)
}

/// The log hears about the mirror when it starts failing, when the reason changes and when it
/// catches up again; a retry that fails the same way is only a debug line.
fn log_round(
    status: &SharedStatus,
    ok: bool,
    failures: &mut u32,
    last_error: &mut Option<String>,
    next: Duration,
) {
    let Ok(s) = status.lock().map(|s| s.clone()) else { return };
    if ok {
        if *failures > 0 {
            tracing::info!(
                acked = s.acked,
                "mirror: caught up after {} failed attempts",
                *failures
            );
        }
        *failures = 0;
        *last_error = None;
        return;
    }
    *failures += 1;
    let error = s.error.unwrap_or_default();
    if last_error.as_deref() != Some(error.as_str()) {
        tracing::warn!(
            queued = s.queued,
            "mirror: attempt {} failed: {error}; retrying in {}s",
            *failures,
            next.as_secs()
        );
        *last_error = Some(error);
    } else {
        tracing::debug!(queued = s.queued, "mirror: retry {} failed again", *failures);
    }
}

struct Mirror {
    uri: String,
    incident_id: String,
    source: Source,
    client: Option<Client>,
    /// `None` until the server told us how far it already is.
    acked: Option<u64>,
    status: SharedStatus,
    follower: Option<Follower>,
    /// Lines read from the journal and not yet acknowledged by the server, in order.
    backlog: VecDeque<Line>,
    runbook_sent: bool,
    /// Inbox entries handed to the console and not yet marked taken, by id.
    in_flight: BTreeMap<String, Bson>,
}

/// Run a driver call in a task of its own with the bound on its join handle (the driver has
/// no read timeout, and its futures must not be dropped mid-operation).
pub async fn bounded<T: Send + 'static>(
    fut: impl std::future::Future<Output = Result<T, mongodb::error::Error>> + Send + 'static,
) -> Result<T, String> {
    let handle = tokio::spawn(fut);
    match tokio::time::timeout(CALL_TIMEOUT, handle).await {
        Ok(Ok(Ok(v))) => Ok(v),
        Ok(Ok(Err(e))) => Err(crate::target::redact_text(&e.to_string())),
        Ok(Err(_)) => Err("the mirror task failed".to_string()),
        Err(_) => Err(format!("no answer within {}s", CALL_TIMEOUT.as_secs())),
    }
}

/// A client with every wait bounded, named `app` in the server's logs.
pub async fn connect(uri: &str, app: &str) -> Result<Client, String> {
    let (uri, app) = (uri.to_string(), app.to_string());
    bounded(async move {
        let mut opts = ClientOptions::parse(&uri).await?;
        opts.server_selection_timeout = Some(CALL_TIMEOUT);
        opts.connect_timeout = Some(CALL_TIMEOUT);
        opts.app_name.get_or_insert(app);
        Client::with_options(opts)
    })
    .await
}

pub fn collection(client: &Client, name: &str) -> Collection<Document> {
    client.database(DATABASE).collection::<Document>(name)
}

/// A duplicate `_id`: the document is there already (a retry after a lost acknowledgement).
pub fn is_duplicate(e: &str) -> bool {
    e.contains("E11000") || e.contains("duplicate key")
}

impl Mirror {
    fn set(&self, f: impl FnOnce(&mut MirrorStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }

    /// New journal lines into the backlog: only what was appended since the last round (the
    /// follower keeps its offset), read on a blocking thread so that a slow disk holds no
    /// runtime worker.
    async fn read_journal(&mut self) -> Result<(), String> {
        let follower = self.follower.take();
        let source = self.source.clone();
        let read = tokio::task::spawn_blocking(move || {
            let mut f = match follower {
                Some(f) => f,
                None => match &source {
                    Source::File(path) => Follower::open_file(path)?,
                    Source::Incident(dir) => Follower::open_dir(dir)?,
                },
            };
            // Keep the follower (and its offset) even when this read fails.
            let lines = f.poll_lines();
            Ok::<_, String>((f, lines))
        })
        .await
        .map_err(|e| format!("the journal reader stopped: {e}"))??;
        let (follower, lines) = read;
        self.follower = Some(follower);
        self.backlog.extend(lines?);
        Ok(())
    }

    /// One attempt to bring the server up to date. True when it is.
    async fn round(&mut self) -> bool {
        if let Err(e) = self.read_journal().await {
            self.set(|s| s.error = Some(format!("cannot read the journal: {e}")));
            return false;
        }
        let pushed = self.push().await;
        let total = self.follower.as_ref().map(Follower::last_seq).unwrap_or(0);
        match pushed {
            Ok(()) => {
                let acked = self.acked.unwrap_or(0);
                self.set(|s| {
                    s.acked = acked;
                    s.queued = total.saturating_sub(acked);
                    s.error = None;
                });
                // Extras: an observer does without them until the next round.
                let extras = self.extras(total).await;
                if let Err(e) = extras {
                    self.set(|s| s.error = Some(e));
                }
                true
            }
            Err(e) => {
                let acked =
                    self.acked.unwrap_or_else(|| self.status.lock().map(|s| s.acked).unwrap_or(0));
                // Ask the server again how far it is once it is back: it may have lost data
                // or been replaced while we could not reach it.
                self.client = None;
                self.acked = None;
                self.runbook_sent = false;
                self.set(|s| {
                    s.acked = acked;
                    s.queued = total.saturating_sub(acked);
                    s.error = Some(e);
                });
                false
            }
        }
    }

    async fn client(&mut self) -> Result<Client, String> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let client = connect(&self.uri, "drconsole-mirror").await?;
        self.client = Some(client.clone());
        Ok(client)
    }

    async fn push(&mut self) -> Result<(), String> {
        let client = self.client().await?;
        let coll = collection(&client, COLLECTION);
        if self.acked.is_none() {
            let c = coll.clone();
            let id = self.incident_id.clone();
            let count =
                bounded(async move { c.count_documents(doc! { "incident": id }).await }).await?;
            // Documents are inserted in seq order and never deleted, so the count is the
            // highest acknowledged seq.
            self.acked = Some(count);
            if self.backlog.front().is_some_and(|l| l.entry.seq > count + 1) {
                // The server has less than we sent before (lost, or replaced): read the journal
                // again from its start.
                self.follower = None;
                self.backlog.clear();
                self.read_journal().await?;
            }
        }
        let from = self.acked.unwrap_or(0);
        while self.backlog.front().is_some_and(|l| l.entry.seq <= from) {
            self.backlog.pop_front();
        }
        while !self.backlog.is_empty() {
            let n = self.backlog.len().min(500);
            let batch: Vec<Document> =
                self.backlog.iter().take(n).map(|l| self.document(l)).collect();
            let last = self.backlog.get(n - 1).map(|l| l.entry.seq).unwrap_or(from);
            let c = coll.clone();
            match bounded(async move { c.insert_many(batch).await }).await {
                Ok(_) => {}
                // Another console mirroring the same journal inserted some of these first. A
                // batch insert stops at the first duplicate (servers differ on whether
                // `ordered: false` goes on), so the rest go one by one.
                Err(e) if is_duplicate(&e) => {
                    for l in self.backlog.iter().take(n) {
                        let (c, d) = (coll.clone(), self.document(l));
                        match bounded(async move { c.insert_one(d).await }).await {
                            Ok(_) => {}
                            Err(e) if is_duplicate(&e) => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
                Err(e) => return Err(e),
            }
            self.backlog.drain(..n);
            self.acked = Some(last);
        }
        Ok(())
    }

    fn document(&self, l: &Line) -> Document {
        let e = &l.entry;
        let event = Bson::try_from(e.value()).unwrap_or(Bson::Null);
        doc! {
            "_id": event_id(&self.incident_id, e.seq),
            "incident": &self.incident_id,
            "seq": i64::try_from(e.seq).unwrap_or(i64::MAX),
            "hash": &e.hash,
            "prev": &e.prev,
            "event": event,
            // The line as written: what an observer checks the chain with.
            "line": String::from_utf8_lossy(&l.bytes).into_owned(),
        }
    }

    /// Everything besides the events, for an incident folder: the runbook once, how far the
    /// journal is, the inbox.
    async fn extras(&mut self, total: u64) -> Result<(), String> {
        let Source::Incident(dir) = &self.source else { return Ok(()) };
        let dir = dir.clone();
        let client = self.client().await?;
        if !self.runbook_sent {
            self.send_runbook(&client, &dir).await?;
            self.runbook_sent = true;
        }
        let heads = collection(&client, HEADS);
        let id = self.incident_id.clone();
        let seq = i64::try_from(total).unwrap_or(i64::MAX);
        let now = mongodb::bson::DateTime::now();
        bounded(async move {
            heads
                .update_one(doc! { "_id": id }, doc! { "$set": { "seq": seq, "at": now } })
                .upsert(true)
                .await
        })
        .await?;
        inbox::serve(&client, &self.incident_id, &self.status, &mut self.in_flight).await
    }

    async fn send_runbook(&self, client: &Client, dir: &std::path::Path) -> Result<(), String> {
        use sha2::Digest;
        let path = dir.join(crate::store::RUNBOOK_FILE);
        let bytes = crate::files::read_bounded(&path, crate::runbook::load::MAX_FILE_BYTES)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let sha = hex::encode(sha2::Sha256::digest(&bytes));
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let coll = collection(client, RUNBOOKS);
        match bounded(async move { coll.insert_one(doc! { "_id": sha, "text": text }).await }).await
        {
            Ok(_) => Ok(()),
            Err(e) if is_duplicate(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Wait until the mirror holds entry `upto`, it reports a failure, or `limit` passes: on
/// quit, so that the session's last events reach observers elsewhere now rather than when the
/// console next runs. True when they did.
pub async fn flush(status: &SharedStatus, upto: u64, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let (acked, failed) =
            status.lock().map(|s| (s.acked, s.error.is_some())).unwrap_or((0, true));
        if acked >= upto {
            return true;
        }
        if failed || tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `_id` of an incident's entry `seq` in [`COLLECTION`].
pub fn event_id(incident: &str, seq: u64) -> String {
    format!("{incident}/{seq}")
}

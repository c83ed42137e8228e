//! Optional mirror of an incident's journal into an operations MongoDB
//! (`[journal] mongodb = "${env:OPS_MONGODB_URI}"` in the config).
//!
//! The local journal stays the record; the mirror only copies it. Its queue is the journal
//! itself: the task remembers the last sequence number the server acknowledged and sends
//! everything after it, so events from other processes (`drconsole note`) are mirrored too,
//! nothing is lost while the server is unreachable, and a retry can never duplicate an
//! event (each document's `_id` is `<incident>/<seq>`). It never blocks the console: it runs in
//! its own task and every driver call is bounded by a timeout on its join handle.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mongodb::bson::{doc, Bson, Document};
use mongodb::options::ClientOptions;
use mongodb::Client;

pub const DATABASE: &str = "drconsole";
pub const COLLECTION: &str = "events";
/// Per-call bound: connect, select a server and insert.
const CALL_TIMEOUT: Duration = Duration::from_secs(3);

/// What the console shows about the mirror.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MirrorStatus {
    /// Highest journal seq the server has acknowledged.
    pub acked: u64,
    /// Entries in the journal not yet on the server.
    pub queued: u64,
    /// Why the last attempt failed, in plain words (credentials redacted).
    pub error: Option<String>,
}

pub type SharedStatus = Arc<Mutex<MirrorStatus>>;

/// Start mirroring `journal` (the file, read-only) for `incident_id` every `period`.
/// Needs a tokio runtime; dropping the returned handle stops the task.
pub fn spawn(
    uri: String,
    incident_id: String,
    journal: PathBuf,
    period: Duration,
) -> (tokio::task::JoinHandle<()>, SharedStatus) {
    let status: SharedStatus = Arc::new(Mutex::new(MirrorStatus::default()));
    let shared = status.clone();
    let task = tokio::spawn(async move {
        let mut m = Mirror { uri, incident_id, journal, client: None, acked: None, status: shared };
        let mut backoff = period;
        loop {
            let ok = m.round().await;
            backoff = if ok { period } else { (backoff * 2).min(Duration::from_secs(30)) };
            tokio::time::sleep(backoff).await;
        }
    });
    (task, status)
}

struct Mirror {
    uri: String,
    incident_id: String,
    journal: PathBuf,
    client: Option<Client>,
    /// `None` until the server told us how far it already is.
    acked: Option<u64>,
    status: SharedStatus,
}

async fn bounded<T: Send + 'static>(
    fut: impl std::future::Future<Output = Result<T, mongodb::error::Error>> + Send + 'static,
) -> Result<T, String> {
    // The driver has no read timeout: the call runs in its own task and the bound sits on the
    // join handle, never on the driver future itself.
    let handle = tokio::spawn(fut);
    match tokio::time::timeout(CALL_TIMEOUT, handle).await {
        Ok(Ok(Ok(v))) => Ok(v),
        Ok(Ok(Err(e))) => Err(crate::target::redact(&e.to_string())),
        Ok(Err(_)) => Err("the mirror task failed".to_string()),
        Err(_) => Err(format!("no answer within {}s", CALL_TIMEOUT.as_secs())),
    }
}

impl Mirror {
    fn set(&self, f: impl FnOnce(&mut MirrorStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }

    /// One attempt to bring the server up to date. True when it is.
    async fn round(&mut self) -> bool {
        let entries = match crate::journal::read_entries(&self.journal) {
            Ok(e) => e,
            Err(e) => {
                self.set(|s| s.error = Some(format!("cannot read the journal: {e}")));
                return false;
            }
        };
        match self.push(&entries).await {
            Ok(()) => {
                let acked = self.acked.unwrap_or(0);
                self.set(|s| {
                    s.acked = acked;
                    s.queued = 0;
                    s.error = None;
                });
                true
            }
            Err(e) => {
                let acked =
                    self.acked.unwrap_or_else(|| self.status.lock().map(|s| s.acked).unwrap_or(0));
                let total = entries.last().map(|e| e.seq).unwrap_or(0);
                // Ask the server again how far it is once it is back: it may have lost data
                // or been replaced while we could not reach it.
                self.client = None;
                self.acked = None;
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
        let uri = self.uri.clone();
        let client = bounded(async move {
            let mut opts = ClientOptions::parse(&uri).await?;
            opts.server_selection_timeout = Some(CALL_TIMEOUT);
            opts.connect_timeout = Some(CALL_TIMEOUT);
            opts.app_name.get_or_insert_with(|| "drconsole-mirror".to_string());
            Client::with_options(opts)
        })
        .await?;
        self.client = Some(client.clone());
        Ok(client)
    }

    async fn push(&mut self, entries: &[crate::journal::Entry]) -> Result<(), String> {
        let client = self.client().await?;
        let coll = client.database(DATABASE).collection::<Document>(COLLECTION);
        if self.acked.is_none() {
            let c = coll.clone();
            let id = self.incident_id.clone();
            let count =
                bounded(async move { c.count_documents(doc! { "incident": id }).await }).await?;
            // Documents are inserted in seq order and never deleted, so the count is the
            // highest acknowledged seq.
            self.acked = Some(count);
        }
        let from = self.acked.unwrap_or(0);
        let docs: Vec<Document> =
            entries.iter().filter(|e| e.seq > from).map(|e| self.document(e)).collect();
        for chunk in docs.chunks(500) {
            let last = chunk.last().and_then(|d| d.get_i64("seq").ok()).unwrap_or(0);
            let c = coll.clone();
            let batch = chunk.to_vec();
            match bounded(async move { c.insert_many(batch).await }).await {
                Ok(_) => {}
                // A retry after a lost acknowledgement: the documents are already there.
                Err(e) if e.contains("E11000") || e.contains("duplicate key") => {}
                Err(e) => return Err(e),
            }
            self.acked = Some(u64::try_from(last).unwrap_or(0));
        }
        Ok(())
    }

    fn document(&self, e: &crate::journal::Entry) -> Document {
        let event = Bson::try_from(e.value()).unwrap_or(Bson::Null);
        doc! {
            "_id": format!("{}/{}", self.incident_id, e.seq),
            "incident": &self.incident_id,
            "seq": i64::try_from(e.seq).unwrap_or(i64::MAX),
            "hash": &e.hash,
            "prev": &e.prev,
            "event": event,
        }
    }
}

//! Following an incident on another host through the operations MongoDB (`drconsole view
//! --mongodb URI ID`): the mirror's documents in seq order, each one's journal line checked
//! against the hash chain ([`LineChain`]) before its event is shown. It polls (no change
//! streams, which a locked-down server may not offer) and writes nothing.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::bson::{doc, Document};
use mongodb::Client;

use super::{bounded, collection, connect, event_id, COLLECTION, HEADS, RUNBOOKS};
use crate::incident::decode;
use crate::incident::follow::Feed;
use crate::incident::{Event, EventKind};
use crate::journal::LineChain;
use crate::runbook::Loaded;

/// Documents read per query.
const BATCH: i64 = 500;

/// Where following the mirror stands: what was checked so far.
pub struct Follow {
    client: Client,
    incident: String,
    chain: LineChain,
    prev: Option<Event>,
}

/// Why following the mirror stopped.
#[derive(Debug)]
enum Failed {
    /// The server did not answer; it may come back.
    Away(String),
    /// What the mirror holds does not follow the chain: it stays so.
    Broken(String),
}

impl Failed {
    fn text(self) -> String {
        match self {
            Failed::Away(e) | Failed::Broken(e) => e,
        }
    }
}

/// An incident as the mirror has it, checked from its first entry.
pub struct Opened {
    /// The runbook it was declared under (the mirror's copy, checked against the declaration's
    /// sha256, else the local one when it is the same).
    pub loaded: Loaded,
    pub events: Vec<Event>,
    /// For the operator: entries this version cannot read.
    pub warnings: Vec<String>,
    pub follow: Follow,
}

impl Follow {
    /// The documents after the last one checked (at most one batch), checked and decoded.
    /// A document that does not follow the chain stops here, with why.
    async fn next(&mut self, warnings: &mut Vec<String>) -> Result<Vec<Event>, Failed> {
        let coll = collection(&self.client, COLLECTION);
        let (id, last) = (self.incident.clone(), self.chain.last_seq());
        let after = i64::try_from(last).unwrap_or(i64::MAX);
        let docs: Vec<Document> = bounded(async move {
            coll.find(doc! { "incident": id, "seq": { "$gt": after } })
                .sort(doc! { "seq": 1 })
                .limit(BATCH)
                .await?
                .try_collect()
                .await
        })
        .await
        .map_err(Failed::Away)?;
        let mut out = Vec::with_capacity(docs.len());
        for d in docs {
            let seq = self.chain.last_seq() + 1;
            let upto = seq - 1;
            let line = d.get_str("line").map_err(|_| {
                Failed::Broken(format!(
                    "the mirror's entry {seq} carries no journal line (mirrored by an older \
                     drconsole) and cannot be checked; shown up to entry {upto}"
                ))
            })?;
            let entry = self.chain.push(line.as_bytes()).map_err(|why| {
                Failed::Broken(format!(
                    "the mirror's entry {seq} fails the hash chain, shown up to entry {upto}: \
                     {why}"
                ))
            })?;
            let doc_id = d.get_str("_id").unwrap_or("");
            if doc_id != event_id(&self.incident, entry.seq) {
                return Err(Failed::Broken(format!(
                    "the mirror's document '{doc_id}' holds entry {} of another incident; shown \
                     up to entry {upto}",
                    entry.seq
                )));
            }
            let decoded = decode::decode(entry.seq, entry.payload.as_str(), self.prev.as_ref());
            warnings.extend(decoded.warning);
            self.prev = Some(decoded.event.clone());
            out.push(decoded.event);
        }
        Ok(out)
    }

    /// How far the owning console's journal is, and when it said so.
    async fn owner(&self) -> Result<Option<(u64, DateTime<Utc>)>, String> {
        let heads = collection(&self.client, HEADS);
        let id = self.incident.clone();
        let d = bounded(async move { heads.find_one(doc! { "_id": id }).await }).await?;
        Ok(d.and_then(|d| {
            let seq = u64::try_from(d.get_i64("seq").ok()?).ok()?;
            let at =
                DateTime::from_timestamp_millis(d.get_datetime("at").ok()?.timestamp_millis())?;
            Some((seq, at))
        }))
    }

    pub fn verified(&self) -> u64 {
        self.chain.last_seq()
    }

    pub fn head(&self) -> String {
        self.chain.head().to_string()
    }
}

/// Read incident `incident` from the mirror at `uri`, checking every entry; `local` is the
/// runbook to use when the mirror has no copy of the declared one (only if it is the same).
pub async fn open(uri: &str, incident: &str, local: Option<Loaded>) -> Result<Opened, String> {
    let client = connect(uri, "drconsole-view").await?;
    let mut follow =
        Follow { client, incident: incident.to_string(), chain: LineChain::default(), prev: None };
    let mut events = Vec::new();
    let mut warnings = Vec::new();
    loop {
        let batch = follow.next(&mut warnings).await.map_err(Failed::text)?;
        if batch.is_empty() {
            break;
        }
        events.extend(batch);
    }
    let Some(Event { kind: EventKind::Declared(decl), .. }) = events.first() else {
        return Err(format!("the operations MongoDB has no incident '{incident}'"));
    };
    let loaded =
        runbook_for(&follow.client, &decl.runbook_sha256, &decl.runbook_name, local).await?;
    Ok(Opened { loaded, events, warnings, follow })
}

/// The runbook whose text has this sha256: the mirror's copy, else `local` if it is that one.
async fn runbook_for(
    client: &Client,
    sha: &str,
    name: &str,
    local: Option<Loaded>,
) -> Result<Loaded, String> {
    use sha2::Digest;
    let coll = collection(client, RUNBOOKS);
    let id = sha.to_string();
    let copy = bounded(async move { coll.find_one(doc! { "_id": id }).await }).await?;
    if let Some(text) = copy.as_ref().and_then(|d| d.get_str("text").ok()) {
        let actual = hex::encode(sha2::Sha256::digest(text.as_bytes()));
        if actual != sha {
            return Err(format!(
                "the mirror's copy of runbook '{name}' has sha256 {actual}, not the declared \
                 {sha}: it was changed"
            ));
        }
        return crate::runbook::load::from_text(&format!("{name} (from the mirror)"), text)
            .map_err(|d| d.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
    }
    match local {
        Some(l) if l.sha256() == sha => Ok(l),
        _ => Err(format!(
            "the operations MongoDB has no copy of runbook '{name}' (sha256 {sha}) and the local \
             one is different; give the incident's runbook with --runbook FILE"
        )),
    }
}

/// Follow the mirror in a task of its own, every `period`, until the viewer is gone.
pub fn spawn(mut follow: Follow, feed: Feed, period: Duration) -> tokio::task::JoinHandle<()> {
    feed.set(|s| {
        s.verified = follow.verified();
        s.head = follow.head();
    });
    tokio::spawn(async move {
        let mut error: Option<String> = None;
        let mut stopped = false;
        while !feed.stopped() {
            let mut events = Vec::new();
            let mut now_error = None;
            if !stopped {
                match follow.next(&mut Vec::new()).await {
                    Ok(e) => events = e,
                    // A server that is away may come back; a broken chain stays broken.
                    Err(Failed::Away(e)) => now_error = Some(format!("ops MongoDB: {e}")),
                    Err(Failed::Broken(e)) => {
                        stopped = true;
                        now_error = Some(e);
                    }
                }
            } else {
                now_error = error.clone();
            }
            let owner = follow.owner().await.ok().flatten();
            let verified = follow.verified();
            let newest = events.last().map(|e| e.at);
            feed.set(|s| {
                s.verified = verified;
                s.head = follow.head();
                s.newest_at = newest.or(s.newest_at);
                s.behind = owner.map(|(seq, _)| seq.saturating_sub(verified));
                s.owner_seen = owner.map(|(_, at)| at);
                s.error.clone_from(&now_error);
            });
            let changed = now_error != error;
            error = now_error;
            if (!events.is_empty() || changed) && !feed.send(events, error.clone(), follow.head()) {
                break;
            }
            tokio::time::sleep(period).await;
        }
    })
}

//! Notes written on other hosts. `drconsole note --mongodb URI ID TEXT` puts an entry into
//! `drconsole.inbox` (incident, text, who wrote it, their host, the time, `taken: false`); the
//! console that owns the incident (the one mirroring it) journals it as a remote note and then
//! marks the entry taken. The local journal stays the only record. An entry delivered twice
//! (the console stopped between journaling and marking) is journaled once: the rules see the
//! inbox id already in the journal.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::bson::{doc, oid::ObjectId, Bson, Document};
use mongodb::Client;

use super::{bounded, collection, connect, event_id, SharedStatus, COLLECTION, HEADS};
use crate::incident::RemoteAuthor;

pub const INBOX: &str = "inbox";
/// Longest note taken from the inbox: far more than a note needs, far less than an entry.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Longest name, login or host taken with a note.
const MAX_NAME_BYTES: usize = 256;
/// Entries handed over per round.
const BATCH: i64 = 50;

/// A note from the inbox, for the console to journal.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxNote {
    pub id: String,
    pub text: String,
    pub remote: RemoteAuthor,
}

/// What the console did with a note.
#[derive(Debug, Clone, PartialEq)]
pub enum InboxDone {
    /// Durable in the journal (or found there already): mark the entry taken.
    Journaled,
    /// The rules refused it: mark it taken, with why, so it is not offered for ever.
    Refused(String),
    /// Not saved this time: offer it again.
    Retry,
}

/// Who writes a remote note: their name as given, their login and host.
#[derive(Debug, Clone)]
pub struct Author {
    pub name: String,
    pub login: String,
    pub host: String,
}

/// What `note --mongodb` reports: the entry's id, and when the owning console last said how
/// far its journal is (none when it never did).
pub struct Posted {
    pub id: String,
    pub owner_seen: Option<DateTime<Utc>>,
}

/// Put a note for `incident` into the inbox. Refused when the mirror has no such incident
/// (a note for a mistyped id would wait for ever).
pub async fn post(uri: &str, incident: &str, text: &str, who: &Author) -> Result<Posted, String> {
    if text.trim().is_empty() {
        return Err("the note is empty".to_string());
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!("the note is over {MAX_TEXT_BYTES} bytes"));
    }
    if who.name.len() > MAX_NAME_BYTES {
        return Err(format!("the operator name is over {MAX_NAME_BYTES} bytes"));
    }
    let client = connect(uri, "drconsole-note").await?;
    let events = collection(&client, COLLECTION);
    let first = event_id(incident, 1);
    let found = bounded(async move { events.find_one(doc! { "_id": first }).await }).await?;
    if found.is_none() {
        return Err(format!(
            "the operations MongoDB has no incident '{incident}' (its console mirrors it once \
             `[journal] mongodb` is set in its config)"
        ));
    }
    let oid = ObjectId::new();
    let entry = doc! {
        "_id": oid,
        "incident": incident,
        "text": text,
        "name": &who.name,
        "login": &who.login,
        "host": &who.host,
        "time": mongodb::bson::DateTime::now(),
        "taken": false,
    };
    let inbox = collection(&client, INBOX);
    bounded(async move { inbox.insert_one(entry).await }).await?;
    let heads = collection(&client, HEADS);
    let id = incident.to_string();
    let head = bounded(async move { heads.find_one(doc! { "_id": id }).await }).await?;
    let owner_seen = head.as_ref().and_then(|d| d.get_datetime("at").ok()).and_then(to_chrono);
    Ok(Posted { id: oid.to_hex(), owner_seen })
}

fn to_chrono(t: &mongodb::bson::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(t.timestamp_millis())
}

fn id_text(id: &Bson) -> String {
    match id {
        Bson::ObjectId(o) => o.to_hex(),
        Bson::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An inbox entry as a note, or why it cannot be one.
fn note_of(id: String, d: &Document) -> Result<InboxNote, String> {
    let text = d.get_str("text").map_err(|_| "it has no text".to_string())?;
    if text.trim().is_empty() {
        return Err("its text is empty".to_string());
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(format!("its text is over {MAX_TEXT_BYTES} bytes"));
    }
    let field = |k: &str| d.get_str(k).unwrap_or("").to_string();
    if let Some(k) = ["name", "login", "host"].into_iter().find(|k| field(k).len() > MAX_NAME_BYTES)
    {
        return Err(format!("its {k} is over {MAX_NAME_BYTES} bytes"));
    }
    let login = field("login");
    let name = Some(field("name")).filter(|n| !n.is_empty()).unwrap_or_else(|| login.clone());
    let written = d.get_datetime("time").ok().and_then(to_chrono).unwrap_or_else(Utc::now);
    let remote = RemoteAuthor { name, login, host: field("host"), written, inbox_id: id.clone() };
    Ok(InboxNote { id, text: text.to_string(), remote })
}

/// One round for the owning console: mark what it journaled (or refused) as taken, then hand
/// it the entries not yet taken.
pub(super) async fn serve(
    client: &Client,
    incident: &str,
    status: &SharedStatus,
    in_flight: &mut BTreeMap<String, Bson>,
) -> Result<(), String> {
    let inbox = collection(client, INBOX);
    let done = status.lock().map(|mut s| std::mem::take(&mut s.done)).unwrap_or_default();
    let mut left = Vec::new();
    let mut failure = None;
    for (id, what) in done {
        let Some(key) = in_flight.get(&id).cloned() else { continue };
        let mut set = doc! { "taken": true, "taken_at": mongodb::bson::DateTime::now() };
        match &what {
            InboxDone::Retry => {
                in_flight.remove(&id);
                continue;
            }
            InboxDone::Journaled => {}
            InboxDone::Refused(why) => {
                set.insert("refused", why.as_str());
            }
        }
        if failure.is_some() {
            left.push((id, what));
            continue;
        }
        let c = inbox.clone();
        match bounded(async move { c.update_one(doc! { "_id": key }, doc! { "$set": set }).await })
            .await
        {
            Ok(_) => {
                in_flight.remove(&id);
            }
            Err(e) => {
                failure = Some(e);
                left.push((id, what));
            }
        }
    }
    if let Ok(mut s) = status.lock() {
        s.done.splice(0..0, left);
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let c = inbox.clone();
    let id = incident.to_string();
    let waiting: Vec<Document> = bounded(async move {
        c.find(doc! { "incident": id, "taken": false })
            .sort(doc! { "_id": 1 })
            .limit(BATCH)
            .await?
            .try_collect()
            .await
    })
    .await?;
    let mut notes = Vec::new();
    for d in waiting {
        let Some(key) = d.get("_id").cloned() else { continue };
        let id = id_text(&key);
        if in_flight.contains_key(&id) {
            continue;
        }
        in_flight.insert(id.clone(), key);
        match note_of(id.clone(), &d) {
            Ok(n) => notes.push(n),
            Err(why) => {
                let why = format!("not a note: {why}");
                if let Ok(mut s) = status.lock() {
                    s.done.push((id, InboxDone::Refused(why)));
                }
            }
        }
    }
    if let Ok(mut s) = status.lock() {
        s.inbox.extend(notes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inbox_entry_becomes_a_note_or_says_why_not() {
        let t = mongodb::bson::DateTime::from_millis(1_700_000_000_000);
        let good = doc! { "text": "backup ok", "login": "liwei", "host": "ops2", "time": t };
        let n = note_of("a1".into(), &good).unwrap();
        assert_eq!((n.text.as_str(), n.remote.name.as_str()), ("backup ok", "liwei"));
        assert_eq!(n.remote.inbox_id, "a1");
        assert_eq!(n.remote.written.timestamp_millis(), 1_700_000_000_000);
        let named = doc! { "text": "x", "name": "Li Wei", "login": "liwei" };
        assert_eq!(note_of("a2".into(), &named).unwrap().remote.name, "Li Wei");
        for (bad, why) in [
            (doc! { "login": "x" }, "no text"),
            (doc! { "text": 3 }, "no text"),
            (doc! { "text": "  " }, "empty"),
            (doc! { "text": "x".repeat(MAX_TEXT_BYTES + 1) }, "bytes"),
            (doc! { "text": "x", "host": "h".repeat(MAX_NAME_BYTES + 1) }, "host"),
        ] {
            let e = note_of("b".into(), &bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}

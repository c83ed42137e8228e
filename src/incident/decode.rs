//! Journal payloads to events. The one decoder every reader uses (open, read, poll, mirror),
//! so that what the console shows and what a replay gives cannot differ.
//!
//! It never fails on a well-framed entry: one it cannot read (a newer version's event type, a
//! field it does not know) becomes [`EventKind::Unreadable`], shown on the timeline and in the
//! record and ignored by the state, and everything after it still counts. Framing and chain
//! damage are the journal's to refuse, before a payload gets here.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::event::{Actor, Event, EventKind};

/// An event, and a warning when the entry could not be read as one.
pub struct Decoded {
    pub event: Event,
    pub warning: Option<String>,
}

/// Decode the payload of journal entry `seq`. `prev_at` (the previous event's time) stands in
/// for the time of an entry whose own time cannot be read.
pub fn decode(seq: u64, mut payload: Value, prev_at: Option<DateTime<Utc>>) -> Decoded {
    upgrade_collided_backup_point(&mut payload);
    match serde_json::from_value::<Event>(payload.clone()) {
        Ok(event) => Decoded { event, warning: None },
        Err(err) => unreadable(seq, &payload, err.to_string(), prev_at),
    }
}

/// Decode a run of entries in order; the warnings go to the caller to show.
pub fn decode_all(
    entries: impl IntoIterator<Item = (u64, Value)>,
    warnings: &mut Vec<String>,
) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for (seq, payload) in entries {
        let d = decode(seq, payload, out.last().map(|e| e.at));
        warnings.extend(d.warning);
        out.push(d.event);
    }
    out
}

/// Versions up to 0.1.0 flattened `BackupPoint { at }` into the event, so its `at` (the backup
/// time) replaced the event's own: the line holds one `at` (the backup time) beside `wall`.
/// Read it as meant: the backup time is kept, the event time comes from `wall`.
fn upgrade_collided_backup_point(payload: &mut Value) {
    let Some(obj) = payload.as_object_mut() else { return };
    if obj.get("type").and_then(Value::as_str) != Some("backup-point")
        || obj.contains_key("backup_at")
    {
        return;
    }
    let (Some(backup), Some(wall)) = (obj.get("at").cloned(), obj.get("wall").cloned()) else {
        return;
    };
    obj.insert("backup_at".to_string(), backup);
    obj.insert("at".to_string(), wall);
}

/// The envelope fields of an entry, each optional, so a payload that is not a whole event
/// still gives its time and author.
#[derive(Deserialize, Default)]
struct LooseEnvelope {
    at: Option<DateTime<Utc>>,
    wall: Option<DateTime<Utc>>,
    mono_ms: Option<u64>,
    who: Option<Actor>,
}

fn unreadable(seq: u64, payload: &Value, error: String, prev_at: Option<DateTime<Utc>>) -> Decoded {
    let env: LooseEnvelope = serde_json::from_value(payload.clone()).unwrap_or_default();
    let event_type = payload
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| "(no type)".to_string());
    let at = env.at.or(env.wall).or(prev_at).unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let warning = format!(
        "journal entry {seq} ('{event_type}') is not an event this version understands ({error}); \
         it is shown as unreadable and ignored by the incident's state"
    );
    let event = Event {
        at,
        wall: env.wall.unwrap_or(at),
        mono_ms: env.mono_ms.unwrap_or(0),
        who: env.who.unwrap_or_default(),
        resource: None,
        success: false,
        kind: EventKind::Unreadable {
            seq,
            event_type,
            raw: redact_uris(&payload.to_string()),
            error,
        },
    };
    Decoded { event, warning: Some(warning) }
}

/// Connection strings inside a raw payload lose their passwords before it is shown.
fn redact_uris(raw: &str) -> String {
    raw.split('"')
        .map(|part| if part.contains("://") { crate::target::redact(part) } else { part.into() })
        .collect::<Vec<_>>()
        .join("\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_that_is_not_an_object_is_unreadable_not_a_panic() {
        for v in
            [Value::Null, serde_json::json!(1), serde_json::json!([1, 2]), serde_json::json!("x")]
        {
            let d = decode(7, v, None);
            assert!(matches!(d.event.kind, EventKind::Unreadable { seq: 7, .. }));
            assert!(d.warning.is_some());
        }
    }

    #[test]
    fn raw_text_of_an_unreadable_entry_is_redacted() {
        let v = serde_json::json!({"type": "from-the-future", "wall": "2026-11-28T10:00:00Z",
            "uri": "mongodb://admin:hunter2@127.0.0.1:27017/shop"});
        let d = decode(3, v, None);
        let EventKind::Unreadable { raw, event_type, .. } = &d.event.kind else { panic!() };
        assert_eq!(event_type, "from-the-future");
        assert!(!raw.contains("hunter2"), "{raw}");
        assert_eq!(d.event.at.to_rfc3339(), "2026-11-28T10:00:00+00:00");
    }
}

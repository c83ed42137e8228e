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

/// Decode the payload of journal entry `seq`, its bytes as written. `prev_at` (the previous
/// event's time) stands in for the time of an entry whose own time cannot be read.
///
/// An event is read straight from the bytes, without building a JSON tree first: that tree
/// cost more than everything else in reading a long journal. Only an entry that does not read
/// as an event (an old version's backup point, a newer version's event, damage) is parsed
/// into a tree, to upgrade it or to show what it holds.
pub fn decode(seq: u64, payload: &str, prev_at: Option<DateTime<Utc>>) -> Decoded {
    // From text already checked to be UTF-8 (by the journal), so strings are not checked again.
    match serde_json::from_str::<Event>(payload) {
        Ok(event) => Decoded { event, warning: None },
        Err(err) => decode_slow(seq, payload, err, prev_at),
    }
}

/// The entries that do not read as an event as they stand.
#[cold]
fn decode_slow(
    seq: u64,
    payload: &str,
    err: serde_json::Error,
    prev_at: Option<DateTime<Utc>>,
) -> Decoded {
    let Ok(mut value) = serde_json::from_str::<Value>(payload) else {
        return unreadable(seq, payload, None, err.to_string(), prev_at);
    };
    if upgrade_collided_backup_point(&mut value) {
        match serde_json::from_value::<Event>(value.clone()) {
            Ok(event) => return Decoded { event, warning: None },
            Err(e) => return unreadable(seq, payload, Some(&value), e.to_string(), prev_at),
        }
    }
    unreadable(seq, payload, Some(&value), err.to_string(), prev_at)
}

/// Decode a run of entries (seq, payload bytes) in order; the warnings go to the caller to
/// show.
pub fn decode_all<'a>(
    entries: impl IntoIterator<Item = (u64, &'a str)>,
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
/// Read it as meant: the backup time is kept, the event time comes from `wall`. Such a line
/// never reads as an event as it stands (no `backup_at`), so only the slow path sees it.
/// Whether the payload was upgraded.
fn upgrade_collided_backup_point(payload: &mut Value) -> bool {
    let Some(obj) = payload.as_object_mut() else { return false };
    if obj.get("type").and_then(Value::as_str) != Some("backup-point")
        || obj.contains_key("backup_at")
    {
        return false;
    }
    let (Some(backup), Some(wall)) = (obj.get("at").cloned(), obj.get("wall").cloned()) else {
        return false;
    };
    obj.insert("backup_at".to_string(), backup);
    obj.insert("at".to_string(), wall);
    true
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

/// An entry that is not an event: `value` is its payload as JSON, `None` if it is not JSON.
fn unreadable(
    seq: u64,
    payload: &str,
    value: Option<&Value>,
    error: String,
    prev_at: Option<DateTime<Utc>>,
) -> Decoded {
    let env: LooseEnvelope =
        value.and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default();
    let event_type = value
        .and_then(|v| v.get("type"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| "(no type)".to_string());
    let raw = payload;
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
        kind: EventKind::Unreadable { seq, event_type, raw: redact_uris(raw), error },
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
            let d = decode(7, &v.to_string(), None);
            assert!(matches!(d.event.kind, EventKind::Unreadable { seq: 7, .. }));
            assert!(d.warning.is_some());
        }
    }

    #[test]
    fn raw_text_of_an_unreadable_entry_is_redacted() {
        let v = serde_json::json!({"type": "from-the-future", "wall": "2026-11-28T10:00:00Z",
            "uri": "mongodb://admin:hunter2@127.0.0.1:27017/shop"});
        let d = decode(3, &v.to_string(), None);
        let EventKind::Unreadable { raw, event_type, .. } = &d.event.kind else { panic!() };
        assert_eq!(event_type, "from-the-future");
        assert!(!raw.contains("hunter2"), "{raw}");
        assert_eq!(d.event.at.to_rfc3339(), "2026-11-28T10:00:00+00:00");
    }

    #[test]
    fn bytes_that_are_not_json_are_unreadable_and_shown_as_written() {
        let d = decode(4, "{\"type\":\"note\",", None);
        let EventKind::Unreadable { raw, event_type, seq, .. } = &d.event.kind else { panic!() };
        assert_eq!(
            (*seq, event_type.as_str(), raw.as_str()),
            (4, "(no type)", "{\"type\":\"note\",")
        );
        assert!(d.warning.is_some());
    }
}

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
    /// The entry gave no time of its own (an unreadable entry without `at` or `wall`): its
    /// time is the previous event's, set by [`Decoded::settle`].
    timeless: bool,
}

impl Decoded {
    /// Places the entry after `prev`, the event before it in the journal: an entry without a
    /// time of its own (an unreadable one) takes `prev`'s, so it keeps its place on the
    /// timeline, and an operator who is `prev`'s is shared with it rather than held again.
    pub fn settle(mut self, prev: Option<&Event>) -> Decoded {
        if self.timeless {
            self.event.at = prev.map_or(DateTime::<Utc>::UNIX_EPOCH, |p| p.at);
            self.event.wall = self.event.at;
            self.timeless = false;
        }
        if let Some(p) = prev.filter(|p| p.who == self.event.who) {
            self.event.who = p.who.clone();
        }
        self
    }
}

/// Decode the payload of journal entry `seq`, its bytes as written, placed after `prev`, the
/// event before it (see [`Decoded::settle`]).
pub fn decode(seq: u64, payload: &str, prev: Option<&Event>) -> Decoded {
    decode_alone(seq, payload).settle(prev)
}

/// [`decode`] of one entry on its own, as readers do for many lines at once (on two threads):
/// [`Decoded::settle`] it after the event before it, in journal order.
///
/// An event is read straight from the bytes, without building a JSON tree first: that tree
/// cost more than everything else in reading a long journal. Only an entry that does not read
/// as an event (an old version's backup point, a newer version's event, damage) is parsed
/// into a tree, to upgrade it or to show what it holds.
pub fn decode_alone(seq: u64, payload: &str) -> Decoded {
    // From text already checked to be UTF-8 (by the journal), so strings are not checked again.
    match serde_json::from_str::<Event>(payload) {
        Ok(event) => Decoded { event, warning: None, timeless: false },
        Err(err) => decode_slow(seq, payload, err),
    }
}

/// The entries that do not read as an event as they stand, read as before there was a direct
/// path: as a tree, upgraded if an old version wrote it, then as an event (a key given twice,
/// which the direct path refuses, counts once, the last). What still does not read is
/// unreadable, with the tree's reason.
#[cold]
fn decode_slow(seq: u64, payload: &str, err: serde_json::Error) -> Decoded {
    let Ok(mut value) = serde_json::from_str::<Value>(payload) else {
        return unreadable(seq, payload, None, err.to_string());
    };
    upgrade_collided_backup_point(&mut value);
    match serde_json::from_value::<Event>(value.clone()) {
        Ok(event) => Decoded { event, warning: None, timeless: false },
        Err(e) => unreadable(seq, payload, Some(&value), e.to_string()),
    }
}

/// Decode a run of entries (seq, payload bytes) in order; the warnings go to the caller to
/// show.
pub fn decode_all<'a>(
    entries: impl IntoIterator<Item = (u64, &'a str)>,
    warnings: &mut Vec<String>,
) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for (seq, payload) in entries {
        let d = decode(seq, payload, out.last());
        warnings.extend(d.warning);
        out.push(d.event);
    }
    out
}

/// Versions up to 0.1.0 flattened `BackupPoint { at }` into the event, so its `at` (the backup
/// time) replaced the event's own: the line holds one `at` (the backup time) beside `wall`.
/// Read it as meant: the backup time is kept, the event time comes from `wall`. Such a line
/// never reads as an event as it stands (no `backup_at`), so only the slow path sees it.
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

/// An entry that is not an event: `value` is its payload as JSON, `None` if it is not JSON.
fn unreadable(seq: u64, payload: &str, value: Option<&Value>, error: String) -> Decoded {
    let env: LooseEnvelope =
        value.and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default();
    let event_type = value
        .and_then(|v| v.get("type"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| "(no type)".to_string());
    let timeless = env.at.is_none() && env.wall.is_none();
    let at = env.at.or(env.wall).unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let warning = format!(
        "journal entry {seq} ('{event_type}') is not an event this version understands ({error}); \
         it is shown as unreadable and ignored by the incident's state"
    );
    let event = Event {
        at,
        wall: env.wall.unwrap_or(at),
        mono_ms: env.mono_ms.unwrap_or(0),
        who: env.who.unwrap_or_default().into(),
        resource: None,
        success: false,
        kind: EventKind::Unreadable { seq, event_type, raw: redact_uris(payload), error },
    };
    Decoded { event, warning: Some(warning), timeless }
}

/// An event's own time (`at`, `wall`), read as chrono reads an RFC 3339 time, but the form
/// the journal writes (`2026-11-28T10:00:00.123456789Z`) without chrono's general parser,
/// which was a quarter of the cost of decoding an event.
pub(super) fn event_time<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<DateTime<Utc>, D::Error> {
    struct Rfc3339;
    impl serde::de::Visitor<'_> for Rfc3339 {
        type Value = DateTime<Utc>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an RFC 3339 formatted date and time string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
            match utc_as_written(v) {
                Some(t) => Ok(t),
                // Anything else exactly as chrono's own `Deserialize` reads it.
                None => v
                    .parse::<DateTime<chrono::FixedOffset>>()
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(E::custom),
            }
        }
    }
    d.deserialize_str(Rfc3339)
}

/// An event's operator, in one allocation (serde's own `Arc` goes through a `Box`).
pub(super) fn shared_actor<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::sync::Arc<Actor>, D::Error> {
    Actor::deserialize(d).map(std::sync::Arc::new)
}

/// `YYYY-MM-DDTHH:MM:SS[.f]Z` with 1 to 9 digits of fraction and no leap second, as chrono
/// writes a UTC time; `None` for any other form.
fn utc_as_written(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if b.len() < 20 || b.last() != Some(&b'Z') || seps.iter().any(|&(i, c)| b.get(i) != Some(&c)) {
        return None;
    }
    let digits = |d: &[u8]| {
        d.iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let field = |from: usize, to: usize| b.get(from..to).and_then(digits);
    let (year, month, day) = (field(0, 4)?, field(5, 7)?, field(8, 10)?);
    let (hour, min, sec) = (field(11, 13)?, field(14, 16)?, field(17, 19)?);
    let nanos = match b.get(19..b.len() - 1)? {
        [] => 0,
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            digits(frac)? * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    if sec > 59 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let time = chrono::NaiveTime::from_hms_nano_opt(hour, min, sec, nanos)?;
    Some(date.and_time(time).and_utc())
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
    fn event_times_read_as_chrono_reads_them() {
        use chrono::{SecondsFormat, TimeZone};
        let chrono_reads = |s: &str| {
            s.parse::<DateTime<chrono::FixedOffset>>().ok().map(|t| t.with_timezone(&Utc))
        };
        let mut written = Vec::new();
        for (i, nanos) in [0u32, 1, 120_000_000, 123_456_000, 999_999_999, 5].iter().enumerate() {
            let t = Utc.with_ymd_and_hms(2020 + i as i32, 2, 29 - i as u32, 23, 59, 58).unwrap()
                + chrono::Duration::nanoseconds(i64::from(*nanos));
            for f in [SecondsFormat::AutoSi, SecondsFormat::Nanos, SecondsFormat::Millis] {
                written.push(t.to_rfc3339_opts(f, true));
            }
        }
        let odd = [
            "2026-11-28T10:00:00.5Z",
            "2026-11-28T10:00:00.1234567891Z",
            "2026-11-28T10:00:60Z",
            "2026-11-28t10:00:00Z",
            "2026-11-28 10:00:00Z",
            "2026-11-28T10:00:00+08:00",
            "2026-11-28T10:00:00z",
            "2026-02-30T10:00:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T10:00:00.Z",
            "+2026-11-28T10:00:00Z",
            "2026-1-28T10:00:00Z",
            "",
            "2026-11-28T10:00:00.12a4Z",
            "９９９９-11-28T10:00:00Z",
        ];
        for s in written.iter().map(String::as_str).chain(odd) {
            let ours = serde_json::from_value::<Event>(serde_json::json!({
                "at": s, "wall": s, "mono_ms": 0, "type": "closed",
                "who": {"user": "u", "host": "h", "pid": 1}
            }))
            .ok()
            .map(|e| (e.at, e.wall));
            assert_eq!(ours, chrono_reads(s).map(|t| (t, t)), "{s:?}");
            if written.iter().any(|w| w == s) {
                assert!(utc_as_written(s).is_some(), "fast path for {s}");
            }
        }
    }

    #[test]
    fn a_key_given_twice_counts_once_as_it_always_did() {
        let p = r#"{"at":"2026-11-28T10:00:00Z","mono_ms":1,"text":"first","text":"last","type":"note","wall":"2026-11-28T10:00:00Z","who":{"host":"h","pid":1,"user":"u"}}"#;
        let d = decode(1, p, None);
        assert!(d.warning.is_none(), "{:?}", d.warning);
        assert_eq!(d.event.kind, EventKind::Note { text: "last".into() });
    }

    #[test]
    fn consecutive_events_of_one_operator_share_it() {
        let who = r#""who":{"host":"jump1","pid":42,"user":"ops"}"#;
        let other = r#""who":{"host":"jump2","pid":7,"user":"scribe"}"#;
        let note = |w: &str| {
            format!(
                r#"{{"at":"2026-11-28T10:00:00Z","mono_ms":1,"text":"n","type":"note","wall":"2026-11-28T10:00:00Z",{w}}}"#
            )
        };
        let lines = [note(who), note(who), note(other), note(other), note(who)];
        let mut warnings = Vec::new();
        let evs = decode_all(
            lines.iter().enumerate().map(|(i, l)| (i as u64 + 1, l.as_str())),
            &mut warnings,
        );
        assert!(warnings.is_empty());
        let same = |a: usize, b: usize| std::sync::Arc::ptr_eq(&evs[a].who, &evs[b].who);
        assert!(same(0, 1) && same(2, 3) && !same(1, 2) && !same(3, 4));
        assert_eq!(evs[4].who, evs[0].who);
        assert_eq!(evs[2].who.user, "scribe");
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

    /// Health states are typed (`Health`) but must be written as they always were: a journal
    /// line holding "UP"/"DOWN" (and a drill expectation's "DEGRADED") reads as an event that
    /// writes back the very same bytes, so old journals keep their hashes and new ones read
    /// with an older version.
    #[test]
    fn health_words_in_a_journal_line_round_trip_byte_identically() {
        use crate::journal::{read_entries, Journal};
        use crate::probe::Health;
        // As the version before typed health wrote them (canonical JSON: sorted keys).
        let written = [
            r#"{"at":"2026-11-28T06:01:00Z","detail":"connection refused","from":"UP","mono_ms":5,"resource":"mongodb","service":"mongodb","success":false,"to":"DOWN","type":"health-changed","wall":"2026-11-28T06:01:00.072319343Z","who":{"host":"jump1","pid":42,"tty":"/dev/pts/0","user":"ops"}}"#,
            r#"{"at":"2026-11-28T06:02:00Z","detail":"","from":"DOWN","mono_ms":6,"resource":"api","service":"api","success":true,"to":"UP","type":"health-changed","wall":"2026-11-28T06:02:00Z","who":{"host":"jump1","pid":42,"tty":"/dev/pts/0","user":"ops"}}"#,
            r#"{"at":"2026-11-28T06:03:00Z","by_secs":120,"kind":"service","met":true,"mono_ms":7,"resource":"api","state":"DEGRADED","success":true,"target":"api","type":"drill-expectation","wall":"2026-11-28T06:03:00Z","who":{"host":"jump1","pid":42,"tty":"/dev/pts/0","user":"ops"}}"#,
        ];
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old/journal.drj"), dir.path().join("new/journal.drj"));
        let mut j = Journal::create(&old).unwrap();
        for text in written {
            j.append(serde_json::from_str(text).unwrap()).unwrap();
        }
        let mut again = Journal::create(&new).unwrap();
        let mut prev: Option<Event> = None;
        for entry in read_entries(&old).unwrap() {
            let d = decode(entry.seq, entry.payload.as_str(), prev.as_ref());
            assert!(d.warning.is_none(), "{:?}", d.warning);
            again.append(serde_json::to_value(&d.event).unwrap()).unwrap();
            prev = Some(d.event);
        }
        let (old_bytes, new_bytes) = (std::fs::read(&old).unwrap(), std::fs::read(&new).unwrap());
        assert_eq!(String::from_utf8_lossy(&new_bytes), String::from_utf8_lossy(&old_bytes));
        assert!(String::from_utf8_lossy(&old_bytes).contains(r#""from":"UP""#));
        let d = decode(1, written[0], None);
        let EventKind::HealthChanged { from, to, .. } = d.event.kind else {
            panic!("{:?}", d.event.kind)
        };
        assert_eq!((from, to), (Health::Up, Health::Down));
    }
}

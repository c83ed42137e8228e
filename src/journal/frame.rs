//! One journal line: `<len> <crc32 hex> <json>\n`.
//!
//! `json` is always written in this exact layout, so the payload's bytes can be taken from
//! the line as written (re-serialising a parsed float is not guaranteed to give the same
//! bytes, and the hash must be checkable by anyone with sha256 and a text editor):
//!
//! `{"seq":<n>,"prev":"<64 hex>","hash":"<64 hex>","payload":<canonical json>}`
//!
//! `hash = sha256(prev as 64 ASCII hex bytes ‖ seq as 8-byte big-endian ‖ payload bytes)`.

use sha2::{Digest, Sha256};

use super::canonical;
use super::error::JournalError;
use super::{Entry, Payload};

/// Largest `json` part of one line. A declared length above this is treated as damage, so a
/// corrupted length field can never make a reader allocate or wait for gigabytes.
pub const MAX_ENTRY_BYTES: usize = 1 << 20;
/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const MAX_LEN_DIGITS: usize = 7; // 1048576
const CRC_DIGITS: usize = 8;
/// Longest whole line: length, space, checksum, space, `json`, newline. A run of this many
/// bytes with no newline in it cannot be the start of a line.
pub const MAX_LINE_BYTES: usize = MAX_LEN_DIGITS + 1 + CRC_DIGITS + 1 + MAX_ENTRY_BYTES + 1;

pub fn entry_hash(prev: &str, seq: u64, payload: &[u8]) -> String {
    hex::encode(entry_digest(prev, seq, payload))
}

fn entry_digest(prev: &str, seq: u64, payload: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(seq.to_be_bytes());
    h.update(payload);
    h.finalize().into()
}

/// Builds the entry that follows `prev` with number `seq`, and its line.
pub fn encode(
    seq: u64,
    prev: &str,
    payload: serde_json::Value,
) -> Result<(Entry, Vec<u8>), JournalError> {
    let payload_bytes = canonical::to_vec(&payload);
    drop(payload);
    // A value nested deeper than serde_json's recursion limit could be written but never read
    // back. The entry carries the bytes written, so it is what a reader of the file sees.
    serde_json::from_slice::<serde_json::Value>(&payload_bytes)
        .map_err(|e| JournalError::Payload(format!("it would not read back: {e}")))?;
    let hash = entry_hash(prev, seq, &payload_bytes);
    let mut json =
        format!(r#"{{"seq":{seq},"prev":"{prev}","hash":"{hash}","payload":"#).into_bytes();
    json.extend_from_slice(&payload_bytes);
    json.push(b'}');
    if json.len() > MAX_ENTRY_BYTES {
        return Err(JournalError::TooLarge { bytes: json.len(), max: MAX_ENTRY_BYTES });
    }
    let mut line = format!("{} {:08x} ", json.len(), crc32fast::hash(&json)).into_bytes();
    line.extend_from_slice(&json);
    line.push(b'\n');
    // Canonical JSON of a value is UTF-8 text.
    let payload = String::from_utf8(payload_bytes)
        .map(Payload::from)
        .map_err(|e| JournalError::Payload(e.to_string()))?;
    Ok((Entry { seq, prev: prev.to_string(), hash, payload }, line))
}

/// A well-framed line, borrowed from the buffer it was read from: reading a journal copies
/// nothing per line until a caller asks for an owned [`Entry`]. Whether it links onto the
/// chain is checked separately.
#[derive(Debug, Clone)]
pub struct Frame<'a> {
    pub seq: u64,
    /// The previous entry's hash, as written (64 lowercase hex digits).
    pub prev: &'a str,
    /// This entry's hash, as written (64 lowercase hex digits).
    pub hash: &'a str,
    /// The payload exactly as written (and hashed), checked to be UTF-8 text. Not parsed
    /// here: the reader that gives it meaning parses it once.
    pub payload: &'a str,
    /// Bytes of the whole line including its newline.
    pub line_len: usize,
    /// The whole line as written, newline included.
    pub line: &'a [u8],
}

impl Frame<'_> {
    /// The hash of the line's prev, seq and payload bytes, recomputed (the costly part of
    /// checking a line: readers may work it out for many lines at once, see `stream`).
    pub fn digest(&self) -> [u8; 32] {
        entry_digest(self.prev, self.seq, self.payload.as_bytes())
    }

    /// Whether the hash written on the line is `digest`, the one its contents give.
    pub fn hash_is(&self, digest: &[u8; 32]) -> bool {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let text = self.hash.as_bytes();
        text.len() == 64
            && text.chunks_exact(2).zip(digest).all(|(pair, byte)| {
                pair == [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]]
            })
    }

    pub fn to_entry(&self) -> Entry {
        Entry {
            seq: self.seq,
            prev: self.prev.to_string(),
            hash: self.hash.to_string(),
            payload: Payload::from(self.payload.to_string()),
        }
    }
}

#[derive(Debug)]
pub enum Parsed<'a> {
    Frame(Frame<'a>),
    /// Everything present is a plausible start of a line but it is not finished: a write in
    /// progress, or one cut short by a crash.
    Incomplete,
    /// Not a line this journal writes (a torn write after power loss, or damage).
    Invalid(String),
}

/// Parses the line at the start of `buf`. Never panics, whatever `buf` holds.
pub fn parse(buf: &[u8]) -> Parsed<'_> {
    // Counting stops one past the limit so a long run of digits costs nothing extra.
    let digits = buf.iter().take(MAX_LEN_DIGITS + 1).take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return if buf.is_empty() {
            Parsed::Incomplete
        } else {
            Parsed::Invalid("the line does not start with a length".into())
        };
    }
    if digits > MAX_LEN_DIGITS {
        return Parsed::Invalid("the length field is too long".into());
    }
    let Some(&sep) = buf.get(digits) else { return Parsed::Incomplete };
    if sep != b' ' {
        return Parsed::Invalid("the length is not followed by a space".into());
    }
    if digits > 1 && buf.first() == Some(&b'0') {
        return Parsed::Invalid("the length has a leading zero".into());
    }
    let len = buf[..digits].iter().fold(0usize, |n, d| n * 10 + usize::from(d - b'0'));
    if len == 0 || len > MAX_ENTRY_BYTES {
        return Parsed::Invalid(format!(
            "declared length {len} is outside 1..={MAX_ENTRY_BYTES} bytes"
        ));
    }
    let crc_start = digits + 1;
    let crc_end = crc_start + CRC_DIGITS;
    for i in crc_start..=crc_end {
        let Some(&b) = buf.get(i) else { return Parsed::Incomplete };
        let ok = if i == crc_end { b == b' ' } else { is_lower_hex(b) };
        if !ok {
            return Parsed::Invalid("the checksum field is malformed".into());
        }
    }
    let body_start = crc_end + 1;
    let body_end = body_start + len;
    let Some(&newline) = buf.get(body_end) else { return Parsed::Incomplete };
    if newline != b'\n' {
        return Parsed::Invalid("the line is not as long as its length field says".into());
    }
    let body = &buf[body_start..body_end];
    let crc_text = std::str::from_utf8(&buf[crc_start..crc_end]).unwrap_or("");
    let declared_crc = u32::from_str_radix(crc_text, 16).ok();
    if declared_crc != Some(crc32fast::hash(body)) {
        return Parsed::Invalid("checksum mismatch: the line's bytes were changed".into());
    }
    match parse_body(body) {
        Ok((seq, prev, hash, payload)) => Parsed::Frame(Frame {
            seq,
            prev,
            hash,
            payload,
            line_len: body_end + 1,
            line: buf.get(..body_end + 1).unwrap_or_default(),
        }),
        Err(reason) => Parsed::Invalid(reason),
    }
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// Reads the fixed layout: seq, prev, hash and the payload's bytes as written. The payload is
/// only checked to be UTF-8 text (the file is text); what it says is for the reader that
/// gives it meaning, which parses it once (see `incident::decode`).
fn parse_body(body: &[u8]) -> Result<(u64, &str, &str, &str), String> {
    let bad = |what: &str| format!("the entry's JSON is malformed ({what})");
    let rest = body.strip_prefix(br#"{"seq":"#).ok_or_else(|| bad("seq"))?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 20 || (digits > 1 && rest.first() == Some(&b'0')) {
        return Err(bad("seq"));
    }
    let seq = std::str::from_utf8(&rest[..digits])
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| bad("seq"))?;
    let rest = rest[digits..].strip_prefix(br#","prev":""#).ok_or_else(|| bad("prev"))?;
    let (prev, rest) = take_hash(rest).ok_or_else(|| bad("prev"))?;
    let rest = rest.strip_prefix(br#"","hash":""#).ok_or_else(|| bad("hash"))?;
    let (hash, rest) = take_hash(rest).ok_or_else(|| bad("hash"))?;
    let rest = rest.strip_prefix(br#"","payload":"#).ok_or_else(|| bad("payload"))?;
    let payload = rest.strip_suffix(b"}").ok_or_else(|| bad("closing brace"))?;
    if payload.is_empty() {
        return Err(bad("payload: empty"));
    }
    let payload = std::str::from_utf8(payload).map_err(|e| bad(&format!("payload: {e}")))?;
    Ok((seq, prev, hash, payload))
}

fn take_hash(buf: &[u8]) -> Option<(&str, &[u8])> {
    let hex = buf.get(..64)?;
    if !hex.iter().all(|&b| is_lower_hex(b)) {
        return None;
    }
    Some((std::str::from_utf8(hex).ok()?, &buf[64..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn frame(buf: &[u8]) -> Frame<'_> {
        match parse(buf) {
            Parsed::Frame(f) => f,
            other => panic!("expected a frame, got {other:?}"),
        }
    }

    #[test]
    fn encode_then_parse_round_trips() {
        let (entry, line) =
            encode(1, GENESIS, json!({"kind": "note", "text": "数据库 down"})).unwrap();
        let text = String::from_utf8(line.clone()).unwrap();
        assert!(text.ends_with("}\n"));
        assert_eq!(text.matches('\n').count(), 1, "one entry, one line");
        let json_part = text.splitn(3, ' ').nth(2).unwrap().trim_end();
        assert_eq!(text.split(' ').next().unwrap(), json_part.len().to_string());
        let f = frame(&line);
        assert_eq!(f.to_entry(), entry);
        assert_eq!(f.line_len, line.len());
        assert!(f.hash_is(&f.digest()));
        assert_eq!(hex::encode(f.digest()), entry.hash);
        assert_eq!(
            entry.hash,
            entry_hash(GENESIS, 1, r#"{"kind":"note","text":"数据库 down"}"#.as_bytes())
        );
    }

    #[test]
    fn every_strict_prefix_is_incomplete() {
        let (_, line) = encode(7, GENESIS, json!([1, 2.5, "x"])).unwrap();
        for cut in 0..line.len() {
            assert!(matches!(parse(&line[..cut]), Parsed::Incomplete), "cut at {cut}");
        }
    }

    #[test]
    fn any_flipped_byte_is_invalid() {
        let (_, line) = encode(3, GENESIS, json!({"a": "b"})).unwrap();
        for i in 0..line.len() {
            let mut bad = line.clone();
            bad[i] ^= 0x01;
            match parse(&bad) {
                Parsed::Frame(_) => panic!("flip at {i} went unnoticed"),
                Parsed::Invalid(_) | Parsed::Incomplete => {}
            }
        }
    }

    #[test]
    fn garbage_never_panics() {
        let cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![0; 100],
            b"99999999999999999999 x".to_vec(),
            b"1048577 00000000 {}\n".to_vec(),
            b"5 0000000g {}\n".to_vec(),
            b"2 00000000 {}\n".to_vec(),
            (0..=255u8).cycle().take(5000).collect(),
        ];
        for c in cases {
            let _ = parse(&c);
        }
    }

    #[test]
    fn payloads_that_would_not_read_back_are_refused() {
        let mut deep = json!(1);
        for _ in 0..200 {
            deep = json!([deep]);
        }
        assert!(matches!(encode(1, GENESIS, deep), Err(JournalError::Payload(_))));
    }

    #[test]
    fn the_entry_holds_the_payload_as_read_back() {
        let v = json!(-3.315641150660578e259);
        let (entry, line) = encode(1, GENESIS, v.clone()).unwrap();
        assert_eq!(frame(&line).to_entry(), entry);
        assert_eq!(entry.value(), v);
    }

    #[test]
    fn a_frame_borrows_the_payload_bytes_as_written() {
        let (_, line) = encode(2, GENESIS, json!({"b": 1.5, "a": "x"})).unwrap();
        let f = frame(&line);
        assert_eq!(f.payload, r#"{"a":"x","b":1.5}"#);
        assert_eq!(f.prev, GENESIS);
        assert_eq!(f.seq, 2);
    }

    #[test]
    fn a_payload_that_is_not_utf8_is_not_a_frame() {
        let payload = b"{\"a\":\"\xff\"}";
        let json = [
            &br#"{"seq":1,"prev":""#[..],
            GENESIS.as_bytes(),
            br#"","hash":""#,
            entry_hash(GENESIS, 1, payload).as_bytes(),
            br#"","payload":"#,
            payload,
            b"}",
        ]
        .concat();
        let mut line = format!("{} {:08x} ", json.len(), crc32fast::hash(&json)).into_bytes();
        line.extend_from_slice(&json);
        line.push(b'\n');
        assert!(matches!(parse(&line), Parsed::Invalid(_)));
    }

    #[test]
    fn oversized_entries_are_refused() {
        let big = "x".repeat(MAX_ENTRY_BYTES);
        assert!(matches!(encode(1, GENESIS, json!(big)), Err(JournalError::TooLarge { .. })));
    }
}

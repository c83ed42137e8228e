//! Checking a journal file end to end and saying where it first breaks, in plain words.

use std::path::Path;

use super::frame::{self, Parsed};
use super::scan::{judge_rest, scan_each, Chain, Rest, Tail};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries that check out, from the start up to the first break.
    pub entries: u64,
    /// Hash of the last entry that checks out.
    pub head: String,
    pub first_broken: Option<Broken>,
    /// Bytes of an unfinished last line (a write cut short by a crash, or a copy cut
    /// mid-line). Not damage: opening the journal cuts it. Still worth a warning: the bytes
    /// were never an acknowledged entry, but a truncated copy looks exactly like this.
    pub unfinished_tail: Option<u64>,
    /// The seq of the entry whose hash is the anchor asked for (0 for the empty chain's
    /// head), if it is among the entries that check out.
    pub anchor_seq: Option<u64>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.first_broken.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// 1-based line number in the file.
    pub line: u64,
    /// The seq written on that line, when it can be read.
    pub seq: Option<u64>,
    pub reason: String,
}

pub fn verify(path: &Path) -> VerifyReport {
    verify_anchored(path, None)
}

/// [`verify`], also looking for the entry whose hash is `anchor` (a head saved earlier). A
/// chain rewritten by someone with write access verifies, but no longer holds a head saved
/// before the rewrite.
pub fn verify_anchored(path: &Path, anchor: Option<&str>) -> VerifyReport {
    match super::read::read_journal_file(path) {
        Ok(buf) => verify_bytes(&buf, anchor),
        Err(e) => VerifyReport {
            entries: 0,
            head: frame::GENESIS.to_string(),
            first_broken: Some(Broken { line: 0, seq: None, reason: e.to_string() }),
            unfinished_tail: None,
            anchor_seq: None,
        },
    }
}

/// The same walk as opening and reading ([`scan_each`], the chain's checks, [`judge_rest`]'s
/// tail rule), reported line by line for a person instead of refused.
fn verify_bytes(buf: &[u8], anchor: Option<&str>) -> VerifyReport {
    let mut chain = Chain::genesis();
    let mut pos = 0usize;
    let mut line = 0u64;
    let mut anchor_seq = anchor.filter(|a| *a == frame::GENESIS).map(|_| 0);
    let walked = scan_each(buf, |f| {
        line += 1;
        let next = pos + f.line_len;
        if chain.link_error(&f).is_some() {
            let reason = describe_link_error(&chain, &f, buf, next, line);
            return Err(Broken { line, seq: Some(f.seq), reason });
        }
        chain.advance(&f);
        if anchor_seq.is_none() && anchor == Some(chain.head.as_str()) {
            anchor_seq = Some(chain.last_seq);
        }
        pos = next;
        Ok(())
    });
    let report = |chain: Chain, broken: Option<Broken>, unfinished: Option<u64>| VerifyReport {
        entries: chain.last_seq,
        head: chain.head,
        first_broken: broken,
        unfinished_tail: unfinished,
        anchor_seq,
    };
    let (good_end, tail) = match walked {
        Ok(end) => end,
        Err(broken) => return report(chain, Some(broken), None),
    };
    let rest = buf.get(good_end..).unwrap_or_default();
    let what = match tail {
        Tail::Clean => return report(chain, None, None),
        Tail::Invalid(why) => why,
        Tail::Incomplete => {
            "it is shorter than its length field says (bytes were removed)".to_string()
        }
    };
    let after = match judge_rest(buf, good_end) {
        Rest::Torn => return report(chain, None, Some(rest.len() as u64)),
        Rest::Followed(_) => "complete entries follow it",
        Rest::Complete => {
            "it is the last line, but complete (it ends in a newline), so it was changed after \
             it was written, not cut short by a crash; opening the journal refuses it"
        }
    };
    let line = line + 1;
    let reason = format!("line {line} (after seq {}) is damaged: {what}; {after}", chain.last_seq);
    report(chain, Some(Broken { line, seq: seq_in(rest), reason }), None)
}

/// Explains why a well-formed line does not follow the chain: deleted, moved or edited.
fn describe_link_error(
    chain: &Chain,
    f: &frame::Frame,
    buf: &[u8],
    next: usize,
    line: u64,
) -> String {
    let want = chain.last_seq + 1;
    let got = f.seq;
    if got == want {
        return format!(
            "line {line}: {}",
            chain.link_error(f).unwrap_or_else(|| "does not link".to_string())
        );
    }
    if got < want {
        return format!(
            "line {line} holds seq {got}, but seq {want} was expected: lines were swapped, \
             moved or duplicated"
        );
    }
    match find_seq_later(buf, next, want, line) {
        Some(later) => format!(
            "line {line} holds seq {got}, but seq {want} was expected; seq {want} appears \
             later, at line {later}: lines were swapped or moved"
        ),
        None => format!(
            "line {line} holds seq {got}, but seq {want} was expected; seq {want} is nowhere \
             in the file: a line was deleted"
        ),
    }
}

fn find_seq_later(buf: &[u8], mut pos: usize, seq: u64, mut line: u64) -> Option<u64> {
    while let Some(rest) = buf.get(pos..).filter(|r| !r.is_empty()) {
        line += 1;
        let Parsed::Frame(f) = frame::parse(rest) else { return None };
        if f.seq == seq {
            return Some(line);
        }
        pos += f.line_len;
    }
    None
}

/// Best-effort seq of a damaged line, for the report.
fn seq_in(rest: &[u8]) -> Option<u64> {
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = rest.get(..end)?;
    let key = br#"{"seq":"#;
    let at = line.windows(key.len()).position(|w| w == key)? + key.len();
    let digits: Vec<u8> =
        line.get(at..)?.iter().take_while(|b| b.is_ascii_digit()).take(20).copied().collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

//! Checking a journal file end to end and saying where it first breaks, in plain words.

use std::path::Path;

use super::frame::{self, Parsed};
use super::scan::{valid_line_after, Chain};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries that check out, from the start up to the first break.
    pub entries: u64,
    /// Hash of the last entry that checks out.
    pub head: String,
    pub first_broken: Option<Broken>,
    /// Bytes of an unfinished last line (a write cut short by a crash). Not damage: opening
    /// the journal cuts it.
    pub unfinished_tail: Option<u64>,
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
    match std::fs::read(path) {
        Ok(buf) => verify_bytes(&buf),
        Err(e) => VerifyReport {
            entries: 0,
            head: frame::GENESIS.to_string(),
            first_broken: Some(Broken {
                line: 0,
                seq: None,
                reason: format!("cannot read {}: {e}", path.display()),
            }),
            unfinished_tail: None,
        },
    }
}

pub fn verify_bytes(buf: &[u8]) -> VerifyReport {
    let mut chain = Chain::genesis();
    let mut pos = 0usize;
    let mut line = 0u64;
    let report = |chain: &Chain, broken: Option<Broken>, unfinished: Option<u64>| VerifyReport {
        entries: chain.last_seq,
        head: chain.head.clone(),
        first_broken: broken,
        unfinished_tail: unfinished,
    };
    loop {
        let rest = buf.get(pos..).unwrap_or_default();
        if rest.is_empty() {
            return report(&chain, None, None);
        }
        line += 1;
        match frame::parse(rest) {
            Parsed::Frame(f) => {
                if chain.link_error(&f).is_some() {
                    let reason = describe_link_error(&chain, &f, buf, pos + f.line_len, line);
                    let broken = Broken { line, seq: Some(f.entry.seq), reason };
                    return report(&chain, Some(broken), None);
                }
                chain.advance(&f);
                pos += f.line_len;
            }
            Parsed::Incomplete => {
                if valid_line_after(buf, pos).is_none() {
                    return report(&chain, None, Some(rest.len() as u64));
                }
                let broken = Broken {
                    line,
                    seq: seq_in(rest),
                    reason: format!(
                        "line {line} is shorter than its length field says, yet complete \
                         entries follow it: bytes were removed"
                    ),
                };
                return report(&chain, Some(broken), None);
            }
            Parsed::Invalid(why) => {
                let after = if valid_line_after(buf, pos).is_some() {
                    "complete entries follow it"
                } else {
                    "it is the last line, so it may also be a write torn by a power cut; \
                     opening the journal would cut it"
                };
                let broken = Broken {
                    line,
                    seq: seq_in(rest),
                    reason: format!(
                        "line {line} (after seq {}) is damaged: {why}; {after}",
                        chain.last_seq
                    ),
                };
                return report(&chain, Some(broken), None);
            }
        }
    }
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
    let got = f.entry.seq;
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
        if f.entry.seq == seq {
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

//! Walking a run of bytes into frames and classifying what ends the run.

use super::frame::{self, Frame, Parsed};

/// What stopped a scan: the end of the buffer, or bytes that are not a line.
#[derive(Debug)]
pub enum Tail {
    /// The buffer ends exactly after a frame.
    Clean,
    /// The rest of the buffer is the unfinished start of a line.
    Incomplete,
    /// The bytes at the end of the good frames are not a line.
    Invalid(String),
}

/// Walks the good frames at the start of `buf`, handing each to `each` as soon as it is
/// parsed (borrowed from `buf`), so a caller can turn a long journal into its own types
/// without holding every frame at once. Returns the offset just past the last good frame and
/// what stopped the walk; stops at the first error `each` returns.
pub fn scan_each<'a, E>(
    buf: &'a [u8],
    mut each: impl FnMut(Frame<'a>) -> Result<(), E>,
) -> Result<(usize, Tail), E> {
    let mut pos = 0;
    let tail = loop {
        let Some(rest) = buf.get(pos..) else { break Tail::Clean };
        if rest.is_empty() {
            break Tail::Clean;
        }
        match frame::parse(rest) {
            Parsed::Frame(f) => {
                pos += f.line_len;
                each(f)?;
            }
            Parsed::Incomplete => break Tail::Incomplete,
            Parsed::Invalid(reason) => break Tail::Invalid(reason),
        }
    };
    Ok((pos, tail))
}

/// What the bytes after the last good frame are.
#[derive(Debug)]
pub enum End {
    /// Nothing: the buffer ends exactly after a frame.
    Clean,
    /// An unfinished last line (a write cut short), safe to cut; why it is not a frame.
    Torn(String),
    /// Damage, never cut; why, in plain words.
    Damaged(String),
}

/// Says whether what stopped a scan at `good_end` is a torn write or damage. `base` is the
/// file offset of `buf`, for the message.
///
/// An entry is written with one `write_all` of a line that ends in its newline, so a crash
/// leaves a prefix without one (or, after a power cut, zeros). Only such bytes are a torn
/// write. A complete line (it ends in a newline) that fails its checks was changed after it
/// was written, and so was anything followed by a valid line: both are damage.
pub fn classify_end(buf: &[u8], good_end: usize, tail: Tail, base: u64) -> End {
    let invalid = match tail {
        Tail::Clean => return End::Clean,
        Tail::Incomplete => None,
        Tail::Invalid(reason) => Some(reason),
    };
    let judged = judge_rest(buf, good_end);
    let reason = invalid.unwrap_or_else(|| {
        if judged == Rest::Torn {
            "the last line is unfinished (a write cut short)".to_string()
        } else {
            "the line is shorter than its length field says".to_string()
        }
    });
    match judged {
        Rest::Torn => End::Torn(reason),
        Rest::Followed(at) => End::Damaged(format!(
            "{reason}; complete entries follow it (at byte {}), so this is damage, not an \
             unfinished write",
            base + at as u64
        )),
        Rest::Complete => End::Damaged(format!(
            "{reason}; the line is complete (it ends in a newline), so this is damage, not an \
             unfinished write"
        )),
    }
}

/// What the bytes from `good_end` on (where a scan stopped short of the end) are: the one tail
/// rule of every reader (open, read, follow, verify).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// The unfinished start of a line and nothing after it: a write cut short, safe to cut.
    Torn,
    /// Damage followed by a complete, checksummed line at this offset of the buffer.
    Followed(usize),
    /// Damage in a complete last line (it ends in a newline).
    Complete,
}

/// Judges the bytes from `good_end` on (see [`Rest`]). An entry is written with one
/// `write_all` of a line that ends in its newline, so a crash leaves a prefix without one (or,
/// after a power cut, zeros): only such bytes are a torn write.
pub fn judge_rest(buf: &[u8], good_end: usize) -> Rest {
    if let Some(at) = valid_line_after(buf, good_end) {
        return Rest::Followed(at);
    }
    if buf.get(good_end..).unwrap_or_default().contains(&b'\n') {
        return Rest::Complete;
    }
    Rest::Torn
}

/// The first offset after `from` where a complete, checksummed line starts, if any. A damaged
/// region followed by such a line is damage in the middle, never a torn tail.
///
/// Every offset is tried, not only those after a newline: a damaged newline would otherwise
/// hide the good line right after it, and that line would be cut as part of a "torn tail".
/// A frame cannot hide inside a good line's JSON (quotes in strings are escaped), and most
/// offsets fail on the first byte, so this stays cheap.
pub fn valid_line_after(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.checked_add(1)?;
    (start..buf.len()).find(|&i| {
        matches!(buf.get(i), Some(b'1'..=b'9'))
            && buf.get(i..).is_some_and(|rest| matches!(frame::parse(rest), Parsed::Frame(_)))
    })
}

/// Where the chain stands after some entries.
#[derive(Debug, Clone)]
pub struct Chain {
    pub last_seq: u64,
    pub head: String,
}

impl Chain {
    pub fn genesis() -> Self {
        Chain { last_seq: 0, head: frame::GENESIS.to_string() }
    }

    /// Why `f` cannot follow, in plain words; `None` when it links.
    pub fn link_error(&self, f: &Frame) -> Option<String> {
        self.link_error_with(f, &f.digest())
    }

    /// [`Chain::link_error`] with the line's digest already worked out.
    pub fn link_error_with(&self, f: &Frame, digest: &[u8; 32]) -> Option<String> {
        let want = self.last_seq + 1;
        if f.seq != want {
            return Some(format!("expected seq {want} here but the line has seq {}", f.seq));
        }
        if !f.hash_is(digest) {
            return Some(format!(
                "seq {}: the hash does not match the entry's contents (edited after it was \
                 written, checksum recomputed)",
                f.seq
            ));
        }
        if f.prev != self.head {
            return Some(format!(
                "seq {}: prev does not match the hash of seq {} (an entry was replaced)",
                f.seq, self.last_seq
            ));
        }
        None
    }

    pub fn advance(&mut self, f: &Frame) {
        self.advance_to(f.seq, f.hash);
    }

    pub fn advance_to(&mut self, seq: u64, hash: &str) {
        self.last_seq = seq;
        self.head.clear();
        self.head.push_str(hash);
    }
}

//! Following a journal without ever writing it: for observers (`drconsole view`) and the
//! mirror, and for checking journal lines that arrive from elsewhere (a mirror's copy).
//!
//! A [`Tail`] opens the file read-only and reads only what was appended since its last look.
//! Nothing is locked, cut or written: an unfinished last line (a write in progress, or one a
//! crashed writer left) stays where it is and is read again next time; cutting a torn tail is
//! the next writer's job, under its lock. A [`LineChain`] holds lines received one by one to
//! the same rules as the file: framing, checksum, sequence and hash chain.

use std::fs::File;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

use super::error::JournalError;
use super::frame::{self, Parsed};
use super::handle::absorb;
use super::scan::{self, classify_end, Chain, End};
use super::Entry;

/// Most bytes read in one look: more than the longest line, so every look makes progress,
/// and a file that grew by gigabytes (damage, or another program) is never read at once.
const CHUNK: usize = 4 * frame::MAX_ENTRY_BYTES;

/// One entry and its line exactly as written (length, checksum, JSON and newline), which is
/// what a copy elsewhere needs to be checked against the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub entry: Entry,
    pub bytes: Vec<u8>,
}

/// A journal file followed read-only.
#[derive(Debug)]
pub struct Tail {
    path: PathBuf,
    file: File,
    /// End of the last good entry read.
    offset: u64,
    lines: u64,
    chain: Chain,
    /// Why the bytes after `offset` are not an entry yet, when there are any.
    unfinished: Option<String>,
    /// Most bytes read in one look ([`CHUNK`] unless a test chose otherwise).
    chunk: usize,
}

impl Tail {
    /// Opens `path` (a regular file only) for reading; nothing is read until [`Tail::poll`].
    pub fn open(path: &Path) -> Result<Tail, JournalError> {
        let file = crate::files::open_regular(path, false)
            .map_err(|e| JournalError::io("open", path, e))?;
        Ok(Tail {
            path: path.to_path_buf(),
            file,
            offset: 0,
            lines: 0,
            chain: Chain::genesis(),
            unfinished: None,
            chunk: CHUNK,
        })
    }

    /// Reads at most `bytes` at a look instead of the default, so a test can put the end of a
    /// look on any byte it likes. A line longer than that is still read whole.
    pub fn read_in_chunks_of(mut self, bytes: usize) -> Tail {
        self.chunk = bytes.max(1);
        self
    }

    /// The entries appended since the last look, in order. An unfinished last line is left
    /// for the next look; damage or a broken chain is `Corrupt` (and stays so).
    pub fn poll(&mut self) -> Result<Vec<Entry>, JournalError> {
        Ok(self.poll_lines()?.into_iter().map(|l| l.entry).collect())
    }

    /// [`Tail::poll`] with each entry's line as written.
    pub fn poll_lines(&mut self) -> Result<Vec<Line>, JournalError> {
        let mut out = Vec::new();
        self.poll_each(&mut |l| out.push(l))?;
        Ok(out)
    }

    /// [`Tail::poll_lines`], handing each line over as its chunk is read: a reader that keeps
    /// less than the lines (decoded events, say) never holds a long journal's bytes whole.
    pub fn poll_each(&mut self, each: &mut dyn FnMut(Line)) -> Result<(), JournalError> {
        loop {
            let (lines, more) = self.read_chunk()?;
            lines.into_iter().for_each(&mut *each);
            if !more {
                return Ok(());
            }
        }
    }

    /// One bounded read; true when the file holds more after it.
    fn read_chunk(&mut self) -> Result<(Vec<Line>, bool), JournalError> {
        let len = self.file.metadata().map_err(|e| JournalError::io("stat", &self.path, e))?.len();
        if len < self.offset {
            return Err(JournalError::Corrupt {
                line: self.lines,
                offset: len,
                reason: format!(
                    "the file shrank from {} to {len} bytes: entries already read were removed",
                    self.offset
                ),
            });
        }
        // Said again by this look, or not at all: a look that finds damage leaves no
        // "unfinished" behind from an earlier one.
        self.unfinished = None;
        if len == self.offset {
            return Ok((Vec::new(), false));
        }
        let left = usize::try_from(len - self.offset).unwrap_or(usize::MAX);
        let mut window = self.chunk;
        let (buf, entries, a) = loop {
            let buf = self.read_at_most(left.min(window))?;
            let mut entries = Vec::new();
            let a = absorb(&buf, self.offset, &self.chain, self.lines, &mut |f| {
                entries.push(f.to_entry());
                Ok(())
            })?;
            // A look that found no whole line and stopped short of the end it saw cannot say
            // "unfinished": only the bytes up to the end of the file can (`judge_rest`).
            if a.count > 0 || a.torn.is_none() || buf.len() >= left || buf.len() < left.min(window)
            {
                break (buf, entries, a);
            }
            if window < frame::MAX_LINE_BYTES {
                // Perhaps one line longer than the look: read it whole.
                window = frame::MAX_LINE_BYTES;
                continue;
            }
            self.judge_past(&buf, len)?;
            break (buf, entries, a);
        };
        let good = buf.get(..a.good_end).unwrap_or_default();
        // Every entry is one line ending in its only newline (JSON escapes the others).
        let lines = good
            .split_inclusive(|b| *b == b'\n')
            .zip(entries)
            .map(|(bytes, entry)| Line { entry, bytes: bytes.to_vec() })
            .collect();
        self.offset += a.good_end as u64;
        self.lines += a.count;
        self.chain = a.chain;
        self.unfinished = a.torn;
        // Another look only when this one stopped short of the end it saw, having made progress.
        let more = a.count > 0 && self.offset < len;
        Ok((lines, more))
    }

    /// Judges bytes at `offset` that are no line, although `look` (read from `offset`) is as
    /// long as the longest line and the file goes on after it: damage (`Corrupt`) if a newline
    /// follows anywhere (every line ends in one), an unfinished tail otherwise. Memory stays
    /// bounded however far the file goes on: it is searched a piece at a time, and only the
    /// bytes around the first newline are kept to say where the next good line starts.
    fn judge_past(&self, look: &[u8], len: u64) -> Result<(), JournalError> {
        let mut at = self.offset + look.len() as u64;
        let newline = loop {
            if at >= len {
                return Ok(());
            }
            let piece =
                self.read_range(at, usize::try_from(len - at).unwrap_or(usize::MAX).min(CHUNK))?;
            if piece.is_empty() {
                return Ok(());
            }
            if let Some(i) = piece.iter().position(|b| *b == b'\n') {
                break at + i as u64;
            }
            at += piece.len() as u64;
        };
        // A good line after the damage ends at this newline or later, so it starts no earlier
        // than a longest line before it; the byte before that is where the search starts from.
        let longest = frame::MAX_LINE_BYTES as u64;
        let from = self.offset.max((newline + 1).saturating_sub(longest + 1));
        let until = len.min(newline + 1 + 2 * longest);
        let around = self.read_range(from, usize::try_from(until - from).unwrap_or(usize::MAX))?;
        let first = match frame::parse(look) {
            Parsed::Invalid(reason) => scan::Tail::Invalid(reason),
            _ => scan::Tail::Incomplete,
        };
        match classify_end(&around, 0, first, from) {
            End::Damaged(reason) => {
                Err(JournalError::Corrupt { line: self.lines + 1, offset: self.offset, reason })
            }
            // The file was cut meanwhile (a writer cut a torn tail).
            End::Clean | End::Torn(_) => Ok(()),
        }
    }

    /// Up to `want` bytes from `offset`: fewer when a writer cut a torn tail meanwhile.
    fn read_at_most(&self, want: usize) -> Result<Vec<u8>, JournalError> {
        self.read_range(self.offset, want)
    }

    /// Up to `want` bytes from `from`: fewer at the end of the file.
    fn read_range(&self, from: u64, want: usize) -> Result<Vec<u8>, JournalError> {
        let mut buf = vec![0u8; want];
        let mut got = 0;
        while got < want {
            match self.file.read_at(&mut buf[got..], from + got as u64) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(JournalError::io("read", &self.path, e)),
            }
        }
        buf.truncate(got);
        Ok(buf)
    }

    /// Continue in `target` (the file a pointer names after a fail-over), if it holds every
    /// entry read so far: returns the entries it has beyond them. Not switched otherwise.
    pub fn switch_to(&mut self, target: &Path) -> Result<Vec<Line>, JournalError> {
        let mut next = Tail::open(target)?;
        let (my_seq, my_head) = (self.chain.last_seq, self.chain.head.clone());
        let mut newer = Vec::new();
        let mut extends = my_seq == 0;
        for line in next.poll_lines()? {
            if line.entry.seq == my_seq {
                extends = line.entry.hash == my_head;
            }
            if line.entry.seq > my_seq {
                newer.push(line);
            }
        }
        if !extends {
            return Err(JournalError::Corrupt {
                line: my_seq,
                offset: 0,
                reason: format!(
                    "{} does not hold entry {my_seq} of {} as read before",
                    target.display(),
                    self.path.display()
                ),
            });
        }
        *self = next;
        Ok(newer)
    }

    /// Whether `path` names the file this tail reads (same device and inode).
    pub fn reads(&self, path: &Path) -> bool {
        match (self.file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }

    /// Hash of the last entry read (64 zeros before any).
    pub fn head(&self) -> &str {
        &self.chain.head
    }

    /// Sequence number of the last entry read.
    pub fn last_seq(&self) -> u64 {
        self.chain.last_seq
    }

    /// Bytes of good entries read so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why the file's last bytes are not an entry (yet), when they are not: left as they are.
    pub fn unfinished(&self) -> Option<&str> {
        self.unfinished.as_deref()
    }
}

/// Journal lines received one at a time from elsewhere (a mirror), held to the journal's own
/// rules: each must be one well-framed line whose checksum, sequence number, `prev` and hash
/// (recomputed from its payload bytes) follow the lines before it.
#[derive(Debug, Clone)]
pub struct LineChain {
    chain: Chain,
}

impl Default for LineChain {
    fn default() -> Self {
        LineChain { chain: Chain::genesis() }
    }
}

impl LineChain {
    /// The entry `line` holds, once it is known to follow the chain; why not otherwise (and
    /// the chain stays where it was).
    pub fn push(&mut self, line: &[u8]) -> Result<Entry, String> {
        let f = match frame::parse(line) {
            Parsed::Frame(f) => f,
            Parsed::Incomplete => return Err("the line is unfinished".to_string()),
            Parsed::Invalid(why) => return Err(why),
        };
        if f.line_len != line.len() {
            return Err("more than one line where one entry was expected".to_string());
        }
        if let Some(why) = self.chain.link_error(&f) {
            return Err(why);
        }
        self.chain.advance(&f);
        Ok(f.to_entry())
    }

    pub fn head(&self) -> &str {
        &self.chain.head
    }

    pub fn last_seq(&self) -> u64 {
        self.chain.last_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use serde_json::json;
    use std::io::Write;

    fn journal(n: u64) -> (tempfile::TempDir, PathBuf, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.drj");
        let mut j = Journal::create(&path).unwrap();
        for i in 0..n {
            j.append(json!({"type": "note", "text": format!("n{i}")})).unwrap();
        }
        (dir, path, j)
    }

    fn append_raw(path: &Path, bytes: &[u8]) {
        let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
        f.write_all(bytes).unwrap();
    }

    #[test]
    fn reads_only_what_was_appended_since_the_last_look() {
        let (_d, path, mut j) = journal(2);
        let mut t = Tail::open(&path).unwrap();
        let first = t.poll_lines().unwrap();
        assert_eq!(first.iter().map(|l| l.entry.seq).collect::<Vec<_>>(), [1, 2]);
        let file = std::fs::read(&path).unwrap();
        let joined: Vec<u8> = first.iter().flat_map(|l| l.bytes.clone()).collect();
        assert_eq!(joined, file, "the lines are the file's bytes exactly");
        assert!(t.poll().unwrap().is_empty());
        let e = j.append(json!({"type": "note", "text": "third"})).unwrap();
        let next = t.poll().unwrap();
        assert_eq!(next, vec![e.clone()]);
        assert_eq!((t.last_seq(), t.head()), (3, e.hash.as_str()));
        assert_eq!(t.offset(), std::fs::metadata(&path).unwrap().len());
    }

    /// The journal-level claim behind `drconsole view`: an observer never cuts a torn tail
    /// (only a writer may, under its lock), and reads the line once it is finished.
    #[test]
    fn a_torn_tail_is_left_untouched_and_read_once_the_line_is_finished() {
        let (_d, path, j) = journal(2);
        let (third, line) =
            frame::encode(3, j.head(), json!({"type": "note", "text": "half"})).unwrap();
        drop(j);
        let (half, rest) = line.split_at(line.len() / 2);
        append_raw(&path, half);
        let before = std::fs::read(&path).unwrap();

        let mut t = Tail::open(&path).unwrap();
        assert_eq!(t.poll().unwrap().len(), 2);
        assert!(t.unfinished().is_some_and(|w| w.contains("unfinished")), "{:?}", t.unfinished());
        assert!(t.poll().unwrap().is_empty());
        assert_eq!(std::fs::read(&path).unwrap(), before, "a reader changed the journal");
        assert!(!path.with_file_name(format!("journal.drj.torn-{}", t.offset())).exists());

        append_raw(&path, rest);
        assert_eq!(t.poll().unwrap(), vec![third]);
        assert!(t.unfinished().is_none());
    }

    #[test]
    fn damage_is_an_error_not_skipped() {
        let (_d, path, _j) = journal(3);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.iter().position(|b| *b == b'n').unwrap();
        bytes[at] = b'N';
        std::fs::write(&path, &bytes).unwrap();
        let err = Tail::open(&path).unwrap().poll().unwrap_err();
        assert!(matches!(err, JournalError::Corrupt { line: 1, .. }), "{err}");
    }

    #[test]
    fn follows_into_a_continuation_that_extends_the_chain_only() {
        let (d, path, mut j) = journal(2);
        let mut t = Tail::open(&path).unwrap();
        t.poll().unwrap();
        let cont = d.path().join("journal.drj.cont-1");
        std::fs::copy(&path, &cont).unwrap();
        let mut jc = Journal::open(&cont).unwrap().journal;
        let e = jc.append(json!({"type": "note", "text": "moved"})).unwrap();
        let newer = t.switch_to(&cont).unwrap();
        assert_eq!(newer.into_iter().map(|l| l.entry).collect::<Vec<_>>(), vec![e]);
        assert!(t.reads(&cont) && !t.reads(&path));

        // A journal that does not hold what was read is not followed.
        let (_d2, other, _o) = journal(4);
        j.append(json!({"type": "note", "text": "x"})).unwrap();
        assert!(t.switch_to(&other).is_err());
        assert!(t.reads(&cont));
    }

    #[test]
    fn received_lines_are_held_to_the_chain() {
        let (_d, path, _j) = journal(3);
        let lines = Tail::open(&path).unwrap().poll_lines().unwrap();
        let mut c = LineChain::default();
        assert!(c.push(&lines[1].bytes).unwrap_err().contains("expected seq 1"));
        for l in &lines {
            assert_eq!(c.push(&l.bytes).unwrap(), l.entry);
        }
        assert_eq!(c.head(), lines[2].entry.hash);

        // An edited payload with its checksum recomputed: the hash gives it away.
        let (_d2, path2, _j2) = journal(3);
        let mut forged = Tail::open(&path2).unwrap().poll_lines().unwrap();
        let text = String::from_utf8(forged[1].bytes.clone()).unwrap();
        let json = text.splitn(3, ' ').nth(2).unwrap().trim_end().replace("n1", "n9");
        forged[1].bytes =
            format!("{} {:08x} {json}\n", json.len(), crc32fast::hash(json.as_bytes()))
                .into_bytes();
        let mut c = LineChain::default();
        c.push(&forged[0].bytes).unwrap();
        assert!(c.push(&forged[1].bytes).unwrap_err().contains("hash does not match"));
        assert_eq!(c.last_seq(), 1);
        let two = [lines[0].bytes.clone(), lines[1].bytes.clone()].concat();
        assert!(LineChain::default().push(&two).is_err(), "two lines are not one entry");
    }
}

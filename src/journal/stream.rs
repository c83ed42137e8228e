//! Reading a journal file in bounded chunks: a long journal is checked and handed over line by
//! line without ever being held whole in memory (a 100,000-entry journal is ~45 MB).

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::error::JournalError;
use super::frame::Frame;
use super::scan::{classify_end, scan_each, Chain, End, Tail};

/// Bytes read at a time (and the lines worked on at once). A chunk that ends inside a line is
/// carried over and read on.
const CHUNK: usize = 512 * 1024;

/// What reading a file from some offset to its end found.
pub(super) struct Walked {
    /// Good entries read.
    pub(super) count: u64,
    pub(super) chain: Chain,
    /// File offset just past the last good entry.
    pub(super) good_end: u64,
    /// An unfinished last line after `good_end` (a write cut short): why it is not a line, and
    /// its bytes.
    pub(super) torn: Option<(String, Vec<u8>)>,
}

/// Reads `file` from `start` to `end` (its end, or a known offset), checking each line
/// (checksum, hash, link onto `chain`) and handing it to `each` with what `map` made of it, in
/// order. A broken link, or damage that is not an unfinished last line (see
/// [`classify_end`]), is `Corrupt` with its line number (counted after `lines_before`) and
/// offset.
///
/// The costly part of each line, its hash and whatever `map` does (decoding the payload), is
/// done for the lines of a chunk at once, on two threads when the machine has two cores; the
/// link checks and `each` then go in order. Nothing is handed to `each` past a broken line.
pub(super) fn walk_file<T: Send>(
    file: &File,
    path: &Path,
    (start, end): (u64, u64),
    chain: &Chain,
    lines_before: u64,
    map: &(dyn Fn(&Frame<'_>) -> T + Sync),
    each: &mut dyn FnMut(&Frame<'_>, T) -> Result<(), JournalError>,
) -> Result<Walked, JournalError> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut chain = chain.clone();
    let mut count = 0u64;
    let mut line = lines_before;
    // File offset of `buf[0]`.
    let mut base = start;
    let mut buf: Vec<u8> = Vec::new();
    let mut eof = false;
    loop {
        if !eof {
            eof = read_more(file, path, &mut buf, (base, end), CHUNK)?;
        }
        let mut frames = Vec::new();
        let Ok((good_end, tail)) = scan_each(&buf, |f| {
            frames.push(f);
            Ok::<(), std::convert::Infallible>(())
        });
        let worked = map_lines(&frames, threads, &|f: &Frame<'_>| (f.digest(), map(f)));
        let mut off = 0usize;
        for (f, (digest, mapped)) in frames.iter().zip(worked) {
            line += 1;
            if let Some(reason) = chain.link_error_with(f, &digest) {
                return Err(JournalError::Corrupt { line, offset: base + off as u64, reason });
            }
            chain.advance(f);
            count += 1;
            off += f.line_len;
            each(f, mapped)?;
        }
        drop(frames);
        let more = !eof && matches!(tail, Tail::Clean | Tail::Incomplete);
        if more {
            // The rest is the start of a line the next read completes; a line longer than
            // a chunk grows the buffer, up to the longest line there can be (past that, the
            // scan says the line is invalid).
            buf.drain(..good_end);
            base += good_end as u64;
            continue;
        }
        if !eof {
            // Damage: whether a good line follows it anywhere decides what it is, so the rest
            // of the file is read (only on this path).
            read_more(file, path, &mut buf, (base, end), usize::MAX)?;
        }
        let torn = match classify_end(&buf, good_end, tail, base) {
            End::Clean => None,
            End::Torn(reason) => Some((reason, buf.get(good_end..).unwrap_or_default().to_vec())),
            End::Damaged(reason) => {
                return Err(JournalError::Corrupt {
                    line: line + 1,
                    offset: base + good_end as u64,
                    reason,
                });
            }
        };
        return Ok(Walked { count, chain, good_end: base + good_end as u64, torn });
    }
}

/// `work` over `frames`, in order; the second half on another thread when there are two cores
/// and enough lines to be worth one (or on this one, if no thread can be started).
fn map_lines<'a, R: Send>(
    frames: &[Frame<'a>],
    threads: usize,
    work: &(dyn Fn(&Frame<'a>) -> R + Sync),
) -> Vec<R> {
    if threads < 2 || frames.len() < 64 {
        return frames.iter().map(work).collect();
    }
    let (first, second) = frames.split_at(frames.len() / 2);
    std::thread::scope(|s| {
        let helper = std::thread::Builder::new()
            .name("journal-read".into())
            .spawn_scoped(s, || second.iter().map(work).collect::<Vec<R>>());
        let mut out: Vec<R> = first.iter().map(work).collect();
        match helper.map(|h| h.join()) {
            Ok(Ok(rest)) => out.extend(rest),
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => out.extend(second.iter().map(work)),
        }
        out
    })
}

/// Appends up to `want` bytes of `file` from offset `base + buf.len()`, never past `end`; true
/// at the end.
fn read_more(
    file: &File,
    path: &Path,
    buf: &mut Vec<u8>,
    (base, end): (u64, u64),
    want: usize,
) -> Result<bool, JournalError> {
    let at = base + buf.len() as u64;
    let left = end.saturating_sub(at);
    let want = u64::try_from(want).unwrap_or(u64::MAX);
    let step = want.min(left);
    buf.reserve(usize::try_from(step).unwrap_or(usize::MAX).min(CHUNK));
    // `read_to_end` clears the buffer's spare room once with a memset and retries an
    // interrupted read. `resize(n, 0)` wrote each zero in a loop of its own, which at
    // opt-level 0 was most of a debug build's journal read (the tests').
    let got = (ReadAt { file, at }).take(step).read_to_end(buf);
    let got = got.map_err(|e| JournalError::io("read", path, e))?;
    // At the end: the file ended before `end`, or `end` came before `want` bytes.
    Ok((got as u64) < step || step < want)
}

/// A file read from an offset of its own with `pread`: the shared handle's position is never
/// moved, so a writer holding the same `File` is not disturbed.
struct ReadAt<'a> {
    file: &'a File,
    at: u64,
}

impl io::Read for ReadAt<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(out, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

//! `Journal`: one open journal file, its entries in memory, appends and polling.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::JournalError;
use super::frame::{self, Frame};
use super::fs::{
    create_private_dirs, create_private_file, fsync_dir, parent_dir, write_new_beside, FileLock,
};
use super::scan::{classify_end, scan_each, Chain, End};
use super::stream::walk_file;
use super::{Entry, Fault, Opened, Recovery};

#[derive(Debug)]
pub struct Journal {
    pub(super) path: PathBuf,
    /// Continuations are named `<base_name>.cont-<n>` and first tried in `base_dir`.
    pub(super) base_name: OsString,
    pub(super) base_dir: PathBuf,
    pub(super) file: File,
    /// End of the last entry we know of in `file`.
    pub(super) offset: u64,
    /// Number of entries in `file` up to `offset`. Their bytes are not kept in memory (a long
    /// journal is tens of MB): a fail-over copies them from `file`, checked against `chain`
    /// (see `failover`). The parsed entries are not kept either: they go to the caller on open
    /// and on each append.
    pub(super) count: u64,
    pub(super) chain: Chain,
    /// Entries other processes appended that `poll` has not returned yet.
    pub(super) queued: Vec<Entry>,
    pub(super) degraded: Option<String>,
    /// Why `file` must not be written again (a write or fsync on it failed).
    pub(super) abandoned: Option<String>,
    /// Where to continue when no fresh file can be made beside the journal.
    pub(super) fallback_dir: Option<PathBuf>,
    /// The pointer file that names the file the journal continues in (see `pointer`).
    pub(super) pointer: Option<PathBuf>,
    /// The pointer file as last read (inode, size, mtime): it is read again only when it
    /// changed.
    pub(super) pointer_seen: Option<(u64, u64, i64, i64)>,
    fault: Option<Fault>,
    recoveries: Vec<Recovery>,
}

/// What a run of bytes read from the journal contributed.
pub(super) struct Absorbed {
    /// How many good entries.
    pub(super) count: u64,
    pub(super) chain: Chain,
    pub(super) good_end: usize,
    /// Why the bytes after `good_end` are not an entry: an unfinished last line.
    pub(super) torn: Option<String>,
}

/// Parses `buf` (which starts at byte `base` of the file, after `lines_before` lines) onto
/// `chain`, handing each entry to `each` as it goes. A broken link, or damage that is not an
/// unfinished last line (see [`classify_end`]), is `Corrupt`.
pub(super) fn absorb(
    buf: &[u8],
    base: u64,
    chain: &Chain,
    lines_before: u64,
    each: &mut dyn FnMut(&Frame<'_>) -> Result<(), JournalError>,
) -> Result<Absorbed, JournalError> {
    let mut chain = chain.clone();
    let mut count = 0u64;
    let mut off = 0usize;
    let mut line = lines_before;
    let (good_end, tail) = scan_each(buf, |f| {
        line += 1;
        if let Some(reason) = chain.link_error(&f) {
            return Err(JournalError::Corrupt { line, offset: base + off as u64, reason });
        }
        chain.advance(&f);
        count += 1;
        off += f.line_len;
        each(&f)
    })?;
    let torn = match classify_end(buf, good_end, tail, base) {
        End::Clean => None,
        End::Torn(reason) => Some(reason),
        End::Damaged(reason) => {
            return Err(JournalError::Corrupt {
                line: line + 1,
                offset: base + good_end as u64,
                reason,
            });
        }
    };
    Ok(Absorbed { count, chain, good_end, torn })
}

/// `x.jsonl.cont-2` continues `x.jsonl`; its own continuation is `x.jsonl.cont-3`, not
/// `x.jsonl.cont-2.cont-1`.
fn base_name(path: &Path) -> OsString {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match name.rfind(".cont-") {
        Some(i) if name[i + 6..].chars().all(|c| c.is_ascii_digit()) && i + 6 < name.len() => {
            OsString::from(&name[..i])
        }
        _ => OsString::from(name),
    }
}

impl Journal {
    fn from_parts(path: &Path, file: File, offset: u64, count: u64, chain: Chain) -> Journal {
        Journal {
            path: path.to_path_buf(),
            base_name: base_name(path),
            base_dir: parent_dir(path).to_path_buf(),
            file,
            offset,
            count,
            chain,
            queued: Vec::new(),
            degraded: None,
            abandoned: None,
            fallback_dir: None,
            pointer: None,
            pointer_seen: None,
            fault: None,
            recoveries: Vec::new(),
        }
    }

    /// Creates a new, empty journal. Fails if `path` exists. Missing directories are created
    /// 0700 and the file 0600, whatever the umask.
    pub fn create(path: &Path) -> Result<Journal, JournalError> {
        let dir = parent_dir(path);
        create_private_dirs(dir).map_err(|e| JournalError::io("create directory", dir, e))?;
        let file = create_private_file(path).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                JournalError::Exists(path.to_path_buf())
            } else {
                JournalError::io("create", path, e)
            }
        })?;
        file.sync_all().map_err(|e| JournalError::io("sync", path, e))?;
        fsync_dir(dir).map_err(|e| JournalError::io("sync directory", dir, e))?;
        Ok(Journal::from_parts(path, file, 0, 0, Chain::genesis()))
    }

    /// Opens a journal and replays it. An unfinished or damaged last line (nothing valid after
    /// it) is cut, synced and reported in `recovery`; damage anywhere else is `Corrupt` and
    /// nothing is cut.
    pub fn open(path: &Path) -> Result<Opened, JournalError> {
        let mut entries = Vec::new();
        let (journal, recovery) = Journal::open_each(path, &mut |f| {
            entries.push(f.to_entry());
            Ok(())
        })?;
        Ok(Opened { journal, entries, recovery })
    }

    /// [`Journal::open`], handing each entry to `each` as it is read, checked and linked, as a
    /// frame borrowed from the bytes read: a caller that converts entries to its own types
    /// parses each payload once and never holds a second copy of the journal. An error from
    /// `each` ends the open.
    pub fn open_each(
        path: &Path,
        each: &mut dyn FnMut(&Frame<'_>) -> Result<(), JournalError>,
    ) -> Result<(Journal, Option<Recovery>), JournalError> {
        let opened = Journal::open_mapped(path, &|_| (), &mut |f, ()| each(f), &mut || true)?;
        opened.ok_or_else(|| JournalError::io("open", path, std::io::Error::other("given up")))
    }

    /// [`Journal::open_each`] with `map` (decoding a payload, say) worked out for many lines at
    /// once, on two threads when there are two cores, before `each` gets each line and its
    /// result in order (see `stream::walk_file`). Once every entry is read, still under the
    /// lock and before anything is written (a torn tail cut), `keep` says whether to go on:
    /// false leaves the file as it was and returns `None`, so a caller can look at an
    /// incident's events and decide it must not be written to, reading the journal once.
    pub fn open_mapped<T: Send>(
        path: &Path,
        map: &(dyn Fn(&Frame<'_>) -> T + Sync),
        each: &mut dyn FnMut(&Frame<'_>, T) -> Result<(), JournalError>,
        keep: &mut dyn FnMut() -> bool,
    ) -> Result<Option<(Journal, Option<Recovery>)>, JournalError> {
        // Never a FIFO (it would block the read for ever), a device or a symbolic link.
        let file = crate::files::open_regular(path, true)
            .map_err(|e| JournalError::io("open", path, e))?;
        // Under the lock, so we never mistake another process's write in progress for a torn
        // tail and cut it.
        let lock = FileLock::exclusive(&file).map_err(|e| JournalError::io("lock", path, e))?;
        let a = walk_file(&file, path, (0, u64::MAX), &Chain::genesis(), 0, map, each)?;
        if !keep() {
            return Ok(None);
        }
        let mut recovery = None;
        if let Some((reason, cut)) = a.torn {
            let good_end = a.good_end;
            let saved_to = write_new_beside(path, &format!("torn-{good_end}"), &cut).ok();
            file.set_len(good_end).map_err(|e| JournalError::io("truncate", path, e))?;
            file.sync_all().map_err(|e| JournalError::io("sync", path, e))?;
            let bytes_cut = cut.len() as u64;
            recovery = Some(Recovery { offset: good_end, bytes_cut, reason, saved_to });
        }
        drop(lock);
        let mut journal = Journal::from_parts(path, file, a.good_end, a.count, a.chain);
        journal.recoveries.extend(recovery.clone());
        Ok(Some((journal, recovery)))
    }

    /// Appends one entry and returns once it is durable (written and `sync_data`ed), or once
    /// it is durable in a fresh file after a failure (see [`Journal::degraded`]). An error
    /// means the entry was not recorded anywhere.
    ///
    /// Apply the returned entry's payload, not the value passed in: it is the payload as any
    /// later replay will read it (a float may differ in its last bit).
    pub fn append(&mut self, payload: Value) -> Result<Entry, JournalError> {
        let lock = self.lock_and_catch_up()?;
        let entry = self.append_locked(payload);
        drop(lock);
        entry
    }

    /// Takes the lock and reads what other processes appended (queued for the caller), unless
    /// the current file was abandoned after a failure, or deleted, moved or replaced under us:
    /// it is never locked or written again.
    fn lock_and_catch_up(&mut self) -> Result<Option<FileLock>, JournalError> {
        self.follow_pointer();
        if self.abandoned.is_none() {
            self.abandoned = self.displaced();
        }
        if self.abandoned.is_some() {
            return Ok(None);
        }
        let lock =
            FileLock::exclusive(&self.file).map_err(|e| JournalError::io("lock", &self.path, e))?;
        // Chain onto the real head: whatever other processes appended comes first. A file
        // changed under us (damaged, shrunk, a broken link) is left as it is, as evidence; the
        // journal continues in a fresh file with everything it knows.
        match self.catch_up(true) {
            Ok(()) => {}
            Err(e @ JournalError::Corrupt { .. }) => {
                self.abandoned = Some(format!("the file was changed by another program: {e}"));
            }
            Err(e) => return Err(e),
        }
        Ok(Some(lock))
    }

    /// Appends what `decide` returns, deciding on the journal as it really is: under the lock,
    /// after catching up, `decide` gets every entry other processes appended since the last
    /// [`Journal::poll`] (they precede whatever it returns, in the file and for the caller).
    /// Each payload is durable before the next is written. `Ok(Err(e))` is `decide`'s own
    /// refusal: nothing was written. The returned entries carry their payloads as a reader of
    /// the file will see them.
    pub fn append_with<E>(
        &mut self,
        decide: impl FnOnce(Vec<Entry>) -> Result<Vec<Value>, E>,
    ) -> Result<Result<Vec<Entry>, E>, JournalError> {
        let lock = self.lock_and_catch_up()?;
        let foreign = std::mem::take(&mut self.queued);
        let payloads = match decide(foreign) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let mut out = Vec::with_capacity(payloads.len());
        for payload in payloads {
            out.push(self.append_locked(payload)?);
        }
        drop(lock);
        Ok(Ok(out))
    }

    /// One append, with the lock held (or the file abandoned) and the chain caught up.
    fn append_locked(&mut self, payload: Value) -> Result<Entry, JournalError> {
        let (entry, line) = frame::encode(self.chain.last_seq + 1, &self.chain.head, payload)?;
        if self.abandoned.is_none() {
            match self.write_and_sync(&line) {
                Ok(()) => {
                    self.offset += line.len() as u64;
                    self.commit(&entry);
                    return Ok(entry);
                }
                Err(e) => {
                    // Best effort, no fsync: take back a partial or unsynced line so other
                    // processes do not chain onto an entry this one abandons.
                    let _ = self.file.set_len(self.offset);
                    self.abandoned = Some(e.to_string());
                }
            }
        }
        self.append_after_failure(entry, line)
    }

    fn append_after_failure(&mut self, entry: Entry, line: Vec<u8>) -> Result<Entry, JournalError> {
        let reason = self.abandoned.clone().unwrap_or_default();
        self.fail_over(&reason, &line)?;
        self.commit(&entry);
        Ok(entry)
    }

    pub(super) fn commit(&mut self, entry: &Entry) {
        self.chain.advance_to(entry.seq, &entry.hash);
        self.count += 1;
    }

    fn write_and_sync(&mut self, line: &[u8]) -> io::Result<()> {
        if self.fault == Some(Fault::DiskFull) {
            self.fault = None;
            // /dev/full always fails with ENOSPC; the `?` is the path under test.
            let full = OpenOptions::new().write(true).open("/dev/full")?;
            full.write_all_at(line, 0)?;
        }
        self.file.write_all_at(line, self.offset)?;
        self.sync()
    }

    fn sync(&mut self) -> io::Result<()> {
        if self.fault == Some(Fault::FailNextSync) {
            self.fault = None;
            return Err(io::Error::from_raw_os_error(libc::EIO));
        }
        self.file.sync_data()
    }

    /// Reads entries other processes appended after `offset`. With `may_cut` (only under the
    /// lock, so no writer is mid-line) a torn tail left by a crashed writer is cut first.
    fn catch_up(&mut self, may_cut: bool) -> Result<(), JournalError> {
        let len = self.file.metadata().map_err(|e| JournalError::io("stat", &self.path, e))?.len();
        if len == self.offset {
            return Ok(());
        }
        if len < self.offset {
            return Err(JournalError::Corrupt {
                line: self.count,
                offset: len,
                reason: format!(
                    "the file shrank from {} to {len} bytes: entries already recorded were removed",
                    self.offset
                ),
            });
        }
        let mut buf = vec![0u8; (len - self.offset) as usize];
        self.file
            .read_exact_at(&mut buf, self.offset)
            .map_err(|e| JournalError::io("read", &self.path, e))?;
        let mut new = Vec::new();
        let a = absorb(&buf, self.offset, &self.chain, self.count, &mut |f| {
            new.push(f.to_entry());
            Ok(())
        })?;
        self.queued.append(&mut new);
        self.offset += a.good_end as u64;
        self.count += a.count;
        self.chain = a.chain;
        if let (true, Some(reason)) = (may_cut, a.torn) {
            // A writer died mid-line (we hold the lock, so none is writing now).
            let cut = buf.get(a.good_end..).unwrap_or_default();
            let saved_to = write_new_beside(&self.path, &format!("torn-{}", self.offset), cut).ok();
            let cut = self.file.set_len(self.offset);
            if let Err(e) = cut.and_then(|()| self.sync()) {
                self.abandoned = Some(format!("cutting a torn tail failed: {e}"));
                return Ok(());
            }
            self.recoveries.push(Recovery {
                offset: self.offset,
                bytes_cut: len - self.offset,
                reason,
                saved_to,
            });
        }
        Ok(())
    }

    /// Entries other processes appended since we last looked. Costs an `fstat` and a `stat`
    /// when nothing changed; reads only the new bytes otherwise. A line still being written is
    /// left for the next call.
    ///
    /// A journal file deleted, replaced or damaged under us is noticed here too, and the
    /// journal continues at once in a fresh file holding every entry (see
    /// [`Journal::degraded`]), so nothing is lost even if no append follows.
    pub fn poll(&mut self) -> Result<Vec<Entry>, JournalError> {
        self.follow_pointer();
        if self.abandoned.is_none() {
            let lost = match self.displaced() {
                Some(why) => Some(why),
                None => match self.catch_up(false) {
                    Err(e @ JournalError::Corrupt { .. }) => {
                        Some(format!("the file was changed by another program: {e}"))
                    }
                    other => other.map(|()| None)?,
                },
            };
            if let Some(why) = lost {
                self.abandoned = Some(why.clone());
                self.fail_over(&why, &[])?;
            }
        }
        Ok(std::mem::take(&mut self.queued))
    }

    /// Why the file we write is no longer the journal at its path (deleted, moved away or
    /// replaced by another file); `None` while it still is, or when that cannot be told.
    fn displaced(&self) -> Option<String> {
        let ours = match self.file.metadata() {
            Ok(m) => m,
            Err(e) => return Some(format!("it cannot be examined: {e}")),
        };
        let gone = if ours.nlink() == 0 { "was deleted" } else { "was moved away" };
        match std::fs::symlink_metadata(&self.path) {
            Ok(m) if m.dev() == ours.dev() && m.ino() == ours.ino() => None,
            Ok(_) => Some(format!("{} was replaced by another file", self.path.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Some(format!("{} {gone}", self.path.display()))
            }
            Err(_) => None,
        }
    }

    /// Hash of the last entry (64 zeros when empty).
    pub fn head(&self) -> &str {
        &self.chain.head
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.chain.last_seq
    }

    pub fn is_empty(&self) -> bool {
        self.chain.last_seq == 0
    }

    /// The file currently written; differs from the opened path after a switch.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `Some(reason)` once the journal switched to a fresh file after a failure: plain words
    /// naming the new path, for an alarm on screen.
    pub fn degraded(&self) -> Option<&str> {
        self.degraded.as_deref()
    }

    /// Torn tails cut so far (on open, or left by a writer that crashed while we had it open).
    pub fn recoveries(&self) -> &[Recovery] {
        &self.recoveries
    }

    /// Where to continue when no fresh file can be made beside the journal. It must be a
    /// private folder of this user's (created 0700 when missing; refused when someone else
    /// made it or opened it up). Without one, only the journal's own folder is tried.
    pub fn set_fallback_dir(&mut self, dir: PathBuf) {
        self.fallback_dir = Some(dir);
    }

    /// The pointer file a fail-over updates to name the file the journal continues in; the
    /// only way a reader finds a continuation.
    pub fn set_pointer(&mut self, pointer: PathBuf) {
        self.pointer = Some(pointer);
    }

    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = Some(fault);
    }
}

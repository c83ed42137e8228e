//! Continuing in a fresh file after a failed write or fsync.
//!
//! After a failed fsync the kernel may have dropped the dirty pages and cleared the error, so
//! a retry on the same file can "succeed" without the data ever reaching the disk. The only
//! safe move is a new file holding every entry known so far.
//!
//! Those entries were each made durable before they were acknowledged, so they are copied
//! from the file this process holds open (through its own descriptor: a deleted, moved or
//! replaced journal still reads), checked line by line against the chain it knows: the same
//! number of entries, ending in the same head. Holding a copy of every line in memory instead
//! cost as much as the journal itself (~45 MB for 100,000 events). A file changed in place
//! by another program no longer ends in that head: it is left as evidence and the fail-over
//! says the entries cannot be copied, rather than write a continuation that does not verify.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::error::JournalError;
use super::fs::{create_private_file, ensure_private_dir, fsync_dir};
use super::handle::Journal;
use super::scan::Chain;
use super::stream::walk_file;

/// Bytes gathered before each write of the copy into a continuation.
const COPY_BUFFER: usize = 256 * 1024;

/// Continuations of the journal at `path` that exist beside it (`<name>.cont-<n>`), lowest
/// `n` first. For inspection only: which one a journal continues in is said by its pointer
/// file (see `pointer`), never guessed from the files present.
pub fn continuations(path: &Path) -> Vec<PathBuf> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let prefix = format!("{name}.cont-");
    let Ok(dir) = fs::read_dir(super::fs::parent_dir(path)) else { return Vec::new() };
    let mut found: Vec<(u32, PathBuf)> = dir
        .filter_map(Result::ok)
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().strip_prefix(&prefix)?.parse().ok()?;
            Some((n, e.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// Continuation numbers tried in one directory before giving up on it.
const MAX_CONTINUATIONS: u32 = 999;

impl Journal {
    /// Writes every known line plus `pending` to a fresh file: `<name>.cont-<n>` beside the
    /// journal, else in the fallback directory. On success the journal continues there and
    /// `degraded()` says so.
    pub(super) fn fail_over(&mut self, failure: &str, pending: &[u8]) -> Result<(), JournalError> {
        let mut attempts = Vec::new();
        let mut dirs = vec![self.base_dir.clone()];
        dirs.extend(self.fallback_dir.clone());
        for (i, dir) in dirs.iter().enumerate() {
            if i == 1 {
                // Another user may have made this folder first, to be handed the journal.
                if let Err(e) = ensure_private_dir(dir) {
                    attempts.push(format!("{}: {e}", dir.display()));
                    continue;
                }
            }
            match self.write_continuation(dir, pending) {
                Ok((path, file, len)) => {
                    let old = std::mem::replace(&mut self.path, path);
                    self.file = file;
                    self.offset = len;
                    self.abandoned = None;
                    let entries = self.count + u64::from(!pending.is_empty());
                    let mut message = format!(
                        "The journal {} could not be used ({failure}). It now continues in {}; \
                         all {entries} entries were copied there. Other processes still writing \
                         to the old file will not be seen.",
                        old.display(),
                        self.path.display(),
                    );
                    if let Some(pointer) = &self.pointer {
                        if let Err(e) = super::pointer::update(pointer, &self.path) {
                            message.push_str(&format!(
                                " The pointer {} could not be updated ({e}): `drconsole resume` \
                                 will not find the new file; copy it over the journal once the \
                                 disk has room.",
                                pointer.display()
                            ));
                        }
                    }
                    self.degraded = Some(message);
                    return Ok(());
                }
                Err(e) => attempts.push(e),
            }
        }
        Err(JournalError::Unwritable(format!(
            "The entry was NOT recorded: writing the journal to {} failed ({failure}) and no \
             fresh file could be written ({}).",
            self.path.display(),
            attempts.join("; ")
        )))
    }

    fn write_continuation(
        &self,
        dir: &Path,
        pending: &[u8],
    ) -> Result<(PathBuf, fs::File, u64), String> {
        let mut n = 1;
        let (path, file) = loop {
            let mut name = self.base_name.clone();
            name.push(format!(".cont-{n}"));
            let path = dir.join(name);
            match create_private_file(&path) {
                Ok(file) => break (path, file),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < MAX_CONTINUATIONS => {
                    n += 1;
                }
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
        };
        let written = self.copy_known_entries(&file, &path).and_then(|len| {
            file.write_all_at(pending, len)
                .and_then(|()| file.sync_all())
                .and_then(|()| fsync_dir(dir))
                .map(|()| len + pending.len() as u64)
                .map_err(|e| format!("{}: {e}", path.display()))
        });
        match written {
            Ok(len) => Ok((path, file, len)),
            Err(e) => {
                // A half-written continuation would only confuse whoever reads the folder.
                let _ = fs::remove_file(&path);
                Err(e)
            }
        }
    }

    /// Copies the entries this journal knows (the lines up to `offset` of the file it holds
    /// open) into `to`, each checked, and only if they end where the chain it knows ends.
    /// Returns the bytes copied.
    fn copy_known_entries(&self, to: &fs::File, to_path: &Path) -> Result<u64, String> {
        let mut out = io::BufWriter::with_capacity(COPY_BUFFER, to);
        let mut copy_error = None;
        let range = (0, self.offset);
        let walked = walk_file(
            &self.file,
            &self.path,
            range,
            &Chain::genesis(),
            0,
            &|_| (),
            &mut |f, ()| {
                if copy_error.is_none() {
                    copy_error = out.write_all(f.line).err();
                }
                Ok(())
            },
        );
        let flushed = out.flush();
        if let Some(e) = copy_error.or(flushed.err()) {
            return Err(format!("{}: {e}", to_path.display()));
        }
        let changed = |why: String| {
            format!(
                "the {} entries already recorded could not be copied from {}: {why}; it was \
                 changed in place by another program and is left as evidence",
                self.count,
                self.path.display()
            )
        };
        let walked = walked.map_err(|e| changed(e.to_string()))?;
        if walked.count != self.count || walked.chain.head != self.chain.head {
            return Err(changed(format!(
                "it holds {} entries ending in head {}, not {} ending in {}",
                walked.count, walked.chain.head, self.count, self.chain.head
            )));
        }
        Ok(walked.good_end)
    }
}

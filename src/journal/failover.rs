//! Continuing in a fresh file after a failed write or fsync.
//!
//! After a failed fsync the kernel may have dropped the dirty pages and cleared the error, so
//! a retry on the same file can "succeed" without the data ever reaching the disk. The only
//! safe move is a new file, rewritten from the entries held in memory.

use std::fs;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::error::JournalError;
use super::fs::{create_private_file, ensure_private_dir, fsync_dir};
use super::handle::Journal;

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
        let mut all = Vec::with_capacity(self.written.len() + pending.len());
        all.extend_from_slice(&self.written);
        all.extend_from_slice(pending);
        let written =
            file.write_all_at(&all, 0).and_then(|()| file.sync_all()).and_then(|()| fsync_dir(dir));
        match written {
            Ok(()) => Ok((path, file, all.len() as u64)),
            Err(e) => {
                // A half-written continuation would only confuse whoever reads the folder.
                let _ = fs::remove_file(&path);
                Err(format!("{}: {e}", path.display()))
            }
        }
    }
}

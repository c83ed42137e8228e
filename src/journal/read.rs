//! Reading a journal without opening it for append: for `list`, `record`, `report`, and the
//! panic path. Nothing is locked, cut or written.

use std::path::Path;

use super::error::JournalError;
use super::frame::Frame;
use super::scan::Chain;
use super::stream::walk_file;
use super::Entry;

/// Where a whole read of a journal ended: what a `verify` of the same bytes says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadEnd {
    pub entries: u64,
    /// Hash of the last entry (64 zeros when empty).
    pub head: String,
}

/// Every complete entry. An unfinished last line (a write in progress or cut by a crash) is
/// left out; damage anywhere (a complete last line included) or a broken chain is an error,
/// never skipped. Only a regular file is read.
pub fn read_entries(path: &Path) -> Result<Vec<Entry>, JournalError> {
    let mut entries = Vec::new();
    read_each(path, |f| entries.push(f.to_entry()))?;
    Ok(entries)
}

/// [`read_entries`] in one pass that copies nothing: each entry is checked (checksum, hash,
/// link to the one before) and then handed to `each` as a frame borrowed from the bytes read,
/// in order. The file is read in chunks, never held whole. Nothing is handed over past a break;
/// the error comes after the last good entry. The end says what `verify` would: the count and
/// the head.
pub fn read_each(path: &Path, mut each: impl FnMut(&Frame<'_>)) -> Result<ReadEnd, JournalError> {
    read_mapped(path, |_| (), |f, ()| each(f))
}

/// [`read_each`] with `map` (decoding a payload, say) worked out for many lines at once, on two
/// threads when there are two cores, before `each` gets each line and its result in order.
pub fn read_mapped<T: Send>(
    path: &Path,
    map: impl Fn(&Frame<'_>) -> T + Sync,
    mut each: impl FnMut(&Frame<'_>, T),
) -> Result<ReadEnd, JournalError> {
    let file =
        crate::files::open_regular(path, false).map_err(|e| JournalError::io("read", path, e))?;
    let walked = walk_file(&file, path, (0, u64::MAX), &Chain::genesis(), 0, &map, &mut |f, t| {
        each(f, t);
        Ok(())
    })?;
    Ok(ReadEnd { entries: walked.count, head: walked.chain.head })
}

/// The whole journal file at `path`, if it is a regular file (never a FIFO that would block,
/// a device or a symbolic link).
pub(super) fn read_journal_file(path: &Path) -> Result<Vec<u8>, JournalError> {
    let mut file =
        crate::files::open_regular(path, false).map_err(|e| JournalError::io("read", path, e))?;
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut buf)
        .map_err(|e| JournalError::io("read", path, e))?;
    Ok(buf)
}

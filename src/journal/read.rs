//! Reading a journal without opening it for append: for `list`, `record`, `report`, and the
//! panic path. Nothing is locked, cut or written.

use std::path::Path;

use super::error::JournalError;
use super::scan::{classify_end, scan, Chain, End};
use super::Entry;

/// Every complete entry. An unfinished last line (a write in progress or cut by a crash) is
/// left out; damage anywhere (a complete last line included) or a broken chain is an error,
/// never skipped. Only a regular file is read.
pub fn read_entries(path: &Path) -> Result<Vec<Entry>, JournalError> {
    let buf = read_journal_file(path)?;
    let s = scan(&buf);
    let mut chain = Chain::genesis();
    let mut entries = Vec::with_capacity(s.frames.len());
    let mut offset = 0u64;
    for (i, f) in s.frames.into_iter().enumerate() {
        if let Some(reason) = chain.link_error(&f) {
            return Err(JournalError::Corrupt { line: i as u64 + 1, offset, reason });
        }
        chain.advance(&f);
        offset += f.line_len as u64;
        entries.push(f.entry);
    }
    if let End::Damaged(reason) = classify_end(&buf, s.good_end, s.tail, 0) {
        return Err(JournalError::Corrupt {
            line: entries.len() as u64 + 1,
            offset: s.good_end as u64,
            reason,
        });
    }
    Ok(entries)
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

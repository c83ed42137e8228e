//! Reading a journal without opening it for append: for `list`, `record`, `report`, and the
//! panic path. Nothing is locked, cut or written.

use std::path::Path;

use super::error::JournalError;
use super::scan::{scan, valid_line_after, Chain, Tail};
use super::Entry;

/// Every complete entry. An unfinished last line (a write in progress or cut by a crash) is
/// left out; damage in the middle or a broken chain is an error, never skipped.
pub fn read_entries(path: &Path) -> Result<Vec<Entry>, JournalError> {
    let buf = std::fs::read(path).map_err(|e| JournalError::io("read", path, e))?;
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
    if let Tail::Invalid(reason) = s.tail {
        if valid_line_after(&buf, s.good_end).is_some() {
            return Err(JournalError::Corrupt {
                line: entries.len() as u64 + 1,
                offset: s.good_end as u64,
                reason,
            });
        }
    }
    Ok(entries)
}

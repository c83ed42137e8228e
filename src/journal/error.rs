//! What can go wrong with a journal, in words an incident commander can act on.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("a journal already exists at {}", .0.display())]
    Exists(PathBuf),
    /// Damage that is not a torn tail: valid entries follow it, or the hash chain is broken.
    /// Nothing was truncated.
    #[error("the journal is damaged at line {line} (byte {offset}): {reason}")]
    Corrupt { line: u64, offset: u64, reason: String },
    #[error("the entry is {bytes} bytes; a journal entry may be at most {max} bytes")]
    TooLarge { bytes: usize, max: usize },
    #[error("the payload cannot be journaled: {0}")]
    Payload(String),
    /// The entry could not be made durable anywhere (journal file, continuation, fallback).
    #[error("{0}")]
    Unwritable(String),
}

impl JournalError {
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        JournalError::Io { op, path: path.into(), source }
    }
}

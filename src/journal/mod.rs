//! The incident journal: an append-only, crash-safe, tamper-evident file of JSON payloads.
//!
//! Storage only: payloads are JSON the caller gives (a `serde_json::Value`, written in
//! canonical form) and are handed back as the bytes written, unparsed; the incident layer
//! gives them meaning and parses each once.
//!
//! # File format
//!
//! UTF-8 text, one entry per line, so `grep` and `tail -f` work on it:
//!
//! ```text
//! <len> <crc32> {"seq":<n>,"prev":"<64 hex>","hash":"<64 hex>","payload":<json>}\n
//! ```
//!
//! - `len`: decimal byte length of the JSON part (1 ..= 1 MiB, no leading zeros);
//! - `crc32`: 8 lowercase hex digits, CRC-32 (IEEE) of the JSON part;
//! - `seq` starts at 1 and increases by 1; `prev` is the previous entry's `hash` (64 zeros for
//!   the first entry);
//! - `payload` is canonical JSON (object keys sorted, no whitespace);
//! - `hash` = hex sha256 of: `prev` as its 64 ASCII hex bytes, then `seq` as 8 bytes
//!   big-endian, then the payload bytes exactly as they appear in the line.
//!
//! The checksum catches torn writes; the hash chain catches edits, deletions and reordering
//! (anyone who rewrites the whole chain from the edit on defeats it, so record `head()` in a
//! second place, e.g. the response record, to anchor it).
//!
//! # Durability and sharing
//!
//! `append` holds an exclusive `flock` for one append, first reads what other processes
//! appended, writes the line with one `write_all`, then `sync_data`s before returning. A failed
//! write or fsync is never retried on the same file: the journal continues in a fresh file
//! (see [`Journal::degraded`]), as it does when the file is deleted, replaced or damaged under
//! it (checked on each append and poll). The fail-over switches the pointer file (see
//! [`Journal::set_pointer`]), the only way a reader finds the continuation.
//!
//! A last line without its newline is a write cut short and is cut on open; a complete line
//! that fails its checks is damage, wherever it is, and is never cut.

mod canonical;
mod error;
mod failover;
mod follow;
mod frame;
mod fs;
mod handle;
mod pointer;
mod read;
mod scan;
mod stream;
mod tail;
mod verify;

pub use canonical::to_vec as canonical_json;
pub use error::JournalError;
pub use failover::continuations;
pub use frame::{Frame, GENESIS, MAX_ENTRY_BYTES};
pub use fs::{
    atomic_write, check_private_dir, create_private_dirs, ensure_private_dir, euid, free_space,
};
pub use handle::Journal;
pub use pointer::{create as create_pointer, read as read_pointer, POINTER_BYTES};
pub use read::{read_each, read_entries, read_mapped, ReadEnd};
pub use tail::{Line, LineChain, Tail};
pub use verify::{verify, verify_anchored, Broken, VerifyReport};

/// One journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub seq: u64,
    pub prev: String,
    pub hash: String,
    /// The payload's bytes exactly as written (and hashed), unparsed.
    pub payload: Payload,
}

impl Entry {
    /// The payload as a JSON value (`Null` if it is not JSON), for readers that want a tree.
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(self.payload.as_str()).unwrap_or(serde_json::Value::Null)
    }
}

/// A payload as written: UTF-8 text, canonical JSON when this program wrote it.
#[derive(Clone, PartialEq, Eq)]
pub struct Payload(Box<str>);

impl Payload {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Payload {
    fn from(text: String) -> Payload {
        Payload(text.into_boxed_str())
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A journal opened for appending, with everything it already held.
#[derive(Debug)]
pub struct Opened {
    pub journal: Journal,
    pub entries: Vec<Entry>,
    /// Set when an unfinished or damaged last line was cut on open.
    pub recovery: Option<Recovery>,
}

/// A torn tail that was cut: the bytes from `offset` to the old end of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    pub offset: u64,
    pub bytes_cut: u64,
    pub reason: String,
    /// Where the cut bytes were kept (`<journal>.torn-<offset>`), as evidence for the audit;
    /// `None` if they could not be saved (the cut happens anyway: they were never
    /// acknowledged).
    pub saved_to: Option<std::path::PathBuf>,
}

/// Failures a test can inject, because a real disk cannot fail on demand.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The next append's line is written to `/dev/full` instead, so the kernel's own ENOSPC
    /// travels the real error path.
    DiskFull,
    /// The next `sync_data` (after an append's write, or after cutting a dead writer's torn
    /// tail) reports EIO; the write itself really happens.
    FailNextSync,
}

#[cfg(test)]
mod tests;

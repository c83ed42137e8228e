//! Damage and garbage: any single changed byte is caught (as a cut torn tail when it was the
//! last line's newline, as `Corrupt` at the right line otherwise), and no input makes open or
//! verify panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;

use drconsole::journal::{verify, Journal, JournalError};
use proptest::prelude::*;
use serde_json::json;

fn journal_bytes(n: usize) -> (tempfile::TempDir, Vec<u8>, Vec<drconsole::journal::Entry>) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("j.log");
    let mut j = Journal::create(&path).unwrap();
    let entries =
        (0..n).map(|i| j.append(json!({"i": i, "note": "主库切换 ok"})).unwrap()).collect();
    (dir, fs::read(&path).unwrap(), entries)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_changed_byte_never_goes_unnoticed(at in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let (dir, mut bytes, entries) = journal_bytes(5);
        let i = at.index(bytes.len());
        bytes[i] ^= mask;
        let line = bytes[..i].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let path = dir.path().join("damaged.log");
        fs::write(&path, &bytes).unwrap();
        let report = verify(&path);
        match Journal::open(&path) {
            Err(JournalError::Corrupt { line: l, .. }) => {
                // The last line too: a complete line that fails its checks is damage.
                prop_assert_eq!(l, line);
                prop_assert_eq!(report.first_broken.map(|b| b.line), Some(line));
            }
            Ok(opened) => {
                // Only a last line left without its newline passes for a torn write: the
                // changed byte was that newline. It is cut, and verify warns of it.
                prop_assert_eq!(i, bytes.len() - 1);
                prop_assert!(opened.recovery.is_some());
                prop_assert_eq!(&opened.entries[..], &entries[..4]);
                prop_assert!(report.first_broken.is_none() && report.unfinished_tail.is_some());
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..4096), keep in 0usize..3) {
        let (dir, valid, _) = journal_bytes(keep);
        let path = dir.path().join("garbage.log");
        let mut all = valid.clone();
        all.extend_from_slice(&bytes);
        fs::write(&path, &all).unwrap();
        let _ = verify(&path);
        if let Ok(opened) = Journal::open(&path) {
            prop_assert!(opened.entries.len() >= keep);
        }
    }
}

/// What is appended after the good entries, for `every_reader_judges_a_tail_alike`.
#[derive(Debug, Clone)]
enum Tail {
    /// The first `n` bytes of the next entry's line (a write cut short).
    Prefix(usize),
    /// Bytes with no newline among them (zeros after a power cut, or anything).
    Garbage(Vec<u8>),
    /// Bytes ending in a newline: a complete line that is no entry.
    Line(Vec<u8>),
    /// Bytes without a newline, then the next entry's whole line.
    BeforeAGoodLine(Vec<u8>),
}

fn tail() -> impl Strategy<Value = Tail> {
    let no_newline =
        prop::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 1..64);
    prop_oneof![
        (0usize..200).prop_map(Tail::Prefix),
        no_newline.clone().prop_map(Tail::Garbage),
        prop::collection::vec(Just(0u8), 1..64).prop_map(Tail::Garbage),
        no_newline.clone().prop_map(|mut b| {
            b.push(b'\n');
            Tail::Line(b)
        }),
        no_newline.prop_map(Tail::BeforeAGoodLine),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// One tail rule: whatever follows the good entries, `verify`, `read_entries`, an
    /// observer's `Tail` and `Journal::open` agree on what it is. A torn write (bytes without
    /// a newline and no good line after them) is left out by the readers, reported by verify
    /// as unfinished, and cut by open; anything else is damage at the same line for all four.
    #[test]
    fn every_reader_judges_a_tail_alike(keep in 0usize..4, tail in tail()) {
        let (dir, _, _) = journal_bytes(0);
        let full_path = dir.path().join("full.log");
        let mut j = Journal::create(&full_path).unwrap();
        let entries: Vec<_> =
            (0..=keep).map(|i| j.append(json!({"i": i, "note": "主库切换 ok"})).unwrap()).collect();
        drop(j);
        let bytes = fs::read(&full_path).unwrap();
        let good_end = bytes.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(keep.wrapping_sub(1))
            .map_or(0, |(i, _)| i + 1);
        let (good, next_line) = bytes.split_at(if keep == 0 { 0 } else { good_end });
        let good_entries = &entries[..keep];
        let mut all = good.to_vec();
        let torn = match &tail {
            Tail::Prefix(n) => {
                all.extend_from_slice(&next_line[..(*n).min(next_line.len() - 1)]);
                true
            }
            Tail::Garbage(b) => {
                all.extend_from_slice(b);
                true
            }
            Tail::Line(b) => {
                all.extend_from_slice(b);
                false
            }
            Tail::BeforeAGoodLine(b) => {
                all.extend_from_slice(b);
                all.extend_from_slice(next_line);
                false
            }
        };
        let rest = (all.len() - good.len()) as u64;
        let path = dir.path().join("tail.log");
        fs::write(&path, &all).unwrap();

        let report = verify(&path);
        let read = drconsole::journal::read_entries(&path);
        let mut observer = drconsole::journal::Tail::open(&path).unwrap();
        let observed = observer.poll();
        if torn {
            prop_assert!(report.first_broken.is_none(), "{report:?}");
            prop_assert_eq!(report.entries, keep as u64);
            prop_assert_eq!(report.unfinished_tail, (rest > 0).then_some(rest));
            prop_assert_eq!(&read.unwrap()[..], good_entries);
            prop_assert_eq!(&observed.unwrap()[..], good_entries);
            prop_assert_eq!(observer.unfinished().is_some(), rest > 0);
            let opened = Journal::open(&path).unwrap();
            prop_assert_eq!(&opened.entries[..], good_entries);
            prop_assert_eq!(opened.recovery.map(|r| r.bytes_cut), (rest > 0).then_some(rest));
        } else {
            let line = keep as u64 + 1;
            prop_assert_eq!(report.first_broken.map(|b| b.line), Some(line));
            let corrupt_line = |r: Result<_, JournalError>| match r {
                Err(JournalError::Corrupt { line, .. }) => Some(line),
                _ => None,
            };
            prop_assert_eq!(corrupt_line(read.map(|_| ())), Some(line));
            prop_assert_eq!(corrupt_line(observed.map(|_| ())), Some(line));
            prop_assert_eq!(corrupt_line(Journal::open(&path).map(|_| ())), Some(line));
            prop_assert_eq!(fs::read(&path).unwrap(), all, "damage is never cut");
        }
    }
}

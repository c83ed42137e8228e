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

/// Where an observer's looks end, for `every_reader_judges_a_tail_alike`.
#[derive(Debug, Clone)]
enum Cut {
    /// Its first look ends exactly at the end of the appended bytes (before the good line,
    /// when one follows).
    FirstLookEndsAtTheDamage,
    /// The look that starts at the appended bytes ends exactly at their end.
    LookFromTheDamageEndsAtItsEnd,
    /// Looks of this many bytes.
    Anywhere(usize),
}

fn cut() -> impl Strategy<Value = Cut> {
    prop_oneof![
        Just(Cut::FirstLookEndsAtTheDamage),
        Just(Cut::LookFromTheDamageEndsAtItsEnd),
        (1usize..400).prop_map(Cut::Anywhere),
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
    ///
    /// The observer also reads the file in small looks, one of which ends exactly where the
    /// appended bytes end (the first look, or the one that starts at them), or anywhere: where
    /// a look ends never changes what it says, or why.
    #[test]
    fn every_reader_judges_a_tail_alike(keep in 0usize..4, tail in tail(), cut in cut()) {
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
        let damage_end = match &tail {
            Tail::BeforeAGoodLine(b) => good.len() + b.len(),
            _ => all.len(),
        };
        let chunk = match cut {
            Cut::FirstLookEndsAtTheDamage => damage_end,
            Cut::LookFromTheDamageEndsAtItsEnd => damage_end - good.len(),
            Cut::Anywhere(n) => n,
        };
        let mut chunked =
            drconsole::journal::Tail::open(&path).unwrap().read_in_chunks_of(chunk);
        let observed_in_chunks = chunked.poll();
        prop_assert_eq!(
            format!("{observed_in_chunks:?}"), format!("{observed:?}"), "looks of {} bytes", chunk
        );
        prop_assert_eq!(chunked.unfinished(), observer.unfinished());
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

/// A damaged stretch with no newline that fills an observer's whole read (4 ×
/// `MAX_ENTRY_BYTES`, the most its `Tail` reads at once), ending exactly where that read ends,
/// with a good line after it: damage for every reader, as verify says, never an unfinished
/// line to wait for.
#[test]
fn damage_that_ends_exactly_at_the_observers_read_boundary_is_damage() {
    let (dir, three, _) = journal_bytes(3);
    let second_end = three.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(1).unwrap().0 + 1;
    let (good, third) = three.split_at(second_end);
    let mut all = good.to_vec();
    all.extend(std::iter::repeat_n(b'x', 4 * drconsole::journal::MAX_ENTRY_BYTES));
    all.extend_from_slice(third);
    let path = dir.path().join("boundary.log");
    fs::write(&path, &all).unwrap();

    let report = verify(&path);
    assert_eq!(report.first_broken.as_ref().map(|b| b.line), Some(3), "{report:?}");
    let mut observer = drconsole::journal::Tail::open(&path).unwrap();
    match observer.poll() {
        Err(JournalError::Corrupt { line, offset, reason }) => {
            assert_eq!((line, offset), (3, good.len() as u64));
            let read = drconsole::journal::read_entries(&path).unwrap_err();
            let at = good.len() + 4 * drconsole::journal::MAX_ENTRY_BYTES;
            assert!(reason.contains(&format!("complete entries follow it (at byte {at})")));
            assert_eq!(
                format!("{read:?}"),
                format!("{:?}", JournalError::Corrupt { line, offset, reason }),
                "the observer and a reader of the whole file say the same"
            );
        }
        other => panic!(
            "expected damage at line 3, got {other:?} (unfinished: {:?})",
            observer.unfinished()
        ),
    }
    assert_eq!(fs::read(&path).unwrap(), all, "an observer never changes the file");
}

/// The other side of the same rule: bytes with no newline that run past an observer's whole
/// read to the end of the file are an unfinished tail for it, as for verify and open.
#[test]
fn no_newline_past_the_observers_read_to_the_end_is_an_unfinished_tail() {
    let (dir, good, entries) = journal_bytes(2);
    let mut all = good.clone();
    all.extend(std::iter::repeat_n(0u8, 4 * drconsole::journal::MAX_ENTRY_BYTES + 10));
    let path = dir.path().join("zeros.log");
    fs::write(&path, &all).unwrap();

    let report = verify(&path);
    assert_eq!(report.unfinished_tail, Some((all.len() - good.len()) as u64), "{report:?}");
    let mut observer = drconsole::journal::Tail::open(&path).unwrap();
    assert_eq!(observer.poll().unwrap(), entries);
    assert!(observer.unfinished().is_some());
    assert_eq!(fs::read(&path).unwrap(), all, "an observer never cuts a torn tail");
}

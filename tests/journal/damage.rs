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

//! A journal cut at any byte inside its last few entries (what a crash mid-append leaves)
//! reopens with exactly the complete entries before the cut, and nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;

use drconsole::journal::{Journal, GENESIS};
use proptest::prelude::*;
use serde_json::{json, Value};

fn payload() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "\\PC{0,40}".prop_map(Value::from),
        ("[a-z]{1,8}", "\\PC{0,20}", any::<bool>())
            .prop_map(|(k, v, b)| json!({ k: v, "ok": b, "list": [1, null, "中"] })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn truncated_anywhere_in_the_last_entries_reopens_with_every_complete_entry(
        payloads in prop::collection::vec(payload(), 4..9),
        last in 1usize..4,
    ) {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let full_path = dir.path().join("full.log");
        let mut j = Journal::create(&full_path).unwrap();
        let written: Vec<_> = payloads.iter().map(|p| j.append(p.clone()).unwrap()).collect();
        drop(j);
        let bytes = fs::read(&full_path).unwrap();
        // Byte offset where each entry ends.
        let ends: Vec<usize> = bytes.iter().enumerate()
            .filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1).collect();
        prop_assert_eq!(ends.len(), written.len());
        let from = ends[written.len() - 1 - last.min(written.len() - 1)];
        let cut_path = dir.path().join("cut.log");
        for cut in from..=bytes.len() {
            fs::write(&cut_path, &bytes[..cut]).unwrap();
            let complete = ends.iter().filter(|&&e| e <= cut).count();
            let boundary = if complete == 0 { 0 } else { ends[complete - 1] };
            let opened = Journal::open(&cut_path).unwrap();
            prop_assert_eq!(&opened.entries[..], &written[..complete], "cut at {}", cut);
            prop_assert_eq!(opened.recovery.is_some(), cut != boundary, "cut at {}", cut);
            if let Some(r) = &opened.recovery {
                prop_assert_eq!((r.offset, r.bytes_cut), (boundary as u64, (cut - boundary) as u64));
            }
            prop_assert_eq!(fs::metadata(&cut_path).unwrap().len(), boundary as u64);
            let head = written[..complete].last().map_or(GENESIS, |e| e.hash.as_str());
            prop_assert_eq!(opened.journal.head(), head);
        }
    }
}

//! Several writers on one journal: separate handles in threads (flock is per open file, so
//! they exclude each other like processes do) and a second real process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use drconsole::journal::{verify, Entry, Journal};
use serde_json::json;

const CHILD_ENV: &str = "DRCONSOLE_JOURNAL_CONCURRENT_CHILD";
const PER_WRITER: u64 = 150;

fn writer(path: &Path, id: &str) -> (Vec<Entry>, Vec<Entry>, Journal) {
    // What was there at open, then what `poll` delivers: together, everyone else's entries.
    let opened = Journal::open(path).unwrap();
    let (mut j, mut seen, mut mine) = (opened.journal, opened.entries, Vec::new());
    for i in 0..PER_WRITER {
        mine.push(j.append(json!({"writer": id, "i": i})).unwrap());
        if i % 10 == 0 {
            seen.extend(j.poll().unwrap());
        }
    }
    (mine, seen, j)
}

/// The second process in `two_processes_append_to_one_journal`, which starts it.
#[test]
#[ignore = "a child process of two_processes_append_to_one_journal"]
fn writer_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let path = Path::new(&path);
    let (_, mut seen, mut j) = writer(path, "child");
    // Keep polling until every parent entry has been seen (the parent writes 150 regardless).
    let deadline = crate::common::deadline(std::time::Duration::from_secs(30));
    let from_parent =
        |seen: &[Entry]| seen.iter().filter(|e| e.value()["writer"] == "parent").count();
    while from_parent(&seen) < PER_WRITER as usize && Instant::now() < deadline {
        seen.extend(j.poll().unwrap());
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let parent: Vec<u64> = seen
        .iter()
        .filter(|e| e.value()["writer"] == "parent")
        .map(|e| e.value()["i"].as_u64().unwrap())
        .collect();
    // `seen` mixes the first handle's polls with a second handle's replay, so dedupe by seq.
    let mut seqs: Vec<u64> =
        seen.iter().filter(|e| e.value()["writer"] == "parent").map(|e| e.seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len() as u64, PER_WRITER, "child saw every parent entry: {parent:?}");
}

fn check_all_present_once(path: &Path, writers: &[&str]) -> Vec<Entry> {
    let opened = Journal::open(path).unwrap();
    assert!(opened.recovery.is_none());
    let report = verify(path);
    assert!(report.is_ok(), "{report:?}");
    let entries = opened.entries;
    assert_eq!(entries.len() as u64, PER_WRITER * writers.len() as u64);
    let keys: HashSet<(String, u64)> = entries
        .iter()
        .map(|e| {
            (e.value()["writer"].as_str().unwrap().to_string(), e.value()["i"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(keys.len(), entries.len(), "every entry exactly once");
    for w in writers {
        for i in 0..PER_WRITER {
            assert!(keys.contains(&(w.to_string(), i)), "{w} {i} missing");
        }
    }
    entries
}

#[test]
fn threads_with_separate_handles_append_and_poll() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("journal.log");
    drop(Journal::create(&path).unwrap());
    let ids = ["a", "b", "c"];
    let started = Instant::now();
    let results: Vec<(Vec<Entry>, Vec<Entry>, Journal)> = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .iter()
            .map(|id| {
                let path = path.clone();
                s.spawn(move || {
                    let (mine, mut seen, mut j) = writer(&path, id);
                    // A handle that finished first (the threads may run one after another on
                    // a busy machine) keeps polling until it has every other handle's entries.
                    let others = PER_WRITER as usize * (ids.len() - 1);
                    let deadline = crate::common::deadline(std::time::Duration::from_secs(30));
                    while seen.len() < others && Instant::now() < deadline {
                        seen.extend(j.poll().unwrap());
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    seen.sort_by_key(|e| e.seq);
                    (mine, seen, j)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let all = check_all_present_once(&path, &ids);
    let by_seq: HashMap<u64, &Entry> = all.iter().map(|e| (e.seq, e)).collect();
    for (mine, seen, _) in &results {
        // What each handle polled is exactly the file's entries at those seqs, no duplicates,
        // and never its own entries.
        let seqs: HashSet<u64> = seen.iter().map(|e| e.seq).collect();
        assert_eq!(seqs.len(), seen.len());
        for e in seen {
            assert_eq!(by_seq[&e.seq], e);
        }
        let own: HashSet<u64> = mine.iter().map(|e| e.seq).collect();
        assert!(seqs.is_disjoint(&own));
        assert_eq!(seen.len(), PER_WRITER as usize * (ids.len() - 1), "each saw all the others'");
    }
    eprintln!(
        "{} appends from 3 handles in {elapsed:?} ({:?} per append incl. fsync)",
        all.len(),
        elapsed / all.len() as u32
    );
}

#[test]
fn two_processes_append_to_one_journal() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("journal.log");
    drop(Journal::create(&path).unwrap());
    let mut child = crate::common::child_test(concat!(module_path!(), "::writer_child"))
        .env(CHILD_ENV, &path)
        // Its own "test result" line is not one of this run's.
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The child may already have appended before this open: those entries come with it.
    let opened = Journal::open(&path).unwrap();
    let mut seen = opened.entries;
    let mut j = opened.journal;
    for i in 0..PER_WRITER {
        j.append(json!({"writer": "parent", "i": i})).unwrap();
        seen.extend(j.poll().unwrap());
    }
    assert!(child.wait().unwrap().success());
    seen.extend(j.poll().unwrap());
    check_all_present_once(&path, &["parent", "child"]);
    let from_child: Vec<u64> = seen
        .iter()
        .filter(|e| e.value()["writer"] == "child")
        .map(|e| e.value()["i"].as_u64().unwrap())
        .collect();
    assert_eq!(from_child, (0..PER_WRITER).collect::<Vec<_>>(), "poll saw every child entry once");
    assert_eq!(j.len(), 2 * PER_WRITER);
}

/// Figures for the report, not assertions on wall time: append+fsync latency, idle poll, and
/// replay on open. Not a test, so not counted as one: `cargo test --test journal -- --ignored
/// figures --nocapture`.
#[test]
#[ignore = "figures, not a test: run with --ignored"]
fn figures_append_poll_and_replay() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("journal.log");
    let mut j = Journal::create(&path).unwrap();
    let mut lat = Vec::new();
    for i in 0..300 {
        let t = Instant::now();
        j.append(json!({"i": i, "kind": "note", "text": "x".repeat(300)})).unwrap();
        lat.push(t.elapsed());
    }
    lat.sort();
    let started = Instant::now();
    for _ in 0..10_000 {
        assert!(j.poll().unwrap().is_empty());
    }
    let poll = started.elapsed() / 10_000;
    drop(j);
    let started = Instant::now();
    let opened = Journal::open(&path).unwrap();
    let replay = started.elapsed();
    assert_eq!(opened.entries.len(), 300);
    eprintln!(
        "append+fsync (~400 B): p50 {:?} p90 {:?} max {:?}; idle poll {poll:?}; open+replay of \
         300 entries {replay:?}",
        lat[150], lat[270], lat[299]
    );
}

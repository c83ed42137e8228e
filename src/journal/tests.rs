//! Unit tests for `Journal`: chaining, replay, recovery, polling and failing over. Real files
//! in temp dirs; the only fake is the injected fault.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use super::*;

fn new_journal() -> (tempfile::TempDir, std::path::PathBuf, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incident/journal.log");
    let j = Journal::create(&path).unwrap();
    (dir, path, j)
}

fn append_bytes(path: &std::path::Path, bytes: &[u8]) {
    fs::OpenOptions::new().append(true).open(path).unwrap().write_all(bytes).unwrap();
}

#[test]
fn entries_chain_from_genesis() {
    let (_d, path, mut j) = new_journal();
    assert!(j.is_empty());
    assert_eq!(j.head(), GENESIS);
    let a = j.append(json!({"kind": "declared"})).unwrap();
    let b = j.append(json!({"kind": "note", "text": "主库不可用"})).unwrap();
    assert_eq!((a.seq, b.seq), (1, 2));
    assert_eq!(a.prev, GENESIS);
    assert_eq!(b.prev, a.hash);
    assert_eq!(j.head(), b.hash);
    assert_eq!(j.len(), 2);
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(text.contains("主库不可用"), "greppable as written");
    let r = verify(&path);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!((r.entries, r.head.as_str()), (2, b.hash.as_str()));
}

#[test]
fn create_refuses_an_existing_file_and_makes_it_private() {
    let (_d, path, _j) = new_journal();
    assert!(matches!(Journal::create(&path), Err(JournalError::Exists(_))));
    assert!(continuations(&path).is_empty());
    assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn reopen_replays_and_continues_the_chain() {
    let (_d, path, mut j) = new_journal();
    for i in 0..5 {
        j.append(json!({"i": i, "f": 0.1 + f64::from(i)})).unwrap();
    }
    let head = j.head().to_string();
    drop(j);
    let mut o = Journal::open(&path).unwrap();
    assert!(o.recovery.is_none());
    assert_eq!(o.entries.len(), 5);
    assert_eq!(o.entries[4].value(), json!({"i": 4, "f": 4.1}));
    assert_eq!(o.journal.head(), head);
    let e = o.journal.append(json!("six")).unwrap();
    assert_eq!((e.seq, e.prev.as_str()), (6, head.as_str()));
    assert!(verify(&path).is_ok());
}

#[test]
fn torn_tail_is_cut_and_reported() {
    let (_d, path, mut j) = new_journal();
    j.append(json!(1)).unwrap();
    j.append(json!(2)).unwrap();
    drop(j);
    let good = fs::metadata(&path).unwrap().len();
    append_bytes(&path, b"57 0123abcd {\"seq\":3,\"pr");
    let o = Journal::open(&path).unwrap();
    let rec = o.recovery.clone().unwrap();
    assert_eq!((rec.offset, rec.bytes_cut), (good, 24));
    assert!(rec.reason.contains("unfinished"), "{}", rec.reason);
    assert_eq!(o.entries.len(), 2);
    assert_eq!(fs::metadata(&path).unwrap().len(), good, "cut on disk");
    let saved = rec.saved_to.unwrap();
    assert_eq!(saved, path.with_file_name(format!("journal.log.torn-{good}")));
    assert_eq!(fs::read(&saved).unwrap(), b"57 0123abcd {\"seq\":3,\"pr");
    assert_eq!(fs::metadata(&saved).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn garbage_tail_after_power_cut_is_cut() {
    let (_d, path, mut j) = new_journal();
    j.append(json!(1)).unwrap();
    drop(j);
    append_bytes(&path, &[0u8; 4096]);
    let o = Journal::open(&path).unwrap();
    assert_eq!(o.recovery.unwrap().bytes_cut, 4096);
    assert_eq!(o.entries.len(), 1);
}

#[test]
fn damage_followed_by_good_entries_is_corrupt_and_nothing_is_cut() {
    let (_d, path, mut j) = new_journal();
    for i in 0..3 {
        j.append(json!({"i": i})).unwrap();
    }
    drop(j);
    let mut bytes = fs::read(&path).unwrap();
    let second_line = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    bytes[second_line + 30] ^= 0x20; // inside line 2's JSON
    fs::write(&path, &bytes).unwrap();
    match Journal::open(&path) {
        Err(JournalError::Corrupt { line, offset, reason }) => {
            assert_eq!((line, offset), (2, second_line as u64));
            assert!(reason.contains("checksum"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(fs::read(&path).unwrap(), bytes, "nothing truncated");
}

#[test]
fn hostile_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        b"\n".to_vec(),
        b"9999999 00000000 x\n".to_vec(),
        b"99999999999999999999999999 ffffffff {}\n".to_vec(),
        (0..=255u8).cycle().take(70_000).collect(),
        b"2 00000000 {}\n2 00000000 {}\n".to_vec(),
    ];
    for (i, c) in cases.iter().enumerate() {
        let p = dir.path().join(format!("f{i}"));
        fs::write(&p, c).unwrap();
        let _ = verify(&p);
        let _ = Journal::open(&p);
    }
    assert!(Journal::open(dir.path()).is_err(), "a directory is an error, not a panic");
}

#[test]
fn poll_sees_other_handles_appends_and_waits_for_unfinished_lines() {
    let (_d, path, mut a) = new_journal();
    let mut b = Journal::open(&path).unwrap().journal;
    assert!(b.poll().unwrap().is_empty());
    let e1 = a.append(json!("from a")).unwrap();
    assert_eq!(b.poll().unwrap(), vec![e1.clone()]);
    assert!(b.poll().unwrap().is_empty(), "each entry once");
    // b appends without polling first: it must chain onto a's entry and queue it... already
    // polled, so nothing queued; then a appends and b appends again.
    let e2 = a.append(json!("a again")).unwrap();
    let e3 = b.append(json!("from b")).unwrap();
    assert_eq!((e3.seq, e3.prev.as_str()), (3, e2.hash.as_str()));
    assert_eq!(b.poll().unwrap(), vec![e2], "caught up under the lock, delivered by poll");
    assert_eq!(a.poll().unwrap(), vec![e3]);
    // A writer mid-line: poll must not consume or cut it.
    let len = fs::metadata(&path).unwrap().len();
    let partial = b"120 00000000 {\"seq\":4";
    append_bytes(&path, partial);
    assert!(a.poll().unwrap().is_empty());
    assert_eq!(fs::metadata(&path).unwrap().len(), len + partial.len() as u64);
    // The next append (under the lock: that writer is gone) cuts it and carries on.
    let e4 = a.append(json!(4)).unwrap();
    assert_eq!(e4.seq, 4);
    assert_eq!(a.recoveries().len(), 1);
    assert!(verify(&path).is_ok());
}

#[test]
fn failed_fsync_switches_to_a_continuation_with_everything() {
    let (_d, path, mut j) = new_journal();
    j.append(json!(1)).unwrap();
    j.append(json!(2)).unwrap();
    j.inject_fault(Fault::FailNextSync);
    let e = j.append(json!(3)).unwrap();
    assert_eq!(e.seq, 3);
    let cont = path.with_file_name("journal.log.cont-1");
    assert_eq!(j.path(), cont);
    let why = j.degraded().unwrap();
    assert!(why.contains(cont.to_str().unwrap()) && why.contains("3 entries"), "{why}");
    // The old file lost its unsynced line (best effort) and is never written again.
    assert_eq!(verify(&path).entries, 2);
    j.append(json!(4)).unwrap();
    assert_eq!(verify(&path).entries, 2);
    let r = verify(&cont);
    assert!(r.is_ok());
    assert_eq!((r.entries, r.head.as_str()), (4, j.head()));
    assert_eq!(fs::metadata(&cont).unwrap().permissions().mode() & 0o777, 0o600);
    // A second failure moves on to cont-2.
    j.inject_fault(Fault::FailNextSync);
    j.append(json!(5)).unwrap();
    assert_eq!(j.path(), path.with_file_name("journal.log.cont-2"));
    assert_eq!(verify(j.path()).entries, 5);
    assert_eq!(continuations(&path), vec![cont, path.with_file_name("journal.log.cont-2")]);
}

#[test]
fn verify_reports_an_edited_byte() {
    let (_d, path, mut j) = new_journal();
    for i in 0..4 {
        j.append(json!({"text": format!("step {i} done")})).unwrap();
    }
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("step 2 done", "step 2 DONE", 1)).unwrap();
    let b = verify(&path).first_broken.unwrap();
    assert_eq!((b.line, b.seq), (3, Some(3)));
    assert!(b.reason.contains("checksum"), "{}", b.reason);
    assert!(b.reason.contains("complete entries follow"), "{}", b.reason);
}

#[test]
fn verify_reports_an_edit_with_recomputed_checksum() {
    let (_d, path, mut j) = new_journal();
    for i in 0..3 {
        j.append(json!({"n": i})).unwrap();
    }
    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let json = lines[1].splitn(3, ' ').nth(2).unwrap().replace(r#""n":1"#, r#""n":7"#);
    let forged = format!("{} {:08x} {json}", json.len(), crc32fast::hash(json.as_bytes()));
    fs::write(&path, format!("{}\n{forged}\n{}\n", lines[0], lines[2])).unwrap();
    let r = verify(&path);
    let b = r.first_broken.unwrap();
    assert_eq!((b.line, b.seq, r.entries), (2, Some(2), 1));
    assert!(b.reason.contains("hash does not match"), "{}", b.reason);
}

#[test]
fn verify_reports_a_deleted_line() {
    let (_d, path, mut j) = new_journal();
    for i in 0..5 {
        j.append(json!(i)).unwrap();
    }
    let text = fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> =
        text.lines().enumerate().filter(|(i, _)| *i != 2).map(|(_, l)| l).collect();
    fs::write(&path, kept.join("\n") + "\n").unwrap();
    let r = verify(&path);
    let b = r.first_broken.unwrap();
    assert_eq!((b.line, b.seq, r.entries), (3, Some(4), 2));
    assert!(b.reason.contains("deleted"), "{}", b.reason);
    assert!(matches!(Journal::open(&path), Err(JournalError::Corrupt { line: 3, .. })));
}

#[test]
fn verify_reports_swapped_lines() {
    let (_d, path, mut j) = new_journal();
    for i in 0..5 {
        j.append(json!(i)).unwrap();
    }
    let text = fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(1, 3);
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let b = verify(&path).first_broken.unwrap();
    assert_eq!((b.line, b.seq), (2, Some(4)));
    assert!(b.reason.contains("swapped"), "{}", b.reason);
}

#[test]
fn verify_tolerates_an_unfinished_tail_but_flags_a_damaged_last_line() {
    let (_d, path, mut j) = new_journal();
    j.append(json!(1)).unwrap();
    drop(j);
    let partial = b"40 aaaaaaaa {\"seq\"";
    append_bytes(&path, partial);
    let r = verify(&path);
    assert!(r.is_ok());
    assert_eq!((r.entries, r.unfinished_tail), (1, Some(partial.len() as u64)));
    let mut bytes = fs::read(&path).unwrap();
    bytes.truncate(bytes.len() - partial.len());
    let n = bytes.len();
    bytes[n - 3] ^= 1;
    fs::write(&path, &bytes).unwrap();
    let b = verify(&path).first_broken.unwrap();
    assert!(b.reason.contains("last line"), "{}", b.reason);
}

#[test]
fn a_damaged_newline_does_not_hide_the_good_line_after_it() {
    let (_d, path, mut j) = new_journal();
    for i in 0..3 {
        j.append(json!(i)).unwrap();
    }
    drop(j);
    let mut bytes = fs::read(&path).unwrap();
    let first_nl = bytes.iter().position(|&b| b == b'\n').unwrap();
    let second_nl = first_nl + 1 + bytes[first_nl + 1..].iter().position(|&b| b == b'\n').unwrap();
    bytes[second_nl] = b' ';
    fs::write(&path, &bytes).unwrap();
    assert!(matches!(Journal::open(&path), Err(JournalError::Corrupt { line: 2, .. })));
    assert_eq!(fs::read(&path).unwrap(), bytes, "line 3 was not cut");
}

#[test]
fn a_journal_can_move_to_the_writer_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<Journal>();
    assert_send::<JournalError>();
}

#[test]
fn a_failed_fsync_while_cutting_a_dead_writers_tail_also_fails_over() {
    let (_d, path, mut j) = new_journal();
    j.append(json!(1)).unwrap();
    append_bytes(&path, b"300 00000000 {\"seq\":2,\"prev"); // a writer killed mid-line
    j.inject_fault(Fault::FailNextSync);
    let e = j.append(json!(2)).unwrap();
    assert_eq!(e.seq, 2);
    let cont = path.with_file_name("journal.log.cont-1");
    assert_eq!(j.path(), cont);
    assert!(j.degraded().unwrap().contains("cutting a torn tail failed"));
    let r = verify(&cont);
    assert!(r.is_ok() && r.unfinished_tail.is_none() && r.entries == 2, "{r:?}");
}

#[test]
fn a_damaged_complete_last_line_is_refused_not_cut() {
    let (_d, path, mut j) = new_journal();
    j.append(json!({"kind": "declared"})).unwrap();
    drop(j);
    let mut bytes = fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0x01;
    fs::write(&path, &bytes).unwrap();
    match Journal::open(&path) {
        Err(JournalError::Corrupt { line: 1, offset: 0, reason }) => {
            assert!(reason.contains("ends in a newline"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(matches!(read_entries(&path), Err(JournalError::Corrupt { line: 1, .. })));
    assert_eq!(fs::read(&path).unwrap(), bytes, "nothing cut");
    assert!(continuations(&path).is_empty());
    let b = verify(&path).first_broken.unwrap();
    assert_eq!(b.line, 1);
}

#[test]
fn a_deleted_journal_is_noticed_by_poll_and_rewritten_from_memory() {
    let (_d, path, mut j) = new_journal();
    let pointer = path.with_file_name("journal.log.current");
    pointer::create(&pointer, &path).unwrap();
    j.set_pointer(pointer.clone());
    for i in 0..3 {
        j.append(json!(i)).unwrap();
    }
    fs::remove_file(&path).unwrap();
    assert!(j.poll().unwrap().is_empty());
    let cont = path.with_file_name("journal.log.cont-1");
    assert_eq!(j.path(), cont);
    let why = j.degraded().unwrap();
    assert!(why.contains("was deleted") && why.contains("all 3 entries"), "{why}");
    assert_eq!(pointer::read(&pointer).unwrap(), Some(cont.clone()));
    j.append(json!(3)).unwrap();
    let r = verify(&cont);
    assert!(r.is_ok() && r.entries == 4, "{r:?}");
}

#[test]
fn a_replaced_journal_is_noticed_by_append_and_left_as_evidence() {
    let (_d, path, mut j) = new_journal();
    j.append(json!(1)).unwrap();
    let other = path.with_file_name("other");
    fs::write(&other, b"someone else's file\n").unwrap();
    fs::rename(&other, &path).unwrap();
    let e = j.append(json!(2)).unwrap();
    assert_eq!(e.seq, 2);
    assert!(j.degraded().unwrap().contains("replaced by another file"));
    assert_eq!(fs::read(&path).unwrap(), b"someone else's file\n");
    assert_eq!(verify(j.path()).entries, 2);
}

#[test]
fn verify_finds_a_saved_head_only_in_the_chain_that_holds_it() {
    let (_d, path, mut j) = new_journal();
    let first = j.append(json!(1)).unwrap().hash;
    j.append(json!(2)).unwrap();
    assert_eq!(verify_anchored(&path, Some(&first)).anchor_seq, Some(1));
    assert_eq!(verify_anchored(&path, Some(GENESIS)).anchor_seq, Some(0));
    assert_eq!(verify_anchored(&path, Some(&"ab".repeat(32))).anchor_seq, None);
}

#[test]
fn a_second_writer_follows_the_pointer_when_the_first_fails_over() {
    let (_d, path, mut a) = new_journal();
    let pointer = path.with_file_name("journal.log.current");
    pointer::create(&pointer, &path).unwrap();
    a.set_pointer(pointer.clone());
    a.append(json!("declared")).unwrap();
    let mut b = Journal::open(&path).unwrap().journal;
    b.set_pointer(pointer.clone());
    b.inject_fault(Fault::FailNextSync);
    b.append(json!("b, after its fsync failed")).unwrap();
    let cont = path.with_file_name("journal.log.cont-1");
    assert_eq!(b.path(), cont);
    assert_eq!(pointer::read(&pointer).unwrap(), Some(cont.clone()));
    // A sees B's entry and writes where the pointer says, not into the abandoned file.
    let seen = a.poll().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].value(), json!("b, after its fsync failed"));
    assert_eq!(a.path(), cont);
    assert!(a.degraded().unwrap().contains("Another process moved the journal"));
    a.append(json!("a, after following")).unwrap();
    assert_eq!(b.poll().unwrap().len(), 1);
    let r = verify(&cont);
    assert!(r.is_ok() && r.entries == 3, "{r:?}");
    assert_eq!(verify(&path).entries, 1, "the old file is not written again");
}

#[test]
fn lines_longer_than_a_read_and_across_reads_are_read_whole() {
    let (_d, path, mut j) = new_journal();
    // Lines that straddle the 256 KiB reads, one longer than a read, then small ones.
    let mut want = Vec::new();
    for i in 0..40 {
        let v = json!({"i": i, "pad": "字".repeat(if i == 7 { 150_000 } else { 3_000 + i * 17 })});
        j.append(v.clone()).unwrap();
        want.push(v);
    }
    let head = j.head().to_string();
    drop(j);
    let cut_from = fs::metadata(&path).unwrap().len();
    append_bytes(&path, b"123 00000000 {\"seq\":41");
    let end = read_each(&path, |_| {}).unwrap();
    assert_eq!((end.entries, end.head.as_str()), (40, head.as_str()));
    let got: Vec<_> = read_entries(&path).unwrap().iter().map(Entry::value).collect();
    assert_eq!(got, want);
    let o = Journal::open(&path).unwrap();
    assert_eq!(o.entries.len(), 40);
    assert_eq!(o.recovery.unwrap().offset, cut_from, "the unfinished line is cut");
}

#[test]
fn damage_far_from_the_end_is_damage_whatever_the_read_size() {
    let (_d, path, mut j) = new_journal();
    for i in 0..300 {
        j.append(json!({"i": i, "pad": "x".repeat(2_000)})).unwrap();
    }
    drop(j);
    let mut bytes = fs::read(&path).unwrap();
    // Line 5 loses its newline; 295 good lines (~600 KB, several reads) follow it.
    let fifth_end = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(4).unwrap().0;
    bytes[fifth_end] = b' ';
    fs::write(&path, &bytes).unwrap();
    match Journal::open(&path) {
        Err(JournalError::Corrupt { line: 5, reason, .. }) => {
            assert!(reason.contains("complete entries follow"), "{reason}");
        }
        other => panic!("expected Corrupt at line 5, got {other:?}"),
    }
    assert_eq!(fs::read(&path).unwrap(), bytes, "nothing cut");
}

#[test]
fn a_journal_changed_in_place_is_not_copied_into_a_continuation() {
    use std::os::unix::fs::FileExt;
    let (_d, path, mut j) = new_journal();
    for i in 0..3 {
        j.append(json!({"i": i})).unwrap();
    }
    // Another program edits entry 2 in place (same file, checksum and all), unseen until a
    // fail-over has to copy the entries: they no longer end in the head this journal knows.
    let text = fs::read_to_string(&path).unwrap();
    let at = text.find(r#"{"i":1}"#).unwrap() + 5;
    fs::OpenOptions::new().write(true).open(&path).unwrap().write_all_at(b"7", at as u64).unwrap();
    let edited = fs::read(&path).unwrap();
    j.inject_fault(Fault::FailNextSync);
    match j.append(json!({"i": 3})) {
        Err(JournalError::Unwritable(why)) => {
            assert!(why.contains("NOT recorded") && why.contains("changed in place"), "{why}");
        }
        other => panic!("expected Unwritable, got {other:?}"),
    }
    assert!(continuations(&path).is_empty(), "no continuation that would not verify");
    let mut kept = edited.clone();
    kept.truncate(text.len());
    assert_eq!(fs::read(&path).unwrap(), kept, "the edited file is left as evidence");
}

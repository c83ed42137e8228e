//! Writes that fail: the journal moves to a fresh file and loses nothing, or says plainly
//! that the entry was not recorded; `atomic_write` leaves the old file alone.
//!
//! What each test really exercises (we run as root, so a chmod'ed directory stops nothing):
//! - `Fault::DiskFull` writes the next line to `/dev/full`: a real ENOSPC from the kernel on
//!   the real error path; only the choice of which write fails is staged.
//! - Removing the journal's directory makes creating `<name>.cont-1` beside it really fail
//!   (ENOENT), which forces the fallback folder.
//! - A fallback folder under `/dev/full` really cannot be created (ENOTDIR).
//! - `atomic_write` runs in a child process with RLIMIT_FSIZE lowered, so the kernel really
//!   refuses the write (EFBIG) midway through the temp file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use drconsole::journal::{atomic_write, free_space, verify, Fault, Journal, JournalError};
use serde_json::json;

fn journal_with(n: u64) -> (tempfile::TempDir, PathBuf, Journal) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("incident/journal.log");
    let mut j = Journal::create(&path).unwrap();
    for i in 1..=n {
        j.append(json!({"i": i})).unwrap();
    }
    (dir, path, j)
}

fn payloads(path: &Path) -> Vec<serde_json::Value> {
    Journal::open(path).unwrap().entries.into_iter().map(|e| e.value()).collect()
}

#[test]
fn enospc_moves_to_a_continuation_beside_and_loses_nothing() {
    let (_d, path, mut j) = journal_with(3);
    j.inject_fault(Fault::DiskFull);
    let e = j.append(json!({"i": 4})).unwrap();
    assert_eq!(e.seq, 4);
    let cont = path.with_file_name("journal.log.cont-1");
    assert_eq!(j.path(), cont);
    let why = j.degraded().unwrap();
    assert!(why.contains("No space left on device"), "{why}");
    assert!(why.contains(cont.to_str().unwrap()), "{why}");
    j.append(json!({"i": 5})).unwrap();
    drop(j);
    assert_eq!(payloads(&cont), (1..=5).map(|i| json!({"i": i})).collect::<Vec<_>>());
    assert!(verify(&cont).is_ok());
    // The original keeps what was durable there, untouched by the failed write.
    let old = verify(&path);
    assert!(old.is_ok() && old.entries == 3, "{old:?}");
}

#[test]
fn when_nothing_beside_works_the_fallback_folder_is_used() {
    let (d, path, mut j) = journal_with(3);
    let fallback = d.path().join("fallback");
    j.set_fallback_dir(fallback.clone());
    fs::remove_dir_all(path.parent().unwrap()).unwrap();
    j.inject_fault(Fault::DiskFull);
    j.append(json!({"i": 4})).unwrap();
    let moved = fallback.join("journal.log.cont-1");
    assert_eq!(j.path(), moved);
    let why = j.degraded().unwrap();
    assert!(why.contains(moved.to_str().unwrap()), "{why}");
    drop(j);
    assert_eq!(payloads(&moved), (1..=4).map(|i| json!({"i": i})).collect::<Vec<_>>());
}

#[test]
fn when_no_fresh_file_can_be_written_the_append_fails_loudly() {
    let (d, path, mut j) = journal_with(2);
    j.set_fallback_dir(PathBuf::from("/dev/full/drconsole-fallback"));
    fs::remove_dir_all(path.parent().unwrap()).unwrap();
    j.inject_fault(Fault::FailNextSync);
    match j.append(json!({"i": 3})) {
        Err(JournalError::Unwritable(msg)) => assert!(msg.contains("NOT recorded"), "{msg}"),
        other => panic!("expected Unwritable, got {other:?}"),
    }
    assert_eq!(j.len(), 2, "the failed entry is not in the chain");
    // Once somewhere writable exists, the next append succeeds there with everything.
    let fallback = d.path().join("later");
    j.set_fallback_dir(fallback.clone());
    let e = j.append(json!({"i": "3b"})).unwrap();
    assert_eq!(e.seq, 3);
    assert_eq!(
        payloads(&fallback.join("journal.log.cont-1")),
        vec![json!({"i": 1}), json!({"i": 2}), json!({"i": "3b"})]
    );
}

const CHILD_ENV: &str = "DRCONSOLE_ATOMIC_WRITE_CHILD";

/// Runs `atomic_write` with the file-size limit lowered, started by
/// `atomic_write_that_fails_leaves_the_old_file_intact`.
#[test]
#[ignore = "a child process of atomic_write_that_fails_leaves_the_old_file_intact"]
fn atomic_write_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let limit = libc::rlimit { rlim_cur: 4096, rlim_max: 4096 };
    // SAFETY: plain syscalls on this process: ignore SIGXFSZ so the write returns EFBIG
    // instead of killing us, then lower the limit.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
    let err = atomic_write(Path::new(&path), &vec![b'n'; 64 * 1024]).unwrap_err();
    println!("atomic_write failed as expected: {err}");
}

#[test]
fn atomic_write_that_fails_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("record.md");
    fs::write(&path, b"old record\n").unwrap();
    let out = crate::common::child_test(concat!(module_path!(), "::atomic_write_child"))
        .env(CHILD_ENV, &path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("File too large"), "{stdout}");
    assert_eq!(fs::read(&path).unwrap(), b"old record\n");
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("record.md")], "temp file removed");
}

#[test]
fn free_space_is_there_to_refuse_a_declaration_on_a_full_disk() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    assert!(free_space(dir.path()).unwrap() > 0);
    // /dev is a tmpfs or devtmpfs; any answer is fine, an error is not.
    free_space(Path::new("/dev")).unwrap();
}

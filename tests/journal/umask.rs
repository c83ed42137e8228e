//! Permissions under `umask 000`. The umask is process-wide, so the checks run in a child
//! process of their own (this binary re-executed), not beside the other tests' threads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use drconsole::journal::{atomic_write, Fault, Journal};
use serde_json::json;

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

const CHILD_ENV: &str = "DRCONSOLE_UMASK_CHILD";

#[test]
fn files_are_0600_and_dirs_0700_under_umask_000() {
    let out = crate::common::child_test(concat!(module_path!(), "::under_umask_000_child"))
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // The child really ran its checks (an `--exact` name that matched nothing would pass).
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
#[ignore = "a child process of files_are_0600_and_dirs_0700_under_umask_000"]
fn under_umask_000_child() {
    if std::env::var(CHILD_ENV).is_err() {
        return;
    }
    // SAFETY: umask only swaps the process's mask; this process runs this one test.
    unsafe { libc::umask(0) };
    let root = tempfile::tempdir().unwrap();
    // Made 0777 under this umask; a fallback folder below a folder anyone can write to would
    // rightly be refused.
    fs::set_permissions(root.path(), fs::Permissions::from_mode(0o700)).unwrap();
    let path = root.path().join("data/incidents/2026-11-28/journal.log");
    let mut j = Journal::create(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    for d in ["data", "data/incidents", "data/incidents/2026-11-28"] {
        assert_eq!(mode(&root.path().join(d)), 0o700, "{d}");
    }
    j.append(json!("declared")).unwrap();

    // A continuation beside the journal, then one in a fallback folder that must be created.
    j.inject_fault(Fault::FailNextSync);
    j.append(json!("after fsync failure")).unwrap();
    assert_eq!(mode(j.path()), 0o600);
    fs::remove_dir_all(root.path().join("data/incidents/2026-11-28")).unwrap();
    let fallback = root.path().join("fallback/nested");
    j.set_fallback_dir(fallback.clone());
    j.inject_fault(Fault::DiskFull);
    j.append(json!("after ENOSPC")).unwrap();
    assert!(j.path().starts_with(&fallback));
    assert_eq!(mode(j.path()), 0o600);
    assert_eq!(mode(&fallback), 0o700);
    assert_eq!(mode(&root.path().join("fallback")), 0o700);

    let record = root.path().join("record.md");
    atomic_write(&record, b"# response record\n").unwrap();
    assert_eq!(mode(&record), 0o600);
}

//! Files on a shared host, against the real binary (issue #11 items 1, 2, 6, 8, 9, 10 and the
//! low items on bounded reads, data folders and incident ids): `--out` never replaces what is
//! not a regular file, a continuation another user planted is never read or written, a journal
//! deleted under the running console loses nothing, a damaged last line is not cut, `verify`
//! reports truncation and checks a saved head, and every unreadable incident is listed.
//!
//! Some need root (mknod, a tmpfs, chown) or a second user (`DRCONSOLE_TEST_NEIGHBOUR`, made
//! by `scripts/test`); without them they say `SKIPPED`, except in a `scripts/test` run as root
//! (`DRCONSOLE_REQUIRE_MONGODB=1`), where a missing neighbour is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::ffi::CString;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::privileged::{cannot_run, is_root, Tmpfs};
use common::tmux::Tmux;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_drconsole")
}

fn drc_env(data: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut c = Command::new(bin());
    c.arg("--data-dir").arg(data).args(args).env_remove("DRCONSOLE_CONFIG");
    c.env_remove("XDG_RUNTIME_DIR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run drconsole")
}

fn drc(data: &Path, args: &[&str]) -> Output {
    drc_env(data, args, &[])
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn declare(data: &Path) -> String {
    let out = drc(data, &["declare", "--type", "database-failure", "--level", "3", "--force"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

fn incident_dir(data: &Path, id: &str) -> PathBuf {
    data.join("incidents").join(id)
}

fn mknod(path: &Path, major: u32, minor: u32) -> bool {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; makedev is pure arithmetic.
    unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(major, minor)) == 0 }
}

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

/// The second local user `scripts/test` makes (uid, name); `None` (skipped, visibly) when
/// there is none, a panic when the run requires one.
fn neighbour(test: &str) -> Option<(u32, String)> {
    let name = std::env::var("DRCONSOLE_TEST_NEIGHBOUR").ok().filter(|n| !n.is_empty());
    let uid = name.as_ref().and_then(|n| {
        let out = Command::new("id").args(["-u", n]).output().ok()?;
        text(&out.stdout).trim().parse::<u32>().ok()
    });
    match (name, uid) {
        (Some(name), Some(uid)) if is_root() && uid != 0 => Some((uid, name)),
        _ => {
            cannot_run(test, "needs root and a second user in DRCONSOLE_TEST_NEIGHBOUR");
            None
        }
    }
}

fn chown(path: &Path, uid: u32) {
    std::os::unix::fs::lchown(path, Some(uid), None).unwrap();
}

// ---------------------------------------------------------------- item 1: --out

#[test]
fn record_out_writes_through_devices_and_fifos_and_never_replaces_them() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);

    // `-` is standard output.
    let out = drc(&data, &["record", &id, "--out", "-"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with('#'), "{}", text(&out.stdout));

    // A FIFO's reader gets the bytes; the FIFO stays a FIFO.
    let fifo = tmp.path().join("pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::fs::File::open(&fifo).unwrap().read_to_string(&mut s).unwrap();
            s
        })
    };
    let out = drc(&data, &["record", &id, "--out", fifo.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = reader.join().unwrap();
    assert!(got.starts_with('#') && got.contains(&id), "the reader got the record: {got}");
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());

    // A symbolic link is refused, whatever it points to, and left as it is.
    let target = tmp.path().join("target.md");
    std::fs::write(&target, "keep me").unwrap();
    let link = tmp.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = drc(&data, &["report", &id, "--out", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("symbolic link"), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");

    // A regular file is replaced (atomically, 0600).
    let out = drc(&data, &["record", &id, "--out", target.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(&target).unwrap().contains(&id));
    assert_eq!(std::fs::metadata(&target).unwrap().mode() & 0o777, 0o600);

    // Devices: private copies of /dev/null and /dev/full, so a regression cannot break the
    // host's own.
    if !is_root() {
        return cannot_run("record_out devices", "mknod needs root");
    }
    let null = tmp.path().join("null");
    let full = tmp.path().join("full");
    if !(mknod(&null, 1, 3) && mknod(&full, 1, 7)) {
        return cannot_run("record_out devices", "mknod failed (no CAP_MKNOD?)");
    }
    let out = drc(&data, &["record", &id, "--out", null.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let m = std::fs::symlink_metadata(&null).unwrap();
    assert!(m.file_type().is_char_device(), "the null device is still a device");
    assert_eq!(m.rdev(), libc::makedev(1, 3));
    let out = drc(&data, &["record", &id, "--out", full.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a full device is a failed write");
    assert!(text(&out.stderr).contains("No space left"), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&full).unwrap().file_type().is_char_device());
    // A link to a device is refused too, and the device is not written.
    let dev_link = tmp.path().join("null-link");
    std::os::unix::fs::symlink(&full, &dev_link).unwrap();
    let out = drc(&data, &["record", &id, "--out", dev_link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&dev_link).unwrap().file_type().is_symlink());
}

// ---------------------------------------------------------------- item 2: a planted continuation

/// A valid, re-chained continuation of `id`'s journal with one more (forged) note, made by
/// running drconsole on a copy of the incident.
fn forged_continuation(tmp: &Path, data: &Path, id: &str) -> Vec<u8> {
    let copy = tmp.join("forger");
    let dir = copy.join("incidents").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["journal.drj", "runbook.toml"] {
        std::fs::copy(incident_dir(data, id).join(f), dir.join(f)).unwrap();
    }
    let out = drc(&copy, &["note", "--incident", id, "FORGED by the neighbour"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::read(dir.join("journal.drj")).unwrap()
}

#[test]
fn a_continuation_planted_by_another_user_is_never_read_nor_written() {
    let Some((uid, _)) = neighbour("a_continuation_planted_by_another_user") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    // A shared temporary folder, like /tmp: root's, sticky, open to all.
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    let planted_root = shared.join(format!("drconsole-fallback-{me}"));
    let planted_dir = planted_root.join(&id);
    std::fs::create_dir_all(&planted_dir).unwrap();
    let forged = forged_continuation(tmp.path(), &data, &id);
    let planted = planted_dir.join("journal.drj.cont-1");
    std::fs::write(&planted, &forged).unwrap();
    for p in [&planted_root, &planted_dir, &planted] {
        chown(p, uid);
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let env = [("TMPDIR", shared.as_path())];

    // Not named by the journal: ignored by record, verify and note.
    let out = drc_env(&data, &["record", &id], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("FORGED"), "the planted note is not in the record");
    let out = drc_env(&data, &["verify", &id], &env);
    assert!(text(&out.stdout).starts_with(&format!("ok: {id}: 1 events")), "{}", text(&out.stdout));
    let out = drc_env(&data, &["note", "--incident", &id, "root's own note"], &env);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&planted).unwrap(), forged, "nothing appended to the planted file");
    let journal = std::fs::read_to_string(incident_dir(&data, &id).join("journal.drj")).unwrap();
    assert!(journal.contains("root's own note"));

    // Even named by the pointer, a file of another user's in a folder of theirs is refused.
    let pointer = incident_dir(&data, &id).join("journal.drj.current");
    let mut named = planted.as_os_str().as_bytes().to_vec();
    named.push(b'\n');
    std::fs::write(&pointer, &named).unwrap();
    let out = drc_env(&data, &["record", &id], &env);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(&format!("belongs to uid {uid}")), "{err}");
    assert!(!text(&out.stdout).contains("FORGED"));
    let out = drc_env(&data, &["list"], &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("unreadable"), "{}", text(&out.stdout));
}

#[test]
fn a_fallback_folder_made_by_another_user_is_refused_when_the_disk_fills() {
    let Some((uid, _)) = neighbour("a_fallback_folder_made_by_another_user") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let Some(fs) =
        Tmpfs::mount("a_fallback_folder_made_by_another_user", &tmp.path().join("small"), "6m")
    else {
        return;
    };
    let data = fs.0.join("data");
    let id = declare(&data);
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    // SAFETY: geteuid has no preconditions.
    let planted = shared.join(format!("drconsole-fallback-{}", unsafe { libc::geteuid() }));
    std::fs::create_dir(&planted).unwrap();
    chown(&planted, uid);
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o777)).unwrap();
    let _ = Command::new("dd")
        .args(["if=/dev/zero", &format!("of={}", fs.0.join("filler").display()), "bs=64k"])
        .output();
    let long_note = format!("after the disk filled {}", "x".repeat(6000));
    let out = drc_env(&data, &["note", &long_note], &[("TMPDIR", shared.as_path())]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "the note must be refused, not handed over: {err}");
    assert!(
        err.contains("NOT recorded") && err.contains(&format!("belongs to uid {uid}")),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&planted).unwrap().count(), 0, "nothing written into it");
    let out = drc(&data, &["verify", &id]);
    assert!(text(&out.stdout).starts_with(&format!("ok: {id}: 1 events")), "{}", text(&out.stdout));
}

// ---------------------------------------------------------------- item 6: journal deleted

#[test]
fn deleting_the_journal_under_the_console_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let dir = incident_dir(&data, &id);
    let t = Tmux::start(tmp.path(), 80, 24, &format!("--data-dir {} resume", data.display()), &[]);
    t.wait_text("LIVE", 10);
    t.keys(&["s", "d"]);
    t.wait_text("恢复步骤 1/12", 5);
    std::fs::remove_file(dir.join("journal.drj")).unwrap();
    // Noticed by the next poll, without waiting for an append: the banner names it.
    t.wait_text("⚠ The journal", 5);
    t.keys(&["n"]);
    t.wait_text("备注", 5);
    t.type_text("after deletion");
    t.keys(&["Enter"]);
    t.wait_text("备注: after deletion", 5);
    // A second shell's note follows the pointer to the continuation.
    let out = drc(&data, &["note", "second shell"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    t.wait_text("备注: second shell", 5);
    t.keys(&["q"]);
    t.wait_text("y 退出", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(5), 0);

    let cont = dir.join("journal.drj.cont-1");
    assert!(cont.exists(), "the journal continued beside the deleted one");
    let mut records: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    records.sort();
    let md =
        std::fs::read_to_string(records.last().expect("a record was written at exit")).unwrap();
    for want in ["声明事件", "完成: 启动灾难恢复团队", "备注: after deletion", "备注: second shell"]
    {
        assert!(md.contains(want), "{want} in the record:\n{md}");
    }
    let out = drc(&data, &["verify", &id]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let out = drc(&data, &["record", &id]);
    assert!(text(&out.stdout).contains("second shell"));
    let out = drc(&data, &["list"]);
    assert!(out.status.success() && text(&out.stdout).contains(&id), "{}", text(&out.stdout));
}

// ---------------------------------------------------------------- item 8: damaged last line

#[test]
fn a_damaged_complete_last_line_is_refused_not_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let journal = incident_dir(&data, &id).join("journal.drj");
    let mut bytes = std::fs::read(&journal).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&journal, &bytes).unwrap();

    let out = drc(&data, &["note", "--incident", &id, "after the damage"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("damaged at line 1"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&journal).unwrap(), bytes, "nothing cut, nothing appended");
    let torn: Vec<_> = std::fs::read_dir(incident_dir(&data, &id))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("torn"))
        .collect();
    assert!(torn.is_empty(), "the declaration was not moved aside: {torn:?}");
    let out = drc(&data, &["verify", &id]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    assert!(said.starts_with("BROKEN") && said.contains("line 1"), "{said}");
    assert!(said.contains("ends in a newline"), "{said}");
}

// ---------------------------------------------------------------- item 9: truncation and anchors

#[test]
fn verify_reports_a_cut_tail_and_checks_a_saved_head() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let out = drc(&data, &["note", "--incident", &id, "first note"]);
    let said = text(&out.stdout);
    let saved_head = said.split("(head ").nth(1).unwrap().trim_end_matches([')', '\n']).to_string();
    assert_eq!(saved_head.len(), 64, "{said}");
    assert!(drc(&data, &["note", "--incident", &id, "second note"]).status.success());

    let out = drc(&data, &["verify", &id, "--head", &saved_head]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("is event 2 of the chain"), "{}", text(&out.stdout));
    let out = drc(&data, &["verify", &id, "--head", &saved_head[..12]]);
    assert_eq!(out.status.code(), Some(2), "a prefix is no anchor");

    // Cut mid-line: a warning (exit 0), a failure with --strict.
    let journal = incident_dir(&data, &id).join("journal.drj");
    let bytes = std::fs::read(&journal).unwrap();
    std::fs::write(&journal, &bytes[..bytes.len() - 40]).unwrap();
    let out = drc(&data, &["verify", &id]);
    assert!(out.status.success());
    let said = text(&out.stdout);
    assert!(said.contains("ok: ") && said.contains("2 events"), "{said}");
    assert!(said.contains("warning:") && said.contains("unfinished line"), "{said}");
    let out = drc(&data, &["verify", &id, "--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));

    // Rewritten from the head on (a re-chained journal verifies): the saved head exposes it.
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    std::fs::write(&journal, lines[0]).unwrap();
    assert!(drc(&data, &["note", "--incident", &id, "a different history"]).status.success());
    let out = drc(&data, &["verify", &id]);
    assert!(out.status.success(), "the rewritten chain is intact in itself");
    let out = drc(&data, &["verify", &id, "--head", &saved_head]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("is not in the chain"), "{}", text(&out.stdout));
}

// ---------------------------------------------------------------- item 10: unreadable incidents

#[test]
fn unreadable_incidents_are_listed_and_never_guessed_around() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let good = declare(&data);
    // A damaged declaration.
    let damaged = declare(&data);
    let j = incident_dir(&data, &damaged).join("journal.drj");
    let mut bytes = std::fs::read(&j).unwrap();
    bytes[30] ^= 0x04;
    std::fs::write(&j, &bytes).unwrap();
    // A FIFO named journal.drj: reading it would hang for ever.
    let fifo_id = "20990101-000000-f1f0";
    let fifo_dir = incident_dir(&data, fifo_id);
    std::fs::create_dir_all(&fifo_dir).unwrap();
    mkfifo(&fifo_dir.join("journal.drj"));

    let out = run_with_timeout(&data, &["list"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let listed = text(&out.stdout);
    assert!(listed.contains(&good), "{listed}");
    for (id, why) in [(damaged.as_str(), "damaged at line 1"), (fifo_id, "FIFO")] {
        let row = listed.lines().find(|l| l.contains(id)).unwrap_or_else(|| panic!("{listed}"));
        assert!(row.contains("unreadable:") && row.contains(why), "{row}");
    }
    let out = run_with_timeout(&data, &["list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<&str> =
        v.as_array().unwrap().iter().map(|r| r["state"].as_str().unwrap()).collect();
    assert_eq!(states.iter().filter(|s| **s == "unreadable").count(), 2, "{v}");

    // Without an id, no guess while any incident is unreadable.
    let out = run_with_timeout(&data, &["note", "which one?"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not guessing"), "{}", text(&out.stderr));
    // The FIFO is never opened as a journal, by id either.
    let out = run_with_timeout(&data, &["note", "--incident", fifo_id, "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a regular file"), "{}", text(&out.stderr));
    let out = run_with_timeout(&data, &["note", "--incident", &good, "named"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Runs drconsole, killing it after 20 s (a FIFO opened as a journal hangs for ever).
fn run_with_timeout(data: &Path, args: &[&str]) -> Output {
    let out = Command::new("timeout")
        .arg("20")
        .arg(bin())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DRCONSOLE_CONFIG")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(124), "drconsole {args:?} hung");
    out
}

#[test]
fn a_folder_list_cannot_read_is_listed_as_unreadable() {
    let Some((uid, name)) = neighbour("a_folder_list_cannot_read") else { return };
    let tmp = tempfile::tempdir().unwrap();
    // The neighbour's own data folder, with one incident folder they cannot read.
    let data = tmp.path().join("data");
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let id = declare(&data);
    let closed = "20990101-000000-0000";
    std::fs::create_dir(incident_dir(&data, closed)).unwrap();
    for entry in walk(&data) {
        chown(&entry, uid);
    }
    std::fs::set_permissions(incident_dir(&data, closed), std::fs::Permissions::from_mode(0o000))
        .unwrap();
    let out = Command::new("runuser")
        .args(["-u", &name, "--", bin(), "--data-dir"])
        .arg(&data)
        .arg("list")
        .env_remove("DRCONSOLE_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(listed.contains(&id), "{listed}");
    let row = listed.lines().find(|l| l.contains(closed)).unwrap_or_else(|| panic!("{listed}"));
    assert!(row.contains("unreadable:") && row.contains("Permission denied"), "{row}");
}

fn walk(p: &Path) -> Vec<PathBuf> {
    let mut out = vec![p.to_path_buf()];
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            out.extend(walk(&e.path()));
        }
    }
    out
}

// ---------------------------------------------------------------- low items

#[test]
fn devices_and_fifos_are_not_read_as_runbooks_or_config() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new("timeout").args(["20", bin(), "check", "/dev/zero"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not a regular file"), "{}", text(&out.stderr));
    let out = Command::new("timeout")
        .args(["20", bin(), "list"])
        .env("DRCONSOLE_CONFIG", "/dev/zero")
        .env("DRCONSOLE_DATA", tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("not a regular file"), "{}", text(&out.stderr));
    let fifo = tmp.path().join("runbook.toml");
    mkfifo(&fifo);
    let out = Command::new("timeout")
        .args(["20", bin(), "check", fifo.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a FIFO is refused, not waited on");
    // A file just over the limit is refused with its size.
    let big = tmp.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; 1024 * 1024 + 1]).unwrap();
    let out = Command::new(bin()).arg("check").arg(&big).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("1048577 bytes"), "{}", text(&out.stderr));
}

#[test]
fn a_mistyped_data_folder_is_not_created_with_its_parents() {
    let tmp = tempfile::tempdir().unwrap();
    let typo = tmp.path().join("srv/dr-data");
    let out = drc(&typo, &["declare", "--type", "database-failure", "--level", "3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("does not exist")
            && err.contains(&tmp.path().join("srv").display().to_string()),
        "{err}"
    );
    assert!(!tmp.path().join("srv").exists(), "no parent was created");
    // The last component alone is created.
    let data = tmp.path().join("dr-data");
    declare(&data);
    assert_eq!(std::fs::metadata(&data).unwrap().mode() & 0o777, 0o700);
}

#[test]
fn incident_ids_that_could_name_a_path_are_refused_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    // A journal outside the data folder that `../` would reach.
    let outside = data.join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::copy(incident_dir(&data, &id).join("journal.drj"), outside.join("journal.drj"))
        .unwrap();
    for bad in ["../elsewhere", "a/b", "..", "x y", "id\u{1b}"] {
        for args in [
            vec!["note", "--incident", bad, "x"],
            vec!["record", bad],
            vec!["report", bad],
            vec!["verify", bad],
            vec!["comms", "user-outage", "--incident", bad],
            vec!["resume", bad],
        ] {
            let out = drc(&data, &args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
            assert!(
                text(&out.stderr).contains("not an incident id"),
                "{args:?}: {}",
                text(&out.stderr)
            );
        }
    }
    // Drill ids (upper case) and prefixes still work.
    let out = drc(&data, &["note", "--incident", &id[..10], "by prefix"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn the_console_follows_a_note_that_moved_the_journal_off_a_full_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount("the_console_follows_a_note", &tmp.path().join("small"), "6m")
    else {
        return;
    };
    let data = fs.0.join("data");
    let id = declare(&data);
    // Both processes must agree on the fallback folder: give them the same runtime folder.
    let runtime = tmp.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    let env = [("XDG_RUNTIME_DIR", runtime.as_path())];
    let t = Tmux::start(
        tmp.path(),
        80,
        24,
        &format!("--data-dir {} resume", data.display()),
        &[("XDG_RUNTIME_DIR", runtime.to_str().unwrap())],
    );
    t.wait_text("LIVE", 10);
    let _ = Command::new("dd")
        .args(["if=/dev/zero", &format!("of={}", fs.0.join("filler").display()), "bs=64k"])
        .output();
    let long_note = format!("disk full {}", "x".repeat(6000));
    let out = drc_env(&data, &["note", &long_note], &env);
    let err = text(&out.stderr);
    assert!(out.status.success() && err.contains("continues in"), "{err}");
    // The console sees the note and moves with it.
    t.wait_text("⚠ Another process moved the journal", 5);
    t.wait_text("备注: disk full xxx", 5);
    t.keys(&["n"]);
    t.wait_text("备注", 5);
    t.type_text("console note");
    t.keys(&["Enter"]);
    t.wait_text("备注: console note", 5);
    t.keys(&["q"]);
    t.wait_text("y 退出", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(5), 0);

    let cont = runtime.join("drconsole-fallback").join(&id).join("journal.drj.cont-1");
    let out = drc_env(&data, &["verify", &id], &env);
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}");
    let out = drc_env(&data, &["record", &id], &env);
    let md = text(&out.stdout);
    assert!(md.contains("disk full xxx") && md.contains("console note"), "{md}");
    let written = std::fs::read_to_string(&cont).unwrap();
    assert!(written.contains("console note"), "the console wrote where the pointer says");
    let old = std::fs::read_to_string(incident_dir(&data, &id).join("journal.drj")).unwrap();
    assert!(!old.contains("console note"), "and not into the abandoned file");
}

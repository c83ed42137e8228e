//! The journal end to end: the real binary in tmux, notes from a second shell, kill -9, resume,
//! records on every exit path, permissions, verify, and a full disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::privileged::Tmpfs;
use common::tmux::Tmux;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_drconsole")
}

fn drc(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DRCONSOLE_CONFIG")
        .output()
        .expect("run drconsole")
}

fn declare(data: &Path) -> String {
    let out = drc(
        data,
        &["declare", "--type", "database-failure", "--level", "3", "--reporter", "值班员"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(id.len(), 20, "id: {id}");
    id
}

fn console(dir: &Path, data: &Path, args: &str) -> Tmux {
    Tmux::start(dir, 80, 24, &format!("--data-dir {} {args}", data.display()), &[])
}

fn records(data: &Path, id: &str, ext: &str) -> Vec<PathBuf> {
    let dir = data.join("incidents").join(id);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn newest_record(data: &Path, id: &str) -> String {
    let all = records(data, id, "md");
    std::fs::read_to_string(all.last().expect("a record was written")).unwrap()
}

/// Positions of `needles` in `hay`, asserting each is present and they come in order.
fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        let at = hay[from..].find(n).map(|i| i + from);
        let at = at.unwrap_or_else(|| panic!("missing or out of order: {n}\n{hay}"));
        from = at + n.len();
    }
}

#[test]
fn declare_resume_notes_kill9_resume_quit_keeps_every_acknowledged_event() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);

    let t = console(tmp.path(), &data, "resume");
    t.wait_text("LIVE", 10);
    t.keys(&["s", "d"]);
    t.wait_text("恢复步骤 1/12", 5);

    // A scribe's second terminal.
    for text in ["备份已确认可用", "DBA 开始恢复"] {
        let out = drc(&data, &["note", text]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("noted in {id}")));
    }
    // The running console picks them up within a second.
    t.wait_text("DBA 开始恢复", 3);
    t.keys(&["]", "s"]);
    t.wait_text("开始: 评估灾难范围和影响", 5);

    let pid = t.program_pid();
    // SAFETY: killing the console we started.
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGKILL) }, 0);
    drop(t);

    let t = console(tmp.path(), &data, "resume");
    let s = t.wait_text("LIVE", 10);
    assert!(s.contains("恢复步骤 1/12"), "state survives kill -9:\n{s}");
    assert!(s.contains("▶  2 评估灾难范围和影响"), "{s}");
    t.wait_text("上次会话未正常退出", 5);
    t.keys(&["d"]);
    t.wait_text("恢复步骤 2/12", 5);
    t.keys(&["q"]);
    t.wait_text("y 退出", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(5), 0);

    let md = newest_record(&data, &id);
    // The same record as a page, beside each Markdown one.
    let pages = records(&data, &id, "html");
    assert_eq!(pages.len(), records(&data, &id, "md").len(), "an .html beside every .md");
    let page = std::fs::read_to_string(pages.last().unwrap()).unwrap();
    assert!(page.contains("DBA 开始恢复") && page.contains("<svg"), "notes and the chart");
    assert_in_order(
        &md,
        &[
            "声明事件",
            "加入,恢复会话",
            "开始: 启动灾难恢复团队",
            "完成: 启动灾难恢复团队",
            "备注: 备份已确认可用",
            "备注: DBA 开始恢复",
            "开始: 评估灾难范围和影响",
            "上次会话未正常退出",
            "加入,恢复会话",
            "完成: 评估灾难范围和影响",
            "离开 (退出)",
        ],
    );
    assert!(md.contains("进行中(事件未关闭)"), "quitting does not close the incident");

    let out = drc(&data, &["verify", &id]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let verified = String::from_utf8_lossy(&out.stdout);
    assert!(verified.starts_with(&format!("ok: {id}:")), "{verified}");
    // The head hash in the record is the journal's head.
    let head = verified.lines().next().unwrap().rsplit("head ").next().unwrap().trim();
    assert!(md.contains(head), "record carries the head hash {head}");

    let out = drc(&data, &["list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains(&id) && listed.contains("open"), "{listed}");
}

fn record_after(how: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let t = console(tmp.path(), &data, "resume");
    t.wait_text("LIVE", 10);
    t.keys(&["s", "d"]);
    t.wait_text("恢复步骤 1/12", 5);
    let pid = t.program_pid();
    match how {
        // SAFETY: signalling the console we started.
        "SIGHUP" => assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGHUP) }, 0),
        // SAFETY: as above.
        "SIGTERM" => assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGTERM) }, 0),
        "close" => t.kill_session(),
        _ => unreachable!(),
    }
    let deadline = crate::common::deadline(std::time::Duration::from_secs(5));
    // A zombie has ended; it only waits for a late reaper (see e2e_console).
    while drconsole::incident::presence::alive(pid) {
        assert!(std::time::Instant::now() < deadline, "{how}: still running");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let md = newest_record(&data, &id);
    eprintln!("{how}");
    assert_in_order(&md, &["完成: 启动灾难恢复团队", "离开 ("]);
    // A lost terminal is a normal exit, never a panic (writing to the dead tty was one).
    assert!(!md.contains("程序崩溃"), "{how}: {md}");
    assert_eq!(records(&data, &id, "json").len(), 1, "{how}: a JSON record too");
    assert_eq!(records(&data, &id, "html").len(), 1, "{how}: and the page");
    // The log says how the session ended (and never went to the terminal it ran in).
    let log = std::fs::read_to_string(data.join("logs").join("drconsole.log")).unwrap();
    assert!(log.contains(&format!("session: resumed incident={id} ")), "{how}: {log}");
    // Closing the pane sends SIGHUP first, or the tty reports the hang-up: either is logged.
    let ok = match how {
        "close" => log.contains("terminal: ") || log.contains("signal: SIGHUP received"),
        signal => log.contains(&format!("signal: {signal} received")),
    };
    assert!(ok, "{how}: {log}");
    assert!(log.contains("session: ended; record "), "{how}: {log}");
}

#[test]
fn sighup_sigterm_and_closing_the_terminal_each_leave_a_complete_record() {
    record_after("SIGHUP");
    record_after("SIGTERM");
    record_after("close");
}

#[test]
fn a_panic_restores_the_terminal_and_leaves_a_panic_event_and_a_record() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    let t = Tmux::start(
        tmp.path(),
        80,
        24,
        &format!("--data-dir {} resume", data.display()),
        &[("DRCONSOLE_DEBUG_PANIC", "1")],
    );
    t.wait_text("LIVE", 10);
    t.keys(&["C-p"]);
    assert_eq!(t.exit_code(5), 101);
    let raw = t.raw();
    let leave = raw.windows(8).rposition(|w| w == b"\x1b[?1049l");
    let enter = raw.windows(8).rposition(|w| w == b"\x1b[?1049h");
    assert!(leave > enter, "terminal restored after the panic");
    let md = newest_record(&data, &id);
    assert!(md.contains("程序崩溃: debug panic trigger"), "{md}");
    let out = drc(&data, &["verify", &id]);
    assert!(out.status.success());
}

#[test]
fn files_are_private_whatever_the_umask() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; {} --data-dir {} declare --type app-outage --level 2 --functions cart",
            bin(),
            data.display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; {} --data-dir {} record {id} --out {}/x.md",
            bin(),
            data.display(),
            data.join("incidents").join(&id).display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("incidents")), 0o700);
    let dir = data.join("incidents").join(&id);
    assert_eq!(mode(&dir), 0o700);
    for f in ["journal.drj", "runbook.toml", "x.md"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
}

#[test]
fn verify_reports_an_edited_byte_a_deleted_line_and_swapped_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = declare(&data);
    for n in 0..4 {
        assert!(drc(&data, &["note", &format!("note {n}")]).status.success());
    }
    let path = data.join("incidents").join(&id).join("journal.drj");
    let good = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let check = |text: String, want: &str| {
        std::fs::write(&path, text).unwrap();
        let out = drc(&data, &["verify", &id]);
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(said.starts_with("BROKEN") && said.contains(want), "want {want}: {said}");
    };
    check(good.replacen("note 2", "note 9", 1), "line 4");
    let mut deleted = lines.clone();
    deleted.remove(2);
    check(deleted.join("\n") + "\n", "line 3");
    let mut swapped = lines.clone();
    swapped.swap(2, 3);
    check(swapped.join("\n") + "\n", "line 3");
    std::fs::write(&path, &good).unwrap();
    assert!(drc(&data, &["verify", &id]).status.success());
}

#[test]
fn a_full_disk_at_start_refuses_to_declare_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount("a_full_disk_at_start", &tmp.path().join("small"), "1m") else {
        return;
    };
    let data = fs.0.join("data");
    let out = drc(&data, &["declare", "--type", "database-failure", "--level", "3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("disk full") && err.contains("--data-dir"), "{err}");
    assert!(out.stdout.is_empty());
    let leftovers: Vec<_> = walk(&data).into_iter().filter(|p| p.is_file()).collect();
    assert!(leftovers.is_empty(), "nothing written: {leftovers:?}");
}

#[test]
fn a_disk_that_fills_during_the_incident_falls_back_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount("a_disk_that_fills", &tmp.path().join("small"), "6m") else {
        return;
    };
    let data = fs.0.join("data");
    let id = declare(&data);
    assert!(drc(&data, &["note", "before the disk filled"]).status.success());
    // Fill the file system.
    let filler = fs.0.join("filler");
    let _ = Command::new("dd")
        .args(["if=/dev/zero", &format!("of={}", filler.display()), "bs=64k"])
        .output();
    // Longer than a page, so it cannot hide in the slack of the file's last block.
    let long_note = format!("after the disk filled {}", "x".repeat(6000));
    let out = drc(&data, &["note", &long_note]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the note must still be saved: {err}");
    let fallback = drconsole::store::fallback_dir(&id);
    assert!(err.contains("continues in") && err.contains(&fallback.display().to_string()), "{err}");
    assert!(fallback.join("journal.drj.cont-1").exists());
    // Every event is readable from wherever the journal continued.
    let out = drc(&data, &["record", &id]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert_in_order(&md, &["声明事件", "before the disk filled", "after the disk filled"]);
    let out = drc(&data, &["verify", &id]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(drconsole::store::fallback_dir(&id));
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

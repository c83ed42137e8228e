//! End to end in a real pseudo-terminal (tmux): the real binary, real keys, real signals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::tmux::Tmux;

fn start(dir: &std::path::Path, args: &str) -> Tmux {
    let data = dir.join("data");
    let args = format!("--data-dir {} {args}", data.display());
    Tmux::start(dir, 80, 24, &args, &[("NO_COLOR", "")])
}

#[test]
fn declare_complete_two_steps_note_in_chinese_skip_and_quit() {
    let dir = tempfile::tempdir().unwrap();
    let t = start(dir.path(), "");
    let s = t.wait_text("声明事件", 10);
    assert!(s.contains("数据库故障"), "{s}");
    assert!(s.contains("级别3 - 严重影响"), "{s}");

    t.keys(&["Enter"]);
    let s = t.wait_text("LIVE", 5);
    assert!(s.contains("级别3 数据库故障"), "{s}");
    assert!(s.contains("恢复步骤 0/12"), "{s}");
    assert!(s.contains("总体RTO"), "{s}");

    t.keys(&["s", "d"]);
    t.wait_text("恢复步骤 1/12", 5);
    // The cursor stays on a finished step; `]` goes to the next one not done.
    t.keys(&["]", "s", "d"]);
    let s = t.wait_text("恢复步骤 2/12", 5);
    assert!(s.contains("✓  1 启动灾难恢复团队"), "{s}");
    assert!(s.contains("✓  2 评估灾难范围和影响"), "{s}");

    t.keys(&["n"]);
    t.wait_text("备注", 5);
    t.type_text("主库已切换到备用节点");
    t.wait_text("主库已切换到备用节点", 5);
    t.keys(&["Enter"]);
    let s = t.wait_text("备注: 主库已切换到备用节点", 5);
    assert!(!s.contains("Enter 保存"), "the dialog closed: {s}");

    t.keys(&["]", "x"]);
    t.wait_text("跳过原因", 5);
    t.type_text("已有现成计划");
    t.keys(&["Enter"]);
    let s = t.wait_text("↷  3 制定恢复计划和时间表", 5);
    assert!(s.contains("已有现成计划"), "{s}");
    assert!(s.contains("恢复步骤 3/12"), "{s}");

    t.keys(&["q"]);
    t.wait_text("y 退出", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(5), 0);
    let raw = t.raw();
    assert!(raw.windows(8).any(|w| w == b"\x1b[?1049l"), "the alternate screen was left on exit");
}

fn signal_test(sig: i32, want_code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let t = start(dir.path(), "");
    t.wait_text("声明事件", 10);
    t.keys(&["Enter"]);
    t.wait_text("LIVE", 5);
    let pid = t.program_pid();
    // SAFETY: sending a signal to a child process we started.
    assert_eq!(unsafe { libc::kill(pid as i32, sig) }, 0);
    assert_eq!(t.exit_code(5), want_code);
    let raw = t.raw();
    let leave_alt = raw.windows(8).rposition(|w| w == b"\x1b[?1049l");
    let enter_alt = raw.windows(8).rposition(|w| w == b"\x1b[?1049h");
    assert!(leave_alt.is_some(), "terminal not restored after signal {sig}");
    assert!(leave_alt > enter_alt, "the last alternate-screen switch must be the way out");
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    signal_test(libc::SIGTERM, 143);
}

#[test]
fn sigint_sighup_sigquit_take_the_same_clean_path() {
    signal_test(libc::SIGINT, 130);
    signal_test(libc::SIGHUP, 129);
    signal_test(libc::SIGQUIT, 131);
}

#[test]
fn too_small_terminal_says_so_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let t = Tmux::start(dir.path(), 70, 20, &format!("--data-dir {}", data.display()), &[]);
    t.wait_text("terminal too small: need 80x24, have 70x20", 10);
    t.resize(100, 30);
    t.wait_text("声明事件", 5);
    t.keys(&["Escape"]);
    // Escape and y in one read would be Alt-y: y only once the question is on the screen.
    t.wait_text("y 退出", 10);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(5), 0);
}

#[test]
fn term_dumb_is_refused_with_a_pointer_to_the_commands() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .env("TERM", "dumb")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TERM=dumb"), "{err}");
    assert!(err.contains("drconsole runbook show"), "{err}");
}

#[test]
fn closing_the_terminal_ends_the_program_within_two_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let t = start(dir.path(), "");
    t.wait_text("声明事件", 10);
    t.keys(&["Enter"]);
    t.wait_text("LIVE", 5);
    let pid = t.program_pid();
    t.kill_session();
    let deadline = crate::common::deadline(std::time::Duration::from_secs(2));
    // Ended means ended: a zombie has exited and only waits for its new parent (the pane's
    // shell died with the pane) to reap it, which a container's init may do late.
    while drconsole::incident::presence::alive(pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "still running 2 s after the terminal closed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The text of the last OSC 52 sequence in `raw` (plain, or wrapped for tmux's passthrough).
fn last_osc52(raw: &[u8]) -> Option<String> {
    use base64::Engine;
    let raw = String::from_utf8_lossy(raw);
    let start = raw.rfind("52;c;")? + 5;
    let b64: String = raw[start..].chars().take_while(|c| *c != '\x07' && *c != '\x1b').collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    String::from_utf8(bytes).ok()
}

/// #14 "Done when": open step 5's detail, scroll to its last command, `y` inside tmux: the
/// clipboard gets exactly that command. (The OSC 52 payload the pane receives is checked here;
/// tmux's own paste buffer is the copy path's business, see `console_comms`/copy tests.)
#[test]
fn detail_view_y_in_tmux_copies_exactly_the_last_command_of_step_5() {
    let dir = tempfile::tempdir().unwrap();
    let t = start(dir.path(), "");
    t.wait_text("声明事件", 10);
    t.keys(&["Enter"]);
    t.wait_text("LIVE", 5);
    t.keys(&["j", "j", "j", "j", "Enter"]);
    t.wait_text("步骤详情", 5);
    t.wait_text("5. 恢复数据库", 5);
    for _ in 0..40 {
        t.keys(&["j"]);
    }
    let s = t.wait_text("$ mongorestore", 5);
    let runbook = drconsole::runbook::load::builtin().unwrap();
    let step = runbook.runbook.step("restore-database").map(|s| s.step.clone());
    let last = match step.as_ref().and_then(|s| s.procedure.as_deref()) {
        Some(p) => runbook
            .runbook
            .procedure(p)
            .unwrap()
            .steps
            .iter()
            .flat_map(|s| s.commands.iter())
            .last()
            .unwrap()
            .run
            .clone(),
        None => step.unwrap().commands.last().unwrap().run.clone(),
    };
    assert!(s.lines().any(|l| l.starts_with("> $ mongorestore")), "the cursor is on it:\n{s}");
    t.keys(&["y"]);
    let deadline = crate::common::deadline(std::time::Duration::from_secs(5));
    let copied = loop {
        if let Some(c) = last_osc52(&t.raw()) {
            break c;
        }
        assert!(std::time::Instant::now() < deadline, "no OSC 52 reached the pane");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(copied, last);
    t.keys(&["q"]);
    t.wait_text("y 退出", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(5), 0);
}

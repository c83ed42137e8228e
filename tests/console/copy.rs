//! `y` inside tmux, end to end: the real binary in a real tmux, whose paste buffer is read back.
//! With tmux's default settings an OSC 52 copy reaches no clipboard, so the console also loads
//! tmux's buffer and says which of the two it knows to have worked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::tmux::Tmux;

const EN_RUNBOOK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");

/// The one command of step 5 (restore the database, §5.3), as the runbook writes it.
fn restore_command() -> String {
    let loaded = drconsole::runbook::load(Some(std::path::Path::new(EN_RUNBOOK))).unwrap();
    let rb = &loaded.runbook;
    let sub = rb.procedure("restore-db").unwrap();
    let cmds: Vec<&str> =
        sub.steps.iter().flat_map(|s| s.commands.iter().map(|c| c.run.as_str())).collect();
    assert_eq!(cmds.len(), 1, "step 5 has one command: {cmds:?}");
    cmds[0].to_string()
}

fn declare_and_select_step_5(t: &Tmux) {
    t.wait_text("Declare an incident", 10);
    t.keys(&["Enter"]);
    t.wait_text("LIVE", 5);
    t.keys(&["j", "j", "j", "j"]);
}

#[test]
fn y_inside_tmux_puts_the_command_in_the_tmux_buffer_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let args = format!(
        "--data-dir {} --runbook {EN_RUNBOOK} --lang en",
        dir.path().join("data").display()
    );
    let t = Tmux::start(dir.path(), 80, 24, &args, &[("NO_COLOR", "")]);
    declare_and_select_step_5(&t);
    assert_eq!(t.show_buffer(), "", "tmux starts with no paste buffer");
    t.keys(&["y"]);
    let s = t.wait_text("copied to tmux buffer (prefix ])", 10);
    assert!(!s.contains("clipboard"), "nothing claims the terminal's clipboard: {s}");
    assert_eq!(t.show_buffer(), restore_command());
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(5), 0);
}

#[test]
fn when_tmux_refuses_the_text_is_shown_to_select_and_can_be_written_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copied.txt");
    // A $TMUX naming no server: `load-buffer` fails, as on a host where tmux went away.
    let script = format!(
        "TMUX=/nonexistent/drconsole-test,1,0 {{bin}} --data-dir {} --runbook {EN_RUNBOOK} \
         --lang en; echo $? > {{exit}}; sleep 60",
        dir.path().join("data").display()
    );
    let t = Tmux::start_script(dir.path(), 80, 24, &script, &[("NO_COLOR", "")]);
    declare_and_select_step_5(&t);
    t.keys(&["y"]);
    let s = t.wait_text("tmux buffer failed", 10);
    // tmux's own error varies (a refused connection, or a broken pipe when it exits before
    // reading), and with it where the message wraps.
    let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("sent to terminal clipboard (OSC 52)"), "{s}");
    assert!(!s.contains("copied to"), "no copy is claimed: {s}");
    // The whole command is on screen, at the left edge, with no border beside it.
    let cmd = restore_command();
    let flat: String = s.lines().map(str::trim_end).collect::<Vec<_>>().join("");
    assert!(flat.contains(&cmd), "the whole command is shown: {s}");
    assert!(s.lines().any(|l| l.starts_with("mongorestore")), "{s}");
    t.keys(&["w"]);
    t.wait_text("Save to file", 5);
    t.type_text(&out.display().to_string());
    t.keys(&["Enter"]);
    t.wait_text("→ ", 5);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), cmd);
    t.keys(&["Escape"]);
    t.wait_for("the overlay closed", 5, |s| s.contains("LIVE"));
    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(5), 0);
}

/// Step 5 opened (Enter), scrolled to its last command, `y` inside tmux: tmux's paste buffer
/// holds exactly that command.
#[test]
fn y_in_the_detail_view_of_step_5_copies_its_last_command_into_the_tmux_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let args = format!(
        "--data-dir {} --runbook {EN_RUNBOOK} --lang en",
        dir.path().join("data").display()
    );
    let t = Tmux::start(dir.path(), 80, 24, &args, &[("NO_COLOR", "")]);
    declare_and_select_step_5(&t);
    t.keys(&["Enter"]);
    t.wait_text("Esc back", 5);
    // To the end of the detail, then the cursor onto the last command.
    t.keys(&["PageDown", "PageDown", "PageDown", "PageDown", "]", "]", "]", "]", "]", "]"]);
    let s = t.wait_for("the end of the detail", 5, |s| {
        s.lines().any(|l| l.starts_with('>') && l.contains("$ "))
    });
    let last = restore_command();
    assert_eq!(t.show_buffer(), "", "tmux starts with no paste buffer: {s}");
    t.keys(&["y"]);
    t.wait_text("copied to tmux buffer (prefix ])", 10);
    assert_eq!(t.show_buffer(), last);
    t.keys(&["Escape", "q", "y"]);
    assert_eq!(t.exit_code(5), 0);
}

//! Key handling and incident state through the headless console: no terminal needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::harness;
use crossterm::event::KeyCode;
use drconsole::app::QuitReason;
use drconsole::incident::{EventKind, StepStatus};
use drconsole::ui::view::{Modal, Pane};

#[test]
fn declaring_a_level_3_incident_opens_the_full_recovery() {
    let mut h = harness();
    h.declare_default();
    let inc = h.app.inc().unwrap();
    assert_eq!(inc.decl.level, 3);
    assert_eq!(inc.decl.disaster_type, "database-failure");
    assert_eq!(inc.steps.len(), 12);
    assert_eq!(inc.timers.len(), 7);
    assert_eq!(inc.overall_budget, Some(std::time::Duration::from_secs(8 * 3600)));
    let kinds: Vec<&str> = h
        .events()
        .iter()
        .map(|e| match e.kind {
            EventKind::Declared(_) => "declared",
            EventKind::SessionStarted { .. } => "session",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["declared", "session"]);
}

#[test]
fn level_2_needs_a_function_and_runs_only_its_procedures() {
    let mut h = harness();
    // Type field -> level field, one level down.
    h.key(KeyCode::Down);
    h.key(KeyCode::Left);
    h.key(KeyCode::Enter);
    assert!(h.app.inc().is_none(), "level 2 with no function must not declare");
    assert!(h.app.view.declare.as_ref().unwrap().error.is_some());
    // Functions field: tick the first (auth), declare.
    h.key(KeyCode::Down);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Enter);
    let inc = h.app.inc().unwrap();
    assert_eq!(inc.decl.level, 2);
    assert_eq!(inc.decl.functions, ["auth"]);
    assert_eq!(inc.timers.len(), 1);
    let ids: Vec<&str> = inc.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "partial-assess",
            "db-prepare",
            "db-restore",
            "db-verify",
            "app-config",
            "app-deploy",
            "app-verify",
            "partial-resume"
        ]
    );
}

#[test]
fn level_1_is_routine_maintenance_without_clocks() {
    let mut h = harness();
    h.key(KeyCode::Down);
    h.key(KeyCode::Right); // 3 -> 1 (wraps)
    h.key(KeyCode::Enter);
    let inc = h.app.inc().unwrap();
    assert_eq!(inc.decl.level, 1);
    assert!(inc.timers.is_empty());
    assert_eq!(inc.overall_budget, None);
}

#[test]
fn start_done_skip_fail_and_time_spent() {
    let mut h = harness();
    h.declare_default();
    h.key(KeyCode::Char('s'));
    h.advance(300);
    h.key(KeyCode::Char('d'));
    let inc = h.app.inc().unwrap();
    assert_eq!(inc.steps[0].status, StepStatus::Done);
    assert_eq!(inc.steps[0].spent.num_seconds(), 300);
    assert_eq!(h.app.view.step_sel, 0, "the cursor stays on the step acted on");
    h.key(KeyCode::Char(']'));
    assert_eq!(h.app.view.step_sel, 1, "] goes to the next step not done");

    // Skipping asks for a reason; an empty reason saves nothing.
    h.key(KeyCode::Char('x'));
    assert!(matches!(h.app.view.modal, Some(Modal::Input { .. })));
    h.key(KeyCode::Enter);
    assert_eq!(h.app.inc().unwrap().steps[1].status, StepStatus::Pending);
    h.key(KeyCode::Char('x'));
    h.keys("已由值班经理评估");
    h.key(KeyCode::Enter);
    let inc = h.app.inc().unwrap();
    assert_eq!(inc.steps[1].status, StepStatus::Skipped);
    assert_eq!(inc.steps[1].reason.as_deref(), Some("已由值班经理评估"));

    // Done twice is refused with a message, not a second event.
    let before = h.events().len();
    h.app.view.step_sel = 0;
    h.key(KeyCode::Char('d'));
    assert_eq!(h.events().len(), before);
    assert!(h.app.view.flash.as_ref().unwrap().error);
}

#[test]
fn a_failed_system_test_leads_to_adjust_and_retest_counting_iterations() {
    let mut h = harness();
    h.declare_default();
    let test_idx =
        h.app.inc().unwrap().steps.iter().position(|s| s.id == "integration-test").unwrap();
    for iteration in 1..=2u32 {
        h.app.view.step_sel = test_idx;
        h.key(KeyCode::Char('s'));
        h.key(KeyCode::Char('f'));
        h.keys("checkout 500");
        h.key(KeyCode::Enter);
        let inc = h.app.inc().unwrap();
        assert_eq!(inc.steps[test_idx].status, StepStatus::Failed);
        assert_eq!(inc.steps[test_idx].failures, iteration);
        assert_eq!(inc.test_failures, iteration);
        let adjust = &inc.steps[test_idx + 1];
        assert_eq!(adjust.id, "adjust-measures");
        assert_eq!(adjust.status, StepStatus::Pending);
        assert_eq!(inc.steps.len(), 13, "the adjust step is inserted once");
        // The console leads to the adjust step.
        h.app.view.step_sel = test_idx + 1;
        h.key(KeyCode::Char('s'));
        h.key(KeyCode::Char('d'));
        let inc = h.app.inc().unwrap();
        assert_eq!(inc.steps[test_idx].status, StepStatus::Pending, "ready to re-test");
    }
    h.app.view.step_sel = test_idx;
    h.key(KeyCode::Char('s'));
    h.key(KeyCode::Char('d'));
    assert_eq!(h.app.inc().unwrap().steps[test_idx].status, StepStatus::Done);
}

#[test]
fn notes_take_chinese_text_and_backspace_removes_whole_characters() {
    let mut h = harness();
    h.declare_default();
    h.key(KeyCode::Char('n'));
    h.keys("主库宕机X");
    h.key(KeyCode::Backspace);
    h.keys("。");
    h.key(KeyCode::Enter);
    let last = h.events().last().cloned().unwrap();
    assert_eq!(last.kind, EventKind::Note { text: "主库宕机。".into() });
}

#[test]
fn restoring_a_function_stops_its_timer_and_breaches_are_events() {
    let mut h = harness();
    h.declare_default();
    h.key(KeyCode::Tab);
    assert_eq!(h.app.view.focus, Pane::Timers);
    h.advance(3600);
    h.key(KeyCode::Char('r')); // auth restored at T0+1h
    let inc = h.app.inc().unwrap();
    assert!(inc.timers[0].restored_at.is_some());
    // Past 4h: cart and checkout breach (auth was restored in time).
    h.advance(3 * 3600 + 1);
    let breaches: Vec<Option<String>> = h
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TimerBreached { function, .. } => Some(function.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(breaches, [Some("cart".to_string()), Some("checkout".to_string())]);
    // A breach is journaled once, not every tick.
    h.advance(10);
    let count =
        h.events().iter().filter(|e| matches!(e.kind, EventKind::TimerBreached { .. })).count();
    assert_eq!(count, 2);
}

#[test]
fn completing_step_11_asks_then_closes_and_stops_the_clocks() {
    let mut h = harness();
    h.declare_default();
    let idx = h.app.inc().unwrap().steps.iter().position(|s| s.id == "declare-complete").unwrap();
    h.app.view.step_sel = idx;
    h.key(KeyCode::Char('d'));
    // The question lists what is still open: every function is unrestored here.
    let Some(Modal::Confirm { question, .. }) = &h.app.view.modal else { panic!("no question") };
    assert!(question.contains("未恢复的功能") && question.contains("auth"), "{question}");
    h.key(KeyCode::Char('y'));
    let inc = h.app.inc().unwrap();
    assert!(inc.closed_at.is_some());
    // Closing did not restore them: each is "not restored", never met.
    let now = h.app.now();
    for t in &inc.timers {
        let c = drconsole::incident::timers::function_countdown(inc, t, now);
        assert_eq!(c.phase, drconsole::incident::timers::Phase::NotRestored, "{}", t.id);
    }
    // Closed: no more breaches, however long we wait.
    h.advance(48 * 3600);
    assert!(!h.events().iter().any(|e| matches!(e.kind, EventKind::TimerBreached { .. })));
    // Notes are still accepted after closing.
    h.key(KeyCode::Char('n'));
    h.keys("post-incident review booked");
    h.key(KeyCode::Enter);
    assert!(matches!(h.events().last().unwrap().kind, EventKind::Note { .. }));
}

#[test]
fn quit_asks_first_and_ctrl_c_does_not() {
    let mut h = harness();
    h.declare_default();
    h.key(KeyCode::Char('q'));
    assert_eq!(h.app.view.modal, Some(Modal::ConfirmQuit));
    h.key(KeyCode::Char('n'));
    assert_eq!(h.app.quit, None);
    h.key(KeyCode::Char('q'));
    h.key(KeyCode::Char('y'));
    assert_eq!(h.app.quit, Some(QuitReason::Quit));
    assert!(matches!(h.events().last().unwrap().kind, EventKind::SessionEnded { .. }));

    let mut h = common::app::harness();
    h.declare_default();
    h.ctrl('c');
    assert_eq!(h.app.quit, Some(QuitReason::Interrupt));
    assert_eq!(QuitReason::Interrupt.exit_code(), 130);
}

#[test]
fn navigation_between_and_within_panes() {
    let mut h = harness();
    h.declare_default();
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Down);
    assert_eq!(h.app.view.step_sel, 2);
    h.key(KeyCode::Char('k'));
    assert_eq!(h.app.view.step_sel, 1);
    h.key(KeyCode::Enter);
    assert_eq!(h.app.view.detail.as_ref().map(|d| d.step.as_str()), Some("assess-scope"));
    h.key(KeyCode::Enter);
    assert!(h.app.view.detail.is_none());
    for want in [Pane::Timers, Pane::Timeline, Pane::Health, Pane::Steps] {
        h.key(KeyCode::Tab);
        assert_eq!(h.app.view.focus, want);
    }
    h.key(KeyCode::Left);
    assert_eq!(h.app.view.focus, Pane::Health);
    h.key(KeyCode::Char('?'));
    assert_eq!(h.app.view.modal, Some(Modal::Help));
    h.key(KeyCode::Esc);
    assert_eq!(h.app.view.modal, None);
}

/// `h` hands command over (Tab picks a person of the incident, or a name is typed), `a` gives
/// the selected step to someone; both are journaled with the names and shown at once.
#[test]
fn h_hands_command_over_and_a_gives_a_step_to_someone() {
    let mut h = harness();
    h.declare_default();
    assert_eq!(h.app.inc().unwrap().commander(), "张三");
    assert!(h.screen(80, 24).contains("IC 张三") || h.screen(80, 24).contains("指挥 张三"));
    h.key(KeyCode::Char('h'));
    assert!(matches!(h.app.view.modal, Some(Modal::Input { .. })));
    assert!(h.screen(80, 24).contains("Tab"), "the dialog names who Tab picks");
    // Tab skips the commander: the next person of the incident is the reporter or a role.
    h.key(KeyCode::Tab);
    let Some(Modal::Input { text, .. }) = h.app.view.modal.clone() else { panic!("no input") };
    assert!(!text.is_empty() && text != "张三", "{text}");
    // Typed instead: clear and give it to someone not in the runbook.
    h.ctrl('u');
    h.keys("Li Wei");
    h.key(KeyCode::Enter);
    h.advance(0);
    assert_eq!(h.app.inc().unwrap().commander(), "Li Wei");
    assert!(h.screen(80, 24).contains("Li Wei"));
    assert!(h.events().iter().any(|e| matches!(&e.kind,
        EventKind::HandedOver { from, to } if from == "张三" && to == "Li Wei")));
    // `a` on the second step.
    h.key(KeyCode::Char('j'));
    h.key(KeyCode::Char('a'));
    h.keys("王小明");
    h.key(KeyCode::Enter);
    h.advance(0);
    let inc = h.app.inc().unwrap();
    assert_eq!(inc.owners.get("assess-scope").map(String::as_str), Some("王小明"));
    assert!(h.screen(100, 30).contains("王小明"), "the steps pane shows the new owner");
}

#[test]
fn t0_can_be_set_earlier_than_the_declaration() {
    let mut h = harness();
    for _ in 0..6 {
        h.key(KeyCode::Down);
    }
    h.keys("2026-11-28T05:05:00Z");
    h.key(KeyCode::Enter);
    let inc = h.app.inc().unwrap();
    assert_eq!(inc.decl.t0.to_rfc3339(), "2026-11-28T05:05:00+00:00");
    // The RTO clock counts from T0, not from the declaration.
    let c = drconsole::incident::timers::overall_countdown(inc, h.app.now()).unwrap();
    assert_eq!(c.elapsed.num_minutes(), 55);
}

#[test]
fn y_copies_the_step_commands_over_osc52_and_runs_nothing() {
    let mut h = harness();
    h.app.in_tmux = false;
    h.declare_default();
    h.app.view.step_sel = 4; // restore the database (§5.3): mongorestore
    h.key(KeyCode::Char('y'));
    let seq = h.app.view.outbox.pop().expect("an OSC 52 sequence");
    assert!(seq.starts_with("\x1b]52;c;"), "{seq:?}");
    assert!(h.app.view.to_tmux.is_empty(), "not inside tmux: tmux is not asked");
    h.key(KeyCode::Esc);
    h.app.view.step_sel = 0; // no commands
    h.key(KeyCode::Char('y'));
    assert!(h.app.view.outbox.is_empty());
    assert!(h.app.view.flash.as_ref().unwrap().error);
}

/// The text of an OSC 52 sequence (plain, or wrapped for tmux's passthrough).
fn osc52_text(seq: &str) -> String {
    use base64::Engine;
    let start = seq.find("52;c;").expect("an OSC 52 sequence") + 5;
    let b64: String = seq[start..].chars().take_while(|c| *c != '\x07' && *c != '\x1b').collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    String::from_utf8(bytes).unwrap()
}

/// In the detail view `y` copies the command under the cursor, and only it; the cursor follows
/// what is on screen.
#[test]
fn y_in_the_detail_view_copies_exactly_the_command_under_the_cursor() {
    // The English runbook with two more commands in the restore, so there is a cursor to move.
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/runbooks/shopping-system.en.toml"
    ))
    .unwrap();
    let anchor = "--drop /path/to/backup'\n";
    assert!(src.contains(anchor));
    let extra = "\n[[procedures.steps.commands]]\nlabel = \"Check the collections\"\nrun = 'mongosh \"mongodb+srv://<cluster>.mongodb.net/<database>\" --quiet --eval \"db.getCollectionNames().forEach(c => print(c, db[c].countDocuments()))\"'\n\n[[procedures.steps.commands]]\nlabel = \"Rebuild the indexes\"\nrun = 'mongosh \"mongodb+srv://<cluster>.mongodb.net/<database>\" --eval \"db.orders.reIndex()\"'\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runbook.toml");
    std::fs::write(&path, src.replacen(anchor, &format!("{anchor}{extra}"), 1)).unwrap();
    let mut h = common::app::harness_with(path.to_str(), None);
    h.declare_default();
    let loaded = h.app.loaded.clone();
    let rb = &loaded.runbook;
    let runs_of = |id: &str| -> Vec<String> {
        let step = &rb.step(id).unwrap().step;
        let mut runs: Vec<String> = step.commands.iter().map(|c| c.run.clone()).collect();
        if let Some(p) = step.procedure.as_deref().and_then(|p| rb.procedure(p)) {
            runs.extend(p.steps.iter().flat_map(|s| s.commands.iter().map(|c| c.run.clone())));
        }
        runs
    };
    // The step with the most commands.
    let (idx, runs) = h
        .app
        .inc()
        .unwrap()
        .steps
        .iter()
        .map(|s| runs_of(&s.id))
        .enumerate()
        .max_by_key(|(_, r)| r.len())
        .unwrap();
    assert!(runs.len() >= 2, "a step with several commands: {runs:?}");
    // Outside tmux each `y` also shows the copied text (Esc goes back to the detail view).
    h.app.in_tmux = false;
    h.app.view.step_sel = idx;
    h.key(KeyCode::Enter);
    h.key(KeyCode::Char('y'));
    assert_eq!(osc52_text(&h.app.view.outbox.pop().unwrap()), runs[0]);
    h.key(KeyCode::Esc);
    // Scrolling to the end brings the cursor to the last command.
    for _ in 0..200 {
        h.key(KeyCode::Char('j'));
    }
    let screen = h.screen(80, 24);
    h.key(KeyCode::Char('y'));
    let copied = osc52_text(&h.app.view.outbox.pop().unwrap());
    assert_eq!(&copied, runs.last().unwrap());
    h.key(KeyCode::Esc);
    // What was copied is what the cursor marks on screen.
    let first_word = copied.split(' ').next().unwrap();
    assert!(screen.lines().any(|l| l.starts_with("> $ ") && l.contains(first_word)), "{screen}");
    // `[` goes back one command.
    h.key(KeyCode::Char('['));
    h.key(KeyCode::Char('y'));
    assert_eq!(osc52_text(&h.app.view.outbox.pop().unwrap()), runs[runs.len() - 2]);
    h.key(KeyCode::Esc);
    // Esc closes the view; `y` copies the whole step again.
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('y'));
    assert_eq!(osc52_text(&h.app.view.outbox.pop().unwrap()), runs.join("\n"));
}

#[test]
fn y_outside_tmux_says_only_sent_and_shows_the_text_to_select_or_save() {
    let mut h = harness();
    h.app.in_tmux = false;
    h.declare_default();
    h.app.view.step_sel = 4;
    h.key(KeyCode::Char('y'));
    let flash = h.app.view.flash.clone().unwrap();
    assert_eq!(flash.text, "已发送到终端剪贴板 (OSC 52)");
    assert!(!flash.text.contains("已复制"), "no copy is claimed that nobody confirmed");
    let text = match &h.app.view.modal {
        Some(Modal::Copied(c)) => c.text.clone(),
        other => panic!("expected the copied text, got {other:?}"),
    };
    assert!(text.starts_with("mongorestore --uri="), "{text}");
    let screen = h.screen(80, 24);
    assert!(screen.lines().any(|l| l.starts_with("mongorestore --uri=")), "{screen}");
    // `w` writes it to a file, then the text is shown again.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cmd.txt");
    h.key(KeyCode::Char('w'));
    h.keys(&path.display().to_string());
    h.key(KeyCode::Enter);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert!(matches!(h.app.view.modal, Some(Modal::Copied(_))));
    h.key(KeyCode::Esc);
    assert_eq!(h.app.view.modal, None);
}

#[test]
fn inside_tmux_y_waits_for_tmux_before_saying_copied() {
    let mut h = harness();
    h.app.in_tmux = true;
    h.declare_default();
    h.app.view.step_sel = 4;
    h.key(KeyCode::Char('y'));
    let text = h.app.view.to_tmux.pop().expect("a text for tmux's paste buffer");
    assert!(h.app.view.outbox.pop().unwrap().starts_with("\x1bPtmux;"));
    assert!(!h.app.view.flash.as_ref().unwrap().text.contains("已复制"));
    h.app.on_tmux_buffer(text.clone(), Ok(()));
    assert_eq!(h.app.view.flash.as_ref().unwrap().text, "已复制到 tmux 缓冲区 (前缀键 ])");
    assert_eq!(h.app.view.modal, None);
    h.app.on_tmux_buffer(text, Err("no server running".into()));
    assert!(matches!(h.app.view.modal, Some(Modal::Copied(_))));
    assert!(h.app.view.flash.as_ref().unwrap().text.contains("no server running"));
}

//! Communications in the console: notification stages, a filled template copied over OSC 52
//! and recorded as sent, and status-update reminders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use base64::Engine;
use common::app::{harness, harness_with};
use crossterm::event::KeyCode;
use drconsole::incident::EventKind;
use drconsole::runbook::model::Lang;
use drconsole::ui::view::Modal;

#[test]
fn ticking_a_stage_records_who_was_notified_and_by_which_channel() {
    let mut h = harness();
    h.declare_default();
    h.key(KeyCode::Char('c'));
    assert!(matches!(h.app.view.modal, Some(Modal::Comms(_))));
    let s = h.screen(80, 24);
    assert!(s.contains("灾难发生 → DR团队") && s.contains("[待通知]"), "{s}");
    h.key(KeyCode::Enter);
    h.keys("短信: 张三、李四");
    h.key(KeyCode::Enter);
    match &h.events().last().unwrap().kind {
        EventKind::NotificationSent { stage, channel, notified, .. } => {
            assert_eq!(
                (stage.as_str(), channel.as_str(), notified.as_str()),
                ("disaster-occurred", "短信", "张三、李四")
            );
        }
        other => panic!("expected a notification, got {other:?}"),
    }
    assert!(h.screen(80, 24).contains("[已通知]"));
}

#[test]
fn a_template_is_filled_copied_over_osc52_and_recorded_as_sent() {
    for lang in [Lang::Zh, Lang::En] {
        let rb = match lang {
            Lang::Zh => None,
            Lang::En => {
                Some(concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml"))
            }
        };
        let mut h = harness_with(rb, Some(lang));
        h.app.in_tmux = false;
        h.declare_default();
        h.key(KeyCode::Char('c'));
        let stages = h.app.loaded.runbook.notifications.len();
        for _ in 0..stages {
            h.key(KeyCode::Down);
        }
        h.key(KeyCode::Enter); // preview the first template (user outage)
        let filled = |h: &common::app::Harness| match &h.app.view.modal {
            Some(Modal::Comms(cv)) => h.app.filled(cv).unwrap(),
            other => panic!("not in the preview: {other:?}"),
        };
        let before = filled(&h);
        assert!(!before.text.contains('{'), "no raw placeholder: {}", before.text);
        assert_eq!(before.blanks, ["channel"], "only the operator's field is blank");
        // Fill the channel, then copy.
        h.key(KeyCode::Enter);
        h.keys(match lang {
            Lang::Zh => "官网公告",
            Lang::En => "the status page",
        });
        h.key(KeyCode::Enter);
        let after = filled(&h);
        assert!(after.blanks.is_empty() && !after.text.contains('['), "{}", after.text);
        insta::assert_snapshot!(
            format!("comms_preview_{lang:?}"),
            h.screen(80, 24).replace(&h.app.inc().unwrap().decl.incident_id[16..], "xxxx")
        );
        h.key(KeyCode::Char('y'));
        let seq = h.app.view.outbox.pop().expect("an OSC 52 sequence");
        let body = seq
            .strip_prefix("\x1b]52;c;")
            .expect("OSC 52 prefix")
            .strip_suffix('\x07')
            .expect("BEL");
        let decoded = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), after.text);
        // The terminal never says whether it took the text: the message says it was sent, and
        // the text is shown whole; Esc goes back to the preview, not out of the dialog.
        let sent = match lang {
            Lang::Zh => "已发送到终端剪贴板 (OSC 52)",
            Lang::En => "sent to terminal clipboard (OSC 52)",
        };
        assert_eq!(h.app.view.flash.as_ref().unwrap().text, sent);
        match &h.app.view.modal {
            Some(Modal::Copied(c)) => assert_eq!(c.text, after.text),
            other => panic!("expected the copied text, got {other:?}"),
        }
        h.key(KeyCode::Esc);
        assert!(matches!(&h.app.view.modal, Some(Modal::Comms(cv)) if cv.preview.is_some()));
        // Record it as sent: the exact text goes into the journal.
        h.key(KeyCode::Char('s'));
        h.keys("sms");
        h.key(KeyCode::Enter);
        match &h.events().last().unwrap().kind {
            EventKind::CommsSent { template, channel, text } => {
                assert_eq!((template.as_str(), channel.as_str()), ("user-outage", "sms"));
                assert_eq!(text, &after.text);
            }
            other => panic!("expected comms-sent, got {other:?}"),
        }
    }
}

#[test]
fn status_update_reminders_fire_once_per_due_time() {
    let mut h = harness();
    h.declare_default(); // level 3: every 30 minutes
    h.advance(29 * 60);
    let reminders = |h: &common::app::Harness| {
        h.events().iter().filter(|e| matches!(e.kind, EventKind::UpdateReminder { .. })).count()
    };
    assert_eq!(reminders(&h), 0);
    h.advance(61);
    assert_eq!(reminders(&h), 1);
    for _ in 0..10 {
        h.advance(5);
    }
    assert_eq!(reminders(&h), 1, "journaled once, not every tick");
    assert!(h.screen(80, 24).contains("已逾期"), "the timers pane says it is overdue");
    h.advance(30 * 60);
    assert_eq!(reminders(&h), 2);
}

fn open_comms_at(h: &mut common::app::Harness, item: usize) {
    h.key(KeyCode::Char('c'));
    for _ in 0..item {
        h.key(KeyCode::Down);
    }
}

fn comms_view(h: &common::app::Harness) -> drconsole::ui::view::CommsView {
    match &h.app.view.modal {
        Some(Modal::Comms(cv)) => cv.clone(),
        other => panic!("expected the communications dialog, got {other:?}"),
    }
}

#[test]
fn esc_in_a_sub_dialog_leaves_only_the_sub_dialog() {
    let mut h = harness();
    h.app.in_tmux = false;
    h.declare_default();
    let stages = h.app.loaded.runbook.notifications.len();
    open_comms_at(&mut h, 1);
    // A stage's "who was notified" input: Esc goes back to the list, on the same stage.
    h.key(KeyCode::Enter);
    assert!(matches!(h.app.view.modal, Some(Modal::Input { .. })));
    h.key(KeyCode::Esc);
    assert_eq!(comms_view(&h).sel, 1);
    // Recording who was notified also comes back to the list, not out of the dialog.
    h.key(KeyCode::Enter);
    h.keys("张三");
    h.key(KeyCode::Enter);
    assert_eq!(comms_view(&h).sel, 1);
    assert!(matches!(h.events().last().unwrap().kind, EventKind::NotificationSent { .. }));
    // An empty answer is refused and keeps the dialog too.
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    assert_eq!(comms_view(&h).sel, 1);

    // A template's preview, and each of its sub-dialogs.
    for _ in 1..stages {
        h.key(KeyCode::Down);
    }
    h.key(KeyCode::Enter);
    assert!(comms_view(&h).preview.is_some());
    for key in ['e', 's', 'w', 'y'] {
        h.key(KeyCode::Char(key));
        assert!(!matches!(h.app.view.modal, Some(Modal::Comms(_))), "{key} opened nothing");
        h.key(KeyCode::Esc);
        assert!(comms_view(&h).preview.is_some(), "Esc after {key} left the preview");
    }
    h.key(KeyCode::Esc);
    let cv = comms_view(&h);
    assert_eq!((cv.preview, cv.sel), (None, stages), "back to the list, on the template");
    h.key(KeyCode::Esc);
    assert_eq!(h.app.view.modal, None, "Esc on the list closes the dialog");
}

#[test]
fn a_channel_once_given_is_remembered_for_the_incident() {
    let mut h = harness();
    h.declare_default();
    let stages = h.app.loaded.runbook.notifications.len();
    open_comms_at(&mut h, stages);
    h.key(KeyCode::Enter); // the user-outage preview; its first field is the channel
    h.key(KeyCode::Enter);
    h.keys("官网公告");
    h.key(KeyCode::Enter);
    // Recording it as sent offers the channel already given.
    h.key(KeyCode::Char('s'));
    match &h.app.view.modal {
        Some(Modal::Input { text, .. }) => assert_eq!(text, "官网公告"),
        other => panic!("expected the channel input, got {other:?}"),
    }
    h.key(KeyCode::Enter);
    assert!(matches!(
        &h.events().last().unwrap().kind,
        EventKind::CommsSent { channel, .. } if channel == "官网公告"
    ));
    // Typing over the offered channel replaces it.
    h.key(KeyCode::Char('s'));
    h.keys("短信");
    h.key(KeyCode::Enter);
    assert!(matches!(
        &h.events().last().unwrap().kind,
        EventKind::CommsSent { channel, .. } if channel == "短信"
    ));
    // Closing and reopening the dialog keeps what was typed.
    h.key(KeyCode::Esc);
    h.key(KeyCode::Esc);
    open_comms_at(&mut h, stages);
    h.key(KeyCode::Enter);
    assert_eq!(comms_view(&h).values.get("channel").map(String::as_str), Some("官网公告"));

    // Another console on the same incident (a resume) offers it from the journal.
    let mut h2 = harness();
    let sink = Box::new(h2.sink.clone());
    h2.app.attach(&h.events(), sink).unwrap();
    open_comms_at(&mut h2, stages);
    h2.key(KeyCode::Enter);
    let filled = h2.app.filled(&comms_view(&h2)).unwrap();
    assert!(filled.blanks.is_empty(), "the channel is filled in: {}", filled.text);
    assert!(
        filled.text.contains("我们将通过短信及时通知您"),
        "the last one given: {}",
        filled.text
    );
    h2.key(KeyCode::Char('s'));
    match &h2.app.view.modal {
        Some(Modal::Input { text, .. }) => assert_eq!(text, "短信"),
        other => panic!("expected the channel input, got {other:?}"),
    }
}

#[test]
fn the_built_in_status_update_fills_from_the_incident() {
    for lang in [Lang::Zh, Lang::En] {
        let rb = match lang {
            Lang::Zh => None,
            Lang::En => {
                Some(concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml"))
            }
        };
        let mut h = harness_with(rb, Some(lang));
        h.declare_default(); // level 3, every function, T0 06:00 UTC (14:00 at UTC+8)
                             // The cursor stays on a step after `d`; `]` moves to the next one to work.
        h.keys("sd]");
        h.advance(600);
        h.keys("s");
        h.app.view.focus = drconsole::ui::view::Pane::Timers;
        h.app.view.timer_sel = 0;
        h.key(KeyCode::Char('r'));
        let items = {
            let rb = &h.app.loaded.runbook;
            rb.notifications.len() + rb.templates.len()
        };
        open_comms_at(&mut h, items);
        h.key(KeyCode::Enter);
        let text = h.app.filled(&comms_view(&h)).unwrap().text;
        let inc = h.app.inc().unwrap();
        let rb = &h.app.loaded.runbook;
        let title = |i: usize| rb.step(&inc.steps[i].id).unwrap().step.title.clone();
        let fname = |i: usize| rb.function(&inc.timers[i].id).unwrap().name.clone();
        assert!(text.contains(&inc.decl.incident_id), "{text}");
        let want: Vec<String> = match lang {
            Lang::Zh => vec![
                "当前状态: 处理中".into(),
                format!("已完成步骤 (1/{}): 1 {}", inc.steps.len(), title(0)),
                format!("进行中: 2 {}", title(1)),
                format!("下一步: 3 {}", title(2)),
                format!("- {}: 已恢复于 2026-11-28 14:10 (UTC+08:00)", fname(0)),
                format!("- {}: 应于 2026-11-28 18:00 (UTC+08:00) (剩余 03:50:00)", fname(2)),
                "下次状态更新: 2026-11-28 14:30 (UTC+08:00)".into(),
            ],
            Lang::En => vec![
                "Current state: in progress".into(),
                format!("Steps done (1/{}): 1 {}", inc.steps.len(), title(0)),
                format!("Running: 2 {}", title(1)),
                format!("Next: 3 {}", title(2)),
                format!("- {}: restored at 2026-11-28 14:10 (UTC+08:00)", fname(0)),
                format!("- {}: due by 2026-11-28 18:00 (UTC+08:00) (03:50:00 left)", fname(2)),
                "Next status update: 2026-11-28 14:30 (UTC+08:00)".into(),
            ],
        };
        for w in &want {
            assert!(text.contains(w.as_str()), "missing {w:?} in:\n{text}");
        }
        let s = h.screen(80, 24);
        assert!(s.contains(want[2].as_str()), "{s}");
        // Its last rows are reached by scrolling (j), as the fields of a template are.
        for _ in 0..20 {
            h.key(KeyCode::Char('j'));
        }
        let s = h.screen(80, 24);
        assert!(s.contains(want[6].as_str()), "{s}");
        // Recorded as sent: a status update, which restarts the update cadence.
        h.key(KeyCode::Char('s'));
        h.keys("wecom");
        h.key(KeyCode::Enter);
        match &h.events().last().unwrap().kind {
            EventKind::StatusUpdateSent { channel, note } => {
                assert_eq!(channel, "wecom");
                assert!(note.contains("1/"), "{note}");
            }
            other => panic!("expected a status update, got {other:?}"),
        }
        let inc = h.app.inc().unwrap();
        let u = drconsole::comms::update_status(inc, &h.app.loaded.runbook, h.app.now()).unwrap();
        assert_eq!(u.last_update, Some(h.app.now()));
    }
}

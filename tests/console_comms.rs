//! Communications in the console: notification stages, a filled template copied over OSC 52
//! and recorded as sent, and status-update reminders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

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

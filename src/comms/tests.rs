#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, TimeZone, Utc};

use super::*;
use crate::incident::{apply, Actor, Declaration, Event, EventKind, Incident};
use crate::runbook::model::{FieldSource, Lang, Runbook};
use crate::runbook::Loaded;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap()
}

fn utc8() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn runbooks() -> Vec<Loaded> {
    let en = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");
    vec![
        crate::runbook::load::builtin().unwrap(),
        crate::runbook::load(Some(std::path::Path::new(en))).unwrap(),
    ]
}

fn ev(at: DateTime<Utc>, kind: EventKind) -> Event {
    let who = Actor { user: "ops".into(), host: "jump1".into(), ..Actor::default() };
    let resource = kind.resource().map(str::to_string);
    Event { at, wall: at, mono_ms: 0, who: who.into(), resource, success: !kind.is_failure(), kind }
}

fn declare(rb: &Runbook, level: u8, functions: &[&str]) -> Incident {
    let decl = Declaration {
        incident_id: "20261128-060000-abcd".into(),
        disaster_type: "database-failure".into(),
        level,
        functions: functions.iter().map(|s| s.to_string()).collect(),
        reporter: "王五".into(),
        coordinator: "张三".into(),
        team: vec![],
        t0: t0(),
        runbook_name: rb.plan.name.clone(),
        runbook_sha256: "00".into(),
        lang: rb.plan.language,
        drill: None,
    };
    Incident::from_declared(rb, &ev(t0(), EventKind::Declared(Box::new(decl)))).unwrap()
}

fn push(inc: &mut Incident, rb: &Runbook, at: DateTime<Utc>, kind: EventKind) {
    apply(inc, rb, &ev(at, kind));
}

fn min(m: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::minutes(m)
}

#[test]
fn every_template_fills_without_raw_placeholders() {
    for loaded in runbooks() {
        let rb = &loaded.runbook;
        for (level, functions) in [(3, vec![]), (2, vec!["cart", "checkout"])] {
            let mut functions = functions;
            if functions.is_empty() {
                functions = rb.functions.iter().map(|f| f.id.as_str()).collect();
            }
            let inc = declare(rb, level, &functions);
            for t in &rb.templates {
                let fields = fill::template_fields(t, rb);
                assert!(!fields.is_empty(), "{} uses fields", t.id);
                let operator: Vec<&str> = fields
                    .iter()
                    .filter(|f| f.source == FieldSource::Operator)
                    .map(|f| f.id.as_str())
                    .collect();

                // Nothing from the operator: exactly the operator fields are marked blanks.
                let bare = fill(t, &inc, rb, &BTreeMap::new(), utc8());
                assert!(!bare.text.contains(['{', '}']), "{}:\n{}", t.id, bare.text);
                assert_eq!(bare.blanks, operator, "{}", t.id);
                for f in &fields {
                    let marked = fill::blank(&f.label);
                    assert_eq!(
                        bare.text.contains(&marked),
                        f.source == FieldSource::Operator,
                        "{} {}:\n{}",
                        t.id,
                        f.id,
                        bare.text
                    );
                }

                // Every field given: no blank at all, and the values are in the text.
                let values: BTreeMap<String, String> =
                    fields.iter().map(|f| (f.id.clone(), format!("<{}>", f.id))).collect();
                let full = fill(t, &inc, rb, &values, utc8());
                assert!(full.blanks.is_empty(), "{}: {:?}", t.id, full.blanks);
                assert!(!full.text.contains(['{', '}']), "{}", full.text);
                for f in &fields {
                    assert!(full.text.contains(&format!("<{}>", f.id)));
                    assert!(!full.text.contains(&fill::blank(&f.label)));
                }
            }
        }
    }
}

#[test]
fn computed_fields_come_from_the_incident() {
    let rbs = runbooks();
    let rb = &rbs[0].runbook;
    let inc = declare(rb, 2, &["cart", "checkout"]);
    let t = rb.templates.iter().find(|t| t.id == "user-outage").unwrap();
    let f = fill(t, &inc, rb, &BTreeMap::new(), utc8());
    assert!(f.text.contains("可能会导致购物车、下单支付暂时不可用"), "{}", f.text);
    // T0 06:00 UTC + overall RTO 8h, shown at UTC+8.
    assert!(f.text.contains("预计恢复时间为2026-11-28 22:00 (UTC+08:00)"), "{}", f.text);
    // The customer-facing action texts follow "您可能无法".
    assert!(f.text.contains("您可能无法添加或修改购物车；完成购买"), "{}", f.text);
    assert!(f.text.contains("我们将通过[通知渠道]及时通知您"), "{}", f.text);
    assert_eq!(f.blanks, vec!["channel"]);

    let field = |src: FieldSource| rb.fields.iter().find(|f| f.source == src).cloned();
    let mut extra = field(FieldSource::Operator).unwrap();
    for (src, want) in [
        (FieldSource::IncidentId, "20261128-060000-abcd"),
        (FieldSource::Level, "级别2 - 中等影响"),
        (FieldSource::DeclaredAt, "2026-11-28 14:00 (UTC+08:00)"),
    ] {
        extra.source = src;
        assert_eq!(fill::computed_value(&extra, &inc, rb, utc8()).as_deref(), Some(want));
    }
    extra.source = FieldSource::DisasterType;
    let dtype = fill::computed_value(&extra, &inc, rb, utc8()).unwrap();
    assert_eq!(dtype, rb.disaster_type("database-failure").unwrap().name);
}

#[test]
fn operator_values_win_blank_ones_stay_marked_and_are_never_expanded() {
    let rbs = runbooks();
    let rb = &rbs[1].runbook;
    assert_eq!(rb.plan.language, Lang::En);
    let inc = declare(rb, 2, &["cart"]);
    let t = rb.templates.iter().find(|t| t.id == "user-outage").unwrap();
    let mut v = BTreeMap::new();
    v.insert("affected-services".to_string(), "  ".to_string());
    v.insert("channel".to_string(), "our status page {impact}\u{1b}]52;c;x\u{7}".to_string());
    let f = fill(t, &inc, rb, &v, utc8());
    assert!(f.text.contains("may make [Affected services] temporarily"), "{}", f.text);
    assert_eq!(f.blanks, vec!["affected-services"]);
    // A value is inserted as text: its braces are not a placeholder, its ESC is gone.
    assert!(f.text.contains("through our status page {impact} ]52;c;x  of"), "{}", f.text);
    assert!(!f.text.contains('\u{1b}'));
}

#[test]
fn osc52_round_trips_and_wraps_for_tmux() {
    let text = "尊敬的用户：\n系统已恢复 — ok";
    let seq = osc52(text).unwrap();
    assert!(seq.starts_with("\u{1b}]52;c;"));
    assert!(seq.ends_with('\u{7}'));
    let b64 = &seq["\u{1b}]52;c;".len()..seq.len() - 1];
    let back = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    assert_eq!(String::from_utf8(back).unwrap(), text);

    let tmux = osc52_tmux(text).unwrap();
    assert!(tmux.starts_with("\u{1b}Ptmux;\u{1b}\u{1b}]52;c;"), "{tmux:?}");
    assert!(tmux.ends_with("\u{7}\u{1b}\\"));
    let inner = &tmux["\u{1b}Ptmux;".len()..tmux.len() - 2];
    // Inside the passthrough every ESC is doubled; undoubling gives the plain sequence.
    assert_eq!(inner.replace("\u{1b}\u{1b}", "\u{1b}"), seq);
    assert_eq!(inner.matches('\u{1b}').count(), 2);

    assert_eq!(osc52_for(text, false).unwrap(), seq);
    assert_eq!(osc52_for(text, true).unwrap(), tmux);

    let big = "x".repeat(osc52::MAX_BYTES + 1);
    let err = osc52(&big).unwrap_err();
    assert_eq!(
        err,
        osc52::Refused::TooLarge { bytes: osc52::MAX_BYTES + 1, max: osc52::MAX_BYTES }
    );
    assert!(osc52_tmux(&big).is_err());
    let edge = osc52(&"x".repeat(osc52::MAX_BYTES)).unwrap();
    assert!(edge.len() <= 100_000 + 8, "{}", edge.len());
}

#[test]
fn osc52_refuses_hidden_characters() {
    assert!(osc52("line one\n\tline two").is_ok());
    let err = osc52("evil\r\u{1b}[2K echo harmless").unwrap_err();
    assert_eq!(err, osc52::Refused::Hidden { shown: "\\r (U+000D)".into() });
    assert!(err.to_string().starts_with("not copied: the text holds the control character \\r"));
    assert!(osc52_tmux("a\u{202e}b").is_err());
}

#[test]
fn save_to_file_writes_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("msg.txt");
    save_to_file(&p, "第一行\nsecond").unwrap();
    save_to_file(&p, "replaced").unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "replaced");
}

/// Drive the tick once a second for `until` minutes, journaling what it asks for and sending
/// an update at each minute in `sent_at`; return the minutes reminders were journaled at.
fn reminder_minutes(level: u8, functions: &[&str], sent_at: &[i64], until: i64) -> Vec<i64> {
    let rbs = runbooks();
    let rb = &rbs[0].runbook;
    let mut inc = declare(rb, level, functions);
    let mut out = Vec::new();
    for s in 0..=until * 60 {
        let now = t0() + chrono::Duration::seconds(s);
        if s % 60 == 0 && sent_at.contains(&(s / 60)) {
            let kind = EventKind::StatusUpdateSent { channel: "Slack".into(), note: String::new() };
            push(&mut inc, rb, now, kind);
        }
        for kind in reminders_due(&inc, rb, now) {
            let EventKind::UpdateReminder { due_at } = kind else { panic!("{kind:?}") };
            assert_eq!(due_at, now, "reminded the moment it fell due");
            out.push(s / 60);
            push(&mut inc, rb, now, EventKind::UpdateReminder { due_at });
        }
        assert!(reminders_due(&inc, rb, now).is_empty(), "once per due time");
    }
    out
}

#[test]
fn reminders_follow_the_level_cadence_once_per_due_time() {
    assert_eq!(reminder_minutes(3, &[], &[], 130), vec![30, 60, 90, 120]);
    assert_eq!(reminder_minutes(2, &["cart"], &[], 130), vec![60, 120]);
    assert_eq!(reminder_minutes(1, &[], &[], 130), Vec::<i64>::new());
    // An update resets the clock: sent at 40m, the next is due at 70m.
    assert_eq!(reminder_minutes(3, &[], &[40], 130), vec![30, 70, 100, 130]);
}

#[test]
fn update_status_counts_messages_and_progress_notifications() {
    let rbs = runbooks();
    let rb = &rbs[0].runbook;
    let mut inc = declare(rb, 3, &[]);
    let st = update_status(&inc, rb, min(10)).unwrap();
    assert_eq!((st.due_at, st.overdue, st.last_update), (min(30), false, None));
    assert!(update_status(&inc, rb, min(30)).unwrap().overdue);

    let t = &rb.templates[0];
    let sent = fill(t, &inc, rb, &BTreeMap::new(), utc8()).sent(t, "website");
    push(&mut inc, rb, min(35), sent);
    assert_eq!(inc.comms.messages[0].template, t.id);
    assert_eq!(update_status(&inc, rb, min(36)).unwrap().due_at, min(65));
    // The first stage is not a progress report; the in-progress stage is.
    let note = |stage: &str| EventKind::NotificationSent {
        stage: stage.into(),
        audience: "a".into(),
        channel: "Slack".into(),
        notified: String::new(),
        note: String::new(),
    };
    push(&mut inc, rb, min(40), note("disaster-occurred"));
    assert_eq!(update_status(&inc, rb, min(41)).unwrap().due_at, min(65));
    push(&mut inc, rb, min(50), note("recovery-in-progress"));
    assert_eq!(update_status(&inc, rb, min(51)).unwrap().due_at, min(80));

    // A reminder already journaled for a due time is not asked for again, even after a
    // journal replay.
    push(&mut inc, rb, min(80), EventKind::UpdateReminder { due_at: min(80) });
    let replayed = Incident::replay(rb, &inc.events).unwrap();
    assert_eq!(replayed.comms, inc.comms);
    assert!(reminders_due(&replayed, rb, min(81)).is_empty());
    // Away for hours: one reminder, for the latest due time.
    assert_eq!(
        reminders_due(&replayed, rb, min(200)),
        vec![EventKind::UpdateReminder { due_at: min(200) }]
    );
    push(&mut inc, rb, min(201), EventKind::Closed);
    assert!(update_status(&inc, rb, min(300)).is_none());
    assert!(reminders_due(&inc, rb, min(300)).is_empty());
}

#[test]
fn stages_come_due_as_the_incident_moves_and_are_done_when_sent() {
    let rbs = runbooks();
    let rb = &rbs[0].runbook;
    let ids = |inc: &Incident| -> Vec<String> {
        due_stages(inc, rb).iter().map(|s| s.id.clone()).collect()
    };
    let mut inc = declare(rb, 3, &[]);
    assert_eq!(stages::reached(&inc), crate::runbook::model::NotifyWhen::Declared);
    assert_eq!(ids(&inc), vec!["disaster-occurred"]);
    let first = inc.steps[0].key.clone();
    push(&mut inc, rb, min(1), EventKind::StepStarted { step: first });
    assert_eq!(ids(&inc), vec!["disaster-occurred", "recovery-in-progress"]);
    let kind = notified(&rb.notifications[0], "电话", "张三, 李四", "已电话确认");
    push(&mut inc, rb, min(2), kind);
    assert_eq!(ids(&inc), vec!["recovery-in-progress"]);
    let st = stage_statuses(&inc, rb);
    assert_eq!(st[0].state, StageState::Done);
    assert_eq!(st[0].sent[0].notified, "张三, 李四");
    assert_eq!(st[0].sent[0].by, "ops");
    assert_eq!(st[0].sent[0].audience, "DR团队");
    assert_eq!(st[0].sent[0].channel, "电话");
    assert_eq!(st[2].state, StageState::NotYet);
    push(&mut inc, rb, min(3), EventKind::Closed);
    assert_eq!(ids(&inc), vec!["recovery-in-progress", "recovery-complete"]);

    // Level 1 runs no DR plan: nothing is owed.
    let routine = declare(rb, 1, &[]);
    assert!(due_stages(&routine, rb).is_empty());
}

#[test]
fn sent_events_round_trip_and_reach_the_b1_record() {
    let rbs = runbooks();
    for loaded in &rbs {
        let rb = &loaded.runbook;
        let mut inc = declare(rb, 3, &[]);
        let kinds = [
            EventKind::NotificationSent {
                stage: "disaster-occurred".into(),
                audience: rb.notifications[0].audience.clone(),
                channel: rb.notifications[0].channels[0].clone(),
                notified: "Zhang San".into(),
                note: "bridge open".into(),
            },
            EventKind::CommsSent {
                template: "user-outage".into(),
                channel: "status page".into(),
                text: "Dear customer,\nline two".into(),
            },
            EventKind::UpdateReminder { due_at: min(30) },
            EventKind::StatusUpdateSent { channel: "Slack".into(), note: "50%".into() },
        ];
        for (i, kind) in kinds.into_iter().enumerate() {
            let e = ev(min(i as i64 + 1), kind);
            // The flattened JSON must not hold two "who" keys, or the journal cannot be read.
            let json = serde_json::to_string(&e).unwrap();
            for key in ["\"who\"", "\"resource\"", "\"success\""] {
                assert!(json.matches(key).count() <= 1, "{key} twice: {json}");
            }
            assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
            apply(&mut inc, rb, &e);
        }
        assert_eq!(inc.comms.messages[0].text, "Dear customer,\nline two");
        let facts = crate::record::collect(&inc, rb, min(10), utc8(), None);
        let w = crate::i18n::record_words(rb.plan.language);
        let internal =
            crate::record::response::field_value("internal-notifications", &facts, w, utc8());
        let external =
            crate::record::response::field_value("external-notifications", &facts, w, utc8());
        assert!(internal.contains("Zhang San") && internal.contains("bridge open"), "{internal}");
        assert!(internal.contains(&rb.notifications[0].stage), "{internal}");
        assert!(!internal.contains("50%"), "a status update is not a §7.1 notification");
        assert!(external.contains(&rb.templates[0].name), "{external}");
        assert!(external.contains("status page"), "{external}");
        assert!(external.contains("2026-11-28 14:02:00 +08:00"), "{external}");
        let (md, _) = crate::record::record(&facts, rb, utc8());
        assert!(md.contains("Zhang San"));
    }
}

#[test]
fn listing_shows_templates_stages_and_cadence() {
    let rbs = runbooks();
    let rb = &rbs[1].runbook;
    let inc = declare(rb, 3, &[]);
    let text = crate::cmd::comms::listing(rb, Some(&inc), min(45), utc8());
    assert!(text.contains("user-outage"));
    assert!(text.contains("{data-impact}"));
    assert!(text.contains("disaster-occurred      DUE"), "{text}");
    assert!(text.contains("level 3  every 30m"), "{text}");
    assert!(text.contains("next update due 2026-11-28 14:30 (UTC+08:00) (OVERDUE)"), "{text}");
    for s in &rb.services {
        assert!(!text.contains(&s.target), "a service target leaked: {}", s.target);
    }
}

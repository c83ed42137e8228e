//! The response record and the post-incident report are pure renderings of the events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::app::{harness, harness_with};
use crossterm::event::KeyCode;
use drconsole::record;

fn utc8() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap()
}

#[test]
fn record_carries_every_b1_field_timeline_outcomes_and_skips() {
    let mut h = harness();
    h.declare_default();
    h.key(KeyCode::Char('s'));
    h.advance(600);
    h.key(KeyCode::Char('d'));
    h.key(KeyCode::Char(']'));
    h.key(KeyCode::Char('x'));
    h.keys("已由值班经理评估");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Tab);
    h.advance(3600);
    h.key(KeyCode::Char('r')); // auth restored at 1h10m
    h.advance(3 * 3600); // 4h10m: cart and checkout breached
    let test_idx =
        h.app.inc().unwrap().steps.iter().position(|s| s.id == "integration-test").unwrap();
    h.app.view.step_sel = test_idx;
    h.app.view.focus = drconsole::ui::view::Pane::Steps;
    h.key(KeyCode::Char('f'));
    h.keys("下单接口返回500");
    h.key(KeyCode::Enter);

    let inc = h.app.inc().unwrap();
    let rb = &h.app.loaded.runbook;
    let facts = record::collect(inc, rb, h.app.now(), utc8(), Some("ab".repeat(32)));
    let (md, json) = record::record(&facts, rb, utc8());

    for field in &rb.forms.record.fields {
        assert!(md.contains(&format!("**{}**", field.label)), "missing {}:\n{md}", field.label);
    }
    assert!(md.starts_with("# 灾难响应记录 — "));
    assert!(md.contains("进行中(事件未关闭)"), "an open incident says so");
    assert!(md.contains("| 用户认证 | 4h | 1h10m | 达标 |"), "{md}");
    assert!(md.contains("| 购物车 | 4h | 4h10m | 超时 |"), "{md}");
    assert!(md.contains("已由值班经理评估"));
    assert!(md.contains("执行系统集成测试 #1"), "{md}");
    assert!(md.contains(&"ab".repeat(32)));
    // Timeline rows are in time order.
    let times: Vec<&str> =
        md.lines().filter(|l| l.starts_with("| 2026-")).map(|l| &l[2..27]).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    assert!(times.len() >= 8);

    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["kind"], "response-record");
    assert_eq!(v["facts"]["open"], true);
    assert_eq!(v["facts"]["functions"][0]["state"], "met");
    assert_eq!(v["fields"].as_array().unwrap().len(), rb.forms.record.fields.len());

    let report = record::report::markdown(&facts, rb, utc8());
    // `drconsole report` writes it from the facts without the timeline's rows: the same text.
    let summary = record::summary(inc, rb, h.app.now(), utc8(), Some("ab".repeat(32)));
    assert!(summary.timeline.is_empty() && !facts.timeline.is_empty());
    assert_eq!(record::report::markdown(&summary, rb, utc8()), report);
    assert!(report.starts_with("# 灾难事后分析报告"));
    assert!(report.contains("________ (待填写)"), "blanks are marked");
    assert!(report.contains("用户认证 达标"), "successes: {report}");
    assert!(report.contains("下单接口返回500"), "problems: {report}");
}

#[test]
fn english_record_uses_english_labels() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");
    let mut h = harness_with(Some(path), None);
    h.declare_default();
    let inc = h.app.inc().unwrap();
    let rb = &h.app.loaded.runbook;
    let facts = record::collect(inc, rb, h.app.now(), utc8(), None);
    let (md, _) = record::record(&facts, rb, utc8());
    assert!(md.contains("open (incident not closed)"), "{md}");
    for field in &rb.forms.record.fields {
        assert!(md.contains(&format!("**{}**", field.label)));
    }
}

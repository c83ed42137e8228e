//! The response record and the drill scorecard as HTML pages: self-contained, escaped, in the
//! record's language, and checked in a real browser (headless Chromium from Debian): no script
//! in the parsed page, the hostile note shown as text, the chart's lanes and bars counted in the
//! DOM, and a screenshot kept under target/ (scripts/record-screenshot copies it to docs/).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::browser::{self, count};
use common::record_fixture::{self as fx, SCRIPT_NOTE};
use drconsole::record::{self, chart};

/// Where the pages and screenshots are kept for a person to look at.
fn artifacts() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("record-html");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn builtin() -> drconsole::runbook::Loaded {
    drconsole::runbook::load::builtin().unwrap()
}

fn english() -> drconsole::runbook::Loaded {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");
    drconsole::runbook::load(Some(Path::new(path))).unwrap()
}

/// The fixture's page, with its facts.
fn page_of(b: &fx::Builder) -> (String, record::Facts) {
    let inc = b.inc();
    let rb = &b.loaded.runbook;
    let now = fx::start() + chrono::Duration::hours(8);
    let facts = record::collect(inc, rb, now, fx::tz(), Some("ab".repeat(32)));
    (record::html::page(&facts, inc, rb, fx::tz()), facts)
}

fn with_backup(mut b: fx::Builder) -> fx::Builder {
    // The RPO comes from the incident's backup-point state (a backup at 03:00 local).
    if let Some(inc) = b.inc.as_mut() {
        inc.backup_point = Some(fx::start() - chrono::Duration::hours(11));
    }
    b
}

#[test]
fn html_record_is_one_self_contained_escaped_page() {
    let b = with_backup(fx::incident(builtin()));
    let (html, facts) = page_of(&b);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "{:.200}", html);
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert!(!html.to_ascii_lowercase().contains("<script"), "no script element");
    for attr in [" src=", " href=", "url(", "@import"] {
        assert!(!html.contains(attr), "nothing fetched: found {attr}");
    }
    // The only URL is the SVG namespace, which is a name, not a fetch.
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count() + html.matches("http-equiv").count(),
        "no other URL"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the note, escaped");
    assert!(html.contains("&lt;b&gt;无需准备&lt;/b&gt;"), "the skip reason, escaped");
    assert!(html.contains("<h1>灾难响应记录"), "the form's title in Chinese");
    for field in &b.loaded.runbook.forms.record.fields {
        assert!(
            html.contains(&format!("<th scope=\"row\">{}</th>", field.label)),
            "{}",
            field.label
        );
    }
    // The RPO: the backup eleven hours before 06:00 UTC, T0 ten minutes before that.
    assert_eq!(facts.rpo.window_secs, Some(10 * 3600 + 50 * 60));
    assert!(html.contains("10h50m"), "the RPO window");
    assert!(html.contains("class=\"rpo-bar breached\""), "10h50m is past the 4h RPO");
    assert!(html.contains("@media print") && html.contains("size: A4"), "a print stylesheet");

    let (en, _) = page_of(&with_backup(fx::incident(english())));
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(en.contains("Incident timeline chart") && en.contains("Recovery steps"));
    assert!(en.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn html_record_in_chromium_has_no_script_and_every_lane_and_bar() {
    let Some(chromium) = browser::chromium("html_record_in_chromium") else { return };
    let b = with_backup(fx::incident(builtin()));
    let (html, facts) = page_of(&b);
    let dir = artifacts();
    let page = dir.join("record.html");
    std::fs::write(&page, &html).unwrap();
    let dom = browser::dump_dom(&chromium, &page);
    std::fs::write(dir.join("record.dom.html"), &dom).unwrap();

    assert!(!dom.to_ascii_lowercase().contains("<script"), "a script element in the DOM");
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt; 主库磁盘损坏"),
        "the hostile note is text in the page"
    );

    let inc = b.inc();
    let c = &b.counts;
    // Lanes: every step (adjust steps included), the overall RTO and every function, the three
    // services that changed health, notes and messages.
    assert_eq!(count(&dom, "<g class=\"lane steps\">"), inc.steps.len());
    assert_eq!(count(&dom, "<g class=\"lane functions\">"), inc.timers.len() + 1);
    assert_eq!(count(&dom, "<g class=\"lane services\">"), 3);
    assert_eq!(count(&dom, "<g class=\"lane ticks\">"), 2);
    // Bars and marks, as the fixture made them.
    assert_eq!(count(&dom, "class=\"bar step "), c.step_bars, "one bar per run of a step");
    assert_eq!(count(&dom, " retest\" x="), c.retest_bars, "the re-test after the failure");
    assert!(c.retest_bars >= 1 && c.failed_marks >= 1 && c.skipped_marks >= 1);
    assert_eq!(count(&dom, "class=\"bar step failed\""), c.failed_marks);
    assert_eq!(count(&dom, "class=\"mark failed\""), c.failed_marks);
    assert_eq!(count(&dom, "class=\"mark skipped\""), c.skipped_marks);
    assert_eq!(count(&dom, "class=\"mark restored\""), c.restored_marks);
    assert_eq!(count(&dom, "class=\"bar outage\""), inc.timers.len() + 1);
    // Past the deadline: breached, or still down when the incident closed ("not restored").
    let breached = facts
        .overall
        .iter()
        .chain(&facts.functions)
        .filter(|o| {
            o.state == "breached" || (o.state == "not-restored" && o.actual_secs > o.target_secs)
        })
        .count();
    assert!(breached >= 2, "cart and checkout are over 4h");
    assert_eq!(count(&dom, "class=\"bar breach\""), breached, "breach in red, per outcome");
    let ch = chart::build(inc, &b.loaded.runbook, &facts, fx::tz());
    let visible = facts
        .overall
        .iter()
        .chain(&facts.functions)
        .filter(|o| facts.t0 + chrono::Duration::seconds(o.target_secs as i64) <= ch.end)
        .count();
    assert!(visible >= 3, "the three 4h functions");
    assert_eq!(count(&dom, "<line class=\"deadline\""), visible, "each RTO deadline in view");
    assert_eq!(count(&dom, "class=\"band "), c.health_changes, "a band per health state");
    assert_eq!(count(&dom, "class=\"band down\""), 2, "mongodb down twice");
    assert_eq!(count(&dom, "class=\"band degraded\""), 1);
    assert_eq!(count(&dom, "class=\"tick note\""), c.notes);
    assert_eq!(count(&dom, "class=\"tick comms\""), c.comms);
    // Hover text of a note tick carries the note.
    assert!(dom.contains("<title>14:10:00 &lt;script&gt;alert(1)"), "note tick title");

    let png = dir.join("record-html.png");
    browser::screenshot(&chromium, &page, &png, 1200, 1500);
    eprintln!("screenshot: {}", png.display());
}

#[test]
fn scorecard_html_in_chromium() {
    let (sc, name) = drconsole::cmd::drill::resolve("mongodb-cluster-failure", None).unwrap();
    let mut b = fx::incident(sc.runbook.clone());
    if let Some(inc) = b.inc.as_mut() {
        inc.decl.drill =
            Some(drconsole::incident::event::DrillInfo { scenario: name.clone(), speed: 120.0 });
    }
    b.emit(drconsole::incident::EventKind::DrillMessage {
        text: "<script>alert(2)</script> 主节点不可达".into(),
        adhoc: true,
    });
    let inc = b.inc();
    let rb = &b.loaded.runbook;
    let now = fx::start() + chrono::Duration::hours(8);
    let card = drconsole::drill::scorecard::build(
        inc,
        &sc,
        &name,
        now,
        fx::tz(),
        std::time::Duration::from_secs(300),
    );
    let facts = record::collect(inc, rb, now, fx::tz(), None);
    let ch = chart::build(inc, rb, &facts, fx::tz());
    let html = drconsole::drill::scorecard_html::page(&card, Some(&ch), fx::tz());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(html.contains(&card.title) && html.contains("演练"));
    assert!(html.contains("class=\"tick inject\""), "the inject on the chart");
    for e in &card.expectations {
        assert!(html.contains(&drconsole::record::html::escape(&e.text)), "{}", e.text);
    }

    let dir = tempfile::tempdir().unwrap();
    let path =
        drconsole::drill::scorecard_html::write(dir.path(), &card, inc, rb, now, fx::tz()).unwrap();
    assert_eq!(path.file_name().unwrap(), "scorecard.html");
    let Some(chromium) = browser::chromium("scorecard_html_in_chromium") else { return };
    let dom = browser::dump_dom(&chromium, &path);
    assert!(!dom.to_ascii_lowercase().contains("<script"));
    assert!(dom.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), "the inject as text");
    assert_eq!(count(&dom, "<g class=\"lane steps\">"), inc.steps.len());
}

/// The binary: `record --format html` of a journal, and the record written beside the journal
/// (as the console does on exit) includes the page.
#[test]
fn record_format_html_from_the_journal_and_beside_it() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let bin = || {
        let mut c = Command::cargo_bin("drconsole").unwrap();
        c.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .env_remove("DRCONSOLE_CONFIG")
            .arg("--data-dir")
            .arg(&data)
            .timeout(crate::common::scaled(std::time::Duration::from_secs(60)));
        c
    };
    let out =
        bin().args(["declare", "--type", "database-failure", "--level", "3"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let out = bin().args(["note", SCRIPT_NOTE]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = bin().args(["record", &id, "--format", "html"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{:.100}", html);
    assert!(html.contains(&id));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.to_ascii_lowercase().contains("<script"));

    let store = drconsole::store::Store::new(data.clone());
    let (inc, loaded, head) = drconsole::cmd::incident::rebuild(&store, &id).unwrap();
    let paths = store
        .write_record(&inc, &loaded.runbook, chrono::Utc::now(), fx::tz(), Some(head))
        .unwrap();
    let exts: Vec<String> =
        paths.iter().map(|p| p.extension().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(exts, ["md", "json", "html"]);
    let page = std::fs::read_to_string(&paths[2]).unwrap();
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&paths[2]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "records are private like the journal");
}

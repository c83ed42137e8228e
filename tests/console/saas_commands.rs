//! #13 items 4 and 5 end to end, on the SaaS example at 80x24 in a real tmux: a P0 regional
//! failover, `y` on a step with alternatives asks to choose one first, the manual step-down is
//! chosen, `y` asks for its `{primary-host}` placeholder, a value that does not match the
//! pattern is refused with the reason, a good one is taken, and the OSC 52 payload the pane
//! receives is exactly the filled commands (never the other alternative's). `drconsole record`
//! then names the alternative chosen and the value given.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::{Duration, Instant};

use common::tmux::Tmux;

const SAAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/examples/saas.toml");
pub(crate) const HOST: &str = "db-1.acme.internal:27017";

/// The text of the last OSC 52 sequence in `raw` (plain, or wrapped for tmux's passthrough).
pub(crate) fn last_osc52(raw: &[u8]) -> Option<String> {
    use base64::Engine;
    let raw = String::from_utf8_lossy(raw);
    let start = raw.rfind("52;c;")? + 5;
    let b64: String = raw[start..].chars().take_while(|c| *c != '\x07' && *c != '\x1b').collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    String::from_utf8(bytes).ok()
}

pub(crate) fn osc52_count(raw: &[u8]) -> usize {
    String::from_utf8_lossy(raw).matches("52;c;").count()
}

/// The step's commands as the runbook writes them: what every way shares, then each
/// alternative's, by id.
pub(crate) fn promote_commands() -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let loaded = drconsole::runbook::load(Some(std::path::Path::new(SAAS))).unwrap();
    let step = loaded.runbook.step("fo-promote").unwrap().step.clone();
    let common = step.commands.iter().map(|c| c.run.clone()).collect();
    let alts = step
        .alternatives
        .iter()
        .map(|a| (a.id.clone(), a.commands.iter().map(|c| c.run.clone()).collect()))
        .collect();
    (common, alts)
}

#[test]
fn a_p0_failover_copies_the_chosen_alternative_with_its_placeholder_filled_and_records_both() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let args = format!("--data-dir {} --runbook {SAAS} --lang en", data.display());
    let t = Tmux::start(dir.path(), 80, 24, &args, &[("NO_COLOR", "")]);

    // Declare: the first scenario (regional failover), severity P0.
    t.wait_text("Declare an incident", 20);
    t.keys(&["Down", "Left", "Left", "Left"]);
    t.wait_text("◀ P0 Critical ▶", 20);
    t.keys(&["Enter"]);
    t.wait_text("LIVE", 20);
    // Step 2 offers alternatives: the footer says how to choose.
    t.keys(&["j"]);
    t.wait_text("e choose", 20);

    // `y` with none chosen copies nothing and asks to choose.
    t.keys(&["y"]);
    let s = t.wait_text("Choose an alternative", 20);
    assert!(s.contains("1. Automatic failover"), "{s}");
    assert!(s.contains("2. Manual failover (rs.stepDown"), "{s}");
    assert!(s.contains("choose one first"), "{s}");
    assert_eq!(osc52_count(&t.raw()), 0, "nothing was copied");
    t.keys(&["2"]);
    t.wait_for("the chooser closed", 20, |s| !s.contains("Choose an alternative"));

    // `y` now asks for the placeholder of the manual alternative, with its pattern.
    t.keys(&["y"]);
    let s = t.wait_text("{primary-host}", 20);
    assert!(s.contains("Host and port of the stuck primary"), "{s}");
    assert!(s.contains("pattern: [a-z0-9.-]+:[0-9]{2,5}"), "{s}");
    // A value that does not match is refused with the reason, and asked again.
    t.type_text("not a host");
    t.keys(&["Enter"]);
    let s = t.wait_text("does not match", 20);
    assert!(s.contains("{primary-host}"), "{s}");
    assert!(s.contains("Host and port of the stuck primary"), "still asked: {s}");
    assert_eq!(osc52_count(&t.raw()), 0, "a refused value copies nothing");
    t.keys(&["C-u"]);
    t.type_text(HOST);
    t.keys(&["Enter"]);

    let (common, alts) = promote_commands();
    let manual = &alts.iter().find(|(id, _)| id == "manual").unwrap().1;
    let auto = &alts.iter().find(|(id, _)| id == "auto").unwrap().1;
    let mut want: Vec<String> = common.clone();
    want.extend(manual.iter().map(|r| r.replace("{primary-host}", HOST)));
    let want = want.join("\n");
    assert!(!want.contains('{') || want.contains("{secondaryCatchUpPeriodSecs"), "{want}");
    let deadline = Instant::now() + Duration::from_secs(20);
    let copied = loop {
        if let Some(c) = last_osc52(&t.raw()) {
            break c;
        }
        assert!(Instant::now() < deadline, "no OSC 52 reached the pane:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(copied, want);
    for other in auto {
        assert!(!copied.contains(other.as_str()), "the other alternative was copied: {copied}");
    }
    assert!(!copied.contains("{primary-host}"), "{copied}");
    t.wait_text("copied to tmux buffer", 20);
    assert_eq!(t.show_buffer(), want);

    // In the detail view the other alternative's command is listed but not copied; the value
    // is shown and reused without asking.
    t.keys(&["Enter"]);
    let s = t.wait_text("Step detail", 20);
    assert!(s.contains("✓ chosen"), "{s}");
    let before = osc52_count(&t.raw());
    // The commands in order: the shared check, auto's wait, manual's step-down.
    t.keys(&["]"]);
    t.keys(&["y"]);
    t.wait_text("not chosen", 20);
    assert_eq!(osc52_count(&t.raw()), before, "an alternative not chosen is never copied");
    t.keys(&["]"]);
    t.keys(&["y"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while osc52_count(&t.raw()) == before {
        assert!(Instant::now() < deadline, "no second copy:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(last_osc52(&t.raw()).unwrap(), manual[0].replace("{primary-host}", HOST));
    t.keys(&["Escape"]);

    t.keys(&["q", "y"]);
    assert_eq!(t.exit_code(20), 0);

    // The record names the alternative chosen and the value given.
    let out = assert_cmd::Command::cargo_bin("drconsole")
        .unwrap()
        .args(["--data-dir", &data.display().to_string(), "--runbook", SAAS, "record"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("## Alternatives and placeholders"), "{md}");
    assert!(
        md.contains("| Promote the secondary region | Manual failover (rs.stepDown on the stuck primary) (manual) |"),
        "{md}"
    );
    assert!(
        md.contains(&format!("| {{primary-host}} Host and port of the stuck primary | {HOST} |")),
        "{md}"
    );
    let out = assert_cmd::Command::cargo_bin("drconsole")
        .unwrap()
        .args(["--data-dir", &data.display().to_string(), "--runbook", SAAS])
        .args(["record", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["facts"]["alternatives"][0]["alternative"], "manual");
    assert_eq!(v["facts"]["placeholders"][0]["value"], HOST);
    let out = assert_cmd::Command::cargo_bin("drconsole")
        .unwrap()
        .args(["--data-dir", &data.display().to_string(), "--runbook", SAAS])
        .args(["record", "--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.contains("Alternatives and placeholders") && html.contains(HOST), "{html}");
}

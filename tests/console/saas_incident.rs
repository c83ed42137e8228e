//! #13's "Done when" in one incident: the second example runbook (the SaaS) end to end in tmux
//! at 80x24. A P0 regional failover is declared and its acknowledge clock runs in the header;
//! an alternative is chosen and its placeholder filled, and the OSC 52 payload is the filled
//! command; the DNS step's wait counts down, holds the next step and is overridden with a
//! reason; checklist items are ticked; closing lists what is still open; a post-recovery step is
//! worked after the close; and `record` shows the scenario's own RTO and RPO, the alternative,
//! the value, the ticks and the wait. (`saas_commands` and `saas_waits` test each part in more
//! detail.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::{Duration, Instant};

use super::saas_commands::{last_osc52, osc52_count, promote_commands, HOST};
use super::saas_waits::{closed, console, dialog_text, SAAS};

fn record(data: &std::path::Path, home: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(data)
        .args(["--runbook", SAAS, "record"])
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_INCIDENT")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn the_saas_runbook_from_a_p0_declaration_to_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let t = console(tmp.path(), &data, "");
    t.wait_text("Declare an incident", 10);
    t.keys(&["Down", "Right"]);
    let form = t.wait_text("P0 Critical", 5);
    assert!(form.contains("respond within 15m"), "{form}");
    t.keys(&["Enter"]);
    // The acknowledge clock of P0 runs in the header until someone works a step.
    let s = t.wait_text("LIVE", 10);
    let header = s.lines().next().unwrap_or_default().to_string();
    assert!(header.contains("ACK 00:1"), "{header}");

    // Step 2 offers alternatives: choose the manual step-down, fill its placeholder, copy.
    t.keys(&["j", "y"]);
    t.wait_text("Choose an alternative", 10);
    assert_eq!(osc52_count(&t.raw()), 0, "nothing is copied before a choice");
    t.keys(&["2"]);
    t.wait_for("the chooser closed", 10, |s| !s.contains("Choose an alternative"));
    t.keys(&["y"]);
    t.wait_text("{primary-host}", 10);
    t.type_text("not a host");
    t.keys(&["Enter"]);
    t.wait_text("does not match", 10);
    assert_eq!(osc52_count(&t.raw()), 0, "a refused value copies nothing");
    t.keys(&["C-u"]);
    t.type_text(HOST);
    t.keys(&["Enter"]);
    let (shared, alts) = promote_commands();
    let manual = &alts.iter().find(|(id, _)| id == "manual").unwrap().1;
    let mut want = shared.clone();
    want.extend(manual.iter().map(|r| r.replace("{primary-host}", HOST)));
    let want = want.join("\n");
    let deadline = Instant::now() + Duration::from_secs(20);
    let copied = loop {
        if let Some(c) = last_osc52(&t.raw()) {
            break c;
        }
        assert!(Instant::now() < deadline, "no OSC 52 reached the pane:\n{}", t.screen());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(copied, want);
    t.wait_text("copied to tmux buffer", 10);

    // Step 4 waits 10 minutes once started: a countdown, and step 5 held by it. Starting it
    // is the first step worked: the acknowledge clock stops.
    t.keys(&["j", "j", "s"]);
    let s = t.wait_for("a countdown under step 4 and step 5 waiting", 10, |s| {
        s.contains("↳ wait running · 9m5") && s.contains("↳ waiting for Point DNS at")
    });
    let header = s.lines().next().unwrap_or_default().to_string();
    assert!(!header.contains("ACK"), "acknowledged by the step started: {header}");
    t.keys(&["j", "d"]);
    t.wait_text("still waiting 9m", 5);
    t.keys(&["w"]);
    t.wait_text("Why end the wait early", 5);
    t.type_text("TTL checked: 60s");
    t.keys(&["Enter"]);
    t.wait_text("wait overridden: Point", 5);

    // Step 6's checklist: tick two items.
    t.keys(&["j", "Enter"]);
    t.wait_text("checklist: Post-recovery checklist", 5);
    t.keys(&["}", "Space"]);
    t.wait_text("☑ Monitoring and alerts back to normal thresholds (Dana", 10);
    t.keys(&["}", "}", "Space"]);
    t.wait_text("☑ Customers told through the status page (Dana", 10);
    t.keys(&["Escape"]);
    closed(&t);

    // Closing lists the steps not done, the unticked items and the post-recovery steps.
    t.keys(&["k", "d"]);
    let s = t.wait_text("declare recovery complete and close?", 5);
    let q = dialog_text(&s);
    assert!(q.contains("steps not done: fo-confirm, fo-promote, fo-verify, fo-dns"), "{q}");
    assert!(q.contains("unticked (Post-recovery checklist): Replicas resynced"), "{q}");
    assert!(q.contains("post-recovery steps (workable after the close)"), "{q}");
    t.keys(&["y"]);
    t.wait_text("CLOSED", 10);

    // A post-recovery step is worked after the close.
    t.keys(&["j", "j", "s"]);
    t.wait_text("started: Write the post-mortem", 5);
    t.keys(&["d"]);
    t.wait_text("done: Write the post-mortem", 5);
    t.keys(&["q"]);
    t.wait_text("post-recovery steps still open", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(15), 0, "{}", t.screen());

    let md = String::from_utf8(record(&data, tmp.path(), &[])).unwrap();
    for want in [
        "| Promote the secondary region | Manual failover (rs.stepDown on the stuck primary) (manual) |",
        &format!("| {{primary-host}} Host and port of the stuck primary | {HOST} |"),
        "- [x] Monitoring and alerts back to normal thresholds (ticked by Dana, ",
        "- [x] Customers told through the status page (ticked by Dana, ",
        "started: Point DNS at the secondary region and wait out the TTL (wait 10m)",
        "wait overridden: Point DNS at the secondary region and wait out the TTL (TTL checked: 60s)",
        "done: Write the post-mortem (within 5 working days)",
    ] {
        assert!(md.contains(want), "the record lacks {want:?}:\n{md}");
    }
    let v: serde_json::Value =
        serde_json::from_slice(&record(&data, tmp.path(), &["--format", "json"])).unwrap();
    let facts = &v["facts"];
    // The scenario's own objectives, not the plan's.
    assert_eq!(facts["overall"]["target_secs"], 30 * 60, "{}", facts["overall"]);
    assert_eq!(facts["rpo"]["target_secs"], 5 * 60, "{}", facts["rpo"]);
    assert_eq!(facts["level_name"], "P0 Critical");
    assert_eq!(facts["alternatives"][0]["alternative"], "manual");
    assert_eq!(facts["placeholders"][0]["value"], HOST);
    assert_eq!(facts["checklists"][0]["items"][0]["by"], "Dana");
}

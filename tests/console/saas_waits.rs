//! #13 items 3, 6 and 7 end to end, in tmux at 80x24, on the SaaS example runbook: a timed
//! wait with its countdown and the step it holds, an override with a reason, checklist items
//! ticked and unticked, the closing question listing what is still open, a post-recovery step
//! worked after the close, the quit dialog saying so, and `record` showing all of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;
use std::process::Command;

use common::tmux::Tmux;

pub(crate) const SAAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/examples/saas.toml");

pub(crate) fn console(dir: &Path, data: &Path, args: &str) -> Tmux {
    let args = format!("--data-dir {} --runbook {SAAS} {args}", data.display());
    let home = dir.display().to_string();
    let env = [
        ("NO_COLOR", ""),
        ("DRCONSOLE_OPERATOR", "Dana"),
        ("HOME", home.as_str()),
        ("XDG_CONFIG_HOME", home.as_str()),
    ];
    Tmux::start(dir, 80, 24, &args, &env)
}

/// Escape has closed the detail view (a key sent with it would read as Alt-key).
pub(crate) fn closed(t: &Tmux) {
    t.wait_for("the detail view to close", 5, |s| {
        !s.contains("Step detail") && !s.contains("▶ Checklists")
    });
}

/// The text of the dialog on screen: what lies between its side borders, joined.
pub(crate) fn dialog_text(screen: &str) -> String {
    let mut out = Vec::new();
    for line in screen.lines() {
        let (Some(a), Some(b)) = (line.find('│'), line.rfind('│')) else { continue };
        if b > a {
            out.push(line[a + '│'.len_utf8()..b].trim().to_string());
        }
    }
    out.join(" ")
}

#[test]
fn a_wait_is_counted_down_and_overridden_items_ticked_and_post_recovery_steps_worked_after_close() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let t = console(tmp.path(), &data, "");
    t.wait_text("Declare an incident", 10);
    // The first scenario is the regional failover; its P0 severity is one to the right.
    t.keys(&["Down", "Right"]);
    t.wait_text("P0 Critical", 5);
    t.keys(&["Enter"]);
    t.wait_text("LIVE", 10);

    // Step 4 waits 10 minutes once started: its countdown, and step 5 marked as held by it.
    t.keys(&["j", "j", "j", "s"]);
    let s = t.wait_for("a countdown under step 4 and step 5 waiting", 10, |s| {
        s.contains("↳ wait running · 9m5") && s.contains("↳ waiting for Point DNS at")
    });
    assert!(s.contains(" left\n") || s.contains(" left "), "{s}");
    // Completing the held step is refused, saying how long and how to override.
    t.keys(&["j", "d"]);
    t.wait_text("still waiting 9m", 5);
    // The detail view shows the same.
    t.keys(&["Enter"]);
    t.wait_for("the detail view's wait line", 5, |s| {
        s.contains("Step detail") && s.contains("waiting for Point DNS at the secondary")
    });
    t.keys(&["Escape"]);
    closed(&t);

    // `w` on the held step overrides the wait it waits for, with a reason.
    t.keys(&["w"]);
    t.wait_text("Why end the wait early", 5);
    t.type_text("TTL checked: 60s");
    t.keys(&["Enter"]);
    t.wait_text("wait overridden: Point", 5);
    t.wait_for("step 5 no longer held", 5, |s| !s.contains("waiting for Point DNS"));

    // Step 6's checklist: `}` moves to an item, Space ticks it; ticking again unticks.
    t.keys(&["j", "Enter"]);
    t.wait_text("checklist: Post-recovery checklist", 5);
    t.keys(&["}", "Space"]);
    t.wait_text("☑ Monitoring and alerts back to normal thresholds (Dana", 10);
    t.keys(&["}", "}", "Space"]);
    t.wait_text("☑ Customers told through the status page (Dana", 10);
    t.keys(&["Space"]);
    t.wait_text("☐ Customers told through the status page", 10);
    t.keys(&["Space"]);
    t.wait_text("☑ Customers told through the status page (Dana", 10);
    t.keys(&["Escape"]);
    closed(&t);

    // The checklist of no step, through `C`.
    t.keys(&["C"]);
    t.wait_text("Post-incident review", 5);
    t.keys(&["}", "Space"]);
    t.wait_text("☑ Timeline reviewed with everyone involved (Dana", 10);
    t.keys(&["Escape"]);
    closed(&t);

    // Closing asks, listing the steps not done, the unticked items and the post-recovery steps.
    t.keys(&["k", "d"]);
    let s = t.wait_text("declare recovery complete and close?", 5);
    let q = dialog_text(&s);
    assert!(q.contains("steps not done: fo-confirm, fo-promote, fo-verify, fo-dns"), "{q}");
    assert!(
        q.contains(
            "unticked (Post-recovery checklist): Replicas resynced in the failed region, Backups"
        ),
        "{q}"
    );
    assert!(q.contains("unticked (Post-incident review): Action items filed"), "{q}");
    assert!(
        q.contains("post-recovery steps (workable after the close): post-checklist, post-mortem, post-watch"),
        "{q}"
    );
    t.keys(&["y"]);
    t.wait_text("CLOSED", 10);

    // A post-recovery step is worked after the close; a step before the close is not.
    t.keys(&["k", "s"]);
    t.wait_text("the incident is closed; its clocks have stopped", 5);
    t.keys(&["j", "j", "j", "s"]);
    t.wait_text("started: Write the post-mortem", 5);
    t.keys(&["d"]);
    t.wait_text("done: Write the post-mortem", 5);
    t.keys(&["q"]);
    t.wait_text("incident closed; 2 post-recovery steps still open", 5);
    t.keys(&["y"]);
    assert_eq!(t.exit_code(15), 0, "{}", t.screen());

    // While post-recovery steps are open the closed incident opens for them, not read-only.
    let id = std::fs::read_dir(data.join("incidents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| !n.starts_with('.'))
        .unwrap();
    let r = console(tmp.path(), &data, &format!("resume {id}"));
    let s = r.wait_text("CLOSED", 10);
    assert!(!s.contains("read-only"), "{s}");
    r.keys(&["q"]);
    r.wait_text("incident closed; 2 post-recovery steps still open", 5);
    r.keys(&["y"]);
    assert_eq!(r.exit_code(15), 0, "{}", r.screen());

    // The record: every tick with who and when, the wait and its override.
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(&data)
        .args(["--runbook", SAAS, "record", &id])
        .env("HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path())
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_INCIDENT")
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{md}{}", String::from_utf8_lossy(&out.stderr));
    for want in [
        "## Checklists",
        "- [x] Monitoring and alerts back to normal thresholds (ticked by Dana, ",
        "- [ ] Replicas resynced in the failed region\n",
        "- [x] Customers told through the status page (ticked by Dana, ",
        "- [x] Timeline reviewed with everyone involved (ticked by Dana, ",
        "started: Point DNS at the secondary region and wait out the TTL (wait 10m)",
        "wait overridden: Point DNS at the secondary region and wait out the TTL (TTL checked: 60s)",
        "unticked: Post-recovery checklist #3 Customers told through the status page",
        "done: Write the post-mortem (within 5 working days)",
    ] {
        assert!(md.contains(want), "the record lacks {want:?}:\n{md}");
    }
    // Who and when of the override: the timeline row names the operator.
    let row = md.lines().find(|l| l.contains("wait overridden:")).unwrap();
    assert!(row.starts_with("| 20") && row.contains("| Dana — "), "{row}");

    // The JSON record holds the same ticks, with who and when.
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("--data-dir")
        .arg(&data)
        .args(["--runbook", SAAS, "record", &id, "--format", "json"])
        .env("HOME", tmp.path())
        .env("XDG_CONFIG_HOME", tmp.path())
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_INCIDENT")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lists = &v["facts"]["checklists"];
    assert_eq!(lists[0]["id"], "post-recovery", "{lists}");
    let first = &lists[0]["items"][0];
    assert_eq!(first["ticked"], true, "{first}");
    assert_eq!(first["by"], "Dana", "{first}");
    assert!(first["at"].as_str().is_some_and(|t| t.starts_with("20")), "{first}");
    assert_eq!(lists[0]["items"][1]["ticked"], false, "{lists}");
    assert_eq!(lists[1]["id"], "post-incident-review", "{lists}");
}

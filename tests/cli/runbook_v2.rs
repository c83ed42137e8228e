//! Runbook format 2 (#13): scenarios with their own track, RTO and RPO; severities with labels,
//! response times and escalation; optional keys and `check` warnings; the whole runbook in
//! `runbook show`; periodic procedures and `drconsole due`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use drconsole::incident::clock::FakeClock;
use drconsole::incident::decide::{declaration, Command, DeclareRequest};
use drconsole::incident::session::IncidentSession;
use drconsole::incident::{Actor, EventKind, Stamper};
use drconsole::runbook::Loaded;
use drconsole::store::Store;

const SAAS: &str = "runbooks/examples/saas.toml";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn saas() -> Loaded {
    drconsole::runbook::load(Some(&root().join(SAAS))).unwrap()
}

fn drc(data: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("drconsole").unwrap();
    c.current_dir(root())
        .env("DRCONSOLE_DATA", data)
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data)
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_INCIDENT");
    c
}

fn actor() -> Actor {
    Actor {
        user: "ops".into(),
        name: None,
        ssh_client: None,
        host: "jump1".into(),
        tty: None,
        pid: 4242,
    }
}

fn request(dtype: &str, level: u8) -> DeclareRequest {
    DeclareRequest {
        disaster_type: dtype.into(),
        level,
        functions: vec![],
        reporter: "ops".into(),
        coordinator: None,
        team: None,
        t0: "now".into(),
        force: false,
        confirmed: false,
        drill: None,
    }
}

#[test]
fn check_accepts_both_examples_without_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = drc(tmp.path())
        .args(["check", SAAS, "runbooks/shopping-system.toml", "runbooks/shopping-system.en.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(stderr, "", "no warning for the shipped runbooks");
    assert!(
        stdout.starts_with("ok: runbooks/examples/saas.toml: 5 procedures, 17 steps"),
        "{stdout}"
    );
}

#[test]
fn check_warns_but_accepts_suspicious_shapes() {
    let tmp = tempfile::tempdir().unwrap();
    let file = "tests/fixtures/runbook-warnings.toml";
    let out = drc(tmp.path()).args(["check", file]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let want = [
        "warning: tests/fixtures/runbook-warnings.toml:26:13: disaster-types[0].functions: disaster type 'routine' names functions, but its track 'maintenance' is maintenance, which ignores them",
        "warning: tests/fixtures/runbook-warnings.toml:42:14: functions[0].procedures: function 'checkout' lists procedures, but only a partial track runs them and this runbook has none",
        "warning: tests/fixtures/runbook-warnings.toml:55:1: tracks[0]: track 'maintenance' has no closing step (completes-recovery = true): its incidents can only be closed by a correction",
        "warning: tests/fixtures/runbook-warnings.toml:76:6: procedures[1].id: procedure 'orphan' is referenced by nothing: no track, function or step runs it",
        "warning: tests/fixtures/runbook-warnings.toml:91:8: procedures[2].steps[0].wait: step 'cool-down' waits 12h, longer than the RTO of scenario 'outage' (8h), which keeps running during the wait",
    ];
    assert_eq!(stderr.lines().collect::<Vec<_>>(), want, "{stderr}");
}

#[test]
fn a_scenario_brings_its_own_track_rto_and_rpo() {
    let loaded = saas();
    let rb = &loaded.runbook;
    let t = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let decl = declaration(&loaded, &request("regional-db-failover", 0), t).unwrap();
    assert_eq!(rb.track_for(&decl.disaster_type, decl.level).unwrap().id, "db-failover");
    let ev = Stamper { clock: Arc::new(FakeClock::at(t)), actor: actor() }
        .stamp(EventKind::Declared(Box::new(decl)));
    let inc = drconsole::incident::Incident::from_declared(rb, &ev).unwrap();
    assert_eq!(inc.overall_budget, Some(std::time::Duration::from_secs(30 * 60)));
    assert_eq!(inc.rpo, std::time::Duration::from_secs(5 * 60));
    assert_eq!(inc.steps.first().map(|s| s.id.as_str()), Some("fo-confirm"));
    // A scenario without its own RTO keeps the plan's.
    assert_eq!(rb.rto_for("outage"), std::time::Duration::from_secs(4 * 3600));
}

#[test]
fn declare_takes_a_severity_label_and_the_record_shows_it_with_the_escalation() {
    let tmp = tempfile::tempdir().unwrap();
    let out = drc(tmp.path())
        .args(["--runbook", SAAS, "declare", "--type", "regional-db-failover", "--level", "p0"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out =
        drc(tmp.path()).args(["--runbook", SAAS, "record", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let facts = v.get("facts").unwrap_or(&v);
    assert_eq!(facts["level"], 0);
    assert_eq!(facts["level_name"], "P0 Critical");
    assert_eq!(
        facts["escalation"],
        serde_json::json!(["On-call engineer", "Incident commander", "Engineering manager", "CTO"])
    );
    assert_eq!(facts["rpo"]["target_secs"], 300);
    let out = drc(tmp.path())
        .args(["--runbook", SAAS, "declare", "--type", "outage", "--level", "P9", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --level P9 is not a level of this runbook; one of: P0, P1, P2, P3\n"
    );
    // A correction names the level as the declaration did: by its label, read from the
    // incident's own runbook (no --runbook needed).
    let out = drc(tmp.path())
        .args(["correct", "level", "p1", "--reason", "one region only"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = drc(tmp.path()).args(["correct", "level", "SEV9", "--reason", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: level SEV9 is not a level of this runbook; one of: P0, P1, P2, P3\n"
    );
    let out = drc(tmp.path()).args(["record", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let facts = v.get("facts").unwrap_or(&v);
    assert_eq!(facts["level"], 1);
}

#[test]
fn passing_the_response_time_unacknowledged_is_journaled_once() {
    let loaded = Arc::new(saas());
    let tmp = tempfile::tempdir().unwrap();
    let t = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let clock = FakeClock::at(t);
    let decl = declaration(&loaded, &request("outage", 0), t).unwrap();
    let store = Store::new(tmp.path().to_path_buf());
    let (sink, _) = store.create(&decl, &loaded).unwrap();
    let stamper = Stamper { clock: Arc::new(clock.clone()), actor: actor() };
    let mut s = IncidentSession::declare(loaded.clone(), Box::new(sink), stamper, decl).unwrap();
    let breaches = |s: &IncidentSession| {
        s.incident()
            .events
            .iter()
            .filter(|e| {
                matches!(&e.kind, EventKind::TimerBreached { function: Some(f), .. }
                    if f == drconsole::incident::response::TIMER)
            })
            .count()
    };
    clock.advance(Duration::minutes(14));
    s.submit(Command::Tick).unwrap();
    assert_eq!(breaches(&s), 0, "P0 gives 15 minutes");
    clock.advance(Duration::minutes(2));
    s.submit(Command::Tick).unwrap();
    s.submit(Command::Tick).unwrap();
    assert_eq!(breaches(&s), 1);
    let described = drconsole::incident::describe::describe(
        s.incident().events.last().unwrap(),
        &loaded.runbook,
        drconsole::runbook::model::Lang::En,
    );
    assert!(described.contains("response time"), "{described}");
}

#[test]
fn runbook_show_prints_every_part_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let out = drc(tmp.path()).args(["--runbook", SAAS, "runbook", "show"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "  P0  Critical — All customers affected or data at risk [track: -]",
        "      respond within: 15m",
        "      escalation: On-call engineer → Incident commander → Engineering manager → CTO",
        "      track: Regional database failover · RTO 30m · RPO 5m",
        "        - Replica set has no primary for more than 2 minutes",
        "      usually hits: Sign-in, Workspaces, Billing",
        "Recovery steps — Rotate database and signing secrets\n  (due every 2160h)",
        "   2. Promote the secondary region  [owner: On-call engineer]",
        "      Automatic failover usually does this; step down by hand only if it did not.",
        "      ◇ alternative manual: Manual failover (rs.stepDown on the stuck primary)\n          \
         Only when no primary was elected within 2 minutes.\n          command: Step down the stuck \
         primary\n            $ mongosh \"mongodb://{primary-host}/?directConnection=true\" --eval \
         \"rs.stepDown(60, {secondaryCatchUpPeriodSecs: 10})\"",
        "Placeholder\n  {primary-host}  Host and port of the stuck primary  pattern: [a-z0-9.-]+:[0-9]{2,5}",
        "  {new-password}  New password of the application user  pattern: [A-Za-z0-9_-]{24,}  (secret)",
        "      checklist: Post-recovery checklist",
        "      (waits 10m once started)",
        "    [ ] Replicas resynced in the failed region",
        "  Regional failover drill · Quarterly · On-call rotation, IC",
        "  cloud           Cloud provider · Enterprise support · Database hosting",
        "  continuous      Continuous backup with point-in-time restore",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert!(!text.contains("Availability"), "no availability target, no budget line");
    let out = drc(tmp.path())
        .args(["--runbook", SAAS, "runbook", "show", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], 2);
    assert_eq!(v["disaster-types"][0]["rpo"], "5m");
    assert_eq!(v["levels"][0]["label"], "P0");
    assert_eq!(v["procedures"][2]["every"], "2160h");
}

#[test]
fn all_schema_problems_of_a_file_are_listed_in_file_order() {
    let tmp = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join(SAAS)).unwrap();
    let text = base
        .replacen("interval = \"15s\"\ntimeout = \"5s\"\n", "interval = 15\ntimeout = \"5s\"\n", 1)
        .replacen("respond-within = \"30m\"", "respond-within = \"soon\"", 1)
        .replacen("owner = \"support-lead\"", "owner = \"support-lead\"\nretries = 3", 1);
    let file = tmp.path().join("three.toml");
    std::fs::write(&file, &text).unwrap();
    let out = drc(tmp.path()).arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&file.display().to_string(), "F");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "error: F:19:12: services[0].interval: duration 15 has no unit; write it as a string like \"15m\" or \"15h\"",
            "error: F:180:18: levels[1].respond-within: \"soon\" is not a duration; write it like \"4h\", \"30m\" or \"1h30m\"",
            "error: F:291:1: procedures[1].steps[0].retries: unknown key `retries`, expected one of `id`, `title`, `owner`, `detail`, `items`, `checklist`, `procedure`, `commands`, `alternatives`, `on-fail`, `completes-recovery`, `wait`",
            "F: 3 problem(s)",
        ],
        "{stderr}"
    );
}

/// A journal of the SaaS runbook in which the rotation procedure's steps were completed
/// `days_ago` days before now.
fn rotation_journal(data: &Path, id_suffix: &str, days_ago: i64) {
    let loaded = Arc::new(saas());
    let t = Utc::now() - Duration::days(days_ago);
    let clock = FakeClock::at(t);
    let mut req = request("secret-rotation", 3);
    req.t0 = t.to_rfc3339();
    let mut decl = declaration(&loaded, &req, t).unwrap();
    decl.incident_id = format!("20261201-090000-{id_suffix}");
    let store = Store::new(data.to_path_buf());
    let (sink, _) = store.create(&decl, &loaded).unwrap();
    let stamper = Stamper { clock: Arc::new(clock.clone()), actor: actor() };
    let mut s = IncidentSession::declare(loaded, Box::new(sink), stamper, decl).unwrap();
    for step in ["rot-db", "rot-signing", "rot-done"] {
        s.submit(Command::StartStep { step: step.into() }).unwrap();
        clock.advance(Duration::minutes(5));
        s.submit(Command::Confirmed(Box::new(Command::CompleteStep { step: step.into() })))
            .unwrap();
    }
}

#[test]
fn due_exits_1_when_a_periodic_procedure_is_overdue_and_0_when_not() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // Never run: overdue.
    let out = drc(&data).args(["--runbook", SAAS, "due"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("OVERDUE  rotate-secrets       every 2160h    never run"), "{text}");
    // Last run 100 days ago: still overdue after 90.
    rotation_journal(&data, "aaaa", 100);
    let out = drc(&data).args(["--runbook", SAAS, "due", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["overdue"], true);
    assert_eq!(v[0]["last_incident"], "20261201-090000-aaaa");
    // Run again 10 days ago: not due.
    rotation_journal(&data, "bbbb", 10);
    let out = drc(&data).args(["--runbook", SAAS, "due"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("ok       rotate-secrets "), "{text}");
    assert!(text.contains("(20261201-090000-bbbb)"), "{text}");
    // The shopping runbook has no cadence: nothing is due.
    let out = drc(&data).arg("due").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_declare_form_shows_the_scenario_and_the_severity_and_the_header_its_ack_clock() {
    use crossterm::event::KeyCode;
    let mut h = common::app::harness_with(Some(SAAS), None);
    let form = h.screen(80, 24);
    // The first scenario's symptoms, and its usual functions ticked.
    assert!(form.contains("symptoms: Write errors from every service in the primary"), "{form}");
    assert!(form.contains("[x]Sign-in") && form.contains("[x]Billing"), "{form}");
    // Another scenario ticks its own functions only.
    h.key(KeyCode::Right);
    let form = h.screen(80, 24);
    assert!(form.contains("◀ Single-tenant restore ▶"), "{form}");
    assert!(form.contains("[ ]Sign-in") && form.contains("[x]Workspaces"), "{form}");
    h.key(KeyCode::Left);
    // The level field, from P3 down to P0: label, response time and escalation path.
    h.key(KeyCode::Down);
    for _ in 0..3 {
        h.key(KeyCode::Left);
    }
    let form = h.screen(80, 24);
    assert!(form.contains("◀ P0 Critical ▶"), "{form}");
    assert!(form.contains("→ Regional database failover · respond within 15m"), "{form}");
    assert!(form.contains("escalation: On-call engineer → Incident commander → "), "{form}");
    h.declare_default();
    let screen = h.screen(80, 24);
    let header = screen.lines().next().unwrap();
    // At 80 columns T0+ yields to the acknowledge clock and the commander.
    assert!(header.contains(" P0 Regional database failover "), "{header}");
    assert!(header.contains("ACK 00:15:00"), "{header}");
    h.advance(16 * 60);
    let screen = h.screen(80, 24);
    let header = screen.lines().next().unwrap().to_string();
    assert!(header.contains("ACK -1m"), "{header}");
    // Drawn in the theme's breached style.
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| h.app.render(f)).unwrap();
    let buf = t.backend().buffer().clone();
    let col = header.find("ACK").unwrap();
    let x = header[..col].chars().count() as u16;
    let theme = drconsole::theme::Theme::builtin("dark").unwrap();
    assert_eq!(buf[(x, 0)].fg, theme.breached.fg.unwrap(), "ACK is drawn as a breach");
    let breaches = h
        .events()
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::TimerBreached { function: Some(f), .. }
                if f == drconsole::incident::response::TIMER)
        })
        .count();
    assert_eq!(breaches, 1);
    // Working a step acknowledges: the clock leaves the header.
    h.key(KeyCode::Char('s'));
    let header = h.screen(80, 24).lines().next().unwrap().to_string();
    assert!(!header.contains("ACK"), "{header}");
    // `L` takes the severity's label as well as its number.
    h.key(KeyCode::Char('L'));
    h.keys("p1");
    h.key(KeyCode::Enter);
    h.keys("fewer customers hit");
    h.key(KeyCode::Enter);
    let changed = h.events().iter().find_map(|e| match &e.kind {
        EventKind::LevelChanged { level, .. } => Some(*level),
        _ => None,
    });
    assert_eq!(changed, Some(1), "{}", h.screen(80, 24));
    let header = h.screen(80, 24).lines().next().unwrap().to_string();
    assert!(header.contains(" P1 Regional database failover"), "{header}");
}

#[test]
fn the_second_example_of_the_format_reference_is_the_saas_runbook() {
    let doc = std::fs::read_to_string(root().join("docs/runbook-format.md")).unwrap();
    let blocks: Vec<&str> = doc.split("```toml\n").skip(1).collect();
    assert!(blocks.len() >= 2, "the reference has two complete examples");
    let second = &blocks[1][..blocks[1].find("```").unwrap()];
    assert_eq!(second, std::fs::read_to_string(root().join(SAAS)).unwrap());
    // The first example, format 1, and the second, format 2, both load.
    let first = &blocks[0][..blocks[0].find("\n```").unwrap() + 1];
    let v1 = drconsole::runbook::load::from_text("first.toml", first).unwrap();
    assert_eq!(v1.runbook.format_version(), 1);
    assert_eq!(saas().runbook.format_version(), 2);
}

#[test]
fn declaring_a_scenario_without_functions_takes_the_ones_it_usually_hits() {
    let tmp = tempfile::tempdir().unwrap();
    // A partial track needs affected functions; the scenario names its usual ones.
    let out = drc(tmp.path())
        .args(["--runbook", SAAS, "declare", "--type", "tenant-restore", "--level", "P2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out =
        drc(tmp.path()).args(["--runbook", SAAS, "record", "--format", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let facts = v.get("facts").unwrap_or(&v);
    assert_eq!(facts["affected_functions"], serde_json::json!(["Workspaces"]));
    assert_eq!(facts["rpo"]["target_secs"], 24 * 3600);
}

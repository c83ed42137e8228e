//! Drill scenarios: every shipped scenario loads (embedded and from its file), `drconsole
//! check` tells scenarios from runbooks, and each malformed scenario in
//! `tests/fixtures/bad-scenarios/` is refused with exit code 2 and one exact first line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use drconsole::drill::builtin::SCENARIOS;
use drconsole::drill::scenario::{self, Action, Origin};

const FIXTURES: &str = "tests/fixtures/bad-scenarios";

/// Fixture name -> the exact first line `drconsole check` prints to stderr.
const EXPECTED: &[(&str, &str)] = &[
    (
        "array-of-scenarios",
        r#"error: tests/fixtures/bad-scenarios/array-of-scenarios.toml:2:1: scenario: must be a table, not an array: write [scenario], not [[scenario]]"#,
    ),
    (
        "bad-disaster-type",
        r#"error: tests/fixtures/bad-scenarios/bad-disaster-type.toml:6:17: scenario.disaster-type: 'flood' is not a disaster type of runbook '购物系统灾难恢复计划'; one of: database-failure, app-outage, data-corruption, config-error, external-dependency, security-incident, physical-disaster"#,
    ),
    (
        "bad-function",
        r#"error: tests/fixtures/bad-scenarios/bad-function.toml:8:26: scenario.functions[1]: 'payments' is not a business function; one of: auth, browse, cart, checkout, orders, inventory, reports"#,
    ),
    (
        "bad-level",
        r#"error: tests/fixtures/bad-scenarios/bad-level.toml:7:9: scenario.level: level 7 is not a level of the runbook; one of: 1, 2, 3"#,
    ),
    (
        "bad-service",
        r#"error: tests/fixtures/bad-scenarios/bad-service.toml:12:11: injects[0].service: 'redis' is not a service of the runbook; one of: mongodb, api, frontend"#,
    ),
    (
        "bad-state",
        r#"error: tests/fixtures/bad-scenarios/bad-state.toml:13:9: injects[0].state: unknown value `DEAD`, expected one of `UP`, `DEGRADED`, `DOWN`, `UNKNOWN`"#,
    ),
    (
        "control-escape-in-message",
        r#"error: tests/fixtures/bad-scenarios/control-escape-in-message.toml:18:16: injects[1].message: text holds the control character \u{1b} (U+001B), which could hide or reorder what a terminal shows; remove it"#,
    ),
    (
        "duration-without-unit",
        r#"error: tests/fixtures/bad-scenarios/duration-without-unit.toml:17:6: injects[1].at: duration 10 has no unit; write it as a string like "10m" or "10h""#,
    ),
    (
        "empty-inject",
        r#"error: tests/fixtures/bad-scenarios/empty-inject.toml:16:1: injects[1]: an inject needs one of service, message, decision or expect"#,
    ),
    (
        "missing-state",
        r#"error: tests/fixtures/bad-scenarios/missing-state.toml:10:1: injects[0].state: required key is missing"#,
    ),
    (
        "missing-title",
        r#"error: tests/fixtures/bad-scenarios/missing-title.toml:2:1: scenario.title: required key is missing"#,
    ),
    (
        "one-option",
        r#"error: tests/fixtures/bad-scenarios/one-option.toml:19:11: injects[1].options: a decision needs at least two options"#,
    ),
    (
        "out-of-order",
        r#"error: tests/fixtures/bad-scenarios/out-of-order.toml:17:6: injects[1].at: injects must be in time order: 1m comes after an inject at 2m"#,
    ),
    (
        "runbook-not-found",
        r#"error: tests/fixtures/bad-scenarios/runbook-not-found.toml:5:11: scenario.runbook: runbook "../nope.toml" not found (looked for tests/fixtures/bad-scenarios/../nope.toml); write "builtin", "builtin-en" or a path relative to the scenario file"#,
    ),
    (
        "two-kinds",
        r#"error: tests/fixtures/bad-scenarios/two-kinds.toml:16:1: injects[1]: an inject does one thing: give only one of service, message, decision or expect"#,
    ),
    (
        "unknown-key",
        r#"error: tests/fixtures/bad-scenarios/unknown-key.toml:8:1: scenario.severity: unknown key `severity`, expected one of `title`, `description`, `runbook`, `disaster-type`, `level`, `functions`, `participants`, `objectives`, `expected-actions`, `pause-on-dialog`"#,
    ),
    (
        "unknown-step",
        r#"error: tests/fixtures/bad-scenarios/unknown-step.toml:23:19: injects[2].expect.step: step 'restore-everything' is not on the track level 3 runs; one of: activate-team, assess-scope, plan-recovery, prepare-env, restore-database, restore-applications, integration-test, verify-data, switch-traffic, monitor, declare-complete, incident-report"#,
    ),
    (
        "unterminated-string",
        r#"error: tests/fixtures/bad-scenarios/unterminated-string.toml:11:9: injects[0].at: invalid basic string, expected `"`"#,
    ),
];

fn check(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole")).arg("check").args(args).output().unwrap()
}

#[test]
fn every_shipped_scenario_loads_and_is_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = SCENARIOS.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "every file in runbooks/scenarios/ is shipped, and only those");
    assert!(embedded.len() >= 4);
    for (name, text) in SCENARIOS {
        let sc = scenario::from_text(name, text, Origin::Shipped, None)
            .unwrap_or_else(|d| panic!("{name}: {}", d[0]));
        let from_file = scenario::load(&dir.join(format!("{name}.toml")), None)
            .unwrap_or_else(|d| panic!("{name}: {}", d[0]));
        assert_eq!(sc.file.injects.len(), from_file.file.injects.len());
        assert!(sc.file.injects.iter().any(|i| matches!(i.action(), Action::Expect(_))), "{name}");
    }
}

#[test]
fn the_scenarios_exercise_the_plan_differently() {
    let get = |n: &str| {
        let (_, text) = SCENARIOS.iter().find(|(x, _)| *x == n).unwrap();
        scenario::from_text(n, text, Origin::Shipped, None).unwrap()
    };
    let mongo = get("mongodb-cluster-failure");
    let actions: Vec<(u64, Action)> =
        mongo.file.injects.iter().map(|i| (i.at.as_secs(), i.action())).collect();
    assert!(actions.iter().any(|(at, a)| *at == 120
        && matches!(a, Action::Service { service, state, .. } if service == "mongodb" && state.to_string() == "DOWN")));
    assert!(actions.iter().any(|(at, a)| *at == 4200
        && matches!(a, Action::Service { service, state, .. } if service == "mongodb" && state.to_string() == "UP")));
    let pitr = get("data-corruption-pitr");
    assert_eq!(pitr.file.scenario.disaster_type, "data-corruption");
    assert!(pitr.text.contains("03:00 的备份校验失败"));
    let breach = get("security-breach");
    assert_eq!(breach.file.scenario.disaster_type, "security-incident");
    assert!(breach
        .runbook
        .runbook
        .disaster_type("security-incident")
        .unwrap()
        .contacts
        .contains(&"legal".to_string()));
    assert!(breach.text.contains("法律顾问"));
    let region = get("region-loss");
    assert_eq!(region.file.scenario.disaster_type, "physical-disaster");
    let en = get("api-outage-en");
    assert_eq!(en.runbook.runbook.plan.language, drconsole::runbook::model::Lang::En);
}

#[test]
fn check_accepts_scenarios_and_still_checks_runbooks() {
    let out = check(&[
        "runbooks/scenarios/mongodb-cluster-failure.toml",
        "runbooks/shopping-system.toml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "ok: runbooks/scenarios/mongodb-cluster-failure.toml: scenario \"MongoDB 集群故障\", 10 \
         injects, runbook <built-in shopping-system.toml>"
    );
    assert!(lines[1].starts_with("ok: runbooks/shopping-system.toml: 7 procedures"), "{stdout}");
}

#[test]
fn each_bad_scenario_is_refused_with_its_exact_first_line() {
    let mut names: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut listed: Vec<&str> = EXPECTED.iter().map(|(n, _)| *n).collect();
    listed.sort();
    assert_eq!(names, listed, "every fixture has an expected line, and every line a fixture");
    assert!(names.len() >= 10);
    for (name, want) in EXPECTED {
        let path = format!("{FIXTURES}/{name}.toml");
        let out = check(&[&path]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().next().unwrap_or(""), *want, "{name}");
    }
}

fn drconsole(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole")).args(args).output().unwrap()
}

#[test]
fn drill_list_and_usage_errors() {
    let out = drconsole(&["drill", "--list"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), SCENARIOS.len());
    assert!(stdout
        .lines()
        .next()
        .unwrap()
        .starts_with("mongodb-cluster-failure    MongoDB 集群故障"));

    let out = drconsole(&["drill", "no-such-scenario"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with(
        "error: 'no-such-scenario' is neither a scenario file nor a shipped scenario; one of: \
         mongodb-cluster-failure,"
    ));

    let out = drconsole(&["drill", "mongodb-cluster-failure", "--speed", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "error: --speed 0: give a number above 0 and at most 3600"
    );

    // A malformed scenario file is refused before any terminal is needed.
    let out = drconsole(&["drill", "tests/fixtures/bad-scenarios/bad-service.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("error: tests/fixtures/bad-scenarios/bad-service.toml:12:11: injects[0]"));
}

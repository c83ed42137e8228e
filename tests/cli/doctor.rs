//! `drconsole doctor` on real folders, real servers on 127.0.0.1 and closed loopback ports:
//! each check's level and fix, the exit code, and that it changes nothing on the host.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use common::servers::HttpServer;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

fn drconsole(home: &Path) -> Command {
    let mut c = Command::cargo_bin("drconsole").unwrap();
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("TERM", "xterm-256color")
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_DATA")
        .env_remove("MONGODB_URI")
        .env_remove("API_HEALTH_URL")
        .env_remove("FRONTEND_URL")
        .env_remove("TMUX")
        .env_remove("NO_COLOR")
        .timeout(crate::common::scaled(Duration::from_secs(90)));
    c
}

fn check<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name:?} in {doc:#}"))
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout));
    })
}

fn private_dir(path: &Path, mode: u32) {
    std::fs::create_dir_all(path).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn each_problem_is_named_with_its_fix_and_config_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    private_dir(&data, 0o755);
    let api = HttpServer::start(200, "ok", Duration::ZERO);
    let closed = common::closed_port();
    let run = |json: bool| {
        let mut c = drconsole(home.path());
        c.arg("--data-dir").arg(&data).arg("doctor");
        if json {
            c.arg("--json");
        }
        // mongodb keeps the runbook's ${env:MONGODB_URI}, which is unset.
        c.arg(format!("--target=api={}", api.url()))
            .arg(format!("--target=frontend=http://127.0.0.1:{closed}/"))
            .output()
            .unwrap()
    };
    let out = run(true);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = json_of(&out);
    assert_eq!(doc["exit_code"], 2);

    let folder = check(&doc, "data folder");
    assert_eq!(folder["level"], "WARN", "{folder}");
    assert!(folder["summary"].as_str().unwrap().contains("mode 0755"), "{folder}");
    assert_eq!(folder["fix"], format!("chmod 700 {}", data.display()));

    let mongodb = check(&doc, "service mongodb");
    assert_eq!(mongodb["level"], "FAIL");
    assert_eq!(mongodb["summary"], "environment variable MONGODB_URI is not set");
    assert!(mongodb["fix"].as_str().unwrap().starts_with("export MONGODB_URI="), "{mongodb}");

    let frontend = check(&doc, "service frontend");
    assert_eq!(frontend["level"], "FAIL", "{frontend}");
    assert!(frontend["summary"].as_str().unwrap().starts_with("DOWN: connection refused"));
    assert!(frontend["fix"].is_string());

    let api_check = check(&doc, "service api");
    assert_eq!(api_check["level"], "OK", "{api_check}");
    assert!(api_check["summary"].as_str().unwrap().starts_with("UP "), "{api_check}");
    assert!(api_check.get("fix").is_none(), "no fix for what is fine");

    for ok in ["free space", "config", "runbook", "mongodb mirror"] {
        assert_eq!(check(&doc, ok)["level"], "OK", "{ok}: {}", check(&doc, ok));
    }
    assert_eq!(check(&doc, "colours")["level"], "OK", "TERM=xterm-256color");
    // Not a terminal here: the size is unknown, which is worth a warning, not a failure.
    assert_eq!(check(&doc, "terminal")["level"], "WARN");

    let out = run(false);
    assert_eq!(out.status.code(), Some(2));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.lines().all(|l| l.width() <= 80), "{table}");
    assert!(table.contains("\nFAIL  service frontend  DOWN: connection refused"), "{table}");
    assert!(table.contains("\nWARN  data folder       "), "{table}");
    assert!(table.contains("fix: export MONGODB_URI=..."), "{table}");
    assert!(table.trim_end().ends_with("FAIL"), "a closing count: {table}");
}

#[test]
fn a_missing_data_folder_is_a_warning_and_stays_missing() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("not-yet");
    let config = home.path().join("config.toml");
    let closed = common::closed_port();
    // An unreachable mirror, with a password that must not be shown.
    std::fs::write(
        &config,
        format!("[journal]\nmongodb = \"mongodb://ops:Mirr0rPw@127.0.0.1:{closed}/ops\"\n"),
    )
    .unwrap();
    let out = drconsole(home.path())
        .arg("--data-dir")
        .arg(&data)
        .arg("--config")
        .arg(&config)
        .args(["doctor", "--json"])
        .arg(format!("--target=mongodb=mongodb://admin:S3cretPw@127.0.0.1:{closed}/shop"))
        .arg(format!("--target=api=http://127.0.0.1:{closed}/health"))
        .arg(format!("--target=frontend=http://127.0.0.1:{closed}/"))
        .output()
        .unwrap();
    // Services down are failures, not configuration errors.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!text.contains("S3cretPw") && !text.contains("Mirr0rPw"), "{text}");
    let doc = json_of(&out);
    let folder = check(&doc, "data folder");
    assert_eq!(folder["level"], "WARN", "{folder}");
    assert!(folder["summary"].as_str().unwrap().contains("does not exist yet"));
    assert!(folder["fix"].as_str().unwrap().starts_with("mkdir -m 700 -p "));
    assert!(!data.exists(), "doctor (and its log) must not create the data folder");
    let mongodb = check(&doc, "service mongodb");
    assert_eq!(mongodb["level"], "FAIL");
    assert!(mongodb["summary"].as_str().unwrap().contains("****@127.0.0.1"), "{mongodb}");
    let mirror = check(&doc, "mongodb mirror");
    assert_eq!(mirror["level"], "FAIL", "{mirror}");
    assert!(mirror["summary"].as_str().unwrap().contains("****@127.0.0.1"), "{mirror}");
    assert_eq!(check(&doc, "config")["summary"], format!("{} reads", config.display()));
}

#[test]
fn all_services_up_and_the_mirror_clock_in_sync_exit_0() {
    let Some(uri) = common::mongodb_uri("doctor_all_up") else { return };
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    private_dir(&data, 0o700);
    let config = home.path().join("config.toml");
    std::fs::write(&config, format!("[journal]\nmongodb = \"{uri}\"\n")).unwrap();
    let (api, web) = (
        HttpServer::start(200, "ok", Duration::ZERO),
        HttpServer::start(200, "<html>", Duration::ZERO),
    );
    let out = drconsole(home.path())
        .arg("--data-dir")
        .arg(&data)
        .arg("--config")
        .arg(&config)
        .args(["doctor", "--json"])
        .arg(format!("--target=mongodb={uri}"))
        .arg(format!("--target=api={}", api.url()))
        .arg(format!("--target=frontend={}", web.url()))
        .output()
        .unwrap();
    let doc = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{doc:#}");
    assert_eq!(doc["fail"], 0);
    for name in ["data folder", "service mongodb", "service api", "service frontend"] {
        assert_eq!(check(&doc, name)["level"], "OK", "{}", check(&doc, name));
    }
    assert_eq!(check(&doc, "mongodb mirror")["level"], "OK");
    let clock = check(&doc, "clock");
    let summary = clock["summary"].as_str().unwrap();
    // MongoDB's hello carries the server's localTime; the test server's does not, and the
    // check then says so instead of guessing (the offset arithmetic has its unit test).
    if clock["level"] == "OK" {
        // The server runs on this host: the same clock, give or take the round trip.
        assert!(summary.contains("the mirror server"), "{clock}");
    } else {
        assert_eq!(clock["level"], "WARN", "{clock}");
        assert!(summary.contains("did not say its time"), "{clock}");
    }
}

#[test]
fn a_bad_config_is_one_failed_check_among_the_others() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    private_dir(&data, 0o700);
    let config = home.path().join("config.toml");
    std::fs::write(&config, "theme = \"dark\"\nbogus = 1\n").unwrap();
    let closed = common::closed_port();
    let out = drconsole(home.path())
        .arg("--data-dir")
        .arg(&data)
        .arg("--config")
        .arg(&config)
        .args(["doctor", "--json"])
        .arg(format!("--target=mongodb=mongodb://127.0.0.1:{closed}/shop"))
        .arg(format!("--target=api=http://127.0.0.1:{closed}/health"))
        .arg(format!("--target=frontend=http://127.0.0.1:{closed}/"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a configuration error");
    let doc = json_of(&out);
    let cfg = check(&doc, "config");
    assert_eq!(cfg["level"], "FAIL", "{cfg}");
    let summary = cfg["summary"].as_str().unwrap();
    assert!(summary.starts_with(&format!("{}:2:1", config.display())), "located: {summary}");
    assert!(summary.contains("bogus"), "{summary}");
    // The other checks still ran.
    assert_eq!(check(&doc, "runbook")["level"], "OK");
    assert_eq!(check(&doc, "data folder")["level"], "OK");
    assert_eq!(check(&doc, "service api")["level"], "FAIL");
}

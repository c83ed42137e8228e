//! `drconsole status` end to end: the real binary against real servers on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::servers as support;

use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use support::HttpServer;
use unicode_width::UnicodeWidthStr;

/// The binary with no config file and none of the runbook's variables set, so each test
/// says exactly what it probes.
fn drconsole(config_home: &tempfile::TempDir) -> Command {
    let mut c = Command::cargo_bin("drconsole").unwrap();
    c.env("XDG_CONFIG_HOME", config_home.path())
        .env("HOME", config_home.path())
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("MONGODB_URI")
        .env_remove("API_HEALTH_URL")
        .env_remove("FRONTEND_URL")
        .timeout(crate::common::scaled(Duration::from_secs(60)));
    c
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}", String::from_utf8_lossy(out));
    })
}

#[test]
fn all_up_json_exits_0_with_latencies() {
    let Some(uri) = common::mongodb_uri("all_up_json_exits_0") else { return };
    let (api, web) = (
        HttpServer::start(200, "ok", Duration::ZERO),
        HttpServer::start(200, "<html>", Duration::ZERO),
    );
    let home = tempfile::tempdir().unwrap();
    let out = drconsole(&home)
        .args(["status", "--json"])
        .arg(format!("--target=mongodb={uri}"))
        .arg(format!("--target=api={}", api.url()))
        .arg(format!("--target=frontend={}", web.url()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = json_of(&out.stdout);
    assert!(doc["checked_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{doc}");
    assert_eq!(doc["all_up"], Value::Bool(true));
    let services = doc["services"].as_array().unwrap();
    let ids: Vec<&str> = services.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["mongodb", "api", "frontend"]);
    for s in services {
        for key in ["id", "kind", "target", "state", "latency_ms", "detail", "notes"] {
            assert!(s.get(key).is_some(), "{key} missing in {s}");
        }
        assert_eq!(s["state"], "UP", "{s}");
        assert!(s["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{s}");
        assert!(s["notes"].is_array());
    }
    assert_eq!(services[0]["kind"], "mongodb");
    assert_eq!(services[1]["kind"], "http");
}

#[test]
fn stopped_mongodb_is_down_exit_1_within_the_timeout() {
    let Some(mut server) = common::OwnMongo::start("stopped_mongodb_is_down_exit_1", 0) else {
        return;
    };
    let uri = server.uri.clone();
    server.stop();
    let api = HttpServer::start(200, "ok", Duration::ZERO);
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = drconsole(&home)
        .args(["status", "--json"])
        .arg(format!("--target=mongodb={uri}"))
        .arg(format!("--target=api={}", api.url()))
        .arg(format!("--target=frontend={}", api.url()))
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let doc = json_of(&out.stdout);
    assert_eq!(doc["all_up"], Value::Bool(false));
    assert_eq!(doc["services"][0]["state"], "DOWN", "{doc}");
    assert_eq!(doc["services"][0]["latency_ms"], Value::Null);
    assert_eq!(doc["services"][0]["detail"], "connection refused", "{doc}");
    assert_eq!(doc["services"][1]["state"], "UP");
    // The built-in runbook gives MongoDB a 5 s timeout.
    eprintln!("status with MongoDB stopped took {took:?}");
    assert!(took <= Duration::from_secs(5 + 1), "took {took:?}");
}

#[test]
fn unset_env_var_exits_2_naming_it() {
    let api = HttpServer::start(200, "ok", Duration::ZERO);
    let home = tempfile::tempdir().unwrap();
    let out = drconsole(&home)
        .args(["status", "--target", &format!("api={}", api.url())])
        .arg(format!("--target=frontend={}", api.url()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("MONGODB_URI") && err.contains("not set"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_target_id_exits_2_naming_it() {
    let home = tempfile::tempdir().unwrap();
    let out = drconsole(&home)
        .args(["status", "--target", "nosuch=http://127.0.0.1:1/"])
        .env("MONGODB_URI", "mongodb://127.0.0.1:1/")
        .env("API_HEALTH_URL", "http://127.0.0.1:1/")
        .env("FRONTEND_URL", "http://127.0.0.1:1/")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"nosuch\""), "{err}");
}

#[test]
fn bad_runbook_exits_2() {
    let home = tempfile::tempdir().unwrap();
    let bad = home.path().join("bad.toml");
    std::fs::write(&bad, "[plan]\nname = 1\n").unwrap();
    let out = drconsole(&home).args(["status", "--runbook"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn secrets_never_reach_the_output() {
    let port = common::closed_port();
    let home = tempfile::tempdir().unwrap();
    let out = drconsole(&home)
        .args(["status", "--json", "--target"])
        .arg(format!(
            "mongodb=mongodb://admin:S3cretPw@127.0.0.1:{port}/db?authSource=admin&token=T0kenValue"
        ))
        .arg(format!("--target=api=http://u:S3cretPw@127.0.0.1:{port}/h?token=T0kenValue"))
        .arg(format!("--target=frontend=http://127.0.0.1:{port}/?api_key=S3cretPw"))
        .output()
        .unwrap();
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for secret in ["S3cretPw", "T0kenValue"] {
        assert!(!stdout.contains(secret), "{secret} in stdout: {stdout}");
        assert!(!stderr.contains(secret), "{secret} in stderr: {stderr}");
    }
    assert!(stdout.contains("mongodb://****@127.0.0.1"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out.stdout)["services"][0]["state"], "DOWN");
}

#[test]
fn table_fits_80_columns() {
    let api = HttpServer::start(500, "", Duration::ZERO);
    let web = HttpServer::start(200, "ok", Duration::ZERO);
    let home = tempfile::tempdir().unwrap();
    let port = common::closed_port();
    // The built-in runbook, with a frontend check whose failure detail is long and two cells
    // per character.
    let builtin = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/runbooks/shopping-system.toml"
    ))
    .unwrap();
    let needle = "首页商品列表正常显示".repeat(8);
    let runbook = builtin.replacen(
        "latency-warn = \"2s\"",
        &format!("latency-warn = \"2s\"\nbody-contains = \"{needle}\""),
        1,
    );
    assert_ne!(runbook, builtin);
    let runbook_path = home.path().join("runbook.toml");
    std::fs::write(&runbook_path, runbook).unwrap();
    let out = drconsole(&home)
        .arg("status")
        .arg("--runbook")
        .arg(&runbook_path)
        .arg(format!("--target=mongodb=mongodb://127.0.0.1:{port}/shop"))
        .arg(format!("--target=api={}", api.url()))
        .arg(format!("--target=frontend={}", web.url()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("SERVICE") && text.contains("HTTP 500 (expected 2xx)"), "{text}");
    assert!(text.contains("body does not contain \"首页") && text.contains('…'), "{text}");
    for line in text.lines() {
        assert!(line.width() <= 80, "{} columns: {line}", line.width());
    }
    eprintln!("{text}");
}

/// `--watch N` repeats until interrupted; each round is one JSON line; Ctrl-C ends it with
/// the last round's exit code.
#[test]
fn watch_repeats_until_interrupted() {
    let Some(uri) = common::mongodb_uri("watch_repeats_until_interrupted") else { return };
    let api = HttpServer::start(200, "ok", Duration::ZERO);
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("drconsole");
    let child = std::process::Command::new(bin)
        .env("XDG_CONFIG_HOME", home.path())
        .env("HOME", home.path())
        .env_remove("DRCONSOLE_CONFIG")
        .args(["status", "--json", "--watch", "1"])
        .arg(format!("--target=mongodb={uri}"))
        .arg(format!("--target=api={}", api.url()))
        .arg(format!("--target=frontend={}", api.url()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let rounds: Vec<Value> = text.lines().map(|l| json_of(l.as_bytes())).collect();
    assert!(rounds.len() >= 2, "{text}");
    assert!(rounds.iter().all(|r| r["all_up"] == Value::Bool(true)), "{text}");
}

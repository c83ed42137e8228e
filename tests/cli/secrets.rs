//! Credentials in targets appear nowhere: not in errors about malformed targets, not when the
//! password holds URI delimiters, not in unknown query options, not in config errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use assert_cmd::Command;

fn drconsole(home: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("drconsole").unwrap();
    c.env("XDG_CONFIG_HOME", home)
        .env("HOME", home)
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("MONGODB_URI")
        .env_remove("API_HEALTH_URL")
        .env_remove("FRONTEND_URL")
        .timeout(crate::common::scaled(Duration::from_secs(60)));
    c
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn assert_hidden(out: &std::process::Output, secrets: &[&str]) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    for s in secrets {
        assert!(!stdout.contains(s), "{s} in stdout: {stdout}");
        assert!(!stderr.contains(s), "{s} in stderr: {stderr}");
    }
    (stdout, stderr)
}

#[test]
fn malformed_targets_never_print_their_password() {
    let home = tempfile::tempdir().unwrap();
    for (target, shown) in [
        ("admin:Pw1Secret@127.0.0.1:27017", "not \"****@127.0.0.1:27017\""),
        ("mongodb:/admin:Pw1Secret@127.0.0.1:27017", "not \"mongodb:/****@127.0.0.1:27017\""),
        ("mongodb:admin:Pw1Secret@127.0.0.1", "not \"****@127.0.0.1\""),
    ] {
        let out = drconsole(home.path())
            .args(["status", "--target"])
            .arg(format!("mongodb={target}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let (_, stderr) = assert_hidden(&out, &["Pw1Secret"]);
        assert!(stderr.contains(shown), "{stderr}");
    }
}

#[test]
fn delimiters_in_passwords_and_unknown_query_options_are_hidden() {
    let home = tempfile::tempdir().unwrap();
    let port = closed_port();
    let out = drconsole(home.path())
        .args(["status", "--json"])
        .arg(format!("--target=mongodb=mongodb://admin:p#ss/w?rdS3cret@127.0.0.1:{port}/db"))
        .arg(format!(
            "--target=api=http://127.0.0.1:{port}/h?session=SessionS3cret&pwd2=Pwd2S3cret&x=1"
        ))
        .arg(format!("--target=frontend=http://u:Fr0ntS3cret/x@127.0.0.1:{port}/"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (stdout, _) = assert_hidden(
        &out,
        &["p#ss", "rdS3cret", "SessionS3cret", "Pwd2S3cret", "Fr0ntS3cret", "admin:p"],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let target = |i: usize| doc["services"][i]["target"].as_str().unwrap().to_string();
    assert_eq!(target(0), format!("mongodb://****@127.0.0.1:{port}/db"));
    assert_eq!(target(1), format!("http://127.0.0.1:{port}/h?session=****&pwd2=****&x=****"));
    assert_eq!(target(2), format!("http://****@127.0.0.1:{port}/"));
}

#[test]
fn a_config_type_error_does_not_quote_the_uri_password() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("config.toml");
    std::fs::write(&cfg, "targets = \"mongodb://admin:CfgS3cret@127.0.0.1:1/x?token=T0kS3cret\"\n")
        .unwrap();
    let out = drconsole(home.path()).arg("--config").arg(&cfg).arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = assert_hidden(&out, &["CfgS3cret", "T0kS3cret"]);
    assert!(
        stderr
            .contains("targets: invalid type: string \"mongodb://****@127.0.0.1:1/x?token=****\""),
        "{stderr}"
    );
}

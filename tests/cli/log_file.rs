//! The log file `<data>/logs/drconsole.log` from the real binary: private, holding the probe
//! transitions with their raw errors, never a password, never on the terminal; its level from
//! `--log-level` / `DRCONSOLE_LOG`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn drconsole(home: &Path, data: &Path) -> Command {
    let mut c = Command::cargo_bin("drconsole").unwrap();
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_LOG")
        .env_remove("MONGODB_URI")
        .env_remove("API_HEALTH_URL")
        .env_remove("FRONTEND_URL")
        .arg("--data-dir")
        .arg(data)
        .timeout(crate::common::scaled(Duration::from_secs(60)));
    c
}

fn data_dir(home: &Path) -> std::path::PathBuf {
    let d = home.join("data");
    std::fs::create_dir(&d).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
    d
}

/// Targets with credentials, all on a closed loopback port.
fn targets(port: u16) -> Vec<String> {
    vec![
        format!("--target=mongodb=mongodb://admin:S3cretPw@127.0.0.1:{port}/shop"),
        format!("--target=api=http://probe:ApiPw0rd@127.0.0.1:{port}/health?token=T0kenValue"),
        format!("--target=frontend=http://127.0.0.1:{port}/"),
    ]
}

#[test]
fn status_logs_transitions_to_a_private_file_without_passwords() {
    let home = tempfile::tempdir().unwrap();
    let data = data_dir(home.path());
    let port = common::closed_port();
    let out = drconsole(home.path(), &data).arg("status").args(targets(port)).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stderr.contains("probe:") && !stdout.contains("probe:"), "never on the terminal");

    let path = data.join("logs").join("drconsole.log");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&data.join("logs")), 0o700);
    let log = std::fs::read_to_string(&path).unwrap();
    for service in ["mongodb", "api", "frontend"] {
        let line = log
            .lines()
            .find(|l| l.contains(&format!("service={service}")))
            .unwrap_or_else(|| panic!("no line for {service}:\n{log}"));
        assert!(line.contains(" WARN probe: UNKNOWN -> DOWN: connection refused"), "{line}");
    }
    // The raw error behind the words: the driver's server-selection message.
    assert!(log.contains("(raw: ") && log.contains("Connection refused"), "{log}");
    assert!(log.contains("target=mongodb://****@127.0.0.1"), "{log}");
    for secret in ["S3cretPw", "ApiPw0rd", "T0kenValue"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }

    // A second run appends.
    let before = log.lines().count();
    drconsole(home.path(), &data).arg("status").args(targets(port)).output().unwrap();
    let after = std::fs::read_to_string(&path).unwrap().lines().count();
    assert_eq!(after, before * 2, "appended, not replaced");
}

#[test]
fn the_level_comes_from_the_flag_or_the_environment() {
    let home = tempfile::tempdir().unwrap();
    let data = data_dir(home.path());
    let port = common::closed_port();
    let path = data.join("logs").join("drconsole.log");

    // error: the DOWN transitions are warnings, so nothing is written.
    let out = drconsole(home.path(), &data)
        .env("DRCONSOLE_LOG", "error")
        .arg("status")
        .args(targets(port))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!path.exists(), "nothing at level error");

    // The flag wins over the variable.
    drconsole(home.path(), &data)
        .env("DRCONSOLE_LOG", "off")
        .args(["--log-level", "warn", "status"])
        .args(targets(port))
        .output()
        .unwrap();
    let log = std::fs::read_to_string(&path).unwrap();
    assert_eq!(log.lines().filter(|l| l.contains("UNKNOWN -> DOWN")).count(), 3, "{log}");

    // A bad variable is named, and info is used.
    let out = drconsole(home.path(), &data)
        .env("DRCONSOLE_LOG", "loud")
        .arg("status")
        .args(targets(port))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DRCONSOLE_LOG=\"loud\" is not a level"), "{stderr}");
    let log = std::fs::read_to_string(&path).unwrap();
    assert_eq!(log.lines().filter(|l| l.contains("UNKNOWN -> DOWN")).count(), 6, "{log}");

    // A bad flag is a usage error.
    let out = drconsole(home.path(), &data).args(["--log-level", "loud", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

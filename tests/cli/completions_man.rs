//! Shell completion scripts and manual pages from the real binary: every shell's script is
//! printed, bash completes `drconsole record <TAB>` with the incident ids of a data folder (in a
//! real bash, through the script's own function), and the manual pages render without groff
//! warnings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command as Std;
use std::time::Duration;

use assert_cmd::Command;

const BIN: &str = env!("CARGO_BIN_EXE_drconsole");

fn drconsole(home: &Path) -> Command {
    let mut c = Command::cargo_bin("drconsole").unwrap();
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env_remove("DRCONSOLE_CONFIG")
        .env_remove("DRCONSOLE_DATA")
        .timeout(crate::common::scaled(Duration::from_secs(60)));
    c
}

fn declare(home: &Path, data: &Path) -> String {
    let out = drconsole(home)
        .arg("--data-dir")
        .arg(data)
        .args(["declare", "--type", "database-failure", "--level", "3", "--force"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn every_shell_gets_a_script_that_calls_the_binary_back() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = drconsole(home.path()).args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.len() > 150, "{shell}: {script}");
        assert!(script.contains("DRCONSOLE_COMPLETE"), "{shell}: {script}");
        // Started by its path, the binary puts that path in the script: it need not be on PATH.
        assert!(script.contains(BIN), "{shell}: {script}");
    }
    let out = drconsole(home.path()).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");
    // The bash script is valid bash.
    let script = drconsole(home.path()).args(["completions", "bash"]).output().unwrap().stdout;
    let file = home.path().join("drconsole.bash");
    std::fs::write(&file, script).unwrap();
    let check = Std::new("bash").arg("-n").arg(&file).status().unwrap();
    assert!(check.success());
}

/// Run the bash completion function for `words` (the last one is being completed) and return
/// what it offers.
fn bash_complete(home: &Path, env: &[(&str, &Path)], words: &[&str]) -> Vec<String> {
    let script = home.join("drconsole.bash");
    let out = drconsole(home).args(["completions", "bash"]).output().unwrap();
    std::fs::write(&script, out.stdout).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let program = format!(
        "source '{}'\n\
         complete -p drconsole >/dev/null || exit 3\n\
         COMP_WORDS=({})\n\
         COMP_CWORD={cword}\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"\n\
         COMP_POINT=${{#COMP_LINE}}\n\
         _clap_complete_drconsole drconsole \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" ")
    );
    let mut cmd = Std::new("bash");
    cmd.arg("-c").arg(program).env("HOME", home).env("XDG_CONFIG_HOME", home);
    cmd.env_remove("DRCONSOLE_DATA").env_remove("DRCONSOLE_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "bash: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_incident_ids_from_the_data_folder() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let first = declare(home.path(), &data);
    std::thread::sleep(Duration::from_millis(1100)); // ids carry the declaration second
    let second = declare(home.path(), &data);
    assert_ne!(first, second);

    // The data folder from DRCONSOLE_DATA.
    let offered =
        bash_complete(home.path(), &[("DRCONSOLE_DATA", &data)], &["drconsole", "record", ""]);
    assert!(offered.contains(&first) && offered.contains(&second), "{offered:?}");
    // The data folder from --data-dir on the line being completed, and a prefix.
    let data_s = data.to_string_lossy().into_owned();
    let prefix = &second[..second.len() - 2];
    let offered =
        bash_complete(home.path(), &[], &["drconsole", "--data-dir", &data_s, "verify", prefix]);
    assert_eq!(offered, vec![second.clone()], "only the id with that prefix");
    // An empty data folder offers no id.
    let empty = home.path().join("empty");
    let offered =
        bash_complete(home.path(), &[("DRCONSOLE_DATA", &empty)], &["drconsole", "resume", "2"]);
    assert!(offered.is_empty(), "{offered:?}");
}

#[test]
fn bash_completes_runbook_values() {
    let home = tempfile::tempdir().unwrap();
    let offered = bash_complete(home.path(), &[], &["drconsole", "status", "--target", ""]);
    assert_eq!(offered, ["mongodb=", "api=", "frontend="], "service ids of the built-in runbook");
    let en = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");
    let offered =
        bash_complete(home.path(), &[], &["drconsole", "--runbook", en, "comms", "user-"]);
    assert!(!offered.is_empty() && offered.iter().all(|t| t.starts_with("user-")), "{offered:?}");
    let offered = bash_complete(home.path(), &[], &["drconsole", "drill", "mongodb-"]);
    assert_eq!(offered, ["mongodb-cluster-failure"]);
    let offered = bash_complete(home.path(), &[], &["drconsole", "--theme", "h"]);
    assert_eq!(offered, ["high-contrast"]);
    let offered = bash_complete(home.path(), &[], &["drconsole", "declare", "--type", "data"]);
    assert_eq!(offered, ["database-failure", "data-corruption"]);
}

/// `groff`, or a SKIPPED line (a panic when the run requires its tools).
fn groff(test: &str) -> bool {
    let found = Std::new("groff").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        crate::common::skip_unless_required(
            "DRCONSOLE_REQUIRE_TOOLS",
            test,
            "no groff (run ./scripts/test, or apt-get install groff)",
        );
    }
    found
}

fn render_without_warnings(page: &Path) -> String {
    let out = Std::new("groff").args(["-ww", "-man", "-Tutf8"]).arg(page).output().unwrap();
    assert!(out.status.success());
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(warnings.trim().is_empty(), "groff warnings for {}: {warnings}", page.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn man_pages_render_without_warnings() {
    let home = tempfile::tempdir().unwrap();
    let out = drconsole(home.path()).arg("man").output().unwrap();
    assert!(out.status.success());
    let main = home.path().join("drconsole.1");
    std::fs::write(&main, &out.stdout).unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(".ie \\n(.g .ds Aq"));

    let dir = home.path().join("man1");
    let out = drconsole(home.path()).args(["man", "--out"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for want in
        ["drconsole.1", "drconsole-status.1", "drconsole-doctor.1", "drconsole-runbook-show.1"]
    {
        assert!(pages.contains(&want.to_string()), "{want} in {pages:?}");
    }
    assert!(!pages.iter().any(|p| p.contains("help")), "no pages for clap's help: {pages:?}");

    let out = drconsole(home.path()).args(["man", "record"]).output().unwrap();
    assert!(out.status.success());
    let record = String::from_utf8(out.stdout).unwrap();
    assert!(record.contains(".TH drconsole-record 1"), "{record:.300}");
    assert!(record.contains("html"), "the formats are listed");
    let out = drconsole(home.path()).args(["man", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("one of: check, status"));

    if !groff("man_pages_render_without_warnings") {
        return;
    }
    let text = render_without_warnings(&main);
    assert!(text.contains("drconsole-doctor(1)"), "{text}");
    for p in &pages {
        render_without_warnings(&dir.join(p));
    }
}

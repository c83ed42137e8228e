//! Text from elsewhere (notes, names, environment variables, channels, runbooks) never reaches a
//! terminal or a document with its control characters or bidi overrides: every output of the
//! real binary shows them escaped, and the journal keeps the exact text.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::Path;

use assert_cmd::Command;

/// An OSC that retitles the terminal, a line rewrite, a C1 CSI and a right-to-left override.
const TITLE: &str = "\u{1b}]0;X\u{7}";
const REWRITE: &str = "evil\r\u{1b}[2K echo harmless";
const C1: &str = "\u{9b}31m";
const BIDI: &str = "abc\u{202e}fed";

fn drc(data: &Path) -> Command {
    let mut c = Command::cargo_bin("drconsole").unwrap();
    c.arg("--data-dir")
        .arg(data)
        .env_remove("DRCONSOLE_CONFIG")
        .env("USER", format!("user{TITLE}"))
        .env("SSH_CONNECTION", format!("127.0.0.1{TITLE} 5555 127.0.0.1 22"));
    c
}

/// What must never be in a byte stream meant for a terminal or a Markdown reader.
fn raw_hazards(what: &str, bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.char_indices()
        .filter(|&(_, c)| {
            (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c)
        })
        .map(|(at, c)| format!("{what}: U+{:04X} at byte {at}", u32::from(c)))
        .collect()
}

fn run(cmd: &mut Command) -> (Vec<u8>, Vec<u8>) {
    let out = cmd.output().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.stdout, out.stderr)
}

#[test]
fn every_output_shows_hostile_text_escaped_and_the_journal_keeps_it_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("data");
    let (id, _) = run(drc(&d).args([
        "declare",
        "--type",
        "database-failure",
        "--level",
        "3",
        "--reporter",
        &format!("rep{TITLE}"),
        "--coordinator",
        &format!("coord{BIDI}"),
    ]));
    let id = String::from_utf8(id).unwrap().trim().to_string();
    assert!(!id.is_empty());
    let note = format!("note {REWRITE} {C1} {BIDI} {TITLE}");
    let (_, note_err) = run(drc(&d).args(["note", "--incident", &id, &note]));
    let (comms_out, comms_err) = run(drc(&d).args([
        "comms",
        "user-outage",
        "--incident",
        &id,
        "--set",
        &format!("impact=impact{TITLE}"),
        "--channel",
        &format!("chan{REWRITE}"),
    ]));

    let md_file = tmp.path().join("record.md");
    let mut outputs = vec![
        ("note stderr", note_err),
        ("comms stdout", comms_out),
        ("comms stderr", comms_err),
        ("record", run(drc(&d).args(["record", &id])).0),
        ("report", run(drc(&d).args(["report", &id])).0),
        ("list", run(drc(&d).arg("list")).0),
        ("record --format json", run(drc(&d).args(["record", &id, "--format", "json"])).0),
        ("list --json", run(drc(&d).args(["list", "--json"])).0),
    ];
    run(drc(&d).args(["record", &id, "--out"]).arg(&md_file));
    outputs.push(("record --out file", std::fs::read(&md_file).unwrap()));
    // An error message that quotes hostile input goes to stderr escaped as well.
    outputs.push(("error", run(drc(&d).args(["note", "--incident", &format!("x{TITLE}"), "n"])).1));

    let hazards: Vec<String> = outputs.iter().flat_map(|(w, b)| raw_hazards(w, b)).collect();
    assert!(
        hazards.is_empty(),
        "raw control characters reached the output:\n{}",
        hazards.join("\n")
    );

    let text = |name: &str| {
        let (_, b) = outputs.iter().find(|(w, _)| *w == name).unwrap();
        String::from_utf8_lossy(b).into_owned()
    };
    let record = text("record");
    for shown in [
        "evil\\r\\u{1b}[2K echo harmless",
        "\\u{9b}31m",
        "abc\\u{202e}fed",
        "rep\\u{1b}]0;X\\u{7}",
        "coordabc\\u{202e}fed",
        "chan",
    ] {
        assert!(record.contains(shown), "record lacks {shown:?}:\n{record}");
    }
    assert!(text("record --out file").contains("evil\\r\\u{1b}[2K echo harmless"));
    // A value the operator sets becomes part of the message itself: cleaned to spaces, so what
    // is printed and what is journalled as sent are the same text.
    assert!(text("comms stdout").contains("impact ]0;X "), "{}", text("comms stdout"));
    assert!(text("error").contains("x\\u{1b}]0;X\\u{7}"), "{}", text("error"));

    // JSON stays JSON and means the exact text.
    let json: serde_json::Value = serde_json::from_str(&text("record --format json")).unwrap();
    assert!(holds(&json, &note), "the JSON record means the exact note");
    serde_json::from_str::<serde_json::Value>(&text("list --json")).expect("list --json is JSON");

    // The journal keeps what was typed, byte for byte.
    let dir = d.join("incidents").join(&id);
    let events = drconsole::store::read_events(&dir.join("journal.drj")).unwrap();
    let journal = serde_json::to_value(&events).unwrap();
    for want in [
        note.as_str(),
        &format!("rep{TITLE}"),
        &format!("coord{BIDI}"),
        &format!("chan{REWRITE}"),
        &format!("user{TITLE}"),
        &format!("127.0.0.1{TITLE}"),
    ] {
        assert!(holds(&journal, want), "the journal lacks the exact text {want:?}");
    }
}

/// Whether some string inside `v` contains `s`.
fn holds(v: &serde_json::Value, s: &str) -> bool {
    match v {
        serde_json::Value::String(x) => x.contains(s),
        serde_json::Value::Array(a) => a.iter().any(|x| holds(x, s)),
        serde_json::Value::Object(o) => o.values().any(|x| holds(x, s)),
        _ => false,
    }
}

#[test]
fn a_runbook_with_an_escape_is_refused_by_every_command_that_loads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bad-runbooks/control-escape-in-command.toml"
    );
    let out = drc(&tmp.path().join("data"))
        .args(["--runbook", fixture, "runbook", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing of the runbook is shown");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("commands[0].run: text holds the control character \\r (U+000D)"),
        "{err}"
    );
    assert!(raw_hazards("stderr", &out.stderr).is_empty(), "{err:?}");
}

/// A program's (or a server's) message quoted in a probe detail: shown escaped in the table and
/// in the console's health pane, JSON-escaped in `--json`.
#[test]
fn probe_output_with_escapes_and_bidi_is_shown_escaped_by_status() {
    let tmp = tempfile::tempdir().unwrap();
    // printf turns the octal escapes into ESC, BEL and U+202E (UTF-8 E2 80 AE).
    let rb = common::runbook_with_services(
        tmp.path(),
        r#"[[services]]
id = "mongodb"
name = "Talks in escapes"
kind = "command"
component = "database"
target = "/usr/bin/printf"
args = ["\\033]0;pwned\\007 ok \\342\\200\\256desrever\\n"]
interval = "15s"
timeout = "5s"

[[services]]
id = "api"
name = "Quiet"
kind = "command"
target = "/bin/true"
interval = "15s"
timeout = "5s"
"#,
    );
    let status = |json: bool| {
        let mut c = Command::cargo_bin("drconsole").unwrap();
        c.args(["status", "--runbook"]).arg(&rb).env_remove("DRCONSOLE_CONFIG");
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    let table = status(false);
    assert_eq!(table.status.code(), Some(0), "{}", String::from_utf8_lossy(&table.stderr));
    assert!(raw_hazards("table", &table.stdout).is_empty(), "{:?}", table.stdout);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("\\u{1b}]0;pwned\\u{7} ok \\u{202e}desrever"), "{text}");
    let json = status(true);
    assert!(raw_hazards("json", &json.stdout).is_empty(), "{:?}", json.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let detail = doc["services"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("\\u{202e}desrever"), "{detail}");
}

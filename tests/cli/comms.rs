//! `drconsole comms` end to end: the real binary against journals made by `drconsole declare`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use assert_cmd::Command;

const EN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/shopping-system.en.toml");
const SECRET: &str = "s3cretPa55";

struct Env {
    home: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env { home: tempfile::tempdir().unwrap(), data: tempfile::tempdir().unwrap() }
    }

    /// The binary with no config file and a data folder of its own. The service targets carry
    /// a password, so a test notices if any of them is ever printed.
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("drconsole").unwrap();
        c.env("XDG_CONFIG_HOME", self.home.path())
            .env("HOME", self.home.path())
            .env_remove("DRCONSOLE_CONFIG")
            .env_remove("DRCONSOLE_DATA")
            .env("MONGODB_URI", format!("mongodb://admin:{SECRET}@127.0.0.1:1/shop"))
            .env("API_HEALTH_URL", format!("http://u:{SECRET}@127.0.0.1:1/health"))
            .env("FRONTEND_URL", "http://127.0.0.1:1/")
            .arg("--data-dir")
            .arg(self.data.path())
            .timeout(crate::common::scaled(Duration::from_secs(60)));
        c
    }

    fn declare(&self, runbook: Option<&str>, level: &str, functions: Option<&str>) -> String {
        let mut c = self.cmd();
        if let Some(r) = runbook {
            c.args(["--runbook", r]);
        }
        c.args(["declare", "--type", "database-failure", "--level", level]);
        if let Some(f) = functions {
            c.args(["--functions", f]);
        }
        let out = c.assert().success().get_output().stdout.clone();
        String::from_utf8(out).unwrap().trim().to_string()
    }

    /// Run `comms ARGS`; return (exit code, stdout, stderr), checking no secret got out.
    fn comms(&self, args: &[&str]) -> (i32, String, String) {
        let out = self
            .cmd()
            .args(["--target", &format!("mongodb=mongodb://root:{SECRET}@127.0.0.1:2/x")])
            .arg("comms")
            .args(args)
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        for text in [&stdout, &stderr] {
            assert!(!text.contains(SECRET), "a service target was printed:\n{text}");
            assert!(!text.contains("127.0.0.1"), "a service target was printed:\n{text}");
            assert!(!text.contains("${env:"), "a service target was printed:\n{text}");
        }
        (out.status.code().unwrap_or(-1), stdout, stderr)
    }
}

#[test]
fn fills_the_user_notice_in_chinese() {
    let env = Env::new();
    let id = env.declare(None, "2", Some("cart,checkout"));
    let (code, out, err) = env.comms(&["user-outage", "--set", "channel=官网公告和短信"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("尊敬的用户："), "{out}");
    assert!(out.contains("可能会导致购物车、下单支付暂时不可用"), "{out}");
    assert!(out.contains("您可能无法添加或修改购物车；完成购买"), "{out}");
    assert!(out.contains("我们将通过官网公告和短信及时通知您"), "{out}");
    assert!(!out.contains(['{', '}', '[']), "{out}");
    assert!(err.is_empty(), "{err}");

    // Left out, the operator's field is a marked blank, and stderr says how to fill it.
    let (code, out, err) = env.comms(&["user-outage", "--incident", &id]);
    assert_eq!(code, 0);
    assert!(out.contains("我们将通过[通知渠道]及时通知您"), "{out}");
    assert!(!out.contains(['{', '}']), "{out}");
    assert!(err.contains("--set channel="), "{err}");

    // An empty value blanks a computed field on purpose.
    let (code, out, _) = env.comms(&["user-outage", "--set", "impact="]);
    assert_eq!(code, 0);
    assert!(out.contains("您可能无法[具体影响]。"), "{out}");
}

#[test]
fn fills_both_templates_in_english_from_the_incidents_own_runbook() {
    let env = Env::new();
    let id = env.declare(Some(EN), "3", None);
    // No --runbook now: the copy kept beside the journal decides the language.
    let (code, out, _) = env.comms(&["user-outage", "--set", "channel=our status page"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Dear customer,"), "{out}");
    assert!(out.contains("User authentication, Product browsing, Shopping cart"), "{out}");
    assert!(out.contains("through our status page of the latest"), "{out}");
    assert!(!out.contains(['{', '}', '[']), "{out}");
    let (code, out, err) = env.comms(&["recovery-complete", "--incident", &id[..12]]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("During this time, [Explanation of possible data impact]."), "{out}");
    assert!(!out.contains(['{', '}']), "{out}");
    let (code, out, _) =
        env.comms(&["recovery-complete", "--set", "data-impact=no orders were lost"]);
    assert_eq!(code, 0);
    assert!(out.contains("During this time, no orders were lost."), "{out}");
    assert!(!out.contains(['{', '}', '[']), "{out}");
}

#[test]
fn unknown_template_field_or_incident_exit_2_with_the_known_ids() {
    let env = Env::new();
    let (code, _, err) = env.comms(&["user-outage"]);
    assert_eq!(code, 2);
    assert!(err.contains("no open incident") && err.contains("known incidents: (none)"), "{err}");

    let id = env.declare(None, "3", None);
    let (code, out, err) = env.comms(&["outage"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("known templates: user-outage, recovery-complete"), "{err}");

    let (code, _, err) = env.comms(&["user-outage", "--set", "data-impact=x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("its fields: affected-services, expected-recovery-time, impact, channel"),
        "{err}"
    );
    let (code, _, err) = env.comms(&["user-outage", "--set", "channel"]);
    assert_eq!(code, 2);
    assert!(err.contains("FIELD=VALUE"), "{err}");

    let (code, _, err) = env.comms(&["user-outage", "--incident", "19990101"]);
    assert_eq!(code, 2);
    assert!(err.contains("no incident '19990101'") && err.contains(&id), "{err}");
    let (code, _, err) = env.comms(&["--list", "--incident", "19990101"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn channel_journals_the_exact_text_for_the_record() {
    let env = Env::new();
    let id = env.declare(Some(EN), "3", None);
    let (code, printed, err) =
        env.comms(&["user-outage", "--set", "channel=SMS", "--channel", "status page"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("recorded in {id} as sent via status page")), "{err}");

    let rec = env.cmd().args(["record", &id, "--format", "json"]).output().unwrap();
    assert!(rec.status.success());
    let v: serde_json::Value = serde_json::from_slice(&rec.stdout).unwrap();
    let field = |fid: &str| {
        v["fields"].as_array().unwrap().iter().find(|f| f["id"] == fid).unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let external = field("external-notifications");
    assert!(external.contains("User notification template"), "{external}");
    assert!(external.contains("via status page"), "{external}");
    assert_eq!(field("internal-notifications"), "none recorded");

    // The journal keeps the text exactly as printed, and its chain still verifies.
    let dir = env.data.path().join("incidents").join(&id);
    let (events, _) = drconsole::store::read_events(&dir.join("journal.drj")).unwrap();
    let sent = events
        .iter()
        .find_map(|e| match &e.kind {
            drconsole::incident::EventKind::CommsSent { text, channel, template } => {
                Some((text.clone(), channel.clone(), template.clone()))
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(sent, (printed, "status page".to_string(), "user-outage".to_string()));
    env.cmd().args(["verify", &id]).assert().success();

    // The update clock restarted at the message.
    let (code, out, _) = env.comms(&["--list"]);
    assert_eq!(code, 0);
    assert!(!out.contains("OVERDUE"), "{out}");
}

#[test]
fn list_shows_templates_stages_and_intervals_in_both_languages() {
    let env = Env::new();
    // No incident yet: the configured runbook, without stage states.
    let (code, out, err) = env.comms(&["--list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("user-outage") && out.contains("用户通知模板"), "{out}");
    assert!(out.contains("{channel}  通知渠道 (operator)"), "{out}");
    assert!(out.contains("disaster-occurred") && out.contains("DR团队"), "{out}");
    assert!(!out.contains("DUE"), "{out}");
    assert!(out.contains("level 2  every 1h") && out.contains("level 3  every 30m"), "{out}");

    let id = env.declare(Some(EN), "3", None);
    let (code, out, _) = env.comms(&["--list"]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("NOTIFICATION STAGES ({id})")), "{out}");
    assert!(out.contains("User notification template"), "{out}");
    assert!(out.contains("disaster-occurred      DUE"), "{out}");
    assert!(out.contains("recovery-complete      -"), "{out}");
    assert!(out.contains("next update due"), "{out}");
}

#[test]
fn after_closing_the_latest_incident_is_still_found_for_the_completion_notice() {
    use drconsole::incident::clock::SystemClock;
    use drconsole::incident::sink::EventSink;
    use drconsole::incident::{Actor, EventKind, Stamper};

    let env = Env::new();
    let id = env.declare(None, "3", None);
    let store = drconsole::store::Store::new(env.data.path().to_path_buf());
    let mut sink = store.open(&id).unwrap().sink;
    let stamper =
        Stamper { clock: std::sync::Arc::new(SystemClock::new()), actor: Actor::default() };
    let closed = stamper.stamp(EventKind::Closed);
    sink.transact(&mut |_| Ok(vec![closed.clone()])).unwrap();
    drop(sink);

    let (code, out, err) = env.comms(&["recovery-complete", "--set", "data-impact=订单数据完整"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("在此期间，订单数据完整。"), "{out}");
    let (code, out, _) = env.comms(&["--list", "--incident", &id]);
    assert_eq!(code, 0);
    assert!(out.contains("recovery-complete      DUE"), "{out}");
    assert!(!out.contains("next update due"), "no cadence once closed: {out}");
}

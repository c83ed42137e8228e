//! Incidents built from events with the library, for the HTML record and its benchmark: every
//! event goes through `Incident::from_declared` / `apply`, the same path as a replay.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use drconsole::incident::clock::FakeClock;
use drconsole::incident::{apply, Actor, Declaration, EventKind, Incident, Stamper, TeamMember};
use drconsole::probe::Health;
use drconsole::runbook::Loaded;

pub const SCRIPT_NOTE: &str = "<script>alert(1)</script> 主库磁盘损坏, 改用 03:00 的备份";

pub fn actor() -> Actor {
    Actor {
        user: "ops".into(),
        name: None,
        ssh_client: Some("127.0.0.1".into()),
        host: "jump1".into(),
        tty: Some("/dev/pts/3".into()),
        pid: 4242,
    }
}

pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap()
}

pub fn tz() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap()
}

/// What the fixture did, counted as it was done: the numbers the chart must show.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    /// Started-then-finished runs of steps (each is one bar).
    pub step_bars: usize,
    /// Runs after an earlier failure of the same step.
    pub retest_bars: usize,
    pub failed_marks: usize,
    pub skipped_marks: usize,
    pub restored_marks: usize,
    pub health_changes: usize,
    pub notes: usize,
    pub comms: usize,
}

pub struct Builder {
    pub loaded: Loaded,
    pub clock: FakeClock,
    stamper: Stamper,
    pub inc: Option<Incident>,
    pub counts: Counts,
    running: Vec<String>,
    failed: Vec<String>,
}

impl Builder {
    pub fn new(loaded: Loaded) -> Builder {
        let clock = FakeClock::at(start());
        let stamper = Stamper { clock: Arc::new(clock.clone()), actor: actor() };
        Builder {
            loaded,
            clock,
            stamper,
            inc: None,
            counts: Counts::default(),
            running: vec![],
            failed: vec![],
        }
    }

    pub fn emit(&mut self, kind: EventKind) {
        let ev = self.stamper.stamp(kind);
        let rb = &self.loaded.runbook;
        match &mut self.inc {
            None => self.inc = Some(Incident::from_declared(rb, &ev).expect("a declaration")),
            Some(inc) => apply(inc, rb, &ev),
        }
    }

    pub fn advance(&mut self, secs: i64) {
        self.clock.advance(Duration::seconds(secs));
    }

    pub fn inc(&self) -> &Incident {
        self.inc.as_ref().unwrap()
    }

    /// Declare a level-3 incident of every function, T0 ten minutes before now.
    pub fn declare(&mut self, id: &str) {
        let rb = &self.loaded.runbook;
        let decl = Declaration {
            incident_id: id.to_string(),
            disaster_type: "database-failure".into(),
            level: 3,
            functions: rb.functions.iter().map(|f| f.id.clone()).collect(),
            reporter: "值班工程师".into(),
            coordinator: "张三".into(),
            team: rb
                .roles
                .iter()
                .map(|r| TeamMember { role: r.id.clone(), person: r.person.clone() })
                .collect(),
            t0: start() - Duration::minutes(10),
            runbook_name: rb.plan.name.clone(),
            runbook_sha256: self.loaded.sha256(),
            lang: rb.plan.language,
            drill: None,
        };
        self.emit(EventKind::Declared(Box::new(decl)));
        self.emit(EventKind::SessionStarted { resumed: false });
    }

    /// The key of the step with runbook id `id` (the first one, or the adjust step for `of`).
    pub fn key(&self, id: &str) -> String {
        self.inc().steps.iter().find(|s| s.id == id).map(|s| s.key.clone()).unwrap()
    }

    pub fn start(&mut self, key: &str) {
        self.running.push(key.to_string());
        self.emit(EventKind::StepStarted { step: key.to_string() });
    }

    pub fn done(&mut self, key: &str) {
        self.finish_run(key);
        self.emit(EventKind::StepDone { step: key.to_string() });
    }

    pub fn fail(&mut self, key: &str, reason: &str) {
        self.finish_run(key);
        self.counts.failed_marks += 1;
        self.failed.push(key.to_string());
        self.emit(EventKind::StepFailed { step: key.to_string(), reason: reason.into() });
    }

    pub fn skip(&mut self, key: &str, reason: &str) {
        self.counts.skipped_marks += 1;
        self.emit(EventKind::StepSkipped { step: key.to_string(), reason: reason.into() });
    }

    fn finish_run(&mut self, key: &str) {
        if let Some(i) = self.running.iter().position(|k| k == key) {
            self.running.remove(i);
            self.counts.step_bars += 1;
            if self.failed.iter().any(|k| k == key) {
                self.counts.retest_bars += 1;
            }
        }
    }

    /// Start a step, spend `secs` on it, finish it.
    pub fn run(&mut self, id: &str, secs: i64) {
        let key = self.key(id);
        self.start(&key);
        self.advance(secs);
        self.done(&key);
    }

    pub fn health(&mut self, service: &str, from: Health, to: Health, detail: &str) {
        self.counts.health_changes += 1;
        self.emit(EventKind::HealthChanged {
            service: service.into(),
            from,
            to,
            detail: detail.into(),
        });
    }

    pub fn note(&mut self, text: &str) {
        self.counts.notes += 1;
        self.emit(EventKind::Note { text: text.into() });
    }

    pub fn restore(&mut self, function: &str) {
        self.counts.restored_marks += 1;
        self.emit(EventKind::FunctionRestored { function: function.into() });
    }
}

/// The incident of the HTML record test: steps done, one skipped, the system test failed and
/// re-tested after the adjust steps, two functions past their RTO (one restored late, one
/// never), one restored in time, MongoDB flapping, notes (one of them hostile) and messages.
pub fn incident(loaded: Loaded) -> Builder {
    let mut b = Builder::new(loaded);
    b.declare("20261128-060000-beef");
    b.run("activate-team", 10 * 60);
    b.note(SCRIPT_NOTE);
    b.health("mongodb", Health::Unknown, Health::Down, "connection refused");
    b.health("api", Health::Unknown, Health::Degraded, "slow: 1.8s > 1s");
    b.health("frontend", Health::Unknown, Health::Up, "HTTP 200");
    b.run("assess-scope", 15 * 60);
    let notify = b.loaded.runbook.notifications.first().map(|n| n.id.clone()).unwrap();
    b.counts.comms += 1;
    b.emit(EventKind::NotificationSent {
        stage: notify,
        audience: "技术团队".into(),
        channel: "电话".into(),
        notified: "DBA 李四".into(),
        note: String::new(),
    });
    b.run("plan-recovery", 20 * 60);
    let prep = b.key("prepare-env");
    b.skip(&prep, "已有备用环境 <b>无需准备</b>");
    b.run("restore-database", 80 * 60);
    b.health("mongodb", Health::Down, Health::Up, "ping ok, primary");
    b.advance(5 * 60);
    b.health("mongodb", Health::Up, Health::Down, "connection reset by the server");
    b.advance(3 * 60);
    b.health("mongodb", Health::Down, Health::Up, "ping ok, primary");
    b.restore("auth");
    b.run("restore-applications", 40 * 60);
    b.health("api", Health::Degraded, Health::Up, "HTTP 200");
    let test = b.key("integration-test");
    b.start(&test);
    b.advance(20 * 60);
    b.fail(&test, "下单接口返回500");
    // The adjust steps the failure brought in, then the re-test.
    let adjust: Vec<String> = b
        .inc()
        .steps
        .iter()
        .filter(|s| s.adjust_for.as_deref() == Some(test.as_str()))
        .map(|s| s.key.clone())
        .collect();
    assert!(!adjust.is_empty(), "the system test has an on-fail procedure");
    for k in &adjust {
        b.start(k);
        b.advance(10 * 60);
        b.done(k);
    }
    b.start(&test);
    b.advance(15 * 60);
    b.done(&test);
    b.note("重新测试通过; 下单正常");
    b.advance(40 * 60);
    b.emit(EventKind::TimerBreached { function: Some("cart".into()), budget_secs: 4 * 3600 });
    b.emit(EventKind::TimerBreached { function: Some("checkout".into()), budget_secs: 4 * 3600 });
    b.restore("checkout");
    let template = b.loaded.runbook.templates.first().map(|t| t.id.clone()).unwrap();
    b.counts.comms += 1;
    b.emit(EventKind::CommsSent {
        template,
        channel: "官网公告".into(),
        text: "系统正在恢复中".into(),
    });
    b.run("verify-data", 20 * 60);
    b.run("switch-traffic", 10 * 60);
    b.run("monitor", 15 * 60);
    b.run("declare-complete", 5 * 60);
    b.emit(EventKind::Closed);
    b.emit(EventKind::SessionEnded { reason: "quit".into() });
    b
}

/// A long incident for the benchmark: the test incident, then notes, health flaps and step
/// restarts until it holds `n` events, spread over `hours`.
pub fn long_incident(loaded: Loaded, n: usize) -> Builder {
    let mut b = Builder::new(loaded);
    b.declare("20261128-060000-f00d");
    let keys: Vec<String> = b.inc().steps.iter().map(|s| s.key.clone()).collect();
    let services = ["mongodb", "api", "frontend"];
    let mut i = 0usize;
    while b.inc().events.len() < n {
        b.advance(2);
        match i % 5 {
            0 | 3 => b.note(&format!("note {i}: checked the replica set and the logs <ok>")),
            1 => {
                let s = services[i % 3];
                let (from, to) = if i % 2 == 0 {
                    (Health::Up, Health::Down)
                } else {
                    (Health::Down, Health::Up)
                };
                b.health(s, from, to, "connection refused");
            }
            2 => {
                let k = keys[i / 5 % keys.len()].clone();
                b.start(&k);
            }
            _ => {
                let k = keys[i / 5 % keys.len()].clone();
                b.done(&k);
            }
        }
        i += 1;
    }
    b
}

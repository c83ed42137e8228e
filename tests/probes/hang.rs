//! Servers that accept and never answer, connects that never complete, programs that never
//! end: every probe still reports DOWN within its timeout + 1 s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::servers as support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use drconsole::probe::{self, Health, ResolvedService};
use drconsole::runbook::model::ServiceKind;
use support::{service, Blackhole, HungServer};

const TIMEOUT: Duration = Duration::from_secs(1);
const SLACK: Duration = Duration::from_secs(1);

fn sleeper(id: &str) -> ResolvedService {
    let mut s = service(id, ServiceKind::Command, "sleep", TIMEOUT);
    s.spec.args = vec!["30".into()];
    s
}

async fn assert_times_out(svc: ResolvedService, want_detail: &str) {
    let started = Instant::now();
    let st = probe::probe_once(&[svc]).await.remove(0);
    let took = started.elapsed();
    assert_eq!(st.state, Health::Down, "{st:?}");
    assert!(st.detail.contains(want_detail), "{}", st.detail);
    assert!(took <= TIMEOUT + SLACK, "took {took:?}");
}

#[tokio::test]
async fn hung_mongodb_times_out() {
    let hung = HungServer::start();
    let uri = format!("mongodb://127.0.0.1:{}/shop", hung.port);
    assert_times_out(service("db", ServiceKind::Mongodb, &uri, TIMEOUT), "timed out").await;
}

#[tokio::test]
async fn hung_http_times_out() {
    let hung = HungServer::start();
    let url = format!("http://127.0.0.1:{}/health", hung.port);
    assert_times_out(service("api", ServiceKind::Http, &url, TIMEOUT), "timed out after 1s").await;
}

#[tokio::test]
async fn blackholed_tcp_connect_times_out() {
    let hole = Blackhole::start();
    let addr = format!("127.0.0.1:{}", hole.port);
    assert_times_out(service("tcp", ServiceKind::Tcp, &addr, TIMEOUT), "timed out after 1s").await;
}

#[tokio::test]
async fn tcp_to_a_listener_is_up_and_closed_port_down() {
    let hung = HungServer::start();
    let st = probe::probe_once(&[
        service("a", ServiceKind::Tcp, &format!("127.0.0.1:{}", hung.port), TIMEOUT),
        service("b", ServiceKind::Tcp, &format!("127.0.0.1:{}", common::closed_port()), TIMEOUT),
    ])
    .await;
    assert_eq!((st[0].state, st[0].detail.as_str()), (Health::Up, "connected"));
    assert_eq!((st[1].state, st[1].detail.as_str()), (Health::Down, "connection refused"));
}

#[tokio::test]
async fn never_ending_command_is_killed() {
    assert_times_out(sleeper("cmd"), "timed out after 1s (killed)").await;
}

/// Fifty hung probes of every kind at once: each reports within timeout + 1 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_hung_probes_all_report_in_time() {
    let hung = HungServer::start();
    let hole = Blackhole::start();
    let mut services = Vec::new();
    for i in 0..50 {
        let id = format!("s{i:02}");
        services.push(match i % 4 {
            0 => service(
                &id,
                ServiceKind::Mongodb,
                &format!("mongodb://127.0.0.1:{}/shop", hung.port),
                TIMEOUT,
            ),
            1 => service(
                &id,
                ServiceKind::Http,
                &format!("http://127.0.0.1:{}/health", hung.port),
                TIMEOUT,
            ),
            2 => service(&id, ServiceKind::Tcp, &format!("127.0.0.1:{}", hole.port), TIMEOUT),
            _ => sleeper(&id),
        });
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel(100);
    let started = Instant::now();
    let _set = probe::spawn(services, tx);
    let mut reported = HashSet::new();
    let mut slowest = Duration::ZERO;
    while reported.len() < 50 {
        let u = tokio::time::timeout(TIMEOUT + SLACK, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("only {} of 50 reported", reported.len()))
            .unwrap();
        if reported.insert(u.status.id.clone()) {
            slowest = started.elapsed();
            assert_eq!(u.status.state, Health::Down, "{:?}", u.status);
        }
    }
    eprintln!("50 hung probes: slowest first report after {slowest:?}");
    assert!(slowest <= TIMEOUT + SLACK, "slowest first report after {slowest:?}");
}

/// A MongoDB server that answers the handshake and then hangs mid-session: every attempt
/// still ends within timeout + 1 s, and the driver call left waiting is not piled on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mongodb_hanging_mid_session_reports_in_time() {
    let Some(uri) = common::mongodb_uri("mongodb_hanging_mid_session") else { return };
    let upstream =
        uri.trim_start_matches("mongodb://").split(['/', '?']).next().unwrap().to_string();
    let proxy = support::StallProxy::start(upstream);
    let mut svc = service(
        "db",
        ServiceKind::Mongodb,
        &format!("mongodb://127.0.0.1:{}/shop", proxy.port),
        TIMEOUT,
    );
    svc.spec.interval = drconsole::runbook::duration::Dur(Duration::from_millis(100));
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let _set = probe::spawn(vec![svc], tx);
    let first = tokio::time::timeout(crate::common::scaled(Duration::from_secs(10)), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.status.state, Health::Up, "{:?}", first.status);

    proxy.stall(true);
    let mut details = Vec::new();
    let mut last = Instant::now();
    for _ in 0..5 {
        let u = tokio::time::timeout(TIMEOUT + SLACK + Duration::from_millis(100), rx.recv())
            .await
            .expect("an attempt took longer than timeout + 1 s")
            .unwrap();
        assert!(last.elapsed() <= TIMEOUT + SLACK + Duration::from_millis(100));
        last = Instant::now();
        details.push(u.status.detail.clone());
        if u.status.state == Health::Down {
            break;
        }
    }
    eprintln!("mid-session hang: {details:?}");
    assert!(details.iter().all(|d| d.contains("timed out") || d.contains("not answering")));
    assert!(details.len() >= 2, "{details:?}");
}

/// A hung MongoDB call is never piled on: the next attempt reports the one still waiting.
#[tokio::test]
async fn hung_mongodb_keeps_one_probe_in_flight() {
    let hung = HungServer::start();
    let uri = format!("mongodb://127.0.0.1:{}/shop", hung.port);
    let mut svc = service("db", ServiceKind::Mongodb, &uri, TIMEOUT);
    svc.spec.interval = drconsole::runbook::duration::Dur(Duration::from_millis(100));
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let _set = probe::spawn(vec![svc], tx);
    for _ in 0..3 {
        let u = tokio::time::timeout(TIMEOUT + SLACK, rx.recv()).await.unwrap().unwrap();
        assert!(u.status.latency.is_none(), "{:?}", u.status);
    }
}

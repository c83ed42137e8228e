//! HTTP probes against real servers on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::servers as support;

use std::time::Duration;

use drconsole::probe::{self, Health, ProbeUpdate};
use drconsole::runbook::duration::Dur;
use drconsole::runbook::model::ServiceKind;
use support::{service, HttpServer};

const TIMEOUT: Duration = Duration::from_secs(2);

async fn once(svc: drconsole::probe::ResolvedService) -> probe::ServiceStatus {
    probe::probe_once(&[svc]).await.remove(0)
}

#[tokio::test]
async fn ok_answer_is_up_with_latency() {
    let srv = HttpServer::start(200, "ok", Duration::ZERO);
    let st = once(service("api", ServiceKind::Http, &srv.url(), TIMEOUT)).await;
    assert_eq!(st.state, Health::Up, "{st:?}");
    assert_eq!(st.detail, "HTTP 200");
    assert!(st.latency.is_some());
    assert!(st.checked_at.is_some() && st.changed_at.is_some());
    assert_eq!(st.history.len(), 1);
}

#[tokio::test]
async fn server_error_is_down() {
    let srv = HttpServer::start(500, "boom", Duration::ZERO);
    let st = once(service("api", ServiceKind::Http, &srv.url(), TIMEOUT)).await;
    assert_eq!(st.state, Health::Down);
    assert_eq!(st.detail, "HTTP 500 (expected 2xx)");
    assert_eq!(st.latency, None);
}

#[tokio::test]
async fn expected_status_list_is_honoured() {
    let srv = HttpServer::start(200, "ok", Duration::ZERO);
    let mut svc = service("api", ServiceKind::Http, &srv.url(), TIMEOUT);
    svc.spec.expect_status = vec![204, 301];
    let st = once(svc).await;
    assert_eq!((st.state, st.detail.as_str()), (Health::Down, "HTTP 200 (expected 204, 301)"));
}

#[tokio::test]
async fn wrong_body_is_down() {
    let srv = HttpServer::start(200, "maintenance", Duration::ZERO);
    let mut svc = service("api", ServiceKind::Http, &srv.url(), TIMEOUT);
    svc.spec.body_contains = Some("ok".into());
    let st = once(svc.clone()).await;
    assert_eq!(st.state, Health::Down);
    assert_eq!(st.detail, "body does not contain \"ok\"");

    let good = HttpServer::start(200, "{\"status\":\"ok\"}", Duration::ZERO);
    svc.target = good.url();
    assert_eq!(once(svc).await.state, Health::Up);
}

#[tokio::test]
async fn slow_answer_is_degraded() {
    let srv = HttpServer::start(200, "ok", Duration::from_millis(400));
    let mut svc = service("api", ServiceKind::Http, &srv.url(), TIMEOUT);
    svc.spec.latency_warn = Some(Dur(Duration::from_millis(100)));
    let st = once(svc).await;
    assert_eq!(st.state, Health::Degraded, "{st:?}");
    assert!(st.detail.starts_with("slow: ") && st.detail.ends_with(" > 100ms"), "{}", st.detail);
    assert!(st.latency.unwrap() >= Duration::from_millis(400));
}

#[tokio::test]
async fn closed_port_is_down_connection_refused() {
    let url = format!("http://127.0.0.1:{}/health", common::closed_port());
    let st = once(service("api", ServiceKind::Http, &url, TIMEOUT)).await;
    assert_eq!((st.state, st.detail.as_str()), (Health::Down, "connection refused"));
}

async fn next(rx: &mut tokio::sync::mpsc::Receiver<ProbeUpdate>) -> ProbeUpdate {
    tokio::time::timeout(crate::common::scaled(Duration::from_secs(5)), rx.recv())
        .await
        .unwrap()
        .unwrap()
}

/// The scheduler: thresholds, transitions, and dropping the set stops everything.
#[tokio::test]
async fn spawned_probe_debounces_and_stops_when_dropped() {
    let srv = HttpServer::start(200, "ok", Duration::ZERO);
    let mut svc = service("api", ServiceKind::Http, &srv.url(), TIMEOUT);
    svc.spec.interval = Dur(Duration::from_millis(100));
    let (tx, mut rx) = tokio::sync::mpsc::channel::<ProbeUpdate>(16);
    let set = probe::spawn(vec![svc], tx);
    assert_eq!(set.len(), 1);

    let u = next(&mut rx).await;
    let t = u.transition.expect("first result is a transition from UNKNOWN");
    assert_eq!((t.from, t.to, t.service.as_str()), (Health::Unknown, Health::Up, "api"));

    srv.set_status(503);
    let mut seen = Vec::new();
    loop {
        let u = next(&mut rx).await;
        seen.push((u.status.state, u.transition.is_some()));
        if u.status.state == Health::Down {
            assert!(u.transition.is_some());
            assert!(u.status.detail.starts_with("HTTP 503"), "{}", u.status.detail);
            break;
        }
        assert!(u.status.detail.contains("1 of 2 failures before DOWN"), "{}", u.status.detail);
    }
    // fall = 2: exactly one failed attempt was held back as UP.
    let ups_while_failing = seen.iter().filter(|(s, _)| *s == Health::Up).count();
    assert!(ups_while_failing <= 2, "{seen:?}");

    srv.set_status(200);
    loop {
        let u = next(&mut rx).await;
        if u.status.state == Health::Up {
            let t = u.transition.unwrap();
            assert_eq!((t.from, t.to), (Health::Down, Health::Up));
            assert!(u.status.history.iter().any(|h| h.is_none()));
            break;
        }
        assert_eq!(u.status.state, Health::Down);
    }

    drop(set);
    // Every task is gone, and with it every sender.
    let end = tokio::time::timeout(crate::common::scaled(Duration::from_secs(5)), async {
        while rx.recv().await.is_some() {}
    })
    .await;
    assert!(end.is_ok(), "probe tasks kept running after the ProbeSet was dropped");
}

/// HTTPS: a private CA is trusted only through `ca-file`; without it the system store
/// rejects the certificate.
#[tokio::test]
async fn https_trusts_ca_file_and_rejects_unknown_issuers() {
    let Some(pki) = common::pki::TestPki::make("https_trusts_ca_file") else { return };
    let port = pki.serve();
    let url = format!("https://127.0.0.1:{port}/health");

    let mut svc = service("api", ServiceKind::Http, &url, TIMEOUT);
    svc.spec.ca_file = Some(pki.ca_file());
    let st = once(svc).await;
    assert_eq!((st.state, st.detail.as_str()), (Health::Up, "HTTP 200"), "{st:?}");

    let st = once(service("api", ServiceKind::Http, &url, TIMEOUT)).await;
    assert_eq!(st.state, Health::Down);
    assert!(st.detail.contains("certificate"), "{}", st.detail);
    eprintln!("unknown issuer: {}", st.detail);

    let mut svc = service("api", ServiceKind::Http, &url, TIMEOUT);
    svc.spec.ca_file = Some("/nonexistent/drconsole-ca.pem".into());
    let st = once(svc).await;
    assert_eq!(st.state, Health::Down);
    assert!(
        st.detail.starts_with("cannot read ca-file /nonexistent/drconsole-ca.pem"),
        "{}",
        st.detail
    );
}

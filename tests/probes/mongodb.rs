//! MongoDB probes against the MongoDB wire-protocol test server (see tests/common).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use common::servers as support;

use std::time::{Duration, Instant};

use drconsole::probe::{self, Health, ProbeUpdate};
use drconsole::runbook::duration::Dur;
use drconsole::runbook::model::ServiceKind;
use support::service;

#[tokio::test]
async fn shared_server_is_up_with_latency_and_a_note_about_replication() {
    let Some(uri) = common::mongodb_uri("shared_server_is_up") else { return };
    let svc = service("mongodb", ServiceKind::Mongodb, &uri, Duration::from_secs(5));
    let st = probe::probe_once(&[svc]).await.remove(0);
    assert_eq!(st.state, Health::Up, "{st:?}");
    assert!(st.latency.is_some());
    assert!(st.detail.starts_with("ping ok, "), "{}", st.detail);
    // The test server answers CommandNotFound, as a locked-down managed cluster might.
    assert!(
        st.notes.iter().any(|n| n.starts_with("replSetGetStatus") && n.contains("CommandNotFound")),
        "{:?}",
        st.notes
    );
}

#[tokio::test]
async fn closed_port_is_down_connection_refused() {
    let uri = format!("mongodb://127.0.0.1:{}/shop", common::closed_port());
    let timeout = Duration::from_secs(1);
    let started = Instant::now();
    let st = probe::probe_once(&[service("mongodb", ServiceKind::Mongodb, &uri, timeout)])
        .await
        .remove(0);
    assert_eq!((st.state, st.detail.as_str()), (Health::Down, "connection refused"));
    assert!(started.elapsed() <= timeout + Duration::from_secs(1), "{:?}", started.elapsed());
}

async fn next(rx: &mut tokio::sync::mpsc::Receiver<ProbeUpdate>, within: Duration) -> ProbeUpdate {
    tokio::time::timeout(within, rx.recv())
        .await
        .expect("no probe update in time")
        .expect("probe task ended")
}

/// Stop the server: DOWN once `fall` attempts have failed, each within timeout + 1 s. Start it
/// again on the same port: UP again.
#[tokio::test]
async fn stopped_server_goes_down_and_comes_back() {
    let Some(mut server) = common::OwnMongo::start("stopped_server_goes_down", 0) else { return };
    let port = server.port;
    let timeout = Duration::from_secs(2);
    let interval = Duration::from_millis(300);
    let mut svc = service("mongodb", ServiceKind::Mongodb, &server.uri, timeout);
    svc.spec.interval = Dur(interval);
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let _set = probe::spawn(vec![svc], tx);
    // The first attempt also connects the client.
    let u = next(&mut rx, Duration::from_secs(15)).await;
    assert_eq!(u.status.state, Health::Up, "{:?}", u.status);

    server.stop();
    let stopped = Instant::now();
    let per_attempt = interval + timeout + Duration::from_secs(1);
    let mut failures = 0;
    loop {
        let u = next(&mut rx, per_attempt).await;
        if u.status.latency.is_none() {
            failures += 1;
        }
        if u.status.state == Health::Down {
            assert_eq!(failures, 2, "DOWN after exactly fall = 2 failures");
            let t = u.transition.expect("transition to DOWN");
            assert_eq!((t.from, t.to), (Health::Up, Health::Down));
            assert!(!t.detail.is_empty());
            eprintln!("DOWN {:?} after the stop: {}", stopped.elapsed(), t.detail);
            break;
        }
        assert!(failures < 2, "still {:?} after {failures} failures", u.status.state);
    }

    let _again = common::OwnMongo::start("stopped_server_comes_back", port).expect("restart");
    let restarted = Instant::now();
    let deadline = crate::common::deadline(Duration::from_secs(60));
    loop {
        let u = next(&mut rx, Duration::from_secs(30)).await;
        if u.status.state == Health::Up {
            assert_eq!(u.transition.map(|t| t.from), Some(Health::Down));
            eprintln!("UP {:?} after the restart", restarted.elapsed());
            break;
        }
        assert!(Instant::now() < deadline, "not UP again: {:?}", u.status);
    }
}

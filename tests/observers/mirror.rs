//! The journal's copy in an operations MongoDB: events arrive; while the server is down the
//! journal keeps working and the queue drains when it returns.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::time::{Duration, Instant};

use drconsole::journal::Journal;
use drconsole::mirror::{self, COLLECTION, DATABASE};
use mongodb::bson::{doc, Document};

async fn count(uri: &str, incident: &str) -> Option<u64> {
    let mut opts = mongodb::options::ClientOptions::parse(uri).await.ok()?;
    opts.server_selection_timeout = Some(Duration::from_secs(2));
    let client = mongodb::Client::with_options(opts).ok()?;
    let coll = client.database(DATABASE).collection::<Document>(COLLECTION);
    let c = tokio::time::timeout(
        Duration::from_secs(3),
        coll.count_documents(doc! { "incident": incident }),
    );
    c.await.ok()?.ok()
}

async fn wait_count(uri: &str, incident: &str, want: u64) {
    let deadline = crate::common::deadline(Duration::from_secs(20));
    loop {
        if count(uri, incident).await == Some(want) {
            return;
        }
        assert!(Instant::now() < deadline, "mirror never reached {want} events");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_arrive_and_the_queue_drains_after_an_outage() {
    let Some(mut server) = common::OwnMongo::start("mirror_queue_drains", 0) else { return };
    let port = server.port;
    let uri = server.uri.clone();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("journal.drj");
    let mut j = Journal::create(&path).unwrap();
    let incident = format!("mirror-test-{}", std::process::id());
    for i in 0..3 {
        j.append(serde_json::json!({ "type": "note", "text": format!("n{i}") })).unwrap();
    }
    let (task, status) =
        mirror::spawn(uri.clone(), incident.clone(), path.clone(), Duration::from_millis(200));
    wait_count(&uri, &incident, 3).await;

    server.stop();
    // The journal does not wait for the mirror.
    let started = Instant::now();
    for i in 3..6 {
        j.append(serde_json::json!({ "type": "note", "text": format!("n{i}") })).unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    let deadline = crate::common::deadline(Duration::from_secs(15));
    loop {
        let s = status.lock().unwrap().clone();
        if s.error.is_some() && s.queued == 3 {
            break;
        }
        assert!(Instant::now() < deadline, "the mirror never reported the outage: {s:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let Some(_server2) = common::OwnMongo::start("mirror_queue_drains", port) else { return };
    // A fresh server on the same port starts empty: the mirror re-reads how far it is and
    // sends everything again.
    wait_count(&uri, &incident, 6).await;
    let s = status.lock().unwrap().clone();
    assert_eq!((s.queued, s.error.clone()), (0, None), "{s:?}");
    task.abort();
}

//! Proves the test setup: the official driver talks to the MongoDB wire-protocol test server.

use crate::common;

use mongodb::bson::{doc, Document};
use mongodb::options::ClientOptions;

#[tokio::test]
async fn driver_connects_pings_inserts_and_reads_back() {
    let Some(uri) = common::mongodb_uri("driver_connects_pings_inserts_and_reads_back") else {
        return;
    };
    let mut opts = ClientOptions::parse(&uri).await.expect("parse uri");
    opts.server_selection_timeout = Some(std::time::Duration::from_secs(5));
    opts.connect_timeout = Some(std::time::Duration::from_secs(5));
    let client = mongodb::Client::with_options(opts).expect("client");
    let db = client.database("drconsole_wiring");
    let pong = db.run_command(doc! { "ping": 1 }).await.expect("ping");
    assert_eq!(pong.get_f64("ok").ok().or(pong.get_i32("ok").ok().map(f64::from)), Some(1.0));

    let coll = db.collection::<Document>("events");
    let marker = format!("wiring-{}", std::process::id());
    coll.insert_one(doc! { "marker": &marker, "n": 42 }).await.expect("insert");
    let found = coll.find_one(doc! { "marker": &marker }).await.expect("find").expect("doc");
    assert_eq!(found.get_i32("n").unwrap(), 42);
    let count = coll.count_documents(doc! { "marker": &marker }).await.expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn own_server_starts_and_stops() {
    let Some(mut server) = common::OwnMongo::start("own_server_starts_and_stops", 0) else {
        return;
    };
    assert!(server.uri.starts_with("mongodb://127.0.0.1:"));
    assert!(std::net::TcpStream::connect(("127.0.0.1", server.port)).is_ok());
    server.stop();
    assert!(std::net::TcpStream::connect(("127.0.0.1", server.port)).is_err());
}

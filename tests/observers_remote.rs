//! Observers on another host, through the operations MongoDB: two data folders stand for two
//! hosts. The owner's console mirrors its journal; `view --mongodb` on the other follows the
//! mirror and checks the hash chain of every entry; `note --mongodb` there arrives in the
//! owner's journal through the inbox. Against the real MongoDB test server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use drconsole::incident::EventKind;
use drconsole::mirror::{self, inbox::INBOX, COLLECTION, DATABASE};
use mongodb::bson::{doc, Document};

fn drc(config: &Path, data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_drconsole"));
    c.arg("--config").arg(config).arg("--data-dir").arg(data).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run drconsole")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A host: its data folder and config (the owner's names the operations MongoDB).
struct Host {
    data: PathBuf,
    config: PathBuf,
}

fn host(root: &Path, name: &str, mongodb: Option<&str>) -> Host {
    let data = root.join(name);
    std::fs::create_dir_all(&data).unwrap();
    let config = root.join(format!("{name}.toml"));
    let body = mongodb.map(|u| format!("mongodb = \"{u}\"\n")).unwrap_or_default();
    let body = format!("[journal]\n{body}");
    std::fs::write(&config, body).unwrap();
    Host { data, config }
}

fn console(dir: &Path, h: &Host, args: &str) -> Tmux {
    let args =
        format!("--config {} --data-dir {} --lang en {args}", h.config.display(), h.data.display());
    Tmux::start(dir, 80, 24, &args, &[])
}

fn journal(h: &Host, id: &str) -> PathBuf {
    h.data.join("incidents").join(id).join("journal.drj")
}

fn events(h: &Host, id: &str) -> Vec<drconsole::incident::Event> {
    drconsole::store::read_events(&journal(h, id)).unwrap().0
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn find_one(uri: &str, coll: &str, filter: Document) -> Option<Document> {
    rt().block_on(async {
        let c = mongodb::Client::with_uri_str(uri).await.unwrap();
        c.database(DATABASE).collection::<Document>(coll).find_one(filter).await.unwrap()
    })
}

fn declare(h: &Host) -> String {
    let o =
        drc(&h.config, &h.data, &["declare", "--type", "database-failure", "--level", "3"], &[]);
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

#[test]
fn a_remote_viewer_follows_the_mirror_and_a_remote_note_reaches_the_owner() {
    let Some(uri) = common::mongodb_uri("a_remote_viewer_follows_the_mirror") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let owner = host(tmp.path(), "host1", Some(&uri));
    let other = host(tmp.path(), "host2", None);
    let id = declare(&owner);

    let a = console(tmp.path(), &owner, &format!("resume {id}"));
    a.wait_text("mirror to ops MongoDB", 15);
    a.keys(&["s"]);
    a.wait_text("started: 启动灾难恢复团队", 5);

    // Host 2 has no journal and no runbook of its own for this incident.
    let v = console(tmp.path(), &other, &format!("view --mongodb {uri} {id}"));
    let s = v.wait_text("chain verified to #", 20);
    assert!(s.starts_with(" VIEW "), "{s}");
    assert!(s.contains("mirror lag"), "{s}");
    v.wait_text("started: 启动灾难恢复团队", 20);

    a.keys(&["d"]);
    let started = Instant::now();
    v.wait_text("done: 启动灾难恢复团队", 20);
    println!("the remote viewer saw the step done within {:?}", started.elapsed());

    let note = drc(
        &other.config,
        &other.data,
        &["note", "--mongodb", &uri, &id, "backup from 03:00 verified on host 2"],
        &[("DRCONSOLE_OPERATOR", "Li Wei")],
    );
    assert!(note.status.success(), "{}", text(&note));
    assert!(text(&note).contains("queued in the inbox"), "{}", text(&note));
    let deadline = Instant::now() + Duration::from_secs(20);
    let remote = loop {
        let found = events(&owner, &id).into_iter().find_map(|e| match e.kind {
            EventKind::RemoteNote { text, remote } => Some((text, remote)),
            _ => None,
        });
        if let Some(f) = found {
            break f;
        }
        assert!(Instant::now() < deadline, "the remote note never reached the owner's journal");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(remote.0, "backup from 03:00 verified on host 2");
    assert_eq!(remote.1.name, "Li Wei");
    a.wait_text("note from Li Wei", 10);
    v.wait_text("note from Li Wei", 20);
    let entry = find_one(&uri, INBOX, doc! { "incident": &id }).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !find_one(&uri, INBOX, doc! { "incident": &id }).unwrap().get_bool("taken").unwrap() {
        assert!(Instant::now() < deadline, "the inbox entry was never marked taken: {entry}");
        std::thread::sleep(Duration::from_millis(100));
    }

    // The owner stops; the viewer ends up with exactly the owner's journal.
    a.keys(&["q", "y"]);
    assert_eq!(a.exit_code(15), 0, "{}", a.screen());
    let entries = drconsole::journal::read_entries(&journal(&owner, &id)).unwrap();
    let head = entries.last().unwrap().hash.clone();
    v.wait_text(&format!("chain verified to #{}", entries.len()), 20);
    v.keys(&["s"]);
    v.wait_text("read-only (view)", 5);
    v.keys(&["q"]);
    assert_eq!(v.exit_code(10), 0, "{}", v.screen());
    let said = v.screen().replace('\n', "");
    assert!(
        said.contains(&format!("{} events, chain checked to head {head}", entries.len())),
        "{said}"
    );
    assert!(!other.data.join("incidents").exists(), "the remote viewer wrote a data folder");
}

#[test]
fn a_mirror_copy_that_breaks_the_chain_is_refused() {
    let Some(uri) = common::mongodb_uri("a_mirror_copy_that_breaks_the_chain") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let owner = host(tmp.path(), "host1", None);
    let other = host(tmp.path(), "host2", None);
    let id = declare(&owner);
    for n in ["first", "second"] {
        let o = drc(&owner.config, &owner.data, &["note", "--incident", &id, n], &[]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let dir = owner.data.join("incidents").join(&id);
    let rt = rt();
    let (task, status) = rt.block_on(async {
        mirror::spawn_incident(uri.clone(), id.clone(), dir, Duration::from_millis(100))
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    rt.block_on(async {
        while status.lock().unwrap().acked < 3 {
            assert!(Instant::now() < deadline, "not mirrored: {:?}", status.lock().unwrap());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    task.abort();

    // A viewer that checked entries 1-3 gets a forged entry 4: it stops there, and says so.
    let v1 = console(tmp.path(), &other, &format!("view --mongodb {uri} {id}"));
    v1.wait_text("chain verified to #3", 20);
    let third = find_one(&uri, COLLECTION, doc! { "_id": format!("{id}/3") }).unwrap();
    let json = third.get_str("line").unwrap().splitn(3, ' ').nth(2).unwrap().trim_end();
    let json = json.replacen(r#"{"seq":3,"#, r#"{"seq":4,"#, 1).replace("second", "third");
    let line4 = format!("{} {:08x} {json}\n", json.len(), crc32fast::hash(json.as_bytes()));
    let mut forged4 = third.clone();
    forged4.insert("_id", format!("{id}/4"));
    forged4.insert("seq", 4i64);
    forged4.insert("line", line4);
    rt.block_on(async {
        let c = mongodb::Client::with_uri_str(&uri).await.unwrap();
        c.database(DATABASE).collection::<Document>(COLLECTION).insert_one(forged4).await.unwrap();
    });
    let s = v1.wait_text("entry 4 fails the hash chain, shown up to entry 3", 20);
    assert!(!s.contains("third"), "the forged entry was shown:\n{s}");
    v1.keys(&["q"]);
    assert_eq!(v1.exit_code(10), 0);

    // Someone with write access to the mirror edits entry 2 and fixes up its checksum.
    let key = format!("{id}/2");
    let doc = find_one(&uri, COLLECTION, doc! { "_id": &key }).unwrap();
    let line = doc.get_str("line").unwrap();
    let json = line.splitn(3, ' ').nth(2).unwrap().trim_end().replace("first", "FIRST");
    let forged = format!("{} {:08x} {json}\n", json.len(), crc32fast::hash(json.as_bytes()));
    rt.block_on(async {
        let c = mongodb::Client::with_uri_str(&uri).await.unwrap();
        let coll = c.database(DATABASE).collection::<Document>(COLLECTION);
        coll.update_one(doc! { "_id": &key }, doc! { "$set": { "line": forged } }).await.unwrap();
    });

    let v = console(tmp.path(), &other, &format!("view --mongodb {uri} {id}"));
    let code = v.exit_code(20);
    let said = v.screen().replace('\n', "");
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("entry 2 fails the hash chain"), "{said}");
}

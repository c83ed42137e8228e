//! kill -9 a process in the middle of appending, many times, and check what survives.
//!
//! The child is this test binary re-executed to run the ignored `appender_child`, with
//! `DRCONSOLE_JOURNAL_CRASH_CHILD` set; it appends entries whose payload is a pure function of
//! their seq and prints `ack <seq>` after each `append` returns. Payload sizes vary up to
//! ~12 KiB so a line spans several pages and a kill can land inside the `write`. What this
//! exercises: SIGKILL at random points (during open, between appends, inside write or
//! fsync). What it cannot exercise: a power cut (lost page cache); the torn-tail cases that
//! only a power cut makes (garbage or zeros) are covered by the unit tests and the proptest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use drconsole::journal::{verify, Journal};
use serde_json::{json, Value};

const CHILD_ENV: &str = "DRCONSOLE_JOURNAL_CRASH_CHILD";
const KILLS: usize = 120;

/// What the child attempts as entry `seq`.
fn payload_for(seq: u64) -> Value {
    let pad = ((seq * 7919) % 12_000) as usize;
    json!({"seq": seq, "kind": "note", "pad": "页".repeat(pad / 3)})
}

/// The appender, started by `kill_9_never_loses_an_acknowledged_entry`.
#[test]
#[ignore = "a child process of kill_9_never_loses_an_acknowledged_entry"]
fn appender_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let mut j = Journal::open(Path::new(&path)).unwrap().journal;
    let mut out = std::io::stdout().lock();
    loop {
        let seq = j.len() + 1;
        let e = j.append(payload_for(seq)).unwrap();
        assert_eq!(e.seq, seq);
        writeln!(out, "ack {seq}").unwrap();
        out.flush().unwrap();
    }
}

/// xorshift64*: enough randomness for kill timing without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn kill_9_never_loses_an_acknowledged_entry() {
    let started = Instant::now();
    let seed =
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    eprintln!("seed {seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join("journal.log");
    drop(Journal::create(&path).unwrap());
    let (mut recoveries_open, mut recoveries_live, mut bytes_cut, mut total_acks) = (0, 0, 0, 0);
    let mut live = Journal::open(&path).unwrap().journal;

    for round in 0..KILLS {
        let mut child = crate::common::child_test(concat!(module_path!(), "::appender_child"))
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut acks = BufReader::new(child.stdout.take().unwrap());
        // Kill after 0..30 acknowledged appends, then 0..2000 µs more, so kills land in open,
        // between appends, and inside write/fsync.
        let wait_for = rng.below(30);
        let mut max_ack = 0u64;
        let mut line = String::new();
        let mut seen = 0;
        while seen < wait_for {
            line.clear();
            if acks.read_line(&mut line).unwrap() == 0 {
                panic!("round {round}: child exited on its own");
            }
            if let Some(n) = line.trim().strip_prefix("ack ") {
                max_ack = n.parse().unwrap();
                seen += 1;
            }
        }
        std::thread::sleep(Duration::from_micros(rng.below(2000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Acks printed before the kill are still in the pipe.
        for l in acks.lines() {
            if let Some(n) = l.unwrap().trim().strip_prefix("ack ") {
                max_ack = n.parse().unwrap();
            }
        }
        total_acks += seen;

        // A handle open the whole time (the console) sees exactly what the child wrote.
        for e in live.poll().unwrap() {
            assert_eq!(e.value(), payload_for(e.seq), "round {round}: polled");
        }
        assert!(live.len() >= max_ack, "round {round}: live handle misses acked entries");

        let appended = if round % 2 == 0 {
            // The live handle appends: under the lock it cuts the dead child's torn tail.
            let before = live.recoveries().len();
            let e = live.append(payload_for(live.len() + 1)).unwrap();
            for r in &live.recoveries()[before..] {
                (recoveries_live, bytes_cut) = (recoveries_live + 1, bytes_cut + r.bytes_cut);
            }
            e
        } else {
            // A fresh open recovers, then appends.
            let opened = Journal::open(&path).unwrap();
            if let Some(r) = &opened.recovery {
                (recoveries_open, bytes_cut) = (recoveries_open + 1, bytes_cut + r.bytes_cut);
            }
            assert!(
                opened.entries.len() as u64 >= max_ack,
                "round {round}: child acknowledged seq {max_ack} but only {} survived",
                opened.entries.len()
            );
            let mut j = opened.journal;
            let e = j.append(payload_for(j.len() + 1)).unwrap();
            drop(j);
            e
        };
        // The recovered journal is an exact prefix of what was attempted, and the append
        // after recovery survives a reopen.
        let again = Journal::open(&path).unwrap();
        assert!(again.recovery.is_none(), "round {round}");
        for (i, e) in again.entries.iter().enumerate() {
            assert_eq!(e.seq, i as u64 + 1, "round {round}");
            assert_eq!(e.value(), payload_for(e.seq), "round {round}: not what was attempted");
        }
        assert_eq!(again.entries.last(), Some(&appended), "round {round}");
    }
    let report = verify(&path);
    assert!(report.is_ok(), "{report:?}");
    eprintln!(
        "{KILLS} kills, {} entries, {total_acks} acks waited for, torn tails cut: \
         {recoveries_open} on open + {recoveries_live} by a live handle ({bytes_cut} bytes), {:?}",
        report.entries,
        started.elapsed()
    );
    assert!(report.entries > 1000, "thousands of events: {}", report.entries);
}

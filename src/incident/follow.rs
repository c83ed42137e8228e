//! An incident followed read-only, for observers (`drconsole view`) and the mirror.
//!
//! A [`Follower`] reads an incident's journal with [`journal::Tail`]: new entries only, from
//! the last offset, through the file the incident folder's pointer names. It never writes:
//! no lock, no session event, no cut of a torn tail. A [`Viewer`] is what a console shows
//! from such a source (this follower on a thread, or the mirror's copy in MongoDB): the same
//! [`Outcome`]s a journal writer reports, so the screen applies them the same way.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::decode;
use super::worker::Outcome;
use super::Event;
use crate::journal::{Line, Tail};
use crate::store::{Store, POINTER_FILE};

/// What identifies one state of the pointer file.
type Stamp = Option<(u64, u64, i64, i64)>;

fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.ino(), m.len(), m.mtime(), m.mtime_nsec()))
}

/// An incident's journal, followed read-only.
pub struct Follower {
    /// The incident folder, whose pointer names the journal file (none for a bare file).
    dir: Option<PathBuf>,
    tail: Tail,
    pointer_seen: Stamp,
    prev: Option<Event>,
}

impl Follower {
    /// The journal of the incident folder `dir`, through its pointer.
    pub fn open_dir(dir: &Path) -> Result<Follower, String> {
        let pointer_seen = stamp(&dir.join(POINTER_FILE));
        let path = Store::journal_path(dir)?;
        let tail = Tail::open(&path).map_err(|e| e.to_string())?;
        Ok(Follower { dir: Some(dir.to_path_buf()), tail, pointer_seen, prev: None })
    }

    /// A journal file on its own (no pointer to follow).
    pub fn open_file(path: &Path) -> Result<Follower, String> {
        let tail = Tail::open(path).map_err(|e| e.to_string())?;
        Ok(Follower { dir: None, tail, pointer_seen: None, prev: None })
    }

    /// Entries appended since the last look, with their lines as written. When the pointer
    /// names another file (another process failed over), the follower continues there.
    pub fn poll_lines(&mut self) -> Result<Vec<Line>, String> {
        let mut out = Vec::new();
        self.poll_each(&mut |l| out.push(l))?;
        Ok(out)
    }

    /// [`Follower::poll_lines`], each line handed over as its chunk is read.
    fn poll_each(&mut self, each: &mut dyn FnMut(Line)) -> Result<(), String> {
        self.tail.poll_each(each).map_err(|e| e.to_string())?;
        if let Some(dir) = &self.dir {
            let now = stamp(&dir.join(POINTER_FILE));
            if now.is_some() && now != self.pointer_seen {
                self.pointer_seen = now;
                let target = Store::journal_path(dir)?;
                if !self.tail.reads(&target) {
                    let newer = self.tail.switch_to(&target).map_err(|e| e.to_string())?;
                    newer.into_iter().for_each(each);
                }
            }
        }
        Ok(())
    }

    /// [`Follower::poll_lines`] as events, decoded as every reader decodes them (a chunk at a
    /// time: the lines of a long journal are never all held); an entry this version cannot
    /// read becomes an unreadable event and a warning.
    pub fn poll(&mut self, warnings: &mut Vec<String>) -> Result<Vec<Event>, String> {
        let mut out = Vec::new();
        let mut prev = self.prev.take();
        let polled = self.poll_each(&mut |l| {
            let d = decode::decode(l.entry.seq, l.entry.payload.as_str(), prev.as_ref());
            warnings.extend(d.warning);
            prev = Some(d.event.clone());
            out.push(d.event);
        });
        self.prev = prev;
        polled.map(|()| out)
    }

    pub fn head(&self) -> &str {
        self.tail.head()
    }

    pub fn last_seq(&self) -> u64 {
        self.tail.last_seq()
    }

    /// The file read now.
    pub fn path(&self) -> &Path {
        self.tail.path()
    }

    /// Why the journal's last bytes are not an entry yet (left as they are), if they are not.
    pub fn unfinished(&self) -> Option<&str> {
        self.tail.unfinished()
    }
}

/// Where a viewer's events come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ViewSource {
    /// The journal on this host.
    #[default]
    Journal,
    /// The operations MongoDB's copy of a journal on another host.
    Mirror,
}

/// What an observer's screen says about its source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewStatus {
    pub source: ViewSource,
    /// Entries received and checked against the hash chain.
    pub verified: u64,
    pub head: String,
    /// The newest event's time.
    pub newest_at: Option<DateTime<Utc>>,
    /// Entries the owner's journal holds beyond those received, as the owner last said.
    pub behind: Option<u64>,
    /// When the owner last said so.
    pub owner_seen: Option<DateTime<Utc>>,
    /// Why following stopped or failed, in plain words.
    pub error: Option<String>,
}

pub type SharedViewStatus = Arc<Mutex<ViewStatus>>;

/// The receiving end: what a console applies, as from a journal writer.
pub struct Viewer {
    pub outcomes: tokio::sync::mpsc::UnboundedReceiver<Outcome>,
    /// Signalled after each outcome, for an event loop to wake on.
    pub wake: Arc<tokio::sync::Notify>,
    pub status: SharedViewStatus,
    stop: Arc<AtomicBool>,
}

/// The sending end, held by whatever follows the source.
#[derive(Clone)]
pub struct Feed {
    tx: tokio::sync::mpsc::UnboundedSender<Outcome>,
    wake: Arc<tokio::sync::Notify>,
    pub status: SharedViewStatus,
    stop: Arc<AtomicBool>,
}

/// A viewer and the feed that fills it.
pub fn channel(source: ViewSource) -> (Viewer, Feed) {
    let (tx, outcomes) = tokio::sync::mpsc::unbounded_channel();
    let wake = Arc::new(tokio::sync::Notify::new());
    let status = Arc::new(Mutex::new(ViewStatus { source, ..ViewStatus::default() }));
    let stop = Arc::new(AtomicBool::new(false));
    let viewer =
        Viewer { outcomes, wake: wake.clone(), status: status.clone(), stop: stop.clone() };
    (viewer, Feed { tx, wake, status, stop })
}

impl Feed {
    /// Hand events (in journal order) to the viewer; false once it is gone.
    pub fn send(&self, events: Vec<Event>, alarm: Option<String>, head: String) -> bool {
        let events = events.into_iter().map(Arc::new).collect();
        let o = Outcome { job: None, result: Ok(()), events, alarm, head: Some(head) };
        let sent = self.tx.send(o).is_ok();
        self.wake.notify_one();
        sent
    }

    /// The viewer was dropped: stop following.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.tx.is_closed()
    }

    pub fn set(&self, f: impl FnOnce(&mut ViewStatus)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }
}

impl Viewer {
    /// Follow `follower` on a thread of its own, looking every `period`.
    pub fn follow(mut follower: Follower, period: Duration) -> Result<Viewer, String> {
        let (viewer, feed) = channel(ViewSource::Journal);
        feed.set(|s| {
            s.verified = follower.last_seq();
            s.head = follower.head().to_string();
        });
        std::thread::Builder::new()
            .name("journal-follower".into())
            .spawn(move || {
                let mut error: Option<String> = None;
                while !feed.stopped() {
                    // An entry this version cannot read shows as such on the timeline.
                    let polled = follower.poll(&mut Vec::new());
                    let (events, now_error) = match polled {
                        Ok(events) => (events, None),
                        Err(e) => (Vec::new(), Some(format!("cannot follow the journal: {e}"))),
                    };
                    let changed = now_error != error;
                    error = now_error;
                    if !events.is_empty() || changed {
                        let newest = events.last().map(|e| e.at);
                        feed.set(|s| {
                            s.verified = follower.last_seq();
                            s.head = follower.head().to_string();
                            s.newest_at = newest.or(s.newest_at);
                            s.error.clone_from(&error);
                        });
                        if !feed.send(events, error.clone(), follower.head().to_string()) {
                            break;
                        }
                    }
                    std::thread::sleep(period);
                }
            })
            .map_err(|e| format!("cannot start the journal follower: {e}"))?;
        Ok(viewer)
    }

    /// Wait up to `limit` for the next outcome (tests, and the quit path).
    pub fn wait(&mut self, limit: Duration) -> Option<Outcome> {
        let deadline = Instant::now() + limit;
        loop {
            match self.outcomes.try_recv() {
                Ok(o) => return Some(o),
                Err(tokio::sync::mpsc::error::TryRecvError::Disconnected) => return None,
                Err(tokio::sync::mpsc::error::TryRecvError::Empty) => {}
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Drop for Viewer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Everything an incident's journal holds now, read-only: its events and the follower that
/// continues from there. Warnings name entries this version cannot read.
pub fn open_incident(dir: &Path) -> Result<(Follower, Vec<Event>, Vec<String>), String> {
    let mut f = Follower::open_dir(dir)?;
    let mut warnings = Vec::new();
    let events = f.poll(&mut warnings)?;
    if let Some(why) = f.unfinished() {
        warnings.push(format!(
            "the journal's last line is unfinished ({why}); it is left as it is (a viewer never \
             writes): either a write in progress, or one cut short that the next writer cuts"
        ));
    }
    Ok((f, events, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use serde_json::json;

    /// Another process failed over to a continuation and switched the pointer: the follower
    /// goes on there, read-only, with nothing lost or repeated.
    #[test]
    fn a_follower_follows_the_pointer_to_a_continuation() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let main = dir.join(crate::store::JOURNAL_FILE);
        let pointer = dir.join(POINTER_FILE);
        let mut j = Journal::create(&main).unwrap();
        crate::journal::create_pointer(&pointer, &main).unwrap();
        j.append(json!({"type": "note", "text": "one"})).unwrap();
        let mut f = Follower::open_dir(dir).unwrap();
        assert_eq!(f.poll_lines().unwrap().len(), 1);

        let cont = dir.join(format!("{}.cont-1", crate::store::JOURNAL_FILE));
        std::fs::copy(&main, &cont).unwrap();
        let mut jc = Journal::open(&cont).unwrap().journal;
        let two = jc.append(json!({"type": "note", "text": "two"})).unwrap();
        // Not followed before the pointer names it.
        assert!(f.poll_lines().unwrap().is_empty());
        crate::journal::create_pointer(&pointer, &cont).unwrap();
        let got: Vec<_> = f.poll_lines().unwrap().into_iter().map(|l| l.entry).collect();
        assert_eq!(got, vec![two]);
        assert_eq!(f.path(), cont.as_path());
        let three = jc.append(json!({"type": "note", "text": "three"})).unwrap();
        let mut warnings = Vec::new();
        let events = f.poll(&mut warnings).unwrap();
        assert_eq!((events.len(), f.head()), (1, three.hash.as_str()));
        assert_eq!(warnings.len(), 1, "a bare note payload is not an event: {warnings:?}");
    }
}

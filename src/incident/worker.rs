//! The journal writer: the console's [`IncidentSession`] on a thread of its own, so that no key
//! ever waits for a lock another process holds or for a slow fsync (NFS home, dying disk).
//!
//! The console sends commands and keeps going; each command is *pending* until the writer
//! says it is durable (or refused, or not saved). Every outcome carries the events the writer
//! applied, in journal order (other processes' entries included), and the console applies the
//! same events to its own copy of the incident: the same pure `apply` over the same events in
//! the same order, so the screen still equals a replay of the journal.

use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::decide::Command;
use super::session::IncidentSession;
use super::sink::SubmitError;
use super::Event;

/// A command's number, to match its outcome.
pub type JobId = u64;

enum Job {
    Submit(JobId, Box<Command>),
    Stop,
}

/// What the writer did: for a command (`job`) or on its own (other writers' entries).
#[derive(Debug)]
pub struct Outcome {
    pub job: Option<JobId>,
    pub result: Result<(), SubmitError>,
    /// Applied by the writer, in journal order: the console applies exactly these (the same
    /// allocations: each event is held once, whoever shows it).
    pub events: Vec<Arc<Event>>,
    pub alarm: Option<String>,
    pub head: Option<String>,
}

/// What the writer is doing now, for the console to name a long wait.
#[derive(Debug, Clone, Default)]
pub struct Busy {
    /// Since when the writer has been inside one append (lock, write, fsync).
    pub since: Option<Instant>,
}

pub struct Worker {
    jobs: std_mpsc::Sender<Job>,
    pub outcomes: tokio::sync::mpsc::UnboundedReceiver<Outcome>,
    /// Signalled after each outcome, for an event loop to wake on.
    pub wake: Arc<tokio::sync::Notify>,
    next: JobId,
    busy: Arc<Mutex<Busy>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Start the writer on `session`; it looks for other writers' entries every `poll`.
    pub fn spawn(mut session: IncidentSession, poll: Duration) -> Result<Worker, String> {
        let (jobs, job_rx) = std_mpsc::channel::<Job>();
        let (out_tx, outcomes) = tokio::sync::mpsc::unbounded_channel();
        let busy = Arc::new(Mutex::new(Busy::default()));
        let busy_w = busy.clone();
        let wake = Arc::new(tokio::sync::Notify::new());
        let wake_w = wake.clone();
        let send = move |o: Outcome| {
            let sent = out_tx.send(o).is_ok();
            wake_w.notify_one();
            sent
        };
        let thread = std::thread::Builder::new()
            .name("journal-writer".into())
            .spawn(move || {
                let mut alarm = session.alarm();
                loop {
                    let job = match job_rx.recv_timeout(poll) {
                        Ok(job) => job,
                        Err(std_mpsc::RecvTimeoutError::Timeout) => {
                            let before = session.incident().events.len();
                            set_busy(&busy_w, true);
                            session.poll();
                            set_busy(&busy_w, false);
                            let events = session.incident().events[before..].to_vec();
                            // A new alarm (the journal deleted under us and rewritten elsewhere)
                            // is news even without events.
                            let now_alarm = session.alarm();
                            if !events.is_empty() || now_alarm != alarm {
                                alarm = now_alarm;
                                send(outcome(&session, None, Ok(()), events));
                            }
                            continue;
                        }
                        Err(std_mpsc::RecvTimeoutError::Disconnected) => break,
                    };
                    let (id, cmd) = match job {
                        Job::Submit(id, cmd) => (id, cmd),
                        Job::Stop => break,
                    };
                    let before = session.incident().events.len();
                    set_busy(&busy_w, true);
                    let result = session.submit(*cmd).map(|_| ());
                    set_busy(&busy_w, false);
                    // Everything applied during the call: others' entries caught up under the
                    // lock, then ours (or only the others', after a refusal).
                    let events = session.incident().events[before..].to_vec();
                    alarm = session.alarm();
                    if !send(outcome(&session, Some(id), result, events)) {
                        break;
                    }
                }
            })
            .map_err(|e| format!("cannot start the journal writer: {e}"))?;
        Ok(Worker { jobs, outcomes, wake, next: 1, busy, thread: Some(thread) })
    }

    /// Queue a command; its outcome comes back with this id.
    pub fn submit(&mut self, cmd: Command) -> Result<JobId, String> {
        let id = self.next;
        self.next += 1;
        self.jobs
            .send(Job::Submit(id, Box::new(cmd)))
            .map_err(|_| "the journal writer has stopped".to_string())?;
        Ok(id)
    }

    /// How long the writer has been inside one append, if it is.
    pub fn busy_for(&self) -> Option<Duration> {
        self.busy.lock().ok().and_then(|b| b.since).map(|s| s.elapsed())
    }

    /// Wait up to `limit` for the next outcome (the console's quit path, and tests).
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

impl Drop for Worker {
    /// Not joined: a writer stuck in an fsync on a dead disk must not hold the exit. What it
    /// had not reported durable was never acknowledged, and a cut line is cut on next open.
    fn drop(&mut self) {
        let _ = self.jobs.send(Job::Stop);
        self.thread.take();
    }
}

fn set_busy(busy: &Mutex<Busy>, on: bool) {
    if let Ok(mut b) = busy.lock() {
        b.since = on.then(Instant::now);
    }
}

fn outcome(
    s: &IncidentSession,
    job: Option<JobId>,
    result: Result<(), SubmitError>,
    events: Vec<Arc<Event>>,
) -> Outcome {
    Outcome { job, result, events, alarm: s.alarm(), head: s.head() }
}

/// The process holding an `flock` on the file with this inode, from `/proc/locks`, to name
/// on screen who keeps the journal locked.
pub fn lock_holder(path: &std::path::Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let ino = std::fs::metadata(path).ok()?.ino();
    let me = std::process::id();
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    // "1: FLOCK  ADVISORY  WRITE 12345 08:01:123456 0 EOF"
    locks.lines().find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let pid: u32 = f.get(4)?.parse().ok()?;
        let file_ino: u64 = f.get(5)?.rsplit(':').next()?.parse().ok()?;
        (f.get(1) == Some(&"FLOCK") && file_ino == ino && pid != me).then_some(pid)
    })
}

//! The incident the console works: what is durable of it, and the writer that makes commands
//! durable off the UI task.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::incident::session::IncidentSession;
use crate::incident::worker::{lock_holder, JobId, Worker};
use crate::incident::Incident;
use crate::runbook::model::Lang;

/// How often the writer looks for other processes' entries.
const POLL: Duration = Duration::from_millis(500);
/// A writer inside one append longer than this is named on screen.
const SLOW: Duration = Duration::from_secs(3);

/// What the console does once a command is durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    Nothing,
    /// Say "saved".
    Saved,
    /// Say "saved" and move to the step to look at next.
    SavedAdvance,
    /// The clock's breaches and reminders: say so when a reminder was journaled.
    Tick,
}

pub struct Live {
    /// The replay of every entry the writer has reported, in journal order.
    pub inc: Incident,
    pub worker: Worker,
    pub pending: BTreeMap<JobId, After>,
    pub head: Option<String>,
    journal: Option<std::path::PathBuf>,
}

impl Live {
    pub fn start(session: IncidentSession) -> Result<Live, String> {
        let inc = session.incident().clone();
        let head = session.head();
        let journal = session.journal_path();
        let worker = Worker::spawn(session, POLL)?;
        Ok(Live { inc, worker, pending: BTreeMap::new(), head, journal })
    }

    /// A line for the banner while one append takes too long: waiting for another process's
    /// lock (named with its pid when the kernel says), or for the disk.
    pub fn busy_line(&self, lang: Lang) -> Option<String> {
        let waited = self.worker.busy_for().filter(|d| *d >= SLOW)?.as_secs();
        let holder = self.journal.as_deref().and_then(lock_holder);
        let zh = lang == Lang::Zh;
        Some(match (holder, zh) {
            (Some(pid), true) => {
                format!("日志被进程 {pid} 锁定,已等待 {waited}s;操作排队中,未丢失")
            }
            (Some(pid), false) => format!(
                "journal locked by pid {pid} for {waited}s; your actions are queued, not lost"
            ),
            (None, true) => format!("日志写入已等待 {waited}s(磁盘慢?);操作排队中,未丢失"),
            (None, false) => {
                format!("journal write waiting {waited}s (slow disk?); your actions are queued")
            }
        })
    }
}

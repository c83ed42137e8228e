//! The incident the console works: what is durable of it, and the writer that makes commands
//! durable off the UI task, or, for an observer, the read-only source it follows.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::incident::follow::Viewer;
use crate::incident::session::IncidentSession;
use crate::incident::worker::{lock_holder, JobId, Outcome, Worker};
use crate::incident::Incident;
use crate::runbook::model::Lang;

/// How often the writer looks for other processes' entries.
const POLL: Duration = Duration::from_millis(500);
/// A writer inside one append longer than this is named on screen.
const SLOW: Duration = Duration::from_secs(3);

/// What the console does once a command is durable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    Nothing,
    /// Say "saved".
    Saved,
    /// The clock's breaches and reminders: say so when a reminder was journaled.
    Tick,
    /// A note from the operations MongoDB's inbox (its entry's id): mark the entry taken.
    Inbox(String),
}

/// Where the incident's events come from.
pub enum Source {
    /// This console's journal writer: it appends, and reports other processes' entries.
    Writer(Worker),
    /// Read-only: another console's journal, followed; nothing is ever written.
    View(Viewer),
}

pub struct Live {
    /// The replay of every entry the source has reported, in journal order.
    pub inc: Incident,
    pub source: Source,
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
        Ok(Live { inc, source: Source::Writer(worker), pending: BTreeMap::new(), head, journal })
    }

    /// An observer's copy of `inc`, kept up to date by `viewer`.
    pub fn view(inc: Incident, viewer: Viewer, head: Option<String>) -> Live {
        Live { inc, source: Source::View(viewer), pending: BTreeMap::new(), head, journal: None }
    }

    /// The journal file the incident's entries are in, when this console knows it.
    pub fn journal(&self) -> Option<&std::path::Path> {
        self.journal.as_deref()
    }

    /// An observer of a journal on this host: where that journal is.
    pub fn set_journal(&mut self, path: std::path::PathBuf) {
        self.journal = Some(path);
    }

    pub fn read_only(&self) -> bool {
        matches!(self.source, Source::View(_))
    }

    /// Queue a command with the writer; an observer has none.
    pub fn submit(&mut self, cmd: crate::incident::decide::Command) -> Result<JobId, String> {
        match &mut self.source {
            Source::Writer(w) => w.submit(cmd),
            Source::View(_) => Err("read-only (view)".to_string()),
        }
    }

    /// Signalled when the source has an outcome.
    pub fn wake(&self) -> std::sync::Arc<tokio::sync::Notify> {
        match &self.source {
            Source::Writer(w) => w.wake.clone(),
            Source::View(v) => v.wake.clone(),
        }
    }

    /// The next finished outcome, without waiting.
    pub fn try_outcome(&mut self) -> Option<Outcome> {
        match &mut self.source {
            Source::Writer(w) => w.outcomes.try_recv().ok(),
            Source::View(v) => v.outcomes.try_recv().ok(),
        }
    }

    /// Wait up to `limit` for the next outcome.
    pub fn wait(&mut self, limit: Duration) -> Option<Outcome> {
        match &mut self.source {
            Source::Writer(w) => w.wait(limit),
            Source::View(v) => v.wait(limit),
        }
    }

    /// What an observer's source says about itself.
    pub fn view_status(&self) -> Option<crate::incident::follow::ViewStatus> {
        match &self.source {
            Source::View(v) => v.status.lock().ok().map(|s| s.clone()),
            Source::Writer(_) => None,
        }
    }

    /// A line for the banner while one append takes too long: waiting for another process's
    /// lock (named with its pid when the kernel says), or for the disk.
    pub fn busy_line(&self, lang: Lang) -> Option<String> {
        let Source::Writer(worker) = &self.source else { return None };
        let waited = worker.busy_for().filter(|d| *d >= SLOW)?.as_secs();
        let holder = self.journal.as_deref().and_then(lock_holder);
        let m = crate::i18n::messages(lang);
        let secs = waited.to_string();
        Some(match holder {
            Some(pid) => {
                crate::i18n::fill(m.journal_locked, &[("pid", &pid.to_string()), ("secs", &secs)])
            }
            None => crate::i18n::fill(m.journal_slow, &[("secs", &secs)]),
        })
    }
}

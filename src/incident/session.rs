//! One incident being worked: its state and its journal, kept equal to a replay of the journal.
//!
//! Every change goes decide → append → apply, and every entry is applied in the order the
//! journal holds it: the entries other processes wrote before ours first, then ours. So the
//! invariant `Incident::replay(journal) == session.incident()` holds after every call.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::decide::{decide, Command, Refusal};
use super::sink::{EventSink, SubmitError};
use super::state::{apply, apply_shared};
use super::{Declaration, Event, EventKind, Incident, Stamper};
use crate::runbook::Loaded;

pub struct IncidentSession {
    inc: Incident,
    sink: Box<dyn EventSink>,
    stamper: Stamper,
    loaded: Arc<Loaded>,
}

impl IncidentSession {
    /// Make a declaration durable and start working it.
    pub fn declare(
        loaded: Arc<Loaded>,
        mut sink: Box<dyn EventSink>,
        stamper: Stamper,
        decl: Declaration,
    ) -> Result<IncidentSession, String> {
        if loaded.runbook.track_for(&decl.disaster_type, decl.level).is_none() {
            return Err("the declaration names a level this runbook does not define".into());
        }
        let ev = stamper.stamp(EventKind::Declared(Box::new(decl)));
        let mut first = None;
        let written = sink.transact(&mut |foreign| {
            first = foreign.into_iter().next();
            Ok(vec![ev.clone()])
        });
        let written = written.map_err(|e| match e {
            SubmitError::NotSaved(e) => e,
            SubmitError::Refused(r) => r.message(loaded.runbook.plan.language),
        })?;
        if first.is_some() {
            return Err("the new incident's journal was not empty".into());
        }
        let inc = written
            .first()
            .and_then(|ev| Incident::from_declared(&loaded.runbook, ev))
            .ok_or("the declaration names a level this runbook does not define")?;
        Ok(IncidentSession { inc, sink, stamper, loaded })
    }

    /// Continue an incident from the events its journal holds.
    pub fn resume<E: Into<Arc<Event>>>(
        loaded: Arc<Loaded>,
        sink: Box<dyn EventSink>,
        stamper: Stamper,
        events: Vec<E>,
    ) -> Result<IncidentSession, String> {
        let inc = Incident::replay_owned(&loaded.runbook, events)
            .ok_or("the journal does not start with a declaration this runbook understands")?;
        Ok(Self::continued(loaded, sink, stamper, inc))
    }

    /// Continue `inc`, already replayed from the journal `sink` appends to.
    pub fn continued(
        loaded: Arc<Loaded>,
        sink: Box<dyn EventSink>,
        stamper: Stamper,
        inc: Incident,
    ) -> IncidentSession {
        IncidentSession { inc, sink, stamper, loaded }
    }

    /// The runbook the incident was declared with.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    pub fn incident(&self) -> &Incident {
        &self.inc
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.stamper.clock.now()
    }

    /// Whether `cmd` would be allowed now, on what this session knows, without writing.
    pub fn check(&self, cmd: &Command) -> Result<(), Refusal> {
        decide(&self.inc, &self.loaded.runbook, cmd, self.now()).map(|_| ())
    }

    /// Decide `cmd` on the incident as the journal has it (other writers' entries included),
    /// append what it produces, and apply everything in journal order. Returns the events
    /// written (none for a tick with nothing due).
    pub fn submit(&mut self, cmd: Command) -> Result<Vec<Event>, SubmitError> {
        let rb = &self.loaded.runbook;
        let inc = &mut self.inc;
        let stamper = &self.stamper;
        let written = self.sink.transact(&mut |foreign| {
            for ev in foreign {
                apply_shared(inc, rb, Arc::new(ev));
            }
            let now = stamper.clock.now();
            let kinds = decide(inc, rb, &cmd, now)?;
            Ok(kinds.into_iter().map(|k| stamper.stamp(k)).collect())
        })?;
        for ev in &written {
            apply(&mut self.inc, rb, ev);
        }
        Ok(written)
    }

    /// Apply what other processes appended since the last look; how many events that was.
    pub fn poll(&mut self) -> usize {
        let foreign = self.sink.poll_foreign();
        let n = foreign.len();
        for ev in foreign {
            apply_shared(&mut self.inc, &self.loaded.runbook, Arc::new(ev));
        }
        n
    }

    pub fn alarm(&self) -> Option<String> {
        self.sink.alarm()
    }

    pub fn head(&self) -> Option<String> {
        self.sink.head()
    }

    /// The journal file written now (it changes after a fail-over).
    pub fn journal_path(&self) -> Option<std::path::PathBuf> {
        self.sink.path()
    }
}

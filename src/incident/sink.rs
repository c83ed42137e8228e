//! Where events become durable before they are applied and shown.

use super::decide::Refusal;
use super::{Declaration, Event};

/// Why a command left no trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitError {
    /// The rules said no; nothing was written.
    Refused(Refusal),
    /// The events could not be made durable; nothing was applied.
    NotSaved(String),
}

/// Decides, under the sink's lock, what to append given the events other writers appended
/// first (in journal order).
pub type Decider<'a> = dyn FnMut(Vec<Event>) -> Result<Vec<Event>, Refusal> + 'a;

pub trait EventSink: Send {
    /// Under the journal's lock: reads what other processes appended since the last look, hands
    /// those events to `decide` in journal order, and makes the events it returns durable.
    /// Returns them as a later replay will read them (decoded from their journal lines).
    fn transact(&mut self, decide: &mut Decider<'_>) -> Result<Vec<Event>, SubmitError>;
    /// Events other processes appended since the last look, in journal order.
    fn poll_foreign(&mut self) -> Vec<Event> {
        Vec::new()
    }
    /// A standing alarm, e.g. the journal had to switch to a fresh file.
    fn alarm(&self) -> Option<String> {
        None
    }
    /// Hash of the newest durable event, for pasting into a ticket.
    fn head(&self) -> Option<String> {
        None
    }
    /// The file the events go to, if they go to one.
    fn path(&self) -> Option<std::path::PathBuf> {
        None
    }
}

/// Opens the sink of a newly declared incident.
pub type SinkFactory = Box<dyn FnMut(&Declaration) -> Result<Box<dyn EventSink>, String> + Send>;

/// Keeps events in memory only: for tests and examples.
#[derive(Default, Clone)]
pub struct MemorySink {
    pub events: std::sync::Arc<std::sync::Mutex<Vec<Event>>>,
}

impl EventSink for MemorySink {
    fn transact(&mut self, decide: &mut Decider<'_>) -> Result<Vec<Event>, SubmitError> {
        let evs = decide(Vec::new()).map_err(SubmitError::Refused)?;
        let mut all =
            self.events.lock().map_err(|_| SubmitError::NotSaved("memory sink poisoned".into()))?;
        all.extend(evs.iter().cloned());
        Ok(evs)
    }
}

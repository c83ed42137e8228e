//! Where events go to become durable before they are applied and shown.

use crate::incident::{Declaration, Event};

pub trait EventSink: Send {
    /// Make the event durable. `Err` carries a plain-words reason; the event was not saved.
    fn append(&mut self, ev: &Event) -> Result<(), String>;
    /// Events other processes appended to the same incident since the last call.
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
}

/// Opens the sink of a newly declared incident.
pub type SinkFactory = Box<dyn FnMut(&Declaration) -> Result<Box<dyn EventSink>, String> + Send>;

/// Keeps events in memory only: for tests and for `--no-journal` style use in examples.
#[derive(Default, Clone)]
pub struct MemorySink {
    pub events: std::sync::Arc<std::sync::Mutex<Vec<Event>>>,
}

impl EventSink for MemorySink {
    fn append(&mut self, ev: &Event) -> Result<(), String> {
        self.events.lock().map_err(|_| "memory sink poisoned".to_string())?.push(ev.clone());
        Ok(())
    }
}

//! The incident: events, the state they build, clocks and timer arithmetic.

pub mod clock;
pub mod decide;
pub mod decode;
pub mod describe;
pub mod event;
pub mod follow;
pub mod operator;
pub mod presence;
pub mod response;
pub mod session;
pub mod sink;
pub mod state;
pub mod timers;
pub mod waits;
pub mod worker;

pub use event::{Actor, Declaration, DrillInfo, Event, EventKind, RemoteAuthor, TeamMember};
pub use state::{apply, apply_shared, Incident, StepState, StepStatus};

use clock::Clock;

/// Stamps event kinds with time and operator.
#[derive(Clone)]
pub struct Stamper {
    pub clock: std::sync::Arc<dyn Clock>,
    pub actor: Actor,
}

impl Stamper {
    pub fn stamp(&self, kind: EventKind) -> Event {
        Event {
            at: self.clock.now(),
            wall: chrono::Utc::now(),
            mono_ms: self.clock.mono_ms(),
            who: self.actor.clone().into(),
            resource: kind.resource().map(str::to_string),
            success: !kind.is_failure(),
            kind,
        }
    }
}

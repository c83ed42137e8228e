//! Tabletop drills (§6): a scenario drives the same console on a fast, pausable game clock.
//! Health comes only from the scenario's injects; nothing touches the network.

pub mod builtin;
pub mod clock;
pub mod facilitator;
pub mod scenario;
pub mod scorecard;
pub mod scorecard_html;
pub mod session;

pub use clock::GameClock;
pub use scenario::LoadedScenario;
pub use session::Session;

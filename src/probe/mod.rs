//! Service health probes: one long-lived prober per service, a debouncer that turns attempts
//! into a steady state, and a scheduler that runs each service in its own task.
//!
//! Nothing here mutates incident state: the console receives [`ProbeUpdate`]s over a channel
//! and turns transitions into journal events itself.

mod attempt;
mod command;
mod debounce;
mod health;
mod http;
mod mongodb;
mod monitor;
mod resolve;
mod scheduler;
mod scrub;
mod tcp;
mod words;

/// The most a probe keeps of what a peer or a program sends (a command's stdout and stderr, an
/// HTTP body): a probe needs a first line or a short needle, and an endless stream (`yes`, a
/// misbehaving server) must not grow memory. The rest is read and discarded, or not read.
pub const OUTPUT_LIMIT: usize = 64 * 1024;

pub use attempt::Attempt;
pub use debounce::{Debouncer, DEFAULT_FALL, DEFAULT_RISE};
pub use health::{host_cut_off, Health, ProbeUpdate, ServiceStatus, Transition, HISTORY_LEN};
pub use resolve::{merge_overrides, resolve, ResolvedService};
pub use scheduler::{probe_once, spawn, Monitors, ProbeSet};
pub use scrub::scrub;
pub use words::format_latency;

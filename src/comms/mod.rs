//! Communications of §7: the internal notification stages (7.1), the external message
//! templates (7.2), the stakeholder status-update cadence of each level (§5.2), and the ways a
//! filled message leaves the console (OSC 52 clipboard, a file).
//!
//! Everything here is a pure function of the incident and the runbook, except `osc52::in_tmux`,
//! `osc52::save_to_file` and `tmux_buffer`; the console and `drconsole comms` journal the events.

pub mod cadence;
pub mod fill;
pub mod log;
pub mod osc52;
pub mod stages;
pub mod status_update;
pub mod tmux_buffer;

pub use cadence::{reminders_due, update_status, UpdateStatus};
pub use fill::{fill, Filled};
pub use log::{CommsLog, SentMessage, SentNotification};
pub use osc52::{osc52, osc52_for, osc52_for_terminal, osc52_tmux, save_to_file};
pub use stages::{due_stages, notified, stage_statuses, StageState, StageStatus};

#[cfg(test)]
mod tests;

//! The `cli` test binary: one module per topic, sharing `tests/common`.
//! A new test file joins by a `mod` line here (see tests/README.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod bad_runbooks;
mod broken_pipe;
mod comms;
mod completions_man;
mod doctor;
mod hostile_text;
mod incident;
mod log_file;
mod never_panic;
mod runbook_v2;
mod runbooks;
mod secrets;
mod skips;
mod status;

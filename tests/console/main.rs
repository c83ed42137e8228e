//! The `console` test binary: one module per topic, sharing `tests/common`.
//! A new test file joins by a `mod` line here (see tests/README.md).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod alt_chords;
mod comms;
mod copy;
mod e2e;
mod guard_rails;
mod keymap;
mod keys;
mod layout;
mod no_english_in_zh;
mod probes;
mod reading;
mod saas_commands;
mod saas_incident;
mod saas_waits;
mod snapshots;
mod terminal_loss;
mod which_incident;
mod wide_graphemes;

//! drconsole: a full-screen terminal console that guides a disaster recovery.
//!
//! The library holds everything; `main.rs` only parses arguments and maps errors to exit codes,
//! so that tests can drive every part without a terminal.

// Printing goes through `out` (`outln!`, `out!`, `errln!`): safe text, no panic on a closed
// pipe or a lost terminal.
#![deny(clippy::print_stdout, clippy::print_stderr)]
// System calls go through rustix (or std); the one C-library lookup, the user database, through
// nix. The benchmarks, outside the library, keep theirs, each with its `// SAFETY:` comment.
#![forbid(unsafe_code)]

#[macro_use]
pub mod out;

pub mod app;
pub mod cli;
pub mod cmd;
pub mod comms;
pub mod complete;
pub mod config;
pub mod doctor;
pub mod drill;
pub mod files;
pub mod i18n;
pub mod incident;
pub mod journal;
pub mod log;
pub mod mirror;
pub mod probe;
pub mod record;
pub mod runbook;
pub mod safe_text;
pub mod store;
pub mod target;
pub mod theme;
pub mod ui;

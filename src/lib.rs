//! drconsole: a full-screen terminal console that guides a disaster recovery.
//!
//! The library holds everything; `main.rs` only parses arguments and maps errors to exit codes,
//! so that tests can drive every part without a terminal.
//!
//! # Module map
//!
//! One line per module: what it owns; what it may import from this crate (besides the leaf
//! modules `out`, `safe_text`, `target`, `files`, `i18n`, which anything may use). Lower lines
//! never import higher ones, except where marked *(debt)*. Keep this true when adding an import.
//!
//! - `safe_text`: the one sanitizer for text leaving the program. Imports nothing.
//! - `target`: `${env:NAME}` references and credential redaction. Imports nothing.
//! - `out`: every byte printed (`outln!`, `errln!`). Imports `safe_text`.
//! - `files`: bounded reads of regular files a user names. Imports `journal` (atomic write).
//! - `journal`: the append-only, hash-chained journal file: framing, locking, tail, verify,
//!   fail-over. Imports `files`.
//! - `log`: the log file. Imports `journal`.
//! - `runbook`: the DR plan as data: model, loading, validation. Imports `files`, `target`.
//! - `config`, `theme`, `i18n`: settings, colours, the console's own words. Import `runbook`.
//! - `probe`: health probes, `Health`, debouncing, the probe set (which owns its HTTP clients).
//!   Imports `runbook`, `files`, `target`.
//! - `incident`: events, `apply`, `decide`, clocks, timers, `EventSink`, the session that
//!   appends and applies in journal order. Imports `journal`, `runbook`, `probe` (`Health`),
//!   `comms` (the comms log is part of the state) and `store` (journal paths) *(debt: both
//!   import `incident` back)*.
//! - `comms`: notification stages, message templates, update cadence, copy and send. Imports
//!   `incident`, `journal`, `runbook`.
//! - `store`: the data folder: incidents, journal paths, record files. Imports `incident`,
//!   `journal`, `record`, `runbook`.
//! - `record`: response record, report, chart; pure renderings of an incident. Imports
//!   `incident`, `probe` (`Health`), `runbook`, `ui::text`.
//! - `mirror`: the journal mirrored into an operations MongoDB, and remote observers. Imports
//!   `incident`, `journal`, `runbook`, `store`.
//! - `keymap`: the one key table: bindings per pane and scope, the help rows and footer hints
//!   drawn from it. Imports `runbook`, and `ui` for `Pane` and text width *(debt: `ui` draws
//!   the help and footer from this table, so the two import each other's leaf types)*.
//! - `ui`: pure render functions of (runbook, incident, view state, theme, now). Imports
//!   `incident`, `probe`, `comms`, `mirror` (`MirrorStatus`), `runbook`, `theme`, `keymap`.
//! - `drill`: scenarios, the game clock, scoring, scorecards and the facilitator's sheets.
//!   Imports `incident`, `journal`, `probe`, `record`, `runbook`, `ui` (view types). The
//!   scorecard writer is a function of the incident and the drill (`ScoreInput`) that `cmd::drill`
//!   gives the console; the console's drill keys live in `app::drill`.
//! - `app`: the console's state, keys and loop (its drill keys in `app::drill`). Imports
//!   everything above except `cmd`.
//! - `doctor`: host checks. Imports `config`, `journal`, `log`, `probe`, `runbook`, `store`,
//!   `ui`, and `cmd::exit` (exit codes).
//! - `cli`, `complete`: clap definitions and shell completion. Import `incident`, `runbook`,
//!   `config`, `drill`, `store`, `theme`.
//! - `cmd`: one module per subcommand; the only layer that wires the others together. May
//!   import anything.

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
pub mod duration_text;
pub mod files;
pub mod i18n;
pub mod incident;
pub mod journal;
pub mod keymap;
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

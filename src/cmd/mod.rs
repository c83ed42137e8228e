//! One module per subcommand. Each returns the process exit code.

pub mod check;
pub mod comms;
pub mod completions;
pub mod console;
pub mod doctor;
pub mod drill;
pub mod due;
pub mod incident;
pub mod man;
pub mod show;
pub mod status;
pub mod view;

/// Exit codes shared by every subcommand.
pub mod exit {
    pub const OK: i32 = 0;
    /// A check found something wrong (e.g. a service DOWN in `status`).
    pub const FAILED: i32 = 1;
    /// Bad usage, bad input file or configuration.
    pub const USAGE: i32 = 2;
}

use crate::runbook::source::Diagnostic;

/// Print located problems to stderr, one per line.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        errln!("error: {d}");
    }
}

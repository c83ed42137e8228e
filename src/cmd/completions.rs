//! `drconsole completions SHELL`: the completion script for a shell, on stdout.

use super::exit;
use crate::complete::{self, Shell};

pub fn run(shell: Shell) -> i32 {
    let mut out = std::io::stdout().lock();
    match complete::write_script(shell, &complete::completer_path(), &mut out) {
        Ok(()) => exit::OK,
        Err(e) => {
            errln!("error: cannot write the completion script: {e}");
            exit::FAILED
        }
    }
}

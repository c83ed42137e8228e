//! `drconsole man [SUBCOMMAND] [--out DIR]`: manual pages from the command-line definitions,
//! so they never disagree with `--help`.

use std::path::Path;

use clap::CommandFactory;

use super::exit;
use crate::cli::Cli;

fn fail(msg: impl std::fmt::Display) -> i32 {
    errln!("error: {msg}");
    exit::USAGE
}

/// The command tree with every subcommand's display name set (`drconsole-status`), as the
/// pages name themselves.
fn command() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

pub fn run(out: Option<&Path>, page: Option<&str>) -> i32 {
    let cmd = command();
    if let Some(dir) = out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            return fail(format!("cannot create {}: {e}", dir.display()));
        }
        let mut written = 0;
        return match write_pages(&cmd, dir, &mut written) {
            Ok(()) => {
                errln!("wrote {written} manual pages to {}", dir.display());
                exit::OK
            }
            Err(e) => fail(format!("cannot write the manual pages to {}: {e}", dir.display())),
        };
    }
    let target = match page {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set())
                    .map(|s| s.get_name())
                    .collect();
                return fail(format!("no subcommand '{name}'; one of: {}", names.join(", ")));
            }
        },
    };
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(target).render(&mut buf) {
        return fail(format!("cannot render the manual page: {e}"));
    }
    use std::io::Write;
    match std::io::stdout().lock().write_all(&buf) {
        Ok(()) => exit::OK,
        Err(e) => fail(format!("cannot write the manual page: {e}")),
    }
}

/// `<name>.1` for the command and each of its subcommands, recursively; clap's own `help`
/// subcommand gets no page of its own.
fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut usize) -> std::io::Result<()> {
    let name = cmd.get_display_name().unwrap_or(cmd.get_name());
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    // Manual pages are for every user of the host: plain files under the umask.
    std::fs::write(dir.join(format!("{name}.1")), buf)?;
    *written += 1;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

//! Command-line interface: global flags and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "drconsole",
    version,
    about = "A full-screen terminal console that guides a disaster recovery",
    long_about = "drconsole guides an incident commander through the disaster-recovery plan of a \
                  shopping system: live service health, the recovery steps, RTO countdowns and a \
                  crash-safe response record. With no subcommand it opens the full-screen console \
                  on the built-in runbook."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Runbook file (default: the built-in shopping-system runbook, in Chinese).
    #[arg(long, global = true, value_name = "FILE")]
    pub runbook: Option<PathBuf>,
    /// Folder holding incident journals and records [env: DRCONSOLE_DATA].
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Config file [env: DRCONSOLE_CONFIG].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// UI language (default: the runbook's language).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// Probe target of a service, overriding the runbook and the config's [targets]
    /// (repeatable), e.g. --target mongodb=mongodb://127.0.0.1:27017/shop.
    #[arg(long = "target", global = true, value_name = "ID=URL")]
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

impl From<LangArg> for crate::runbook::model::Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Zh => Self::Zh,
            LangArg::En => Self::En,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate runbook files (the built-in one when none is given).
    Check {
        /// Files to check.
        files: Vec<PathBuf>,
    },
    /// Probe every service once and print its health; exit 0 when all are UP, 1 when any is
    /// not, 2 on a usage or configuration error.
    Status {
        /// Print a JSON document instead of a table (one compact line per round with --watch).
        #[arg(long)]
        json: bool,
        /// Probe again every N seconds until interrupted.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        watch: Option<u64>,
    },
    /// Show the runbook.
    Runbook {
        #[command(subcommand)]
        action: RunbookAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum RunbookAction {
    /// Print a readable outline: levels, functions and their RTOs, services, roles, steps.
    Show,
}

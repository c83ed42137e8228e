//! Command-line interface: global flags and subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use crate::complete;

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
    /// Colour theme: dark, light, high-contrast, mono, or a file in the user's theme folder.
    /// NO_COLOR forces mono.
    #[arg(long, global = true, value_name = "NAME", add = ArgValueCompleter::new(complete::themes))]
    pub theme: Option<String>,
    /// Probe target of a service, overriding the runbook and the config's [targets]
    /// (repeatable), e.g. --target mongodb=mongodb://127.0.0.1:27017/shop.
    #[arg(
        long = "target",
        global = true,
        value_name = "ID=URL",
        add = ArgValueCompleter::new(complete::target_ids)
    )]
    pub targets: Vec<String>,
    /// How much goes to the log file <data>/logs/drconsole.log: off, error, warn, info, debug
    /// or trace [env: DRCONSOLE_LOG; default: info].
    #[arg(long, global = true, value_name = "LEVEL", value_parser = ["off", "error", "warn", "info", "debug", "trace"])]
    pub log_level: Option<String>,
    /// Your name, on every event you make and in the record (default: DRCONSOLE_OPERATOR, the
    /// config's `operator`, then the login).
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub operator: Option<String>,
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
    /// Validate runbook or drill scenario files (the built-in runbook when none is given).
    /// A file with a top-level [scenario] table is checked as a scenario.
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
    /// Declare an incident without the full screen (for automation and alert hooks); prints
    /// the incident id.
    Declare {
        /// Disaster type id (see `drconsole runbook show`).
        #[arg(long = "type", value_name = "ID", add = ArgValueCompleter::new(complete::disaster_types))]
        disaster_type: String,
        /// Impact level (1 routine maintenance, 2 partial DR, 3 full DR), or a format 2
        /// runbook's severity label (P0).
        #[arg(long, add = ArgValueCompleter::new(complete::levels))]
        level: String,
        /// Affected business function ids, comma-separated (default for a full DR: all).
        #[arg(long, value_delimiter = ',', value_name = "A,B", add = ArgValueCompleter::new(complete::functions))]
        functions: Vec<String>,
        /// Who reports it (default: the user name).
        #[arg(long, value_name = "NAME")]
        reporter: Option<String>,
        /// DR coordinator (default: the runbook's coordinator).
        #[arg(long, value_name = "NAME")]
        coordinator: Option<String>,
        /// When the outage began: HH:MM, "YYYY-MM-DD HH:MM" (local) or RFC 3339 (default: now).
        #[arg(long, value_name = "TIME")]
        began_at: Option<String>,
        /// Accept a T0 more than 30 days ago (refused by default: nearly always a typo).
        #[arg(long)]
        force: bool,
    },
    /// Append a note to an incident from any shell on the host; `-` reads it from stdin
    /// (for alert hooks; at most 1 MiB).
    Note {
        /// Incident id or a unique prefix (default: the latest open incident).
        #[arg(long, value_name = "ID", add = ArgValueCompleter::new(complete::incident_ids))]
        incident: Option<String>,
        /// From another host: put the note into the operations MongoDB's inbox, for the
        /// console that mirrors the incident to journal (`note --mongodb URI ID TEXT`).
        #[arg(long, value_name = "URI")]
        mongodb: Option<String>,
        /// The note.
        #[arg(required = true, num_args = 1.., value_name = "TEXT")]
        text: Vec<String>,
    },
    /// Correct an incident: every correction is an event with its reason, never an edit.
    Correct {
        /// Incident id or a unique prefix (default: the latest open incident).
        #[arg(long, value_name = "ID", global = true, add = ArgValueCompleter::new(complete::incident_ids))]
        incident: Option<String>,
        #[command(subcommand)]
        what: Correction,
    },
    /// Withdraw an incident declared in error: it leaves the open set; its record says so.
    Withdraw {
        /// Incident id or a unique prefix (default: the latest open incident).
        #[arg(long, value_name = "ID", add = ArgValueCompleter::new(complete::incident_ids))]
        incident: Option<String>,
        /// Why (goes on the timeline and into the record).
        #[arg(long, required = true)]
        reason: String,
    },
    /// Hand command of an incident over to someone: journaled with both names, shown in every
    /// console's header, and in the record's team section.
    Handover {
        /// Incident id or a unique prefix (default: the pinned or only open incident).
        #[arg(long, value_name = "ID", add = ArgValueCompleter::new(complete::incident_ids))]
        incident: Option<String>,
        /// The new incident commander.
        #[arg(value_name = "NAME")]
        to: String,
    },
    /// Give a step to someone other than the runbook's role holder.
    Assign {
        /// Incident id or a unique prefix (default: the pinned or only open incident).
        #[arg(long, value_name = "ID", add = ArgValueCompleter::new(complete::incident_ids))]
        incident: Option<String>,
        /// The step id (see `drconsole runbook show`).
        step: String,
        /// Who owns it now.
        #[arg(value_name = "NAME")]
        owner: String,
    },
    /// Pin the incident that commands without an id mean, for this user (DRCONSOLE_INCIDENT
    /// does the same for one shell); with no ID, print the pinned one.
    Use {
        /// Incident id or a unique prefix.
        #[arg(add = ArgValueCompleter::new(complete::incident_ids))]
        id: Option<String>,
        /// Unpin.
        #[arg(long, conflicts_with = "id")]
        clear: bool,
    },
    /// Reopen an unfinished incident in the console (default: the only open one, or the
    /// pinned one; with several open it lists them and asks for an id). A closed or withdrawn
    /// incident opens read-only, as with `view`.
    Resume {
        #[arg(add = ArgValueCompleter::new(complete::incident_ids))]
        id: Option<String>,
    },
    /// Watch an incident read-only: the console's screen, following the journal live, writing
    /// nothing. With --mongodb, from another host through the operations MongoDB's mirror,
    /// every entry checked against the hash chain.
    View {
        /// Incident id or a unique prefix (default: the latest open incident, else the newest);
        /// required with --mongodb.
        #[arg(add = ArgValueCompleter::new(complete::incident_ids))]
        id: Option<String>,
        /// Follow the incident's mirror in this MongoDB instead of a local journal.
        #[arg(long, value_name = "URI")]
        mongodb: Option<String>,
    },
    /// Periodic procedures (format 2 `every`) that are overdue, from past incidents' and
    /// drills' journals; exit 1 when any is (for cron).
    Due {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// List incidents and drills.
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Write the response record (appendix B.1) from the journal.
    Record {
        #[arg(add = ArgValueCompleter::new(complete::incident_ids))]
        id: Option<String>,
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Write to FILE instead of stdout: a regular file is replaced atomically, a device
        /// or a FIFO is written through, `-` is stdout; a symbolic link is refused.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write the post-incident analysis (appendix B.2), pre-filled from the journal.
    Report {
        #[arg(add = ArgValueCompleter::new(complete::incident_ids))]
        id: Option<String>,
        /// Write to FILE instead of stdout (as `record --out`).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check an incident's journal hash chain; report the first broken link. Exit 1 when it
    /// is broken; an unfinished last line (a write cut short) is a warning.
    Verify {
        #[arg(add = ArgValueCompleter::new(complete::incident_ids))]
        id: Option<String>,
        /// Also fail (exit 1) on an unfinished last line.
        #[arg(long)]
        strict: bool,
        /// A head hash saved earlier (printed on exit, by `note`, in the record): fail unless
        /// this exact entry is still in the chain.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// Print a message template (§7.2) filled from an incident, for scripts; `--list` shows the
    /// templates, the notification stages (§7.1) and the status-update cadence.
    Comms {
        /// Template id (see --list).
        #[arg(
            required_unless_present = "list",
            value_name = "TEMPLATE",
            add = ArgValueCompleter::new(complete::templates)
        )]
        template: Option<String>,
        /// Incident id or a unique prefix (default: the latest open incident, else the latest
        /// one, for the recovery-complete message).
        #[arg(long, value_name = "ID", add = ArgValueCompleter::new(complete::incident_ids))]
        incident: Option<String>,
        /// A field's value (repeatable); an empty VALUE leaves a marked [label] blank.
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// Also journal the printed text as sent through this channel (the record lists it).
        #[arg(long, value_name = "NAME")]
        channel: Option<String>,
        /// List templates, notification stages and status-update intervals.
        #[arg(long, conflicts_with_all = ["template", "set", "channel"])]
        list: bool,
    },
    /// Run a tabletop drill: the console on a scenario's injects and a fast game clock, with
    /// no probes; a scorecard (§6.3) is written beside the drill's record at the end.
    Drill {
        /// Scenario file, or the name of a shipped scenario (see --list).
        #[arg(
            required_unless_present = "list",
            value_name = "SCENARIO",
            add = ArgValueCompleter::new(complete::scenarios)
        )]
        scenario: Option<String>,
        /// Game clock speed: N game seconds per real second.
        #[arg(long, default_value_t = 1.0, value_name = "N")]
        speed: f64,
        /// List the shipped scenarios.
        #[arg(long)]
        list: bool,
        /// Keep the game clock running while a dialog is open (overrides the scenario's
        /// `pause-on-dialog`, which is on by default).
        #[arg(long)]
        no_pause_on_dialog: bool,
    },
    /// Check whether this host can run the console well: terminal, colours, clipboard, data
    /// folder, config and runbook, every service's target, the MongoDB mirror and the clock.
    /// Exit 0 when nothing failed (warnings allowed), 1 when a check failed, 2 when the
    /// configuration, runbook or a target cannot be used.
    Doctor {
        /// Print a JSON document instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Print the shell completion script, e.g. `source <(drconsole completions bash)`.
    /// Incident ids, scenarios, service ids, themes and templates complete from the data
    /// folder and the runbook.
    Completions {
        #[arg(value_enum)]
        shell: complete::Shell,
    },
    /// Print the manual page, or with --out write one page per subcommand into a folder.
    Man {
        /// Write drconsole.1 and drconsole-<subcommand>.1 into DIR instead of printing.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print the page of this subcommand instead of the main page, e.g. `status`.
        #[arg(conflicts_with = "out", value_name = "SUBCOMMAND")]
        page: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum Correction {
    /// A started or finished step back to pending.
    Reopen {
        step: String,
        #[arg(long, required = true)]
        reason: String,
    },
    /// A function marked restored by mistake: its clock runs again.
    Unrestore {
        function: String,
        #[arg(long, required = true)]
        reason: String,
    },
    /// When the outage really began (HH:MM, "YYYY-MM-DD HH:MM" or RFC 3339); breaches that
    /// no longer hold are marked withdrawn.
    T0 {
        time: String,
        #[arg(long, required = true)]
        reason: String,
    },
    /// The incident's level: the new level's track applies, work done is kept. Its number,
    /// or its label in a runbook with severities (`P0`, any case).
    Level {
        level: String,
        #[arg(long, required = true)]
        reason: String,
    },
    /// The affected business functions, comma-separated.
    Functions {
        #[arg(value_delimiter = ',', value_name = "A,B")]
        functions: Vec<String>,
        #[arg(long, required = true)]
        reason: String,
    },
}

impl Correction {
    /// The command, with a level named as the incident's runbook names it.
    pub fn into_command(
        self,
        runbook: &crate::runbook::Runbook,
    ) -> Result<crate::incident::decide::Command, String> {
        use crate::incident::decide::Command as C;
        Ok(match self {
            Correction::Reopen { step, reason } => C::ReopenStep { step, reason },
            Correction::Unrestore { function, reason } => C::UnrestoreFunction { function, reason },
            Correction::T0 { time, reason } => C::CorrectT0 { t0: time, reason },
            Correction::Level { level, reason } => {
                C::ChangeLevel { level: runbook.level_given(&level)?, reason }
            }
            Correction::Functions { functions, reason } => C::ChangeFunctions { functions, reason },
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Md,
    Json,
    /// One self-contained page with a timeline chart (no scripts, no network).
    Html,
}

#[derive(Debug, Subcommand)]
pub enum RunbookAction {
    /// Print the whole runbook: levels, scenarios, functions, services, team, contacts,
    /// backups, tracks, every procedure with its steps and commands, checklists, exercises,
    /// references.
    Show {
        /// `text` for people, `json` (the runbook as data, targets redacted) for tooling.
        #[arg(long, value_enum, default_value = "text")]
        format: ShowFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
}

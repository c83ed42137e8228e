#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use drconsole::cli::{Cli, Command, RunbookAction};
use drconsole::cmd::{self, exit};
use drconsole::runbook;

fn main() -> ExitCode {
    // A TAB in a shell with the completion script loaded: answer and exit before anything else.
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(drconsole::complete::ENV_VAR)
        .bin(drconsole::complete::BIN)
        .complete();
    let cli = Cli::parse();
    let code = run(cli);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn run(cli: Cli) -> i32 {
    let g = &cli.global;
    let config = match drconsole::config::load_config(g.config.as_deref()) {
        Ok(c) => c,
        // `doctor` reports a bad config among its other checks instead of stopping at it.
        Err(d) if matches!(cli.command, Some(Command::Doctor { .. })) => {
            let json = matches!(cli.command, Some(Command::Doctor { json: true }));
            return cmd::doctor::run(g, &Default::default(), Some(d.to_string()), json);
        }
        Err(d) => {
            cmd::print_diagnostics(&[d]);
            return exit::USAGE;
        }
    };
    match drconsole::incident::operator::choose(g.operator.as_deref(), config.operator.as_deref()) {
        Ok(name) => drconsole::incident::operator::set(name),
        Err(e) => {
            drconsole::errln!("error: {e}");
            return exit::USAGE;
        }
    }
    let runbook_path = g.runbook.clone().or(config.runbook.clone());
    let (level, level_warning) = drconsole::log::level(g.log_level.as_deref());
    if let Some(w) = level_warning {
        drconsole::errln!("warning: {w}");
    }
    drconsole::log::init(drconsole::config::data_dir(g.data_dir.as_deref()), level);
    match cli.command {
        Some(Command::Check { files }) => cmd::check::run(&files),
        Some(Command::Runbook { action: RunbookAction::Show { format } }) => {
            match runbook::load(runbook_path.as_deref()) {
                Ok(loaded) if format == drconsole::cli::ShowFormat::Json => {
                    drconsole::out::print_json(&cmd::show::json(&loaded.runbook));
                    exit::OK
                }
                Ok(loaded) => {
                    let lang = g.lang.map(Into::into).unwrap_or(loaded.runbook.plan.language);
                    drconsole::out::print(&cmd::show::outline(&loaded.runbook, lang));
                    exit::OK
                }
                Err(d) => {
                    cmd::print_diagnostics(&d);
                    exit::USAGE
                }
            }
        }
        Some(Command::Status { json, watch }) => {
            cmd::status::run(runbook_path.as_deref(), &config, &g.targets, json, watch)
        }
        Some(Command::Declare {
            disaster_type,
            level,
            functions,
            reporter,
            coordinator,
            began_at,
            force,
        }) => cmd::incident::declare(
            g,
            &config,
            cmd::incident::DeclareArgs {
                disaster_type,
                level,
                functions,
                reporter,
                coordinator,
                began_at,
                force,
            },
        ),
        Some(Command::Note { incident, text, mongodb: Some(uri) }) => {
            cmd::view::note_remote(&uri, incident.as_deref(), &text)
        }
        Some(Command::Note { incident, text, mongodb: None }) => {
            cmd::incident::note(g, incident.as_deref(), &text)
        }
        Some(Command::Correct { incident, what }) => {
            cmd::incident::correct_with(g, incident.as_deref(), |rb| what.into_command(rb))
        }
        Some(Command::Withdraw { incident, reason }) => cmd::incident::correct(
            g,
            incident.as_deref(),
            drconsole::incident::decide::Command::Withdraw { reason },
        ),
        Some(Command::Handover { incident, to }) => cmd::incident::correct(
            g,
            incident.as_deref(),
            drconsole::incident::decide::Command::HandOver { to },
        ),
        Some(Command::Assign { incident, step, owner }) => cmd::incident::correct(
            g,
            incident.as_deref(),
            drconsole::incident::decide::Command::AssignOwner { step, owner },
        ),
        Some(Command::Use { id, clear }) => cmd::incident::use_cmd(g, id.as_deref(), clear),
        Some(Command::Resume { id }) => cmd::console::resume(g, &config, id.as_deref()),
        Some(Command::View { id, mongodb }) => {
            cmd::view::run(g, &config, id.as_deref(), mongodb.as_deref())
        }
        Some(Command::List { json }) => cmd::incident::list(g, json),
        Some(Command::Due { json }) => cmd::due::run(g, &config, json),
        Some(Command::Record { id, format, out }) => {
            cmd::incident::record_cmd(g, id.as_deref(), format, out)
        }
        Some(Command::Report { id, out }) => cmd::incident::report_cmd(g, id.as_deref(), out),
        Some(Command::Verify { id, strict, head }) => {
            cmd::incident::verify_cmd(g, id.as_deref(), strict, head.as_deref())
        }
        Some(Command::Comms { template, incident, set, channel, list }) => cmd::comms::run(
            g,
            &config,
            cmd::comms::CommsArgs { template, incident, set, channel, list },
        ),
        Some(Command::Drill { scenario, speed, list, no_pause_on_dialog }) => {
            cmd::drill::run(g, &config, scenario.as_deref(), speed, list, no_pause_on_dialog)
        }
        Some(Command::Doctor { json }) => cmd::doctor::run(g, &config, None, json),
        Some(Command::Completions { shell }) => cmd::completions::run(shell),
        Some(Command::Man { out, page }) => cmd::man::run(out.as_deref(), page.as_deref()),
        None => cmd::console::run(g, &config),
    }
}

//! `drconsole` with no subcommand: the full-screen console.

use std::sync::Arc;

use super::{exit, print_diagnostics};
use crate::app::sink::{EventSink, MemorySink};
use crate::app::{run, App};
use crate::cli::Global;
use crate::config::{self, ConfigFile};
use crate::incident::clock::SystemClock;
use crate::incident::Actor;
use crate::runbook;

pub fn run(g: &Global, cfg: &ConfigFile) -> i32 {
    if let Some(why) = run::refuse_reason() {
        eprintln!("error: {why}");
        return exit::USAGE;
    }
    let runbook_path = g.runbook.clone().or(cfg.runbook.clone());
    let loaded = match runbook::load(runbook_path.as_deref()) {
        Ok(l) => Arc::new(l),
        Err(d) => {
            print_diagnostics(&d);
            return exit::USAGE;
        }
    };
    let lang = g.lang.map(Into::into).or(cfg.lang).unwrap_or(loaded.runbook.plan.language);
    let theme_name = g.theme.as_deref().or(cfg.theme.as_deref());
    let theme = match crate::theme::load(theme_name, config::themes_dir().as_deref()) {
        Ok(t) => t,
        Err(d) => {
            print_diagnostics(&[d]);
            return exit::USAGE;
        }
    };
    let factory = Box::new(|_: &crate::incident::Declaration| {
        Ok(Box::new(MemorySink::default()) as Box<dyn EventSink>)
    });
    let mut app =
        App::new(loaded, lang, theme, Arc::new(SystemClock::new()), Actor::from_env(), factory);
    let rt =
        match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("error: cannot start the runtime: {e}");
                return exit::FAILED;
            }
        };
    match rt.block_on(run::run(&mut app)) {
        Ok(reason) => reason.exit_code(),
        Err(e) => {
            eprintln!("error: terminal: {e}");
            exit::FAILED
        }
    }
}

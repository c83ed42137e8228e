//! `drconsole check [RUNBOOK...]`

use std::path::PathBuf;

use super::{exit, print_diagnostics};
use crate::runbook;

pub fn run(files: &[PathBuf]) -> i32 {
    if files.is_empty() {
        return report(runbook::load(None), runbook::load::BUILTIN_NAME);
    }
    let mut worst = exit::OK;
    for f in files {
        let name = f.display().to_string();
        let is_scenario = runbook::load::read_text(f, &name)
            .is_ok_and(|t| crate::drill::scenario::looks_like_scenario(&t));
        let code = if is_scenario {
            report_scenario(crate::drill::scenario::load(f, None), &name)
        } else {
            report(runbook::load(Some(f)), &name)
        };
        worst = worst.max(code);
    }
    worst
}

fn report(result: Result<runbook::Loaded, Vec<runbook::source::Diagnostic>>, name: &str) -> i32 {
    match result {
        Ok(loaded) => {
            for w in &loaded.warnings {
                errln!("warning: {w}");
            }
            let rb = &loaded.runbook;
            let steps: usize = rb.procedures.iter().map(|p| p.steps.len()).sum();
            outln!(
                "ok: {name}: {} procedures, {steps} steps, {} functions, {} services",
                rb.procedures.len(),
                rb.functions.len(),
                rb.services.len()
            );
            exit::OK
        }
        Err(diags) => {
            print_diagnostics(&diags);
            errln!("{name}: {} problem(s)", diags.len());
            exit::USAGE
        }
    }
}

fn report_scenario(
    result: Result<crate::drill::LoadedScenario, Vec<runbook::source::Diagnostic>>,
    name: &str,
) -> i32 {
    match result {
        Ok(sc) => {
            outln!(
                "ok: {name}: scenario \"{}\", {} injects, runbook {}",
                sc.file.scenario.title,
                sc.file.injects.len(),
                sc.runbook.origin
            );
            exit::OK
        }
        Err(diags) => {
            print_diagnostics(&diags);
            errln!("{name}: {} problem(s)", diags.len());
            exit::USAGE
        }
    }
}

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
        let code = report(runbook::load(Some(f)), &f.display().to_string());
        worst = worst.max(code);
    }
    worst
}

fn report(result: Result<runbook::Loaded, Vec<runbook::source::Diagnostic>>, name: &str) -> i32 {
    match result {
        Ok(loaded) => {
            let rb = &loaded.runbook;
            let steps: usize = rb.procedures.iter().map(|p| p.steps.len()).sum();
            println!(
                "ok: {name}: {} procedures, {steps} steps, {} functions, {} services",
                rb.procedures.len(),
                rb.functions.len(),
                rb.services.len()
            );
            exit::OK
        }
        Err(diags) => {
            print_diagnostics(&diags);
            eprintln!("{name}: {} problem(s)", diags.len());
            exit::USAGE
        }
    }
}

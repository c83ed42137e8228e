//! Shell completion: the scripts (`drconsole completions SHELL`) and the dynamic values they
//! ask the binary for — incident ids from the data folder, scenarios, service ids, themes,
//! message templates, disaster types, levels and functions from the runbook.
//!
//! The scripts are clap_complete's environment-activated ones: on TAB the shell runs
//! `DRCONSOLE_COMPLETE=<shell> drconsole -- <words>`, and `main` answers before anything else.
//! A completer cannot see the parsed arguments, so the few that change where values come from
//! (`--data-dir`, `--runbook`, `--config`) are read from the words being completed.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::EnvCompleter;

use crate::runbook::Runbook;

/// The variable that switches the binary into completion mode.
pub const ENV_VAR: &str = "DRCONSOLE_COMPLETE";
pub const BIN: &str = "drconsole";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

/// Print the registration script of `shell`. `completer` is the program the script runs on
/// TAB: the name this binary was started by, absolute when it was started by a path (so a
/// binary outside `PATH` still completes).
pub fn write_script(shell: Shell, completer: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let (name, bin) = (BIN, BIN);
    match shell {
        Shell::Bash => {
            clap_complete::env::Bash.write_registration(ENV_VAR, name, bin, completer, out)
        }
        Shell::Zsh => {
            clap_complete::env::Zsh.write_registration(ENV_VAR, name, bin, completer, out)
        }
        Shell::Fish => {
            clap_complete::env::Fish.write_registration(ENV_VAR, name, bin, completer, out)
        }
        Shell::Elvish => {
            clap_complete::env::Elvish.write_registration(ENV_VAR, name, bin, completer, out)
        }
        Shell::Powershell => {
            clap_complete::env::Powershell.write_registration(ENV_VAR, name, bin, completer, out)
        }
    }
}

/// How this binary was started, as the completion script should call it.
pub fn completer_path() -> String {
    let arg0 = std::env::args_os().next().unwrap_or_else(|| OsString::from(BIN));
    let p = PathBuf::from(&arg0);
    if p.components().count() > 1 {
        if let Ok(abs) = std::fs::canonicalize(&p) {
            return abs.to_string_lossy().into_owned();
        }
    }
    arg0.to_string_lossy().into_owned()
}

/// The value of `--flag V` or `--flag=V` among the words on the command line being completed.
fn flag_value(flag: &str) -> Option<PathBuf> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let eq = format!("{flag}=");
    let mut found = None;
    for (i, a) in args.iter().enumerate() {
        let Some(s) = a.to_str() else { continue };
        if s == flag {
            found = args.get(i + 1).map(PathBuf::from);
        } else if let Some(v) = s.strip_prefix(&eq) {
            found = Some(PathBuf::from(v));
        }
    }
    found
}

fn data_dir() -> Option<PathBuf> {
    crate::config::data_dir(flag_value("--data-dir").as_deref())
}

fn runbook() -> Option<Runbook> {
    let cfg = crate::config::load_config(flag_value("--config").as_deref()).ok()?;
    let path = flag_value("--runbook").or(cfg.runbook);
    crate::runbook::load(path.as_deref()).ok().map(|l| l.runbook)
}

fn matching(
    current: &OsStr,
    values: impl IntoIterator<Item = (String, Option<String>)>,
) -> Vec<CompletionCandidate> {
    let cur = current.to_string_lossy();
    let mut out: Vec<CompletionCandidate> = values
        .into_iter()
        .filter(|(v, _)| v.starts_with(cur.as_ref()))
        .map(|(v, help)| CompletionCandidate::new(v).help(help.map(Into::into)))
        .collect();
    out.dedup_by(|a, b| a.get_value() == b.get_value());
    out
}

/// Incident and drill ids: the folder names in the data folder that hold a journal. Journals
/// are not read (a TAB must answer at once).
pub fn incident_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(root) = data_dir() else { return Vec::new() };
    let mut ids: Vec<(String, Option<String>)> = Vec::new();
    for kind in ["incidents", "drills"] {
        let Ok(rd) = std::fs::read_dir(root.join(kind)) else { continue };
        for e in rd.flatten() {
            if e.path().join(crate::store::JOURNAL_FILE).is_file() {
                ids.push((e.file_name().to_string_lossy().into_owned(), None));
            }
        }
    }
    // Ids start with the declaration time: newest first.
    ids.sort_by(|a, b| b.0.cmp(&a.0));
    matching(current, ids)
}

/// Shipped scenario names (a scenario file is completed as a path by the shell's fallback).
pub fn scenarios(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut v: Vec<(String, Option<String>)> =
        crate::drill::builtin::SCENARIOS.iter().map(|(n, _)| (n.to_string(), None)).collect();
    v.extend(path_candidates(current));
    matching(current, v)
}

fn path_candidates(current: &OsStr) -> Vec<(String, Option<String>)> {
    let cur = current.to_string_lossy();
    let (dir, _) = match cur.rfind('/') {
        Some(i) => (&cur[..=i], &cur[i + 1..]),
        None => ("", cur.as_ref()),
    };
    let Ok(rd) = std::fs::read_dir(if dir.is_empty() { "." } else { dir }) else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().ok()?.is_dir();
            (is_dir || name.ends_with(".toml"))
                .then(|| (format!("{dir}{name}{}", if is_dir { "/" } else { "" }), None))
        })
        .collect()
}

/// `--target ID=`: the runbook's service ids, ready for the URL.
pub fn target_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(rb) = runbook() else { return Vec::new() };
    matching(
        current,
        rb.services
            .iter()
            .map(|s| (format!("{}=", s.id), Some(format!("{} ({})", s.name, s.kind.as_str())))),
    )
}

/// Built-in themes and the user's theme files.
pub fn themes(current: &OsStr) -> Vec<CompletionCandidate> {
    let mut names: Vec<(String, Option<String>)> =
        crate::theme::BUILTIN.iter().map(|(n, _)| (n.to_string(), None)).collect();
    if let Some(rd) = crate::config::themes_dir().and_then(|d| std::fs::read_dir(d).ok()) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".toml") {
                names.push((stem.to_string(), Some("user theme".to_string())));
            }
        }
    }
    matching(current, names)
}

/// Message templates of the runbook (§7.2).
pub fn templates(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(rb) = runbook() else { return Vec::new() };
    matching(current, rb.templates.iter().map(|t| (t.id.clone(), Some(t.name.clone()))))
}

/// Disaster types of the runbook.
pub fn disaster_types(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(rb) = runbook() else { return Vec::new() };
    matching(current, rb.disaster_types.iter().map(|d| (d.id.clone(), Some(d.name.clone()))))
}

/// Business functions of the runbook; after a comma, the next one of the list.
pub fn functions(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(rb) = runbook() else { return Vec::new() };
    let cur = current.to_string_lossy();
    let (done, _) = cur.rsplit_once(',').map(|(d, l)| (format!("{d},"), l)).unwrap_or_default();
    matching(
        current,
        rb.functions.iter().map(|f| (format!("{done}{}", f.id), Some(f.name.clone()))),
    )
}

/// Levels of the runbook, with their names.
pub fn levels(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(rb) = runbook() else { return Vec::new() };
    matching(current, rb.levels.iter().map(|l| (rb.level_label(l.level, ""), Some(l.name.clone()))))
}

//! Where configuration and data live, and the optional config file.
//!
//! Precedence for each setting: command-line flag, then environment variable, then config file,
//! then the built-in default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::runbook::load::parse_toml;
use crate::runbook::source::Diagnostic;

pub const ENV_CONFIG: &str = "DRCONSOLE_CONFIG";
pub const ENV_DATA: &str = "DRCONSOLE_DATA";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigFile {
    /// Runbook used when `--runbook` is not given.
    #[serde(default)]
    pub runbook: Option<PathBuf>,
    /// Theme name used when `--theme` is not given.
    #[serde(default)]
    pub theme: Option<String>,
    /// UI language used when `--lang` is not given.
    #[serde(default)]
    pub lang: Option<crate::runbook::model::Lang>,
    /// Per-environment service targets, by service id.
    #[serde(default)]
    pub targets: BTreeMap<String, String>,
    #[serde(default)]
    pub journal: JournalConfig,
    /// The operator's name on this host when neither `--as` nor `DRCONSOLE_OPERATOR` is given.
    #[serde(default, deserialize_with = "crate::incident::operator::deserialize_checked")]
    pub operator: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct JournalConfig {
    /// An operations MongoDB that receives a copy of every event, e.g.
    /// `"${env:OPS_MONGODB_URI}"`. The local journal stays the record.
    #[serde(default)]
    pub mongodb: Option<String>,
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "drconsole")
}

/// The config file to read: `--config`, then `DRCONSOLE_CONFIG`, then the default location.
/// Returns the path and whether it was asked for explicitly (a missing explicit file is an error).
pub fn config_path(flag: Option<&Path>) -> Option<(PathBuf, bool)> {
    if let Some(p) = flag {
        return Some((p.to_path_buf(), true));
    }
    if let Some(p) = std::env::var_os(ENV_CONFIG).filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    project_dirs().map(|d| (d.config_dir().join("config.toml"), false))
}

/// The data folder: `--data-dir`, then `DRCONSOLE_DATA`, then the platform's data folder.
pub fn data_dir(flag: Option<&Path>) -> Option<PathBuf> {
    data_dir_chosen(flag).map(|(p, _)| p)
}

/// [`data_dir`], and whether the user named it (a named folder that is missing is created
/// alone, never with its parents: a typo must not grow a tree).
pub fn data_dir_chosen(flag: Option<&Path>) -> Option<(PathBuf, bool)> {
    if let Some(p) = flag {
        return Some((p.to_path_buf(), true));
    }
    if let Some(p) = std::env::var_os(ENV_DATA).filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    project_dirs().map(|d| (d.data_dir().to_path_buf(), false))
}

/// The user's theme folder, looked at before the built-in themes.
pub fn themes_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("themes"))
}

pub fn load_config(flag: Option<&Path>) -> Result<ConfigFile, Diagnostic> {
    let Some((path, explicit)) = config_path(flag) else {
        return Ok(ConfigFile::default());
    };
    if !path.exists() && !explicit {
        return Ok(ConfigFile::default());
    }
    let name = path.display().to_string();
    let text = crate::runbook::load::read_text(&path, &name)?;
    parse_toml(&name, &text)
}

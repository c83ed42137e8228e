//! `drconsole doctor [--json]`: the checks of `crate::doctor` on this host, with the flags and
//! configuration the console would use.

use super::exit;
use crate::cli::Global;
use crate::config::{self, ConfigFile};
use crate::doctor::{self, data, mirror, services, terminal, Check};

/// `config_error` is why the config file could not be read (the checks then use defaults).
pub fn run(g: &Global, cfg: &ConfigFile, config_error: Option<String>, json: bool) -> i32 {
    let read = match config_error {
        Some(e) => Err(e),
        None => Ok(cfg.clone()),
    };
    let config_check = services::config(g.config.as_deref(), &read);
    let mut checks: Vec<Check> = Vec::new();
    let env = terminal::TermEnv::from_process();
    checks.push(terminal::terminal(&env));
    checks.push(terminal::colour(&env));
    checks.push(terminal::clipboard(&env, &terminal::tmux_option));

    match config::data_dir(g.data_dir.as_deref()) {
        Some(dir) => {
            checks.push(data::folder(&dir));
            checks.push(data::free_space(&dir));
            let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(std::path::PathBuf::from);
            checks.push(data::fallback(&dir, &std::env::temp_dir(), runtime.as_deref()));
            checks.push(data::log_file(&dir));
        }
        None => checks.push(Check::fail(
            "data folder",
            "no data folder: no home folder to put it in",
            "give --data-dir or set DRCONSOLE_DATA",
        )),
    }

    checks.push(config_check);
    let runbook_path = g.runbook.clone().or(cfg.runbook.clone());
    let loaded = crate::runbook::load(runbook_path.as_deref())
        .map_err(|d| d.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "));
    checks.push(services::runbook(&loaded));
    let (resolved, mut unresolved) = match &loaded {
        Ok(l) => services::resolve(&l.runbook, &cfg.targets, &g.targets),
        Err(_) => (Vec::new(), Vec::new()),
    };

    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            errln!("error: cannot start the async runtime: {e}");
            return exit::FAILED;
        }
    };
    let (reached, mirrored) = rt.block_on(async {
        tokio::join!(services::reach(&resolved), mirror::checks(cfg.journal.mongodb.as_deref()))
    });
    // Probes past their deadline are not waited for (see `status`).
    rt.shutdown_background();
    // Services in the runbook's order, resolved or not.
    let mut per_service: Vec<Check> = reached;
    per_service.append(&mut unresolved);
    if let Ok(l) = &loaded {
        let pos = |c: &Check| {
            l.runbook
                .services
                .iter()
                .position(|s| c.name == format!("service {}", s.id))
                .unwrap_or(usize::MAX)
        };
        per_service.sort_by_key(pos);
    }
    checks.extend(per_service);
    checks.extend(mirrored);

    for c in checks.iter().filter(|c| c.level != doctor::Level::Ok) {
        tracing::info!(check = %c.name, level = %c.level.as_str(), "doctor: {}", c.summary);
    }
    let now = chrono::Utc::now();
    let text = if json {
        format!("{:#}\n", doctor::document(&checks, now))
    } else {
        doctor::table(&checks, now)
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    doctor::exit_code(&checks)
}

//! The configuration, the runbook, and every service: its target resolved (variables set) and
//! reachable once, with the same probes as `status` and the console.

use std::collections::BTreeMap;
use std::path::Path;

use super::Check;
use crate::config::ConfigFile;
use crate::probe::{self, Health, ResolvedService, ServiceStatus};
use crate::runbook::{Loaded, Runbook};

/// The config file: where it is and whether it reads.
pub fn config(flag: Option<&Path>, loaded: &Result<ConfigFile, String>) -> Check {
    const NAME: &str = "config";
    let path = crate::config::config_path(flag);
    match (loaded, path) {
        (Err(e), _) => {
            Check::fail(NAME, e.clone(), "fix the file at the line and column named").config()
        }
        (Ok(_), Some((p, _))) if p.exists() => Check::ok(NAME, format!("{} reads", p.display())),
        (Ok(_), Some((p, _))) => {
            Check::ok(NAME, format!("none ({} does not exist): defaults", p.display()))
        }
        (Ok(_), None) => Check::ok(NAME, "none: defaults"),
    }
}

/// The runbook the console would use.
pub fn runbook(loaded: &Result<Loaded, String>) -> Check {
    const NAME: &str = "runbook";
    match loaded {
        Ok(l) => Check::ok(
            NAME,
            format!(
                "{} ({}): {} services, {} steps, valid",
                l.runbook.plan.name,
                l.origin,
                l.runbook.services.len(),
                l.runbook.procedures.iter().map(|p| p.steps.len()).sum::<usize>()
            ),
        ),
        Err(e) => Check::fail(
            NAME,
            e.clone(),
            "fix the runbook at the line and column named (`drconsole check FILE`)",
        )
        .config(),
    }
}

/// Each service's target, expanded with the same precedence as the console: `--target`, the
/// config's `[targets]`, the runbook. A service that does not resolve is a failed check.
pub fn resolve(
    rb: &Runbook,
    config_targets: &BTreeMap<String, String>,
    flags: &[String],
) -> (Vec<ResolvedService>, Vec<Check>) {
    let overrides = match probe::merge_overrides(config_targets, flags) {
        Ok(o) => o,
        Err(e) => {
            return (Vec::new(), vec![Check::fail("targets", e, "write --target ID=URL").config()])
        }
    };
    let mut checks = Vec::new();
    for id in overrides.keys().filter(|id| !rb.services.iter().any(|s| &s.id == *id)) {
        let known: Vec<&str> = rb.services.iter().map(|s| s.id.as_str()).collect();
        checks.push(
            Check::fail(
                "targets",
                format!("a target is given for \"{id}\", which the runbook does not have"),
                format!("use one of: {}", known.join(", ")),
            )
            .config(),
        );
    }
    let mut ok = Vec::new();
    for s in &rb.services {
        let one: BTreeMap<String, String> =
            overrides.get(&s.id).map(|t| (s.id.clone(), t.clone())).into_iter().collect();
        match probe::resolve(std::slice::from_ref(s), &one) {
            Ok(mut r) => ok.append(&mut r),
            Err(e) => {
                let why = e.split_once("\": ").map(|(_, w)| w.to_string()).unwrap_or(e);
                let fix = match why
                    .strip_prefix("environment variable ")
                    .and_then(|r| r.strip_suffix(" is not set"))
                {
                    Some(var) => format!(
                        "export {var}=... before starting, or set [targets] {id} in the config, \
                         or give --target {id}=URL",
                        id = s.id
                    ),
                    None => format!("fix the target of \"{}\" (--target {}=URL)", s.id, s.id),
                };
                checks.push(Check::fail(&format!("service {}", s.id), why, fix).config());
            }
        }
    }
    (ok, checks)
}

/// One probe per resolved service, all at once.
pub async fn reach(services: &[ResolvedService]) -> Vec<Check> {
    let statuses = probe::probe_once(services).await;
    services.iter().zip(statuses).map(|(svc, st)| reach_check(svc, &st)).collect()
}

fn reach_check(svc: &ResolvedService, st: &ServiceStatus) -> Check {
    let name = format!("service {}", svc.spec.id);
    let latency = st.latency.map(|l| format!(" {}", probe::format_latency(l))).unwrap_or_default();
    let summary = format!("{}{latency}: {} ({})", st.state, st.detail, svc.display_target);
    match st.state {
        Health::Up => Check::ok(&name, summary),
        Health::Degraded => Check::warn(
            &name,
            summary,
            "it answers, slowly or partly: look at it before you need it",
        ),
        Health::Down | Health::Unknown => Check::fail(
            &name,
            summary,
            format!(
                "check that {} is up and reachable from this host (firewall, DNS, credentials); \
                 `drconsole status` probes again",
                svc.spec.id
            ),
        ),
    }
}

//! Runbook services + per-environment overrides -> expanded targets ready to probe.

use std::collections::BTreeMap;
use std::fmt;

use crate::runbook::model::{Service, ServiceKind};
use crate::target;

/// A service with its target expanded. `target` may hold credentials: it is only ever handed
/// to a driver. Everything shown uses `display_target`.
#[derive(Clone)]
pub struct ResolvedService {
    pub spec: Service,
    /// Expanded; may hold secrets. Never print it.
    pub target: String,
    /// `target` redacted.
    pub display_target: String,
}

impl ResolvedService {
    pub fn new(spec: Service, target: String) -> Self {
        let display_target = target::redact(&target);
        ResolvedService { spec, target, display_target }
    }
}

/// By hand, so the expanded target (and the runbook's raw one) never reach a log.
impl fmt::Debug for ResolvedService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedService")
            .field("id", &self.spec.id)
            .field("kind", &self.spec.kind)
            .field("target", &self.display_target)
            .field("interval", &self.spec.interval.0)
            .field("timeout", &self.spec.timeout.0)
            .finish_non_exhaustive()
    }
}

/// `[targets]` from the config file, then `--target ID=URL` flags on top (later flags win).
pub fn merge_overrides(
    config: &BTreeMap<String, String>,
    flags: &[String],
) -> Result<BTreeMap<String, String>, String> {
    let mut out = config.clone();
    out.extend(target::parse_overrides(flags)?);
    Ok(out)
}

/// Expand every service's target, overrides first. All problems are reported together, each
/// naming the service and the variable or id at fault; no message holds a secret.
pub fn resolve(
    services: &[Service],
    overrides: &BTreeMap<String, String>,
) -> Result<Vec<ResolvedService>, String> {
    let mut errors = Vec::new();
    for id in overrides.keys() {
        if !services.iter().any(|s| &s.id == id) {
            let known: Vec<&str> = services.iter().map(|s| s.id.as_str()).collect();
            errors.push(format!(
                "target override for \"{id}\": the runbook has no service \"{id}\" (services: {})",
                known.join(", ")
            ));
        }
    }
    let mut out = Vec::with_capacity(services.len());
    for s in services {
        let raw = overrides.get(&s.id).unwrap_or(&s.target);
        match target::expand(raw) {
            Ok(t) => match check_form(s.kind, &t) {
                Ok(()) => out.push(ResolvedService::new(s.clone(), t)),
                Err(e) => errors.push(format!("service \"{}\": {e}", s.id)),
            },
            Err(e) => errors.push(format!("service \"{}\": {e}", s.id)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.join("\n"))
    }
}

/// Catch a target of the wrong shape now, as a usage error, instead of as a DOWN forever.
fn check_form(kind: ServiceKind, t: &str) -> Result<(), String> {
    let ok = match kind {
        ServiceKind::Mongodb => t.starts_with("mongodb://") || t.starts_with("mongodb+srv://"),
        ServiceKind::Http => t.starts_with("http://") || t.starts_with("https://"),
        ServiceKind::Tcp => {
            t.rsplit_once(':').is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
        }
        ServiceKind::Command => !t.trim().is_empty(),
    };
    if ok {
        return Ok(());
    }
    let want = match kind {
        ServiceKind::Mongodb => "a mongodb:// or mongodb+srv:// URI",
        ServiceKind::Http => "an http:// or https:// URL",
        ServiceKind::Tcp => "host:port",
        ServiceKind::Command => "a program",
    };
    Err(format!("target must be {want}, not \"{}\"", target::redact(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::duration::Dur;
    use std::time::Duration;

    pub fn service(id: &str, kind: ServiceKind, target: &str) -> Service {
        Service {
            id: id.into(),
            name: id.into(),
            kind,
            target: target.into(),
            interval: Dur(Duration::from_secs(15)),
            timeout: Dur(Duration::from_secs(5)),
            component: None,
            fall: None,
            rise: None,
            method: None,
            expect_status: vec![],
            body_contains: None,
            latency_warn: None,
            ca_file: None,
            args: vec![],
        }
    }

    #[test]
    fn overrides_win_and_unknown_ids_are_named() {
        let svcs = [
            service("db", ServiceKind::Mongodb, "${env:DRCONSOLE_PROBE_TEST_UNSET_VAR}"),
            service("api", ServiceKind::Http, "http://127.0.0.1:1/health"),
        ];
        let err = resolve(&svcs, &BTreeMap::new()).unwrap_err();
        assert!(err.contains("DRCONSOLE_PROBE_TEST_UNSET_VAR"), "{err}");
        assert!(err.contains("\"db\""), "{err}");

        let mut ov = BTreeMap::new();
        ov.insert("db".to_string(), "mongodb://u:pw@127.0.0.1:1/x".to_string());
        let r = resolve(&svcs, &ov).unwrap();
        assert_eq!(r[0].target, "mongodb://u:pw@127.0.0.1:1/x");
        assert_eq!(r[0].display_target, "mongodb://****@127.0.0.1:1/x");
        assert_eq!(r[1].target, "http://127.0.0.1:1/health");
        let dbg = format!("{:?}", r[0]);
        assert!(!dbg.contains("pw@") && dbg.contains("//****@"), "{dbg}");

        ov.insert("nope".to_string(), "http://127.0.0.1:1/".to_string());
        let err = resolve(&svcs, &ov).unwrap_err();
        assert!(err.contains("\"nope\"") && err.contains("db, api"), "{err}");
    }

    #[test]
    fn wrong_shapes_are_usage_errors_without_secrets() {
        let svcs = [service("db", ServiceKind::Mongodb, "http://a:secretpw@127.0.0.1:1/")];
        let err = resolve(&svcs, &BTreeMap::new()).unwrap_err();
        assert!(err.contains("mongodb://") && !err.contains("secretpw"), "{err}");
    }

    #[test]
    fn flags_override_config() {
        let mut cfg = BTreeMap::new();
        cfg.insert("api".to_string(), "http://127.0.0.1:1/".to_string());
        let m = merge_overrides(&cfg, &["api=http://127.0.0.1:2/".to_string()]).unwrap();
        assert_eq!(m["api"], "http://127.0.0.1:2/");
        assert!(merge_overrides(&cfg, &["api".to_string()]).is_err());
    }
}

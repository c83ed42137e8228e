//! One service's prober, debouncer and current status. `check` runs one attempt and folds it
//! into the status; the scheduler decides when.

use std::time::Duration;

use chrono::Utc;

use super::http::{HttpClients, HttpProber};
use super::mongodb::MongoProber;
use super::scrub::scrub;
use super::words::millis;
use super::{
    command, tcp, Attempt, Debouncer, Health, ProbeUpdate, ResolvedService, ServiceStatus,
    Transition, DEFAULT_FALL, DEFAULT_RISE, HISTORY_LEN,
};
use crate::runbook::model::ServiceKind;

enum Prober {
    Mongo(Box<MongoProber>),
    Http(Box<HttpProber>),
    Tcp,
    Command,
}

pub struct Monitor {
    svc: ResolvedService,
    prober: Prober,
    debouncer: Debouncer,
    status: ServiceStatus,
}

impl Monitor {
    pub fn new(svc: ResolvedService, clients: &mut HttpClients) -> Self {
        let spec = &svc.spec;
        let prober = match spec.kind {
            ServiceKind::Mongodb => {
                Prober::Mongo(Box::new(MongoProber::new(&svc.target, spec.timeout.0)))
            }
            ServiceKind::Http => {
                Prober::Http(Box::new(HttpProber::new(spec, &svc.target, clients)))
            }
            ServiceKind::Tcp => Prober::Tcp,
            ServiceKind::Command => Prober::Command,
        };
        let debouncer =
            Debouncer::new(spec.fall.unwrap_or(DEFAULT_FALL), spec.rise.unwrap_or(DEFAULT_RISE));
        let status = ServiceStatus::unknown(&spec.id);
        Monitor { svc, prober, debouncer, status }
    }

    pub fn service(&self) -> &ResolvedService {
        &self.svc
    }

    /// Run one attempt (bounded by the service's timeout plus a grace under a second) and
    /// fold it into the status.
    pub async fn check(&mut self) -> ProbeUpdate {
        let timeout = self.svc.spec.timeout.0;
        let attempt = match &mut self.prober {
            Prober::Mongo(p) => p.attempt().await,
            Prober::Http(p) => p.attempt().await,
            Prober::Tcp => tcp::attempt(&self.svc.target, timeout).await,
            Prober::Command => {
                command::attempt(&self.svc.target, &self.svc.spec.args, timeout).await
            }
        };
        self.fold(attempt.check_latency(self.svc.spec.latency_warn.map(|d| d.0)))
    }

    fn fold(&mut self, a: Attempt) -> ProbeUpdate {
        let now = Utc::now();
        let clean = |s: &str| scrub(s, &self.svc.target, &self.svc.display_target);
        let mut detail = clean(&a.detail);
        let notes: Vec<String> = a.notes.iter().map(|n| clean(n)).collect();
        let change = self.debouncer.observe(a.health);
        if let Some(p) = self.debouncer.pending() {
            detail = format!("{detail} ({p})");
        }
        let st = &mut self.status;
        st.latency = a.latency;
        st.detail = detail;
        st.notes = notes;
        st.checked_at = Some(now);
        st.state = self.debouncer.state();
        if st.history.len() >= HISTORY_LEN {
            st.history.pop_front();
        }
        st.history.push_back(a.latency.map(millis));
        let raw = a.raw.as_deref().map(clean);
        let transition = change.map(|(from, to)| {
            st.changed_at = Some(now);
            Transition { service: st.id.clone(), from, to, at: now, detail: st.detail.clone() }
        });
        log_attempt(&self.svc, st, transition.as_ref(), raw.as_deref());
        ProbeUpdate { status: st.clone(), transition }
    }

    /// How long to wait before the next attempt: the configured interval, also while DOWN.
    ///
    /// A recovered service must be seen UP within `interval × rise + timeout` (the attempt in
    /// flight when it comes back may still fail, after at most its timeout; then `rise`
    /// successes an interval apart). Any back-off while DOWN would add to that the very delay
    /// an incident commander is waiting through (DOWN → UP once took 56 s to show), so the
    /// back-off is capped at the interval itself. A dead server is still not hammered: one
    /// attempt at a time, each waiting out its timeout, then an interval.
    pub fn next_delay(&self) -> Duration {
        self.svc.spec.interval.0
    }
}

/// A state change goes to the log at info (warn when it is for the worse), with the raw error
/// behind it; every failed attempt at debug. Everything is already scrubbed of secrets.
fn log_attempt(
    svc: &ResolvedService,
    st: &ServiceStatus,
    transition: Option<&Transition>,
    raw: Option<&str>,
) {
    let raw = raw.unwrap_or("-");
    match transition {
        Some(t) if t.to == Health::Down || t.to == Health::Degraded => tracing::warn!(
            service = %t.service,
            target = %svc.display_target,
            "probe: {} -> {}: {} (raw: {raw})",
            t.from,
            t.to,
            t.detail
        ),
        Some(t) => tracing::info!(
            service = %t.service,
            target = %svc.display_target,
            "probe: {} -> {}: {}",
            t.from,
            t.to,
            t.detail
        ),
        None if st.state != Health::Up => tracing::debug!(
            service = %st.id,
            "probe attempt: {} ({}; raw: {raw})",
            st.detail,
            st.state
        ),
        None => {}
    }
}

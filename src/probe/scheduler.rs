//! Runs monitors: each service in its own task for the console, or all once for `status`.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc::Sender;
use tokio::task::JoinSet;

use super::http::HttpClients;
use super::monitor::Monitor;
use super::{ProbeUpdate, ResolvedService, ServiceStatus};

/// The running probe tasks. Dropping it aborts them all (a driver call already in flight
/// finishes on its own, bounded by the driver's timeouts).
pub struct ProbeSet {
    tasks: JoinSet<()>,
}

impl ProbeSet {
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

/// Start one task per service, each sending every attempt's [`ProbeUpdate`] to `tx`. A task
/// ends when the receiver is gone. Must be called inside a tokio runtime.
pub fn spawn(services: Vec<ResolvedService>, tx: Sender<ProbeUpdate>) -> ProbeSet {
    let mut tasks = JoinSet::new();
    // Each task builds its monitor: an HTTP client loads the system's CA certificates (most of
    // the console's start-up when done here, before the first frame; see BENCHMARKS.md). The
    // tasks share one client per timeout and CA file, as before.
    let clients = Arc::new(Mutex::new(HttpClients::default()));
    for svc in services {
        let tx = tx.clone();
        let clients = clients.clone();
        tasks.spawn(async move {
            let mut m = {
                let mut clients = clients.lock().unwrap_or_else(PoisonError::into_inner);
                Monitor::new(svc, &mut clients)
            };
            loop {
                // Attempts run back to back inside this one task: never two at once.
                let update = m.check().await;
                if tx.send(update).await.is_err() {
                    return;
                }
                tokio::time::sleep(m.next_delay()).await;
            }
        });
    }
    ProbeSet { tasks }
}

/// Probe every service once, all at the same time. Each result is the first result for its
/// service, so its state comes straight from that attempt.
pub async fn probe_once(services: &[ResolvedService]) -> Vec<ServiceStatus> {
    Monitors::new(services.to_vec()).check_all().await
}

/// Monitors kept across rounds (`status --watch`): clients stay connected and the fall/rise
/// thresholds apply from the second round on.
pub struct Monitors {
    list: Vec<Monitor>,
}

impl Monitors {
    pub fn new(services: Vec<ResolvedService>) -> Self {
        let mut clients = HttpClients::default();
        Monitors { list: services.into_iter().map(|s| Monitor::new(s, &mut clients)).collect() }
    }

    pub fn services(&self) -> impl Iterator<Item = &ResolvedService> {
        self.list.iter().map(Monitor::service)
    }

    /// One attempt per service, concurrently; statuses in service order.
    pub async fn check_all(&mut self) -> Vec<ServiceStatus> {
        let updates = futures::future::join_all(self.list.iter_mut().map(|m| m.check())).await;
        updates.into_iter().map(|u| u.status).collect()
    }
}

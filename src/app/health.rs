//! Probe results into the view, and state changes into journal events.

use super::App;
use crate::incident::EventKind;
use crate::probe::{Health, ProbeUpdate, ServiceStatus};
use crate::ui::view::HealthRow;

impl App {
    /// Show a probe result; a state change becomes a `HealthChanged` event on the timeline.
    /// The very first result of a service that comes up healthy is not an event: "UNKNOWN to
    /// UP at start-up" says nothing an operator needs in the record.
    pub fn on_probe(&mut self, update: ProbeUpdate) {
        let st = &update.status;
        if let Some(row) = self.view.health.iter_mut().find(|r| r.id == st.id) {
            fill_row(row, st);
        }
        if let Some(i) = self.statuses.iter().position(|s| s.id == st.id) {
            self.statuses[i] = st.clone();
        } else {
            self.statuses.push(st.clone());
        }
        self.view.host_cut_off = crate::probe::host_cut_off(&self.statuses);
        if let Some(t) = update.transition {
            let startup_up = t.from == Health::Unknown && t.to == Health::Up;
            if !startup_up && self.inc().is_some() {
                self.emit(EventKind::HealthChanged {
                    service: t.service,
                    from: t.from,
                    to: t.to,
                    detail: t.detail,
                });
            }
        }
        self.dirty = true;
    }
}

pub fn fill_row(row: &mut HealthRow, st: &ServiceStatus) {
    row.state = st.state;
    row.latency_ms = st.latency.map(|d| u32::try_from(d.as_millis()).unwrap_or(u32::MAX));
    row.detail = st.detail.clone();
    row.notes = st.notes.clone();
    row.changed_at = st.changed_at;
    row.history = st.history.iter().copied().collect();
}

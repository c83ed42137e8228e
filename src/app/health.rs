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
        // Against what the journal last says, not against this process's previous result: a
        // service already DOWN when the incident was declared, or one that recovered while no
        // console ran (journaled DOWN, UP at resume), is a change the record must show. A
        // service first seen UP with nothing journaled says nothing worth recording.
        if let Some(inc) = self.inc() {
            let journaled = inc.health.get(&st.id).map(|m| m.state);
            let change = match journaled {
                Some(last) => last != st.state,
                None => !matches!(st.state, Health::Unknown | Health::Up),
            };
            if change {
                // Nothing journaled yet: from what this process saw (UP before the declaration).
                let (seen, detail) = match update.transition {
                    Some(t) => (Some(t.from), t.detail),
                    None => (None, st.detail.clone()),
                };
                self.emit(EventKind::HealthChanged {
                    service: st.id.clone(),
                    from: journaled.or(seen).unwrap_or(Health::Unknown),
                    to: st.state,
                    detail,
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

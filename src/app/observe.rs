//! Observers and the other consoles: the read-only mode of `drconsole view`, who else has the
//! incident open, and notes arriving through the operations MongoDB's inbox.

use crossterm::event::{KeyCode, KeyEvent};

use super::{keymap, After, App, Live, QuitReason};
use crate::i18n::fill;
use crate::incident::decide::Command;
use crate::incident::follow::{ViewSource, ViewStatus, Viewer};
use crate::incident::presence;
use crate::incident::sink::SubmitError;
use crate::incident::{Event, Incident};
use crate::mirror::InboxDone;
use crate::runbook::model::Lang;

impl App {
    /// Show an incident read-only: `events` as read so far, then whatever `viewer` reports.
    /// `why` says on screen why this is a view (e.g. the incident is closed).
    pub fn attach_view(
        &mut self,
        events: Vec<Event>,
        viewer: Viewer,
        why: Option<String>,
    ) -> Result<(), String> {
        let inc = Incident::replay_owned(&self.loaded.runbook, events)
            .ok_or("the journal does not start with a declaration this runbook understands")?;
        let head = viewer.status.lock().ok().map(|s| s.head.clone()).filter(|h| !h.is_empty());
        self.view.declare = None;
        self.view.step_sel = inc.current_step().unwrap_or(0);
        self.view.read_only = true;
        self.view_why = why;
        self.live = Some(Live::view(inc, viewer, head));
        self.show_journaled_health();
        self.observe_tick();
        self.dirty = true;
        Ok(())
    }

    /// Whether this console only observes.
    pub fn read_only(&self) -> bool {
        self.live.as_ref().is_some_and(Live::read_only)
    }

    /// For an observer: say that nothing can be changed here, and true.
    pub(super) fn refuse_if_read_only(&mut self) -> bool {
        if !self.read_only() {
            return false;
        }
        let now = self.now();
        let msg = crate::i18n::messages(self.lang).read_only_refused;
        self.view.flash(msg, true, now);
        self.dirty = true;
        true
    }

    /// An observer's keys: those that would change the incident say so instead of opening
    /// their dialog, and `q` quits at once (there is nothing to lose). True when handled.
    pub(super) fn read_only_key(&mut self, key: &KeyEvent) -> bool {
        if !self.read_only() || self.view.modal.is_some() {
            return false;
        }
        match key.code {
            // A held search's keys (`n`, `N`) read; they change nothing.
            _ if self.search_scope() && keymap::search_action(key).is_some() => false,
            KeyCode::Char('q') => {
                self.end(QuitReason::Quit);
                true
            }
            // Keys that change the incident (or open a dialog only to do so), as the key table
            // marks them; the facilitator's keys too, drill or not.
            _ => match keymap::main_action(self.view.focus, false, true, key) {
                Some(a) if a.changes_incident() => self.refuse_if_read_only(),
                _ => false,
            },
        }
    }

    /// After the source's events were applied: an observer shows the journaled health (it
    /// runs no probes of its own); a note from the inbox is reported back to the mirror.
    pub(super) fn after_events(&mut self, result: &Result<(), SubmitError>, after: Option<&After>) {
        if self.read_only() {
            self.show_journaled_health();
        }
        let Some(After::Inbox(id)) = after else { return };
        let done = match result {
            Ok(()) => InboxDone::Journaled,
            Err(SubmitError::Refused(r)) => InboxDone::Refused(r.message(Lang::En)),
            Err(SubmitError::NotSaved(_)) => InboxDone::Retry,
        };
        if let Some(status) = self.mirror.lock().ok().and_then(|slot| slot.clone()) {
            if let Ok(mut s) = status.lock() {
                s.done.push((id.clone(), done));
            }
        }
    }

    /// Once a second: what the notice line says (an observer's source, the other consoles),
    /// and the inbox's notes handed to the journal writer.
    pub(super) fn observe_tick(&mut self) {
        let notice = self.notice_line();
        if self.view.notice != notice {
            self.view.notice = notice;
            self.dirty = true;
        }
        self.take_inbox();
    }

    fn notice_line(&self) -> Option<String> {
        let live = self.live.as_ref()?;
        let me = &self.stamper.actor;
        let others = presence::open_consoles(&live.inc.events, &me.host, me.pid);
        let m = crate::i18n::messages(self.lang);
        let Some(status) = live.view_status() else {
            return presence::also_open_line(&others, &me.host, self.lang);
        };
        let mut parts: Vec<String> = Vec::new();
        if let Some(why) = &self.view_why {
            parts.push(why.clone());
        }
        parts.push(self.source_words(&status));
        if !others.is_empty() {
            let names: Vec<String> =
                others.iter().map(|a| presence::console_name(a, &me.host, self.lang)).collect();
            parts.push(fill(m.open_by, &[("names", &names.join(", "))]));
        }
        Some(parts.join(" · "))
    }

    /// "read-only via the journal", or the mirror's lag and how far the chain is verified.
    fn source_words(&self, s: &ViewStatus) -> String {
        let m = crate::i18n::messages(self.lang);
        match s.source {
            ViewSource::Journal => m.view_journal.to_string(),
            ViewSource::Mirror => {
                let ago = |t: chrono::DateTime<chrono::Utc>| {
                    let secs = (self.now() - t).num_seconds().max(0).unsigned_abs();
                    crate::duration_text::compact(std::time::Duration::from_secs(secs))
                };
                let newest = s.newest_at.map(ago).unwrap_or_else(|| "-".to_string());
                let mut lag = match s.behind {
                    Some(n) => fill(m.mirror_lag_n, &[("n", &n.to_string()), ("newest", &newest)]),
                    None => fill(m.mirror_lag, &[("newest", &newest)]),
                };
                // The owner's console stopped reporting: the lag figure is only as fresh as that.
                if let Some(seen) = s.owner_seen.filter(|t| (self.now() - *t).num_seconds() > 10) {
                    let seen = ago(seen);
                    lag.push_str(&fill(m.owner_last_reported, &[("seen", &seen)]));
                }
                fill(m.via_mirror, &[("lag", &lag), ("verified", &s.verified.to_string())])
            }
        }
    }

    /// Each service's last journaled state, for an observer (it probes nothing itself).
    fn show_journaled_health(&mut self) {
        let Some(live) = self.live.as_ref() else { return };
        let nothing = crate::i18n::messages(self.lang).nothing_journaled;
        for row in &mut self.view.health {
            if row.changed_at.is_none() && row.detail.is_empty() {
                row.detail = nothing.to_string();
            }
            if let Some(mark) = live.inc.health.get(&row.id) {
                if row.changed_at != Some(mark.since) || row.state != mark.state {
                    row.state = mark.state;
                    row.detail = mark.detail.clone();
                    row.changed_at = Some(mark.since);
                    row.latency_ms = None;
                    self.dirty = true;
                }
            }
        }
    }

    /// Notes the mirror found in the inbox go to the journal writer, each once.
    fn take_inbox(&mut self) {
        if self.read_only() || self.live.is_none() {
            return;
        }
        let Some(status) = self.mirror.lock().ok().and_then(|slot| slot.clone()) else { return };
        let notes = status.lock().map(|mut s| std::mem::take(&mut s.inbox)).unwrap_or_default();
        for n in notes {
            let cmd = Command::RemoteNote { text: n.text, remote: n.remote };
            if !self.submit_then(cmd, After::Inbox(n.id.clone())) {
                if let Ok(mut s) = status.lock() {
                    s.done.push((n.id, InboxDone::Retry));
                }
            }
        }
    }
}

//! The console's side of a drill: the facilitator's keys and dialogs, injects fired on the
//! tick, expectations checked at the close and the scorecard written. The drill itself
//! (scenario, game clock, scoring, sheets) lives in `crate::drill` and knows nothing of `App`.

use chrono::{DateTime, Utc};

use crate::drill::facilitator::{briefing, decision, upcoming};
use crate::drill::scenario::{Action, Expectation};
use crate::drill::session::{expectation_event, holds};
use crate::incident::EventKind;
use crate::probe::{Health, ProbeUpdate, ServiceStatus, Transition};
use crate::ui::view::{DrillSheet, Modal, SheetKind};

use super::App;

impl App {
    pub fn is_drilling(&self) -> bool {
        self.drill.is_some()
    }

    /// Start the drill after the declaration: the shop is healthy until the scenario says
    /// otherwise. UNKNOWN to UP is not journaled (see `on_probe`), so this adds no events.
    pub fn drill_start(&mut self) {
        let now = self.now();
        let ids: Vec<String> = self.loaded.runbook.services.iter().map(|s| s.id.clone()).collect();
        let detail = crate::i18n::messages(self.lang).drill_healthy_at_t0;
        for id in ids {
            self.drill_service(&id, Health::Up, detail.to_string(), now);
        }
        self.drill_tick();
    }

    /// Fire every inject whose game time has come; handle the end of the recovery.
    pub fn drill_tick(&mut self) {
        self.drill_sync_pause();
        // Nothing happens before the facilitator starts the exercise.
        if self.drill_briefing_open() {
            return;
        }
        let now = self.now();
        let Some(inc) = self.inc() else { return };
        // Recovery declared complete ends the exercise: no inject fires after it.
        if inc.closed_at.is_some() {
            self.drill_check_closed();
            return;
        }
        let t0 = inc.decl.t0;
        loop {
            let Some(s) = self.drill.as_ref() else { return };
            let Some(inj) = s.scenario.file.injects.get(s.next) else { break };
            let due = crate::incident::timers::after(t0, inj.at.0);
            if due > now {
                break;
            }
            self.drill_fire_next();
        }
    }

    /// Fire the next inject now, whatever its game time. Not after the recovery is complete.
    pub fn drill_fire_next(&mut self) -> bool {
        let now = self.now();
        if self.inc().is_none_or(|i| i.closed_at.is_some()) {
            return false;
        }
        let Some(s) = self.drill.as_mut() else { return false };
        let Some(inj) = s.scenario.file.injects.get(s.next) else { return false };
        let action = inj.action();
        s.next += 1;
        match action {
            Action::Service { service, state, detail } => {
                self.drill_service(&service, state, detail, now);
            }
            Action::Message(text) => {
                if self.emit(EventKind::DrillMessage { text: text.clone(), adhoc: false }) {
                    self.view.flash(text, false, now);
                }
            }
            Action::Decision { prompt, options } => {
                let shown = format!("{prompt} [{}]", options.join(" / "));
                if self.emit(EventKind::DrillDecision {
                    prompt: prompt.clone(),
                    options: options.clone(),
                }) {
                    self.view.flash(shown, false, now);
                    self.drill_show_decision(&prompt, &options);
                }
            }
            Action::Expect(e) => {
                let met = self.drill_holds(&e);
                self.emit(expectation_event(&e, met));
            }
        }
        true
    }

    fn drill_holds(&self, e: &Expectation) -> bool {
        let Some(inc) = self.inc() else { return false };
        let health = |id: &str| self.view.health.iter().find(|r| r.id == id).map(|r| r.state);
        holds(inc, health, e)
    }

    /// A synthesized probe result: the same path a real probe's result takes.
    fn drill_service(&mut self, id: &str, to: Health, detail: String, now: DateTime<Utc>) {
        let prev = self.statuses.iter().find(|s| s.id == id).cloned();
        let from = prev.as_ref().map(|p| p.state).unwrap_or(Health::Unknown);
        let mut status = prev.unwrap_or_else(|| ServiceStatus::unknown(id));
        status.state = to;
        status.latency = (to != Health::Down).then(|| std::time::Duration::from_millis(5));
        status.detail = detail.clone();
        status.checked_at = Some(now);
        let transition = (from != to).then(|| {
            status.changed_at = Some(now);
            Transition { service: id.to_string(), from, to, at: now, detail }
        });
        status.history.push_back((to != Health::Down).then_some(5));
        while status.history.len() > crate::probe::HISTORY_LEN {
            status.history.pop_front();
        }
        self.on_probe(ProbeUpdate { status, transition });
    }

    /// When the recovery is declared complete, every expectation not yet checked is decided
    /// now (nothing changes after the close), and the scorecard is written.
    fn drill_check_closed(&mut self) {
        let closed = self.inc().is_some_and(|i| i.closed_at.is_some());
        if !closed || self.drill.as_ref().is_none_or(|s| s.closed_handled) {
            return;
        }
        let pending: Vec<Expectation> = self
            .drill
            .as_ref()
            .map(|s| {
                s.scenario.file.injects[s.next.min(s.scenario.file.injects.len())..]
                    .iter()
                    .filter_map(|i| match i.action() {
                        Action::Expect(e) => Some(e),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for e in pending {
            let met = self.drill_holds(&e);
            self.emit(expectation_event(&e, met));
        }
        // The scorecard is written from what is durable: wait for these to be.
        self.settle(std::time::Duration::from_secs(30));
        let mut writer = self.drill.as_mut().and_then(|s| {
            s.closed_handled = true;
            s.writer.take()
        });
        if let Some(w) = writer.as_mut() {
            let now = self.now();
            let result = match (self.inc(), self.drill.as_ref()) {
                (Some(inc), Some(session)) => {
                    w(crate::drill::session::ScoreInput { inc, session, now, tz: self.tz })
                }
                _ => Err("no drill is running".to_string()),
            };
            match result {
                Ok(paths) => {
                    let shown = paths.first().map(|p| p.display().to_string()).unwrap_or_default();
                    self.view.flash(format!("scorecard: {shown}"), false, now);
                    if let Some(s) = self.drill.as_mut() {
                        s.written = paths;
                    }
                }
                Err(e) => self.view.flash(format!("scorecard not written: {e}"), true, now),
            }
        }
        if let Some(s) = self.drill.as_mut() {
            s.writer = writer;
        }
    }

    /// Facilitator keys: P pause/resume, N next inject now, I ad-hoc inject, F upcoming injects.
    pub fn drill_key(&mut self, c: char) {
        let now = self.now();
        match c {
            'P' => {
                let Some(held) = self.drill.as_ref().map(|s| !s.dialogs.held) else { return };
                // Journal first: the pause is part of the exercise's record.
                if self.emit(EventKind::DrillClock { paused: held }) {
                    if let Some(s) = self.drill.as_mut() {
                        s.dialogs.held = held;
                    }
                    self.drill_sync_pause();
                }
            }
            'F' => self.drill_upcoming(),
            'N' => {
                let fired = self.drill_fire_next();
                if !fired {
                    let msg = crate::i18n::messages(self.lang).no_more_injects;
                    self.view.flash(msg, true, now);
                }
            }
            'I' => {
                self.view.modal = Some(crate::ui::view::Modal::Input {
                    kind: crate::ui::view::InputKind::Inject,
                    text: String::new(),
                });
            }
            _ => {}
        }
    }
}

impl App {
    /// Show the briefing; the game clock stands until the facilitator starts it.
    pub fn drill_briefing(&mut self) {
        let Some(s) = self.drill.as_ref() else { return };
        let sheet = briefing(&s.scenario, s.speed, self.lang);
        self.view.modal = Some(Modal::Drill(sheet));
        self.drill_sync_pause();
    }

    /// Whether the briefing is still up (the exercise has not begun).
    pub fn drill_briefing_open(&self) -> bool {
        matches!(&self.view.modal, Some(Modal::Drill(d)) if d.kind == SheetKind::Briefing)
    }

    /// `F`: the injects still to come. Only the view changes: nothing is journaled, so the
    /// record never says the players saw them.
    pub fn drill_upcoming(&mut self) {
        let now = self.now();
        let Some(s) = self.drill.as_ref() else { return };
        let elapsed = self.inc().map_or(chrono::Duration::zero(), |i| now - i.decl.t0);
        let sheet = upcoming(&s.scenario, s.next, elapsed, self.lang);
        self.view.modal = Some(Modal::Drill(sheet));
        self.drill_sync_pause();
    }

    /// A decision inject fired: show it whole now, or after the dialog that is open.
    pub(crate) fn drill_show_decision(&mut self, prompt: &str, options: &[String]) {
        let sheet = decision(prompt, options, self.lang);
        match (&self.view.modal, self.drill.as_mut()) {
            (None, _) => self.view.modal = Some(Modal::Drill(sheet)),
            (Some(_), Some(s)) => s.dialogs.pending.push_back(sheet),
            (Some(_), None) => {}
        }
        self.drill_sync_pause();
    }

    pub(crate) fn drill_sheet_key(
        &mut self,
        code: crossterm::event::KeyCode,
        mut sheet: DrillSheet,
    ) {
        use crossterm::event::KeyCode;
        match code {
            KeyCode::Enter | KeyCode::Esc | KeyCode::Char('q')
                if sheet.kind != SheetKind::Briefing => {}
            KeyCode::Char('F') if sheet.kind == SheetKind::Injects => {}
            // The briefing ends only by starting the exercise.
            KeyCode::Enter => {}
            code => {
                let delta: i64 = match code {
                    KeyCode::Down | KeyCode::Char('j') => 1,
                    KeyCode::Up | KeyCode::Char('k') => -1,
                    KeyCode::PageDown => 10,
                    KeyCode::PageUp => -10,
                    _ => 0,
                };
                let rows: usize = sheet.sections.iter().map(|(_, l)| l.len() + 1).sum();
                sheet.scroll = (sheet.scroll as i64 + delta).clamp(0, rows as i64) as usize;
                self.view.modal = Some(Modal::Drill(sheet));
            }
        }
        self.drill_sync_pause();
    }

    /// Hold the game clock while the facilitator paused it, while the briefing is up, and
    /// while any dialog is open if the scenario says so; show a waiting decision once nothing
    /// else is open. Called after every key and every tick.
    pub fn drill_sync_pause(&mut self) {
        let briefing = self.drill_briefing_open();
        let Some(s) = self.drill.as_mut() else { return };
        if self.view.modal.is_none() {
            if let Some(next) = s.dialogs.pending.pop_front() {
                self.view.modal = Some(Modal::Drill(next));
                self.dirty = true;
            }
        }
        let dialog = self.view.modal.is_some() && s.scenario.file.scenario.pause_on_dialog;
        let hold = s.dialogs.held || briefing || dialog;
        if let Some(clock) = &s.clock {
            if clock.set_paused(hold) {
                self.dirty = true;
            }
        }
    }
}

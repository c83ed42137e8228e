//! The application: state, the key handler and the loop. `App` itself does no I/O besides its
//! event sink, so tests drive it headless: feed keys, advance the clock, read state and frames.

mod comms;
pub mod crash;
mod health;
mod keys;
pub mod run;

pub mod term;

use std::sync::Arc;

use chrono::FixedOffset;

use crate::incident::clock::Clock;
use crate::incident::decide::Command;
use crate::incident::session::IncidentSession;
use crate::incident::sink::{EventSink, SinkFactory, SubmitError};
use crate::incident::{Actor, Declaration, Event, EventKind, Incident, Stamper};
use crate::runbook::model::Lang;
use crate::runbook::Loaded;
use crate::theme::Theme;
use crate::ui::declare::DeclareForm;
use crate::ui::view::{HealthRow, ViewState};
use crate::ui::Ctx;

/// Why the console is ending, and the exit code that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitReason {
    Quit,
    Interrupt,
    Terminate,
    Hangup,
    QuitSignal,
    TerminalLost,
}

impl QuitReason {
    pub fn exit_code(self) -> i32 {
        match self {
            QuitReason::Quit => 0,
            QuitReason::Interrupt => 130,
            QuitReason::Terminate => 143,
            QuitReason::Hangup | QuitReason::TerminalLost => 129,
            QuitReason::QuitSignal => 131,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QuitReason::Quit => "quit",
            QuitReason::Interrupt => "SIGINT",
            QuitReason::Terminate => "SIGTERM",
            QuitReason::Hangup => "SIGHUP",
            QuitReason::QuitSignal => "SIGQUIT",
            QuitReason::TerminalLost => "terminal lost",
        }
    }
}

pub struct App {
    pub loaded: Arc<Loaded>,
    /// The incident being worked, once declared or resumed: its state and its journal.
    session: Option<IncidentSession>,
    pub view: ViewState,
    pub lang: Lang,
    pub theme: Theme,
    pub tz: FixedOffset,
    pub stamper: Stamper,
    sink_factory: SinkFactory,
    pub quit: Option<QuitReason>,
    /// Something changed since the last frame.
    pub dirty: bool,
    /// Latest probe result per service (for the self-check).
    pub statuses: Vec<crate::probe::ServiceStatus>,
    /// The operations-MongoDB mirror, once one runs for this incident.
    pub mirror: std::sync::Arc<std::sync::Mutex<Option<crate::mirror::SharedStatus>>>,
    /// The tabletop exercise this console runs, if any (see `crate::drill`).
    pub drill: Option<crate::drill::Session>,
}

impl App {
    pub fn new(
        loaded: Arc<Loaded>,
        lang: Lang,
        theme: Theme,
        clock: Arc<dyn Clock>,
        actor: Actor,
        sink_factory: SinkFactory,
    ) -> App {
        let health = loaded
            .runbook
            .services
            .iter()
            .map(|s| HealthRow {
                id: s.id.clone(),
                name: s.name.clone(),
                state: "UNKNOWN".to_string(),
                latency_ms: None,
                detail: String::new(),
                notes: Vec::new(),
                changed_at: None,
                history: Vec::new(),
            })
            .collect();
        let mut view = ViewState::new(health);
        view.declare = Some(DeclareForm::new(&loaded.runbook, &actor.user));
        let tz = *chrono::Local::now().offset();
        App {
            loaded,
            session: None,
            view,
            lang,
            theme,
            tz,
            stamper: Stamper { clock, actor },
            sink_factory,
            quit: None,
            dirty: true,
            statuses: Vec::new(),
            mirror: Default::default(),
            drill: None,
        }
    }

    /// Continue an incident from its events (resume, or the other process's declaration).
    pub fn attach(&mut self, events: &[Event], sink: Box<dyn EventSink>) -> Result<(), String> {
        self.attach_owned(events.to_vec(), sink)
    }

    /// [`App::attach`] taking the events, so a long journal is not held twice (resume).
    pub fn attach_owned(
        &mut self,
        events: Vec<Event>,
        sink: Box<dyn EventSink>,
    ) -> Result<(), String> {
        let session =
            IncidentSession::resume(self.loaded.clone(), sink, self.stamper.clone(), events)?;
        let inc = session.incident();
        self.view.declare = None;
        self.view.step_sel = inc.current_step().unwrap_or(0);
        // Until the probes answer, show the last journaled state of each service.
        for row in &mut self.view.health {
            if let Some(mark) = inc.health.get(&row.id) {
                row.state = mark.state.clone();
                row.detail = mark.detail.clone();
                row.changed_at = Some(mark.since);
            }
        }
        self.session = Some(session);
        self.dirty = true;
        Ok(())
    }

    /// The incident being worked, as its journal has it.
    pub fn inc(&self) -> Option<&Incident> {
        self.session.as_ref().map(IncidentSession::incident)
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.stamper.clock.now()
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            rb: &self.loaded.runbook,
            inc: self.inc(),
            view: &self.view,
            theme: &self.theme,
            lang: self.lang,
            now: self.now(),
            tz: self.tz,
        }
    }

    /// Declare: open the incident's sink, make the declaration durable, then show it.
    pub fn declare(&mut self, decl: Declaration) -> Result<(), String> {
        let sink = (self.sink_factory)(&decl)?;
        let session =
            IncidentSession::declare(self.loaded.clone(), sink, self.stamper.clone(), decl)?;
        self.session = Some(session);
        self.view.declare = None;
        self.view.step_sel = 0;
        self.emit(EventKind::SessionStarted { resumed: false });
        self.dirty = true;
        Ok(())
    }

    /// Whether the rules allow `cmd` now, without writing anything; a refusal is shown.
    pub fn allowed(&mut self, cmd: &Command) -> bool {
        let Some(session) = &self.session else { return false };
        match session.check(cmd) {
            Ok(()) => true,
            Err(r) => {
                let now = self.now();
                self.view.flash(r.message(self.lang), true, now);
                self.dirty = true;
                false
            }
        }
    }

    /// Decide, journal, then apply (see [`IncidentSession::submit`]). Returns the events
    /// written; a refusal is flashed and an unsaved change raises the alarm, and then nothing
    /// was applied, so the screen never shows an unsaved change.
    pub fn submit(&mut self, cmd: Command) -> Option<Vec<Event>> {
        let now = self.now();
        let session = self.session.as_mut()?;
        let result = session.submit(cmd);
        self.dirty = true;
        match result {
            Ok(written) => {
                self.view.banner = session.alarm();
                Some(written)
            }
            Err(SubmitError::Refused(r)) => {
                self.view.flash(r.message(self.lang), true, now);
                None
            }
            Err(SubmitError::NotSaved(e)) => {
                self.view.banner = Some(format!("NOT SAVED: {e}"));
                self.view.flash(format!("NOT SAVED: {e}"), true, now);
                None
            }
        }
    }

    /// Record something the operator does not decide (a health transition, a session start, a
    /// message sent, a drill inject). False if it was not saved.
    pub fn emit(&mut self, kind: EventKind) -> bool {
        self.submit(Command::Record(kind)).is_some()
    }

    /// Once a second: events from other processes, breaches, reminders, expired messages.
    pub fn tick(&mut self) {
        // A drill's injects come first: a service going DOWN at T+2m belongs before any breach.
        self.drill_tick();
        let now = self.now();
        if let Some(session) = self.session.as_mut() {
            if session.poll() > 0 {
                self.dirty = true;
            }
            let alarm = session.alarm();
            if alarm != self.view.banner {
                self.view.banner = alarm;
                self.dirty = true;
            }
            // Only when something looks due: the rules then decide under the journal's lock,
            // on what every writer has appended, so two consoles do not both journal it.
            let inc = session.incident();
            let due = !crate::incident::timers::breaches_due(inc, now).is_empty()
                || !crate::comms::reminders_due(inc, &self.loaded.runbook, now).is_empty();
            if due {
                let written = self.submit(Command::Tick).unwrap_or_default();
                if written.iter().any(|e| matches!(e.kind, EventKind::UpdateReminder { .. })) {
                    self.view.flash(crate::i18n::ui(self.lang).update_due, true, now);
                }
            }
        }
        let mirror = self.mirror.lock().ok().and_then(|slot| slot.clone());
        if let Some(status) = mirror.and_then(|m| m.lock().ok().map(|s| s.clone())) {
            let line = crate::ui::view::mirror_line(&status, self.lang);
            if self.view.mirror.as_ref() != Some(&line) {
                self.view.mirror = Some(line);
                self.dirty = true;
            }
        }
        if self.view.flash.as_ref().is_some_and(|f| f.until <= now) {
            self.view.flash = None;
            self.dirty = true;
        }
        // The clocks on screen tick every second while an incident is open.
        if self.inc().is_some_and(|i| i.closed_at.is_none()) {
            self.dirty = true;
        }
    }

    /// End the session: journal why, then stop.
    pub fn end(&mut self, reason: QuitReason) {
        if self.quit.is_some() {
            return;
        }
        if self.session.is_some() {
            self.emit(EventKind::SessionEnded { reason: reason.as_str().to_string() });
        }
        self.quit = Some(reason);
    }

    pub fn head(&self) -> Option<String> {
        self.session.as_ref().and_then(IncidentSession::head)
    }

    pub fn render(&self, f: &mut ratatui::Frame) {
        crate::ui::draw(f, &self.ctx());
    }
}

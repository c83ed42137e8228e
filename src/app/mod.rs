//! The application: state, the key handler and the loop. `App` itself does no I/O besides its
//! event sink, so tests drive it headless: feed keys, advance the clock, read state and frames.

mod comms;
pub mod crash;
mod health;
mod keys;
pub mod run;
pub mod sink;
pub mod term;

use std::sync::Arc;

use chrono::FixedOffset;

use crate::incident::clock::Clock;
use crate::incident::timers;
use crate::incident::{apply, Actor, Declaration, Event, EventKind, Incident, Stamper};
use crate::runbook::model::Lang;
use crate::runbook::Loaded;
use crate::theme::Theme;
use crate::ui::declare::DeclareForm;
use crate::ui::view::{HealthRow, ViewState};
use crate::ui::Ctx;
use sink::{EventSink, SinkFactory};

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
    pub inc: Option<Incident>,
    pub view: ViewState,
    pub lang: Lang,
    pub theme: Theme,
    pub tz: FixedOffset,
    pub stamper: Stamper,
    sink: Option<Box<dyn EventSink>>,
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
            inc: None,
            view,
            lang,
            theme,
            tz,
            stamper: Stamper { clock, actor },
            sink: None,
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
        let inc = Incident::replay_owned(&self.loaded.runbook, events)
            .ok_or("the journal does not start with a declaration this runbook understands")?;
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
        self.inc = Some(inc);
        self.sink = Some(sink);
        self.dirty = true;
        Ok(())
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.stamper.clock.now()
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            rb: &self.loaded.runbook,
            inc: self.inc.as_ref(),
            view: &self.view,
            theme: &self.theme,
            lang: self.lang,
            now: self.now(),
            tz: self.tz,
        }
    }

    /// Declare: open the incident's sink, make the declaration durable, then show it.
    pub fn declare(&mut self, decl: Declaration) -> Result<(), String> {
        let mut sink = (self.sink_factory)(&decl)?;
        let ev = self.stamper.stamp(EventKind::Declared(decl));
        sink.append(&ev)?;
        let inc = Incident::from_declared(&self.loaded.runbook, &ev)
            .ok_or("the declaration names a level this runbook does not define")?;
        self.inc = Some(inc);
        self.sink = Some(sink);
        self.view.declare = None;
        self.view.step_sel = 0;
        self.emit(EventKind::SessionStarted { resumed: false });
        self.dirty = true;
        Ok(())
    }

    /// Journal an event, then apply it. Returns false (and raises the alarm) if it could not
    /// be made durable: then it is not applied, so the screen never shows an unsaved change.
    pub fn emit(&mut self, kind: EventKind) -> bool {
        let ev = self.stamper.stamp(kind);
        let (Some(sink), Some(inc)) = (self.sink.as_mut(), self.inc.as_mut()) else {
            return false;
        };
        match sink.append(&ev) {
            Ok(()) => {
                apply(inc, &self.loaded.runbook, &ev);
                self.view.banner = sink.alarm();
                self.dirty = true;
                true
            }
            Err(e) => {
                let now = self.stamper.clock.now();
                self.view.banner = Some(format!("NOT SAVED: {e}"));
                self.view.flash(format!("NOT SAVED: {e}"), true, now);
                self.dirty = true;
                false
            }
        }
    }

    /// Once a second: breaches, events from other processes, expired messages.
    pub fn tick(&mut self) {
        // A drill's injects come first: a service going DOWN at T+2m belongs before any breach.
        self.drill_tick();
        let now = self.now();
        if let Some(sink) = self.sink.as_mut() {
            let foreign = sink.poll_foreign();
            if let Some(inc) = self.inc.as_mut() {
                for ev in &foreign {
                    apply(inc, &self.loaded.runbook, ev);
                }
            }
            if !foreign.is_empty() {
                self.dirty = true;
            }
            let alarm = sink.alarm();
            if alarm != self.view.banner {
                self.view.banner = alarm;
                self.dirty = true;
            }
        }
        if let Some(inc) = &self.inc {
            let reminders = crate::comms::reminders_due(inc, &self.loaded.runbook, now);
            for (function, budget) in timers::breaches_due(inc, now) {
                self.emit(EventKind::TimerBreached { function, budget_secs: budget.as_secs() });
            }
            if !reminders.is_empty() {
                self.view.flash(crate::i18n::ui(self.lang).update_due, true, now);
            }
            for r in reminders {
                self.emit(r);
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
        if self.inc.as_ref().is_some_and(|i| i.closed_at.is_none()) {
            self.dirty = true;
        }
    }

    /// End the session: journal why, then stop.
    pub fn end(&mut self, reason: QuitReason) {
        if self.quit.is_some() {
            return;
        }
        if self.inc.is_some() {
            self.emit(EventKind::SessionEnded { reason: reason.as_str().to_string() });
        }
        self.quit = Some(reason);
    }

    pub fn head(&self) -> Option<String> {
        self.sink.as_ref().and_then(|s| s.head())
    }

    pub fn render(&self, f: &mut ratatui::Frame) {
        crate::ui::draw(f, &self.ctx());
    }
}

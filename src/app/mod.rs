//! The application: state, the key handler and the loop. `App` itself does no I/O besides its
//! event sink, so tests drive it headless: feed keys, advance the clock, read state and frames.

mod commands;
mod comms;
mod copy;
pub mod crash;
mod drill;
mod health;
pub use crate::keymap;
mod keys;
mod live;
mod observe;
mod reading;
pub mod run;

pub mod term;

use std::sync::Arc;

use chrono::FixedOffset;

use crate::incident::clock::Clock;
use crate::incident::decide::{decide, Command};
use crate::incident::session::IncidentSession;
use crate::incident::sink::{EventSink, SinkFactory, SubmitError};
use crate::incident::worker::Outcome;
use crate::incident::{apply_shared, Actor, Declaration, Event, EventKind, Incident, Stamper};
use crate::runbook::model::Lang;
use crate::runbook::Loaded;
use crate::theme::Theme;
use crate::ui::declare::DeclareForm;
use crate::ui::view::{HealthRow, ViewState};
use crate::ui::Ctx;
pub use live::{After, Live};

/// Why the console is ending, and the exit code that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitReason {
    Quit,
    Interrupt,
    Terminate,
    Hangup,
    QuitSignal,
    TerminalLost,
    /// The operator chose to resume an open incident from the start screen.
    Switch,
}

impl QuitReason {
    pub fn exit_code(self) -> i32 {
        match self {
            QuitReason::Quit | QuitReason::Switch => 0,
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
            QuitReason::Switch => "switch",
        }
    }
}

pub struct App {
    pub loaded: Arc<Loaded>,
    /// The incident being worked, once declared or resumed: what is durable of it, and its
    /// journal writer.
    live: Option<Live>,
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
    /// The open incident chosen on the start screen, to resume once this loop ends.
    pub switch_to: Option<String>,
    /// The tabletop exercise this console runs, if any (see `crate::drill`).
    pub drill: Option<crate::drill::Session>,
    /// Why this console only observes, when that is not what was asked (a closed incident).
    view_why: Option<String>,
    /// The console runs inside tmux (`$TMUX`): a copy also goes into tmux's paste buffer.
    pub in_tmux: bool,
    /// What the operator typed into message fields, kept while the console runs so that
    /// closing the communications dialog loses nothing.
    comms_values: std::collections::BTreeMap<String, String>,
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
                state: crate::probe::Health::Unknown,
                latency_ms: None,
                detail: String::new(),
                notes: Vec::new(),
                changed_at: None,
                history: Vec::new(),
            })
            .collect();
        let mut view = ViewState::new(health);
        view.declare = Some(DeclareForm::new(&loaded.runbook, actor.label()));
        view.me = Some(actor.clone());
        let tz = *chrono::Local::now().offset();
        App {
            loaded,
            live: None,
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
            switch_to: None,
            drill: None,
            view_why: None,
            in_tmux: crate::comms::osc52::in_tmux(),
            comms_values: Default::default(),
        }
    }

    /// Continue an incident from its events (resume, or the other process's declaration).
    pub fn attach(&mut self, events: &[Event], sink: Box<dyn EventSink>) -> Result<(), String> {
        self.attach_owned(events.iter().cloned().map(Arc::new).collect(), sink)
    }

    /// [`App::attach`] taking the events, so a long journal is not held twice (resume).
    pub fn attach_owned(
        &mut self,
        events: Vec<Arc<Event>>,
        sink: Box<dyn EventSink>,
    ) -> Result<(), String> {
        let session =
            IncidentSession::resume(self.loaded.clone(), sink, self.stamper.clone(), events)?;
        self.attach_session(session)
    }

    /// [`App::attach`] of an incident its caller has already replayed from the journal that
    /// `sink` writes (resume decided from that replay whether the incident may be opened).
    pub fn attach_replayed(
        &mut self,
        inc: Incident,
        sink: Box<dyn EventSink>,
    ) -> Result<(), String> {
        let session =
            IncidentSession::continued(self.loaded.clone(), sink, self.stamper.clone(), inc);
        self.attach_session(session)
    }

    fn attach_session(&mut self, session: IncidentSession) -> Result<(), String> {
        let live = Live::start(session)?;
        let inc = &live.inc;
        self.view.declare = None;
        self.view.step_sel = inc.current_step().unwrap_or(0);
        // Until the probes answer, show the last journaled state of each service.
        for row in &mut self.view.health {
            if let Some(mark) = inc.health.get(&row.id) {
                row.state = mark.state;
                row.detail = mark.detail.clone();
                row.changed_at = Some(mark.since);
            }
        }
        self.live = Some(live);
        self.dirty = true;
        Ok(())
    }

    /// The incident being worked, as its journal has it (what is durable; pending commands
    /// are not in it yet).
    pub fn inc(&self) -> Option<&Incident> {
        self.live.as_ref().map(|l| &l.inc)
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
        self.live = Some(Live::start(session)?);
        self.view.declare = None;
        self.view.step_sel = 0;
        self.emit(EventKind::SessionStarted { resumed: false });
        self.dirty = true;
        Ok(())
    }

    /// Whether the rules allow `cmd` now, on what is durable, without writing anything; a
    /// refusal is shown. (The writer decides again, on the journal as it then is.)
    pub fn allowed(&mut self, cmd: &Command) -> bool {
        if self.refuse_if_read_only() {
            return false;
        }
        let Some(live) = &self.live else { return false };
        let now = self.now();
        match decide(&live.inc, &self.loaded.runbook, cmd, now) {
            Ok(_) => true,
            Err(r) => {
                self.view.flash(r.message(self.lang), true, now);
                self.dirty = true;
                false
            }
        }
    }

    /// Hand a command to the journal writer; it shows as pending until the writer says it is
    /// durable (then `after` happens), refused, or not saved. False if there is no incident or
    /// the writer is gone.
    pub fn submit_then(&mut self, cmd: Command, after: After) -> bool {
        // An observer changes nothing: the one place every command passes.
        if self.refuse_if_read_only() {
            return false;
        }
        let now = self.now();
        let Some(live) = self.live.as_mut() else { return false };
        match live.submit(cmd) {
            Ok(id) => {
                live.pending.insert(id, after);
                self.view.pending = live.pending.len();
                self.dirty = true;
                true
            }
            Err(e) => {
                self.view.banner = Some(format!("NOT SAVED: {e}"));
                self.view.flash(format!("NOT SAVED: {e}"), true, now);
                self.dirty = true;
                false
            }
        }
    }

    /// [`App::submit_then`] with nothing to do after.
    pub fn submit(&mut self, cmd: Command) -> bool {
        self.submit_then(cmd, After::Nothing)
    }

    /// Record something the operator does not decide (a health transition, a session start, a
    /// message sent, a drill inject).
    pub fn emit(&mut self, kind: EventKind) -> bool {
        // A kind only a decided command may produce is refused here, not later by the writer.
        let cmd = Command::Record(kind);
        let now = self.now();
        let refused = self.inc().and_then(|i| decide(i, &self.loaded.runbook, &cmd, now).err());
        if let Some(r @ crate::incident::decide::Refusal::NotRecordable(_)) = refused {
            self.view.flash(r.message(self.lang), true, now);
            return false;
        }
        self.submit(cmd)
    }

    /// What the writer finished: apply its events (journal order), then the outcome.
    pub fn on_outcome(&mut self, o: Outcome) {
        let now = self.now();
        let Some(live) = self.live.as_mut() else { return };
        for ev in &o.events {
            apply_shared(&mut live.inc, &self.loaded.runbook, ev.clone());
        }
        live.head = o.head;
        let after = o.job.and_then(|id| live.pending.remove(&id));
        self.view.pending = live.pending.len();
        self.view.banner = o.alarm;
        self.dirty = true;
        self.after_events(&o.result, after.as_ref());
        match (o.result, after) {
            (Ok(()), Some(After::Saved)) => self.view.flash(self.ui().saved, false, now),
            (Ok(()), Some(After::Tick)) => {
                if o.events.iter().any(|e| matches!(e.kind, EventKind::UpdateReminder { .. })) {
                    self.view.flash(self.ui().update_due, true, now);
                }
            }
            (Ok(()), _) => {}
            (Err(SubmitError::Refused(r)), _) => self.view.flash(r.message(self.lang), true, now),
            (Err(SubmitError::NotSaved(e)), _) => {
                self.view.banner = Some(format!("NOT SAVED: {e}"));
                self.view.flash(format!("NOT SAVED: {e}"), true, now);
            }
        }
        if self.view.pending > 0 && self.view.flash.as_ref().is_none_or(|f| !f.error) {
            let saving = self.ui().saving;
            self.view.flash(format!("{saving} ({})", self.view.pending), false, now);
        }
    }

    /// Signalled when the journal writer has an outcome (for the event loop).
    pub fn writer_wake(&self) -> Option<std::sync::Arc<tokio::sync::Notify>> {
        self.live.as_ref().map(Live::wake)
    }

    /// Take every outcome the writer has finished, without waiting.
    pub fn drain_outcomes(&mut self) {
        while let Some(o) = self.live.as_mut().and_then(Live::try_outcome) {
            self.on_outcome(o);
        }
    }

    /// Wait until every pending command has its outcome, at most `limit`. True when none is
    /// left pending (the quit path: the record is written from what is durable).
    pub fn settle(&mut self, limit: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + limit;
        self.drain_outcomes();
        while self.view.pending > 0 {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let Some(o) = self.live.as_mut().and_then(|l| l.wait(left)) else {
                return false;
            };
            self.on_outcome(o);
        }
        true
    }

    /// Once a second: outcomes, breaches and reminders due, a writer that waits too long,
    /// expired messages.
    pub fn tick(&mut self) {
        self.drain_outcomes();
        // A drill's injects come first: a service going DOWN at T+2m belongs before any breach.
        self.drill_tick();
        let now = self.now();
        self.observe_tick();
        if let Some(live) = self.live.as_ref().filter(|l| !l.read_only()) {
            // Only when something looks due, and once at a time: the writer then decides on
            // what every writer has appended, so two consoles do not both journal it.
            let inc = &live.inc;
            let due = !crate::incident::timers::breaches_due(inc, now).is_empty()
                || !crate::comms::reminders_due(inc, &self.loaded.runbook, now).is_empty()
                || crate::incident::response::breach_due(inc, &self.loaded.runbook, now).is_some();
            let ticking = live.pending.values().any(|a| *a == After::Tick);
            if due && !ticking {
                self.submit_then(Command::Tick, After::Tick);
            }
        }
        if let Some(wait) = self.live.as_ref().and_then(|l| l.busy_line(self.lang)) {
            if self.view.banner.as_ref() != Some(&wait) {
                self.view.banner = Some(wait);
                self.dirty = true;
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
        // The clocks on screen tick every second while an incident is open, and a wait's
        // countdown while a post-recovery step runs after the close.
        let running = |i: &crate::incident::Incident| {
            i.steps.iter().any(|s| s.status == crate::incident::StepStatus::InProgress)
        };
        if self.inc().is_some_and(|i| i.closed_at.is_none() || running(i)) {
            self.dirty = true;
        }
    }

    /// End the session: journal why, then stop.
    pub fn end(&mut self, reason: QuitReason) {
        if self.quit.is_some() {
            return;
        }
        if self.live.as_ref().is_some_and(|l| !l.read_only()) {
            self.emit(EventKind::SessionEnded { reason: reason.as_str().to_string() });
        }
        self.quit = Some(reason);
    }

    pub fn head(&self) -> Option<String> {
        self.live.as_ref().and_then(|l| l.head.clone())
    }

    pub fn render(&self, f: &mut ratatui::Frame) {
        crate::ui::draw(f, &self.ctx());
    }
}

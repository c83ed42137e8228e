//! Keys to actions. Every change to the incident goes out as an event through `App::emit`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{App, QuitReason};
use crate::incident::clock::parse_local_time as parse_t0;
use crate::incident::{Declaration, EventKind, StepStatus, TeamMember};
use crate::ui::declare::{DeclareForm, Field};
use crate::ui::text::pop_char;
use crate::ui::view::{InputKind, Modal, Pane};

impl App {
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.dirty = true;
        // In raw mode Ctrl-C arrives as a key, not as SIGINT; it means the same.
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.end(QuitReason::Interrupt);
            return;
        }
        // Test-only: a real panic through the real hook, for the crash tests of debug builds.
        #[cfg(debug_assertions)]
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && key.code == KeyCode::Char('p')
            && std::env::var_os("DRCONSOLE_DEBUG_PANIC").is_some()
        {
            panic!("debug panic trigger (DRCONSOLE_DEBUG_PANIC)");
        }
        if self.view.modal.is_some() {
            self.modal_key(key);
        } else if self.inc.is_none() {
            self.declare_key(key);
        } else {
            self.main_key(key);
        }
    }

    /// Bracketed paste goes into whatever text is being typed.
    pub fn on_paste(&mut self, text: &str) {
        let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        if let Some(Modal::Input { text, .. }) = &mut self.view.modal {
            text.push_str(&clean);
        } else if let Some(form) = &mut self.view.declare {
            if let Some(t) = text_field(form) {
                t.push_str(&clean);
            }
        }
        self.dirty = true;
    }

    fn modal_key(&mut self, key: KeyEvent) {
        let Some(modal) = self.view.modal.take() else { return };
        match modal {
            Modal::Help => {
                if !matches!(
                    key.code,
                    KeyCode::Char('?') | KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter
                ) {
                    self.view.modal = Some(Modal::Help);
                }
            }
            Modal::ConfirmQuit => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.end(QuitReason::Quit),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {}
                _ => self.view.modal = Some(Modal::ConfirmQuit),
            },
            Modal::ConfirmClose { step } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    if self.emit(EventKind::StepDone { step }) {
                        self.emit(EventKind::Closed);
                    }
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {}
                _ => self.view.modal = Some(Modal::ConfirmClose { step }),
            },
            Modal::Comms(cv) => self.comms_key(key, cv),
            Modal::Input { kind, mut text } => match key.code {
                KeyCode::Esc => {
                    // Leaving a field of the comms dialog goes back to the dialog.
                    if let InputKind::TemplateField { comms, .. }
                    | InputKind::CommsChannel { comms }
                    | InputKind::SavePath { comms } = kind
                    {
                        self.view.modal = Some(Modal::Comms(comms));
                    }
                }
                KeyCode::Enter => self.submit_input(kind, text),
                KeyCode::Backspace => {
                    pop_char(&mut text);
                    self.view.modal = Some(Modal::Input { kind, text });
                }
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.view.modal = Some(Modal::Input { kind, text: String::new() });
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    text.push(c);
                    self.view.modal = Some(Modal::Input { kind, text });
                }
                _ => self.view.modal = Some(Modal::Input { kind, text }),
            },
        }
    }

    fn submit_input(&mut self, kind: InputKind, text: String) {
        let now = self.now();
        let text = text.trim().to_string();
        // An empty template field is a deliberate blank; every other input needs text.
        if text.is_empty() && !matches!(kind, InputKind::TemplateField { .. }) {
            self.view.flash(self.ui().empty_text, true, now);
            if let InputKind::CommsChannel { comms } | InputKind::SavePath { comms } = kind {
                self.view.modal = Some(Modal::Comms(comms));
            }
            return;
        }
        let saved = match kind {
            InputKind::Inject => self.emit(EventKind::DrillMessage { text, adhoc: true }),
            k @ (InputKind::Notified { .. }
            | InputKind::TemplateField { .. }
            | InputKind::CommsChannel { .. }
            | InputKind::SavePath { .. }) => {
                self.comms_input(k, text);
                return;
            }
            InputKind::Note => self.emit(EventKind::Note { text }),
            InputKind::Skip { step } => {
                let ok = self.emit(EventKind::StepSkipped { step, reason: text });
                self.advance_selection();
                ok
            }
            InputKind::Fail { step } => self.emit(EventKind::StepFailed { step, reason: text }),
            InputKind::Backup => match parse_t0(&text, now) {
                Ok(at) => self.emit(EventKind::BackupPoint { at, source: "operator".to_string() }),
                Err(e) => {
                    self.view.flash(e, true, now);
                    self.view.modal = Some(Modal::Input { kind: InputKind::Backup, text });
                    return;
                }
            },
        };
        if saved {
            self.view.flash(self.ui().saved, false, now);
        }
    }

    fn ui(&self) -> &'static crate::i18n::Ui {
        crate::i18n::ui(self.lang)
    }

    fn advance_selection(&mut self) {
        if let Some(i) = self.inc.as_ref().and_then(|inc| inc.current_step()) {
            self.view.step_sel = i;
        }
    }

    fn main_key(&mut self, key: KeyEvent) {
        let now = self.now();
        let ui = self.ui();
        let focus = self.view.focus;
        match key.code {
            KeyCode::Char('?') => self.view.modal = Some(Modal::Help),
            KeyCode::Char('q') => self.view.modal = Some(Modal::ConfirmQuit),
            KeyCode::Tab | KeyCode::Right | KeyCode::Char('l') => self.view.focus = focus.next(),
            KeyCode::BackTab | KeyCode::Left | KeyCode::Char('h') => self.view.focus = focus.prev(),
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::PageDown => self.move_selection(10),
            KeyCode::PageUp => self.move_selection(-10),
            KeyCode::Char('n') => {
                self.view.modal = Some(Modal::Input { kind: InputKind::Note, text: String::new() })
            }
            KeyCode::Char('c') => self.open_comms(),
            KeyCode::Char('y') if focus == Pane::Steps => self.copy_step_commands(),
            // Facilitator keys, only in a drill (see `crate::drill::session`).
            KeyCode::Char(c @ ('P' | 'N' | 'I')) if self.is_drilling() => self.drill_key(c),
            KeyCode::Char('b') => {
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::Backup, text: String::new() })
            }
            KeyCode::Char('r') => {
                if focus != Pane::Timers {
                    self.view.focus = Pane::Timers;
                    self.view.flash(ui.select_function, false, now);
                } else {
                    self.restore_selected();
                }
            }
            KeyCode::Enter if focus == Pane::Steps => {
                if let Some(key) = self.selected_step_key() {
                    if !self.view.expanded.remove(&key) {
                        self.view.expanded.insert(key);
                    }
                }
            }
            KeyCode::Char(c @ ('s' | 'd' | 'x' | 'f')) => {
                if focus != Pane::Steps {
                    self.view.focus = Pane::Steps;
                }
                self.step_action(c);
            }
            _ => self.dirty = false,
        }
    }

    /// Put the selected step's commands (its own and its sub-procedure's) on the operator's
    /// clipboard over OSC 52, which also works over SSH. Nothing is ever run.
    fn copy_step_commands(&mut self) {
        let now = self.now();
        let rb = &self.loaded.runbook;
        let Some(step) = self.inc.as_ref().and_then(|i| i.steps.get(self.view.step_sel)) else {
            return;
        };
        let Some(ts) = rb.step(&step.id) else { return };
        let mut cmds: Vec<&str> = ts.step.commands.iter().map(|c| c.run.as_str()).collect();
        if let Some(sub) = ts.step.procedure.as_deref().and_then(|p| rb.procedure(p)) {
            cmds.extend(sub.steps.iter().flat_map(|s| s.commands.iter().map(|c| c.run.as_str())));
        }
        let zh = self.lang == crate::runbook::model::Lang::Zh;
        if cmds.is_empty() {
            let msg = if zh { "该步骤没有命令" } else { "this step has no commands" };
            self.view.flash(msg, true, now);
            return;
        }
        match crate::comms::osc52_for_terminal(&cmds.join("\n")) {
            Ok(seq) => {
                self.view.outbox.push(seq);
                let msg = if zh {
                    "命令已复制到剪贴板 (OSC 52),未执行"
                } else {
                    "commands copied to your clipboard (OSC 52); nothing was run"
                };
                self.view.flash(msg, false, now);
            }
            Err(e) => self.view.flash(e.to_string(), true, now),
        }
    }

    fn selected_step_key(&self) -> Option<String> {
        self.inc.as_ref()?.steps.get(self.view.step_sel).map(|s| s.key.clone())
    }

    fn move_selection(&mut self, delta: i32) {
        let Some(inc) = &self.inc else { return };
        let clamp = |cur: usize, len: usize| -> usize {
            if len == 0 {
                return 0;
            }
            (cur as i64 + i64::from(delta)).clamp(0, len as i64 - 1) as usize
        };
        match self.view.focus {
            Pane::Steps => self.view.step_sel = clamp(self.view.step_sel, inc.steps.len()),
            Pane::Timers => self.view.timer_sel = clamp(self.view.timer_sel, inc.timers.len()),
            Pane::Health => {
                self.view.health_sel = clamp(self.view.health_sel, self.view.health.len())
            }
            Pane::Timeline => {
                // Up scrolls back in time.
                let max = inc.events.len().saturating_sub(1) as i64;
                self.view.timeline_offset =
                    (self.view.timeline_offset as i64 - i64::from(delta)).clamp(0, max) as usize;
            }
        }
    }

    /// A closed incident takes notes but no more step or timer changes: say so.
    fn refuse_when_closed(&mut self) -> bool {
        let closed = self.inc.as_ref().is_some_and(|i| i.closed_at.is_some());
        if closed {
            let now = self.now();
            self.view.flash(self.ui().incident_closed, true, now);
        }
        closed
    }

    fn step_action(&mut self, c: char) {
        let now = self.now();
        let ui = self.ui();
        if self.refuse_when_closed() {
            return;
        }
        let Some(inc) = &self.inc else { return };
        let Some(step) = inc.steps.get(self.view.step_sel) else { return };
        let key = step.key.clone();
        let status = step.status;
        let completes =
            self.loaded.runbook.step(&step.id).is_some_and(|t| t.step.completes_recovery);
        let finished = matches!(status, StepStatus::Done | StepStatus::Skipped);
        match c {
            's' => {
                if matches!(status, StepStatus::Pending | StepStatus::Failed) {
                    self.emit(EventKind::StepStarted { step: key });
                } else {
                    self.view.flash(ui.step_not_pending, true, now);
                }
            }
            'd' if finished => self.view.flash(ui.step_finished, true, now),
            'd' if completes => self.view.modal = Some(Modal::ConfirmClose { step: key }),
            'd' => {
                let saved = self.emit(EventKind::StepDone { step: key });
                if saved {
                    self.advance_selection();
                }
            }
            'x' if finished => self.view.flash(ui.step_finished, true, now),
            'x' => {
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::Skip { step: key }, text: String::new() })
            }
            'f' if finished || status == StepStatus::Failed => {
                self.view.flash(ui.step_finished, true, now)
            }
            'f' => {
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::Fail { step: key }, text: String::new() })
            }
            _ => {}
        }
    }

    fn restore_selected(&mut self) {
        let now = self.now();
        let ui = self.ui();
        if self.refuse_when_closed() {
            return;
        }
        let Some(inc) = &self.inc else { return };
        let Some(t) = inc.timers.get(self.view.timer_sel) else { return };
        if t.restored_at.is_some() {
            self.view.flash(ui.already_restored, true, now);
            return;
        }
        let function = t.id.clone();
        if self.emit(EventKind::FunctionRestored { function }) {
            self.view.flash(ui.saved, false, now);
        }
    }

    fn declare_key(&mut self, key: KeyEvent) {
        let rb = &self.loaded.runbook;
        let Some(form) = self.view.declare.as_mut() else { return };
        form.error = None;
        let idx = Field::ORDER.iter().position(|f| *f == form.field).unwrap_or(0);
        let text_mode = text_field(form).is_some();
        match key.code {
            KeyCode::Esc => self.view.modal = Some(Modal::ConfirmQuit),
            KeyCode::Char('q') if !text_mode => self.view.modal = Some(Modal::ConfirmQuit),
            KeyCode::Down | KeyCode::Tab => {
                form.field = Field::ORDER[(idx + 1) % Field::ORDER.len()]
            }
            KeyCode::Up | KeyCode::BackTab => {
                form.field = Field::ORDER[(idx + Field::ORDER.len() - 1) % Field::ORDER.len()]
            }
            KeyCode::Left | KeyCode::Right => {
                let delta: i64 = if key.code == KeyCode::Left { -1 } else { 1 };
                let step = |cur: usize, len: usize| {
                    ((cur as i64 + delta).rem_euclid(len.max(1) as i64)) as usize
                };
                match form.field {
                    Field::Type => form.type_idx = step(form.type_idx, rb.disaster_types.len()),
                    Field::Level => {
                        let levels = DeclareForm::levels(rb);
                        let cur = levels.iter().position(|l| *l == form.level).unwrap_or(0);
                        form.level =
                            levels[step(cur, levels.len()).min(levels.len().saturating_sub(1))];
                        form.level_changed(rb);
                    }
                    Field::Functions => {
                        form.function_cursor = step(form.function_cursor, form.functions.len())
                    }
                    Field::Team => form.team_cursor = step(form.team_cursor, form.team.len()),
                    _ => {}
                }
            }
            KeyCode::Char(' ') if !text_mode => match form.field {
                Field::Functions => {
                    if let Some(f) = form.functions.get_mut(form.function_cursor) {
                        *f = !*f;
                    }
                }
                Field::Team => {
                    if let Some(t) = form.team.get_mut(form.team_cursor) {
                        *t = !*t;
                    }
                }
                _ => {}
            },
            KeyCode::Backspace => {
                if let Some(t) = text_field(form) {
                    pop_char(t);
                }
            }
            KeyCode::Char(c) if text_mode && !key.modifiers.contains(KeyModifiers::CONTROL) => {
                if let Some(t) = text_field(form) {
                    // "now" is a placeholder: typing replaces it.
                    if t == "now" {
                        t.clear();
                    }
                    t.push(c);
                }
            }
            KeyCode::Enter => self.submit_declaration(),
            _ => {}
        }
    }

    fn submit_declaration(&mut self) {
        let now = self.now();
        let rb = &self.loaded.runbook;
        let Some(form) = self.view.declare.clone() else { return };
        let fail = |app: &mut App, msg: String| {
            if let Some(f) = app.view.declare.as_mut() {
                f.error = Some(msg);
            }
        };
        let Some(dtype) = rb.disaster_types.get(form.type_idx) else { return };
        let t0 = match parse_t0(&form.t0, now) {
            Ok(t) => t,
            Err(e) => return fail(self, e),
        };
        let functions: Vec<String> = rb
            .functions
            .iter()
            .zip(&form.functions)
            .filter(|(_, on)| **on)
            .map(|(f, _)| f.id.clone())
            .collect();
        let partial = rb
            .track_for_level(form.level)
            .is_some_and(|t| t.kind == crate::runbook::model::TrackKind::Partial);
        if partial && functions.is_empty() {
            let msg = match self.lang {
                crate::runbook::model::Lang::Zh => "部分DR至少需要选择一个受影响功能".to_string(),
                crate::runbook::model::Lang::En => {
                    "a partial DR needs at least one affected function".to_string()
                }
            };
            return fail(self, msg);
        }
        if form.reporter.trim().is_empty() {
            let msg = match self.lang {
                crate::runbook::model::Lang::Zh => "请填写报告人".to_string(),
                crate::runbook::model::Lang::En => "the reporter is required".to_string(),
            };
            return fail(self, msg);
        }
        let team = rb
            .roles
            .iter()
            .zip(&form.team)
            .filter(|(_, on)| **on)
            .map(|(r, _)| TeamMember { role: r.id.clone(), person: r.person.clone() })
            .collect();
        let decl = Declaration {
            incident_id: crate::incident::state::new_incident_id(now, false),
            disaster_type: dtype.id.clone(),
            level: form.level,
            functions,
            reporter: form.reporter.trim().to_string(),
            coordinator: form.coordinator.trim().to_string(),
            team,
            t0,
            runbook_name: rb.plan.name.clone(),
            runbook_sha256: self.loaded.sha256(),
            lang: rb.plan.language,
            drill: None,
        };
        if let Err(e) = self.declare(decl) {
            fail(self, e);
        }
    }
}

fn text_field(form: &mut DeclareForm) -> Option<&mut String> {
    match form.field {
        Field::Reporter => Some(&mut form.reporter),
        Field::Coordinator => Some(&mut form.coordinator),
        Field::T0 => Some(&mut form.t0),
        _ => None,
    }
}

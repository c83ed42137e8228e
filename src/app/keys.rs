//! Keys to actions. Every change to the incident goes out as an event through `App::emit`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::{After, App, QuitReason};
use crate::incident::clock::parse_local_time as parse_t0;
use crate::incident::decide::{decide, declaration, Command, DeclareRequest, Refusal};
use crate::incident::{EventKind, StepStatus};
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
        if self.read_only_key(&key) {
            return;
        }
        if self.view.modal.is_some() {
            self.modal_key(key);
        } else if self.inc().is_none() {
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
            Modal::Confirm { question, cmd } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.submit_and_move_on(Command::Confirmed(cmd))
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {}
                _ => self.view.modal = Some(Modal::Confirm { question, cmd }),
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
        if text.is_empty()
            && !matches!(kind, InputKind::TemplateField { .. } | InputKind::Functions)
        {
            self.view.flash(self.ui().empty_text, true, now);
            if let InputKind::CommsChannel { comms } | InputKind::SavePath { comms } = kind {
                self.view.modal = Some(Modal::Comms(comms));
            }
            return;
        }
        let queued = match kind {
            InputKind::Inject => {
                let cmd = Command::Record(EventKind::DrillMessage { text, adhoc: true });
                self.submit_then(cmd, After::Saved)
            }
            k @ (InputKind::Notified { .. }
            | InputKind::TemplateField { .. }
            | InputKind::CommsChannel { .. }
            | InputKind::SavePath { .. }) => {
                self.comms_input(k, text);
                return;
            }
            InputKind::Note => self.submit_then(Command::Note { text }, After::Saved),
            InputKind::Reason { cmd } => self.submit_then(with_reason(*cmd, &text), After::Saved),
            InputKind::CorrectT0 => {
                self.ask_reason(Command::CorrectT0 { t0: text, reason: String::new() });
                return;
            }
            InputKind::Level => {
                // A number, or a severity's label (P0) of a format 2 runbook.
                match self.loaded.runbook.resolve_level(&text) {
                    Some(level) => {
                        self.ask_reason(Command::ChangeLevel { level, reason: String::new() })
                    }
                    None => self.view.flash(format!("\"{text}\"?"), true, now),
                }
                return;
            }
            InputKind::Functions => {
                let functions = text
                    .split([',', '，', ' '])
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .collect();
                self.ask_reason(Command::ChangeFunctions { functions, reason: String::new() });
                return;
            }
            InputKind::Skip { step } => {
                self.submit_and_move_on(Command::SkipStep { step, reason: text });
                true
            }
            InputKind::Fail { step } => {
                self.submit_then(Command::FailStep { step, reason: text }, After::Saved)
            }
            InputKind::Backup => match parse_t0(&text, now) {
                Ok(backup_at) => {
                    let cmd = Command::BackupPoint { backup_at, source: "operator".to_string() };
                    self.submit_then(cmd, After::Saved)
                }
                Err(e) => {
                    self.view.flash(e, true, now);
                    self.view.modal = Some(Modal::Input { kind: InputKind::Backup, text });
                    return;
                }
            },
        };
        if queued {
            // "saved" follows when the writer says it is durable.
            self.view.flash(format!("{} ({})", self.ui().saving, self.view.pending), false, now);
        }
    }

    pub(super) fn ui(&self) -> &'static crate::i18n::Ui {
        crate::i18n::ui(self.lang)
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
            KeyCode::Char('u') => {
                let who = &self.stamper.actor;
                let cmd = Command::Undo { host: who.host.clone(), pid: who.pid };
                self.submit_then(cmd, After::Saved);
            }
            KeyCode::Char('o') => {
                if let Some(step) = self.selected_step_key() {
                    self.ask_reason(Command::ReopenStep { step, reason: String::new() });
                }
            }
            KeyCode::Char('R') => {
                let function = self.inc().and_then(|i| i.timers.get(self.view.timer_sel));
                if let Some(function) = function.map(|t| t.id.clone()) {
                    self.ask_reason(Command::UnrestoreFunction { function, reason: String::new() });
                }
            }
            KeyCode::Char('W') => self.ask_reason(Command::Withdraw { reason: String::new() }),
            KeyCode::Char('O') => {
                if let Some(step) = self.selected_step_key() {
                    self.ask_reason(Command::OverrideRetest { step, reason: String::new() });
                }
            }
            KeyCode::Char(c @ ('T' | 'L' | 'A')) => {
                let kind = match c {
                    'T' => InputKind::CorrectT0,
                    'L' => InputKind::Level,
                    _ => InputKind::Functions,
                };
                self.view.modal = Some(Modal::Input { kind, text: String::new() });
            }
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
        let Some(step) = self.inc().and_then(|i| i.steps.get(self.view.step_sel)) else {
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

    /// The rules are checked on what is durable: an action still being written (`s` just
    /// before `d`) is waited for, briefly. On a disk slower than that the key says so and does
    /// nothing, rather than deciding on a state about to change.
    fn caught_up(&mut self) -> bool {
        if self.view.pending == 0 || self.settle(std::time::Duration::from_secs(2)) {
            return true;
        }
        let now = self.now();
        let msg = format!("{} ({}) — {}", self.ui().saving, self.view.pending, self.ui().try_again);
        self.view.flash(msg, true, now);
        false
    }

    /// Do `cmd` if the rules allow it; ask first when they want it confirmed.
    fn act(&mut self, cmd: Command) {
        if !self.caught_up() {
            return;
        }
        let Some(inc) = self.inc() else { return };
        let now = self.now();
        match decide(inc, &self.loaded.runbook, &cmd, now) {
            Ok(_) => self.submit_and_move_on(cmd),
            Err(Refusal::Confirm(q)) => {
                let question = q.message(self.lang);
                self.view.modal = Some(Modal::Confirm { question, cmd: Box::new(cmd) });
            }
            Err(r) => self.view.flash(r.message(self.lang), true, now),
        }
    }

    /// Submit; after finishing a step the cursor moves on at once (the next key is meant for
    /// the next step, even while this one is still being written).
    fn submit_and_move_on(&mut self, cmd: Command) {
        let after = after_for(&cmd);
        let moved = match (&after, finished_step(&cmd), self.inc()) {
            (After::SavedAdvance, Some(key), Some(inc)) => {
                let at = inc.steps.iter().position(|s| s.key == key);
                at.map(|i| {
                    inc.steps
                        .iter()
                        .enumerate()
                        .skip(i + 1)
                        .find(|(_, s)| !matches!(s.status, StepStatus::Done | StepStatus::Skipped))
                        .map_or(i, |(j, _)| j)
                })
            }
            _ => None,
        };
        let after = if moved.is_some() { After::Saved } else { after };
        if self.submit_then(cmd, after) {
            if let Some(i) = moved {
                self.view.step_sel = i;
            }
        }
    }

    /// A correction asks why, once the rules say it may happen at all.
    fn ask_reason(&mut self, cmd: Command) {
        if self.caught_up() && self.allowed(&with_reason(cmd.clone(), "-")) {
            self.view.modal = Some(Modal::Input {
                kind: InputKind::Reason { cmd: Box::new(cmd) },
                text: String::new(),
            });
        }
    }

    fn selected_step_key(&self) -> Option<String> {
        self.inc()?.steps.get(self.view.step_sel).map(|s| s.key.clone())
    }

    fn move_selection(&mut self, delta: i32) {
        let Some(inc) = self.inc() else { return };
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

    /// A step key: the rules (see `crate::incident::decide`) say whether it may happen; a
    /// reason or a confirmation is asked only for what is allowed.
    fn step_action(&mut self, c: char) {
        let Some(inc) = self.inc() else { return };
        let Some(step) = inc.steps.get(self.view.step_sel) else { return };
        let key = step.key.clone();
        let placeholder = String::from("-");
        match c {
            's' => self.act(Command::StartStep { step: key }),
            'd' => self.act(Command::CompleteStep { step: key }),
            'x' if self.caught_up()
                && self.allowed(&Command::SkipStep {
                    step: key.clone(),
                    reason: placeholder.clone(),
                }) =>
            {
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::Skip { step: key }, text: String::new() })
            }
            'f' if self.caught_up()
                && self.allowed(&Command::FailStep {
                    step: key.clone(),
                    reason: placeholder.clone(),
                }) =>
            {
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::Fail { step: key }, text: String::new() })
            }
            _ => {}
        }
    }

    fn restore_selected(&mut self) {
        let Some(inc) = self.inc() else { return };
        let Some(t) = inc.timers.get(self.view.timer_sel) else { return };
        let function = t.id.clone();
        self.act(Command::RestoreFunction { function });
    }

    fn declare_key(&mut self, key: KeyEvent) {
        let rb = &self.loaded.runbook;
        let Some(form) = self.view.declare.as_mut() else { return };
        form.error = None;
        // A confirmation holds only for the T0 it was asked about.
        if key.code != KeyCode::Enter {
            form.t0_confirmed = false;
        }
        if form.choosing {
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => form.open_sel = form.open_sel.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    form.open_sel = (form.open_sel + 1).min(form.open.len().saturating_sub(1))
                }
                KeyCode::Enter => {
                    self.switch_to = form.open.get(form.open_sel).map(|(id, _)| id.clone());
                    if self.switch_to.is_some() {
                        self.quit = Some(QuitReason::Switch);
                    }
                }
                KeyCode::Char('n') => form.choosing = false,
                KeyCode::Esc | KeyCode::Char('q') => self.view.modal = Some(Modal::ConfirmQuit),
                _ => {}
            }
            return;
        }
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
                    Field::Type => {
                        let previous = form.type_idx;
                        form.type_idx = step(form.type_idx, rb.disaster_types.len());
                        form.type_changed(rb, previous);
                    }
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
        let Some(dtype) = rb.disaster_types.get(form.type_idx) else { return };
        let req = DeclareRequest {
            disaster_type: dtype.id.clone(),
            level: form.level,
            functions: rb
                .functions
                .iter()
                .zip(&form.functions)
                .filter(|(_, on)| **on)
                .map(|(f, _)| f.id.clone())
                .collect(),
            reporter: form.reporter.clone(),
            coordinator: Some(form.coordinator.clone()),
            team: Some(
                rb.roles
                    .iter()
                    .zip(&form.team)
                    .filter(|(_, on)| **on)
                    .map(|(r, _)| r.id.clone())
                    .collect(),
            ),
            t0: form.t0.clone(),
            force: false,
            confirmed: form.t0_confirmed,
            drill: None,
        };
        let asked = matches!(declaration(&self.loaded, &req, now), Err(Refusal::Confirm(_)));
        let result = declaration(&self.loaded, &req, now)
            .map_err(|r| r.message(self.lang))
            .and_then(|decl| self.declare(decl));
        if let Err(msg) = result {
            if let Some(f) = self.view.declare.as_mut() {
                f.error = Some(msg);
                // The next Enter, with the same T0, answers the question.
                f.t0_confirmed = asked;
            }
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

/// `cmd` with its reason filled in.
fn with_reason(cmd: Command, why: &str) -> Command {
    let reason = why.to_string();
    match cmd {
        Command::ReopenStep { step, .. } => Command::ReopenStep { step, reason },
        Command::UnrestoreFunction { function, .. } => {
            Command::UnrestoreFunction { function, reason }
        }
        Command::CorrectT0 { t0, .. } => Command::CorrectT0 { t0, reason },
        Command::ChangeLevel { level, .. } => Command::ChangeLevel { level, reason },
        Command::ChangeFunctions { functions, .. } => {
            Command::ChangeFunctions { functions, reason }
        }
        Command::Withdraw { .. } => Command::Withdraw { reason },
        Command::OverrideRetest { step, .. } => Command::OverrideRetest { step, reason },
        other => other,
    }
}

/// The step a command finishes, if it does.
fn finished_step(cmd: &Command) -> Option<String> {
    match cmd {
        Command::CompleteStep { step } | Command::SkipStep { step, .. } => Some(step.clone()),
        Command::Confirmed(inner) => finished_step(inner),
        _ => None,
    }
}

/// What the screen does once `cmd` is durable.
fn after_for(cmd: &Command) -> After {
    match cmd {
        Command::CompleteStep { .. } | Command::SkipStep { .. } => After::SavedAdvance,
        Command::Confirmed(inner) => after_for(inner),
        _ => After::Saved,
    }
}

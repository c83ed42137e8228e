//! Keys to actions. Every change to the incident goes out as an event through `App::emit`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::keymap::{self, Action, Scope};
use super::{After, App, QuitReason};
use crate::incident::clock::parse_local_time as parse_t0;
use crate::incident::decide::{decide, declaration, Command, DeclareRequest, Refusal};
use crate::incident::{EventKind, StepStatus};
use crate::ui::declare::{DeclareForm, Field};
use crate::ui::text::pop_char;
use crate::ui::view::{Detail, InputKind, Modal, Pane};

impl App {
    pub fn on_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        self.dirty = true;
        // In raw mode Ctrl-C arrives as a key, not as SIGINT; it means the same.
        if keymap::action_in(Scope::Any, &key) == Some(Action::Interrupt) {
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
        // A search being typed takes every key but Ctrl-C, an observer's too.
        if self.view.modal.is_none() && self.view.timeline.typing() {
            self.search_key(key);
            self.drill_sync_pause();
            return;
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
        // A dialog opened or closed: a drill's game clock follows (`pause-on-dialog`).
        self.drill_sync_pause();
    }

    /// Text is being typed: a dialog's, a search's, or a declaration's name or time.
    pub(super) fn typing_text(&self) -> bool {
        match &self.view.modal {
            Some(Modal::Input { .. }) => true,
            Some(_) => false,
            None if self.inc().is_none() => {
                self.view.declare.as_ref().is_some_and(|f| !f.choosing && f.field.is_text())
            }
            None => self.view.timeline.typing(),
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
                let scroll = self.view.help_scroll;
                let scroll = match keymap::action_in(Scope::Help, &key) {
                    Some(Action::CloseHelp) => return,
                    Some(Action::HelpDown) => scroll + 1,
                    Some(Action::HelpUp) => scroll.saturating_sub(1),
                    Some(Action::HelpPageDown) => scroll + 10,
                    Some(Action::HelpPageUp) => scroll.saturating_sub(10),
                    _ => scroll,
                };
                // Bounded here by the help's length; the overlay clamps again to what fits.
                let most = crate::ui::help_rows(self.lang, self.is_drilling());
                self.view.help_scroll = scroll.min(most);
                self.view.modal = Some(Modal::Help);
            }
            Modal::ConfirmQuit => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.end(QuitReason::Quit),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {}
                _ => self.view.modal = Some(Modal::ConfirmQuit),
            },
            Modal::Confirm { question, cmd } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    self.submit_then(Command::Confirmed(cmd), After::Saved);
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {}
                _ => self.view.modal = Some(Modal::Confirm { question, cmd }),
            },
            Modal::Comms(cv) => self.comms_key(key, cv),
            Modal::Copied(cv) => self.copied_key(key, cv),
            Modal::Choose(ch) => self.chooser_key(key, ch),
            Modal::Drill(sheet) => self.drill_sheet_key(key.code, sheet),
            Modal::Entry(sheet) => self.sheet_key(key, sheet),
            Modal::Input { mut kind, mut text } => {
                // An offered channel is replaced by what is typed, like the form's "now".
                if let InputKind::CommsChannel { offered, .. } = &mut kind {
                    if std::mem::take(offered) && matches!(key.code, KeyCode::Char(_)) {
                        text.clear();
                    }
                }
                self.input_key(key, kind, text);
            }
        }
    }

    fn input_key(&mut self, key: KeyEvent, kind: InputKind, mut text: String) {
        match (keymap::action_in(Scope::Input, &key), key.code) {
            (Some(Action::InputCancel), _) => {
                // Leaving a field of a dialog goes back to that dialog.
                if let InputKind::TemplateField { comms, .. }
                | InputKind::Notified { comms, .. }
                | InputKind::CommsChannel { comms, .. }
                | InputKind::SavePath { comms } = kind
                {
                    self.view.modal = Some(Modal::Comms(comms));
                } else if let InputKind::SaveCopied { copied } = kind {
                    self.view.modal = Some(Modal::Copied(copied));
                } else if let InputKind::Placeholder { .. } = kind {
                    let words = crate::i18n::command_words(self.lang);
                    self.view.flash(words.not_copied, true, self.now());
                }
            }
            (Some(Action::InputSave), _) => self.submit_input(kind, text),
            (Some(Action::InputClear), _) => {
                self.view.modal = Some(Modal::Input { kind, text: String::new() });
            }
            // The hand-over and owner dialogs: the next person of the incident.
            (_, KeyCode::Tab) if kind.picks_people() => {
                let text = self.next_person(&text, kind == InputKind::HandOver);
                self.view.modal = Some(Modal::Input { kind, text });
            }
            (_, KeyCode::Backspace) => {
                pop_char(&mut text);
                self.view.modal = Some(Modal::Input { kind, text });
            }
            (_, KeyCode::Char(c)) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                text.push(c);
                self.view.modal = Some(Modal::Input { kind, text });
            }
            _ => self.view.modal = Some(Modal::Input { kind, text }),
        }
    }

    fn submit_input(&mut self, kind: InputKind, text: String) {
        // A value that does not fit is asked again with the reason, empty or not.
        let kind = match kind {
            InputKind::Placeholder { copy } => return self.placeholder_value(*copy, text),
            other => other,
        };
        let now = self.now();
        let text = text.trim().to_string();
        // An empty template field is a deliberate blank; every other input needs text.
        if text.is_empty()
            && !matches!(kind, InputKind::TemplateField { .. } | InputKind::Functions)
        {
            self.view.flash(self.ui().empty_text, true, now);
            if let InputKind::CommsChannel { comms, .. }
            | InputKind::SavePath { comms }
            | InputKind::Notified { comms, .. } = kind
            {
                self.view.modal = Some(Modal::Comms(comms));
            } else if let InputKind::SaveCopied { copied } = kind {
                self.view.modal = Some(Modal::Copied(copied));
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
            InputKind::SaveCopied { copied } => {
                self.save_copied(copied, &text);
                return;
            }
            // Taken before the empty check above.
            InputKind::Placeholder { .. } => return,
            InputKind::Note => self.submit_then(Command::Note { text }, After::Saved),
            InputKind::HandOver => self.submit_then(Command::HandOver { to: text }, After::Saved),
            InputKind::Owner { step } => {
                self.submit_then(Command::AssignOwner { step, owner: text }, After::Saved)
            }
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
                // The cursor stays on the step acted on (the one cursor rule; `]` moves on).
                self.submit_then(Command::SkipStep { step, reason: text }, After::Saved)
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
                    self.view.flash(e.message(self.lang), true, now);
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

    /// The person after `typed` among the incident's people (the first when `typed` is none
    /// of them): Tab in the hand-over (which skips the commander) and owner dialogs.
    fn next_person(&self, typed: &str, skip_commander: bool) -> String {
        let Some(inc) = self.inc() else { return typed.to_string() };
        let people: Vec<String> =
            inc.people().into_iter().filter(|p| !skip_commander || p != inc.commander()).collect();
        let next = match people.iter().position(|p| p == typed.trim()) {
            Some(i) => people.get(i + 1).or(people.first()),
            None => people.first(),
        };
        next.cloned().unwrap_or_else(|| typed.to_string())
    }

    pub(super) fn ui(&self) -> &'static crate::i18n::Ui {
        crate::i18n::ui(self.lang)
    }

    fn main_key(&mut self, key: KeyEvent) {
        let drilling = self.is_drilling();
        let search = self.search_scope().then(|| keymap::search_action(&key)).flatten();
        let action = search.or_else(|| {
            keymap::main_action(self.view.focus, self.view.detail_open(), drilling, &key)
        });
        match action {
            Some(action) => self.run_action(action),
            None => self.dirty = false,
        }
        // The detail view belongs to the steps pane: leaving the pane closes it.
        if self.view.focus != Pane::Steps {
            self.view.detail = None;
        }
    }

    /// Do what a key of the main screen means (see [`keymap::BINDINGS`]).
    pub(super) fn run_action(&mut self, action: Action) {
        let now = self.now();
        let ui = self.ui();
        let focus = self.view.focus;
        match action {
            Action::Interrupt => self.end(QuitReason::Interrupt),
            Action::Help => {
                self.view.help_scroll = 0;
                self.view.modal = Some(Modal::Help);
            }
            Action::Quit => self.view.modal = Some(Modal::ConfirmQuit),
            Action::NextPane => self.view.focus = focus.next(),
            Action::PrevPane => self.view.focus = focus.prev(),
            Action::Down => self.move_selection(1),
            Action::Up => self.move_selection(-1),
            Action::PageDown => self.move_selection(10),
            Action::PageUp => self.move_selection(-10),
            Action::Note => {
                self.view.modal = Some(Modal::Input { kind: InputKind::Note, text: String::new() })
            }
            Action::HandOver => {
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::HandOver, text: String::new() })
            }
            Action::AssignOwner => {
                if let Some(step) = self.selected_step_key() {
                    let kind = InputKind::Owner { step };
                    self.view.modal = Some(Modal::Input { kind, text: String::new() });
                }
            }
            Action::Comms => self.open_comms(),
            Action::Undo => {
                let who = &self.stamper.actor;
                let cmd = Command::Undo { host: who.host.clone(), pid: who.pid };
                self.submit_then(cmd, After::Saved);
            }
            Action::Reopen => {
                if let Some(step) = self.selected_step_key() {
                    self.ask_reason(Command::ReopenStep { step, reason: String::new() });
                }
            }
            Action::Unrestore => {
                let function = self.inc().and_then(|i| i.timers.get(self.view.timer_sel));
                if let Some(function) = function.map(|t| t.id.clone()) {
                    self.ask_reason(Command::UnrestoreFunction { function, reason: String::new() });
                }
            }
            Action::Withdraw => self.ask_reason(Command::Withdraw { reason: String::new() }),
            Action::OverrideRetest => {
                if let Some(step) = self.selected_step_key() {
                    self.ask_reason(Command::OverrideRetest { step, reason: String::new() });
                }
            }
            Action::OverrideWait => {
                if let Some(step) = self.wait_to_override() {
                    self.ask_reason(Command::OverrideWait { step, reason: String::new() });
                }
            }
            Action::Checklists => {
                if crate::incident::waits::unattached_checklists(&self.loaded.runbook).is_empty() {
                    self.view.flash(no_checklists(self.lang), true, now);
                } else {
                    self.view.focus = Pane::Steps;
                    self.view.detail = Some(Detail { checklists: true, ..Detail::default() });
                }
            }
            Action::NextItem => self.detail_item(1),
            Action::PrevItem => self.detail_item(-1),
            Action::TickItem => self.tick_item(),
            Action::CorrectT0 | Action::Level | Action::Functions => {
                let kind = match action {
                    Action::CorrectT0 => InputKind::CorrectT0,
                    Action::Level => InputKind::Level,
                    _ => InputKind::Functions,
                };
                self.view.modal = Some(Modal::Input { kind, text: String::new() });
            }
            Action::Copy => self.copy_step_commands(),
            Action::ChooseAlternative => self.open_chooser(),
            Action::RefillPlaceholders => self.refill_placeholders(),
            // Facilitator keys, only in a drill (see `crate::drill::session`).
            Action::DrillPause => self.drill_key('P'),
            Action::DrillNext => self.drill_key('N'),
            Action::DrillInject => self.drill_key('I'),
            Action::DrillUpcoming => self.drill_key('F'),
            Action::Backup => {
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::Backup, text: String::new() })
            }
            Action::Restore => {
                if focus != Pane::Timers {
                    self.view.focus = Pane::Timers;
                    self.view.flash(ui.select_function, false, now);
                } else {
                    self.restore_selected();
                }
            }
            Action::Detail => {
                if let Some(step) = self.selected_step_key() {
                    self.view.detail = Some(Detail { step, ..Detail::default() });
                }
            }
            Action::CloseDetail => self.view.detail = None,
            Action::DetailDown => self.detail_scroll(1),
            Action::DetailUp => self.detail_scroll(-1),
            Action::DetailPageDown | Action::DetailPageUp => {
                let page = self.detail_doc().map_or(10, |d| d.rows.saturating_sub(1).max(1));
                let page = page as i64;
                self.detail_scroll(if action == Action::DetailPageDown { page } else { -page });
            }
            Action::NextCommand => self.detail_command(1),
            Action::PrevCommand => self.detail_command(-1),
            Action::CopyCommand => self.copy_detail_command(),
            Action::NextActionable | Action::PrevActionable => {
                self.view.focus = Pane::Steps;
                self.jump_actionable(action == Action::NextActionable);
            }
            Action::Start | Action::Done | Action::Skip | Action::Fail => {
                if focus != Pane::Steps {
                    self.view.focus = Pane::Steps;
                }
                self.step_action(action);
            }
            Action::TimelineSearch
            | Action::TimelineFilter
            | Action::ShowEntry
            | Action::Oldest
            | Action::Newest
            | Action::NextMatch
            | Action::PrevMatch
            | Action::ClearSearch
            | Action::ShowService => self.reading_action(action),
            // Dialog keys never reach the main screen.
            Action::InputSave
            | Action::InputCancel
            | Action::InputClear
            | Action::HelpDown
            | Action::HelpUp
            | Action::HelpPageDown
            | Action::HelpPageUp
            | Action::CloseHelp
            | Action::SheetDown
            | Action::SheetUp
            | Action::SheetPageDown
            | Action::SheetPageUp
            | Action::CloseSheet => self.dirty = false,
        }
    }

    /// `]` / `[`: the next (previous) step that is neither done nor skipped, wrapping never.
    fn jump_actionable(&mut self, forward: bool) {
        let Some(inc) = self.inc() else { return };
        let open =
            |i: &usize| !matches!(inc.steps[*i].status, StepStatus::Done | StepStatus::Skipped);
        let cur = self.view.step_sel;
        let found =
            if forward { (cur + 1..inc.steps.len()).find(open) } else { (0..cur).rev().find(open) };
        if let Some(i) = found {
            self.view.step_sel = i;
        }
    }

    /// The rules are checked on what is durable: an action still being written (`s` just
    /// before `d`) is waited for, briefly. On a disk slower than that the key says so and does
    /// nothing, rather than deciding on a state about to change.
    pub(super) fn caught_up(&mut self) -> bool {
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
            Ok(_) => {
                self.submit_then(cmd, After::Saved);
            }
            Err(Refusal::Confirm(q)) => {
                let question = q.message(self.lang);
                self.view.modal = Some(Modal::Confirm { question, cmd: Box::new(cmd) });
            }
            Err(r) => self.view.flash(r.message(self.lang), true, now),
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
            // Up goes back in time.
            Pane::Timeline => self.timeline_move(delta),
        }
    }

    /// A step key: the rules (see `crate::incident::decide`) say whether it may happen; a
    /// reason or a confirmation is asked only for what is allowed.
    fn step_action(&mut self, action: Action) {
        let Some(inc) = self.inc() else { return };
        let Some(step) = inc.steps.get(self.view.step_sel) else { return };
        let key = step.key.clone();
        let placeholder = String::from("-");
        match action {
            Action::Start => self.act(Command::StartStep { step: key }),
            Action::Done => self.act(Command::CompleteStep { step: key }),
            Action::Skip
                if self.caught_up()
                    && self.allowed(&Command::SkipStep {
                        step: key.clone(),
                        reason: placeholder.clone(),
                    }) =>
            {
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::Skip { step: key }, text: String::new() })
            }
            Action::Fail
                if self.caught_up()
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

fn no_checklists(lang: crate::runbook::model::Lang) -> &'static str {
    crate::i18n::messages(lang).no_checklists
}

fn pick_item_first(lang: crate::runbook::model::Lang) -> &'static str {
    crate::i18n::messages(lang).pick_item_first
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
        Command::OverrideWait { step, .. } => Command::OverrideWait { step, reason },
        other => other,
    }
}

/// The detail view: scrolling, the command cursor, and `y` on the command under it.
impl App {
    /// The open detail view laid out as it is drawn (same screen size, same width).
    pub(super) fn detail_doc(&self) -> Option<crate::ui::detail::Doc> {
        let dv = self.view.detail.as_ref()?;
        let ctx = self.ctx();
        let area = crate::ui::detail::area(&ctx, self.view.screen.get());
        if dv.checklists {
            return Some(crate::ui::detail::layout_checklists(&ctx, self.inc()?, area));
        }
        crate::ui::detail::layout(&ctx, self.inc()?, &dv.step, area)
    }

    /// `w`: the wait to cut short — the selected step's own, else the one holding it back.
    fn wait_to_override(&mut self) -> Option<String> {
        use crate::incident::waits::Wait;
        let key = self.selected_step_key()?;
        let inc = self.inc()?;
        let now = self.now();
        let rb = &self.loaded.runbook;
        if matches!(inc.wait(rb, &key, now), Wait::Running(_) | Wait::NotStarted(_)) {
            return Some(key);
        }
        if let Some((by, _)) = inc.held_by(rb, &key, now) {
            return Some(by);
        }
        let msg = Refusal::NoWait.message(self.lang);
        self.view.flash(msg, true, now);
        None
    }

    /// Move the item cursor to the next (previous) checklist item and scroll to it.
    fn detail_item(&mut self, delta: i64) {
        let Some(doc) = self.detail_doc() else { return };
        let Some(dv) = self.view.detail.as_mut() else { return };
        if doc.items.is_empty() {
            return;
        }
        let last = doc.items.len() as i64 - 1;
        let next = match dv.item {
            None if delta > 0 => 0,
            None => last,
            Some(i) => (i as i64 + delta).clamp(0, last),
        };
        dv.item = Some(next as usize);
        if let Some(c) = doc.items.get(next as usize) {
            let scroll = dv.scroll.min(doc.max_scroll());
            dv.scroll = if c.first < scroll {
                c.first
            } else if c.last >= scroll + doc.rows {
                (c.last + 1 - doc.rows).min(c.first)
            } else {
                scroll
            };
        }
    }

    /// Space in the detail view: tick the item under the item cursor, or untick it.
    fn tick_item(&mut self) {
        let Some(doc) = self.detail_doc() else { return };
        let Some(index) = self.view.detail.as_ref().and_then(|d| d.item) else {
            let now = self.now();
            self.view.flash(pick_item_first(self.lang), true, now);
            return;
        };
        let Some(it) = doc.items.get(index) else { return };
        let Some(inc) = self.inc() else { return };
        let ticked = !inc.is_ticked(&it.checklist, it.item);
        self.act(Command::TickChecklist { checklist: it.checklist.clone(), item: it.item, ticked });
    }

    /// Scroll by `delta` rows. The cursor stays on a command that is on screen: one scrolled
    /// off is replaced by the first (or last) one visible; at the end, `↓` moves the cursor on.
    fn detail_scroll(&mut self, delta: i64) {
        let Some(doc) = self.detail_doc() else { return };
        let Some(dv) = self.view.detail.as_mut() else { return };
        let max = doc.max_scroll() as i64;
        let before = dv.scroll.min(doc.max_scroll());
        let scroll = (before as i64 + delta).clamp(0, max) as usize;
        dv.scroll = scroll;
        if scroll == before {
            // Nothing left to scroll: walk the cursor instead.
            let last = doc.commands.len().saturating_sub(1);
            dv.command =
                if delta > 0 { (dv.command + 1).min(last) } else { dv.command.saturating_sub(1) };
            return;
        }
        let visible =
            |c: &crate::ui::detail::CommandLines| c.first >= scroll && c.last < scroll + doc.rows;
        if doc.commands.get(dv.command).is_some_and(visible) {
            return;
        }
        let pick = if delta > 0 {
            doc.commands.iter().position(visible)
        } else {
            doc.commands.iter().rposition(visible)
        };
        if let Some(i) = pick {
            dv.command = i;
        }
    }

    /// Move the cursor to the next (previous) command and scroll so it is whole on screen.
    fn detail_command(&mut self, delta: i64) {
        let Some(doc) = self.detail_doc() else { return };
        let Some(dv) = self.view.detail.as_mut() else { return };
        let last = doc.commands.len().saturating_sub(1) as i64;
        dv.command = (dv.command as i64 + delta).clamp(0, last) as usize;
        if let Some(c) = doc.commands.get(dv.command) {
            let scroll = dv.scroll.min(doc.max_scroll());
            dv.scroll = if c.first < scroll {
                c.first
            } else if c.last >= scroll + doc.rows {
                (c.last + 1 - doc.rows).min(c.first)
            } else {
                scroll
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_typed_as_text_are_the_fields_that_hold_text() {
        let loaded = crate::runbook::load::builtin().expect("the built-in runbook");
        for field in Field::ORDER {
            let mut form = DeclareForm { field, ..DeclareForm::new(&loaded.runbook, "someone") };
            assert_eq!(field.is_text(), text_field(&mut form).is_some(), "{field:?}");
        }
    }
}

//! A step's commands on their way to the clipboard: the alternative chosen (`e`), and the
//! placeholders asked for, checked against their patterns and journaled before the filled
//! text is copied. A command with a placeholder still unfilled is never copied.

use crossterm::event::{KeyCode, KeyEvent};

use super::{After, App};
use crate::incident::decide::Command;
use crate::runbook::model::Step;
use crate::runbook::placeholder::{self, Syntax};
use crate::ui::view::{ChoiceOption, Chooser, InputKind, Modal, PendingCopy};

/// What the commands of a step are, given the choices made.
enum Plan {
    Runs(Vec<String>),
    /// A step (or a step of its sub-procedure) offers alternatives and none is chosen.
    Unchosen,
}

impl App {
    /// The step the command keys act on: the one in the detail view, else the selected one.
    fn command_step_key(&self) -> Option<String> {
        match &self.view.detail {
            Some(d) if self.view.detail_open() => Some(d.step.clone()),
            _ => self.inc()?.steps.get(self.view.step_sel).map(|s| s.key.clone()),
        }
    }

    fn runbook_step(&self, key: &str) -> Option<&Step> {
        let id = &self.inc()?.step(key)?.id;
        Some(self.loaded.runbook.step(id)?.step)
    }

    /// The commands `y` copies for `step`: what every way shares, and the chosen
    /// alternative's, for the step and each step of its sub-procedure.
    fn plan(&self, step: &Step) -> Plan {
        let Some(inc) = self.inc() else { return Plan::Runs(Vec::new()) };
        let mut runs = Vec::new();
        for s in self.loaded.runbook.command_steps(step) {
            runs.extend(s.commands.iter().map(|c| c.run.clone()));
            if s.alternatives.is_empty() {
                continue;
            }
            match inc.alternatives.get(&s.id).and_then(|a| s.alternative(a)) {
                Some(alt) => runs.extend(alt.commands.iter().map(|c| c.run.clone())),
                None => return Plan::Unchosen,
            }
        }
        Plan::Runs(runs)
    }

    /// `e`: the alternatives of the step, to choose one.
    pub(super) fn open_chooser(&mut self) {
        let now = self.now();
        let words = crate::i18n::command_words(self.lang);
        let Some(key) = self.command_step_key() else { return };
        let Some(step) = self.runbook_step(&key) else { return };
        let chosen = self.inc().map(|i| i.alternatives.clone()).unwrap_or_default();
        let options: Vec<ChoiceOption> = self
            .loaded
            .runbook
            .command_steps(step)
            .into_iter()
            .flat_map(|s| {
                let chosen = chosen.get(&s.id).cloned();
                s.alternatives.iter().map(move |a| ChoiceOption {
                    step: s.id.clone(),
                    step_title: s.title.clone(),
                    alternative: a.id.clone(),
                    label: a.label.clone(),
                    chosen: chosen.as_deref() == Some(a.id.as_str()),
                })
            })
            .collect();
        if options.is_empty() {
            self.view.flash(words.no_alternatives, true, now);
            return;
        }
        let sel = options.iter().position(|o| o.chosen).unwrap_or(0);
        self.view.modal = Some(Modal::Choose(Chooser { options, sel }));
    }

    pub(super) fn chooser_key(&mut self, key: KeyEvent, mut ch: Chooser) {
        let last = ch.options.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => {}
            KeyCode::Down | KeyCode::Char('j') => {
                ch.sel = (ch.sel + 1).min(last);
                self.view.modal = Some(Modal::Choose(ch));
            }
            KeyCode::Up | KeyCode::Char('k') => {
                ch.sel = ch.sel.saturating_sub(1);
                self.view.modal = Some(Modal::Choose(ch));
            }
            KeyCode::Char(c @ '1'..='9') => {
                let i = (c as usize) - ('1' as usize);
                if i <= last {
                    self.choose(&ch.options[i]);
                } else {
                    self.view.modal = Some(Modal::Choose(ch));
                }
            }
            KeyCode::Enter => {
                if let Some(o) = ch.options.get(ch.sel).cloned() {
                    self.choose(&o);
                }
            }
            _ => self.view.modal = Some(Modal::Choose(ch)),
        }
    }

    fn choose(&mut self, o: &ChoiceOption) {
        let cmd =
            Command::ChooseAlternative { step: o.step.clone(), alternative: o.alternative.clone() };
        if self.allowed(&cmd) {
            self.submit_then(cmd, After::Saved);
        }
    }

    /// `y` in the steps pane: every command of the step, filled.
    pub(super) fn copy_step_commands(&mut self) {
        self.copy_step(false);
    }

    /// `v`: the same, asking every placeholder again (the detail view: its command only).
    pub(super) fn refill_placeholders(&mut self) {
        if self.view.detail_open() {
            self.copy_detail(true);
        } else {
            self.copy_step(true);
        }
    }

    fn copy_step(&mut self, again: bool) {
        // The choice of an alternative made a moment ago counts once it is durable.
        if !self.caught_up() {
            return;
        }
        let now = self.now();
        let Some(key) = self.command_step_key() else { return };
        let Some(step) = self.runbook_step(&key) else { return };
        match self.plan(step) {
            Plan::Runs(runs) => self.copy_runs(runs, again),
            Plan::Unchosen => {
                self.open_chooser();
                self.view.flash(crate::i18n::command_words(self.lang).choose_first, true, now);
            }
        }
    }

    /// `y` in the detail view: exactly the command under the cursor, if it is one to run.
    pub(super) fn copy_detail_command(&mut self) {
        self.copy_detail(false);
    }

    fn copy_detail(&mut self, again: bool) {
        if !self.caught_up() {
            return;
        }
        let now = self.now();
        let words = crate::i18n::command_words(self.lang);
        let Some(doc) = self.detail_doc() else { return };
        let command = self.view.detail.as_ref().map_or(0, |d| d.command);
        let Some(c) = doc.commands.get(command) else {
            self.copy_runs(Vec::new(), again);
            return;
        };
        if let Some((step, alt)) = &c.alternative {
            match self.inc().and_then(|i| i.alternatives.get(step)) {
                None => {
                    self.open_chooser();
                    self.view.flash(words.choose_first, true, now);
                    return;
                }
                Some(chosen) if chosen != alt => {
                    self.view.flash(words.not_chosen, true, now);
                    return;
                }
                Some(_) => {}
            }
        }
        self.copy_runs(vec![c.run.clone()], again);
    }

    /// Copy `runs`, one per line, once every placeholder they hold has a value: those the
    /// incident has are reused (unless `again`), the others are asked for first.
    fn copy_runs(&mut self, runs: Vec<String>, again: bool) {
        // A value given a moment ago is reused once it is durable, not asked for again.
        if !self.caught_up() {
            return;
        }
        let now = self.now();
        if runs.is_empty() {
            self.view.flash(crate::i18n::copy_words(self.lang).no_commands, true, now);
            return;
        }
        let rb = &self.loaded.runbook;
        let mut ask: Vec<String> = Vec::new();
        if rb.command_placeholders() {
            let filled = self.inc().map(|i| i.placeholders.clone()).unwrap_or_default();
            for run in &runs {
                for name in placeholder::names(run, Syntax::Command) {
                    let secret = rb.placeholder(&name).is_none_or(|p| p.secret);
                    let known = matches!(filled.get(&name), Some(Some(_)));
                    if (again || secret || !known) && !ask.contains(&name) {
                        ask.push(name);
                    }
                }
            }
        }
        self.next_placeholder(PendingCopy { runs, ask, values: Default::default() });
    }

    /// Ask for the next placeholder of `copy`, or copy it when none is left.
    fn next_placeholder(&mut self, copy: PendingCopy) {
        let rb = &self.loaded.runbook;
        if let Some(name) = copy.ask.first() {
            // Asked again: the value it has is offered (never a secret one's).
            let offered = match self.inc().and_then(|i| i.placeholders.get(name)) {
                Some(Some(v)) if rb.placeholder(name).is_some_and(|p| !p.secret) => v.clone(),
                _ => String::new(),
            };
            let kind = InputKind::Placeholder { copy: Box::new(copy) };
            self.view.modal = Some(Modal::Input { kind, text: offered });
            return;
        }
        let filled = self.inc().map(|i| i.placeholders.clone()).unwrap_or_default();
        let text = if rb.command_placeholders() {
            let value = |name: &str| -> String {
                match copy.values.get(name) {
                    Some(v) => v.clone(),
                    None => match filled.get(name) {
                        Some(Some(v)) => v.clone(),
                        // Not reachable: every placeholder without a value was asked for.
                        _ => format!("{{{name}}}"),
                    },
                }
            };
            let filled: Vec<String> =
                copy.runs.iter().map(|r| placeholder::fill(r, Syntax::Command, value)).collect();
            filled.join("\n")
        } else {
            copy.runs.join("\n")
        };
        self.copy_out(text, None);
    }

    /// The value typed for the placeholder asked: refused with its reason (and asked again)
    /// when it does not fit, else journaled and the copy goes on.
    pub(super) fn placeholder_value(&mut self, mut copy: PendingCopy, text: String) {
        let now = self.now();
        let Some(name) = copy.ask.first().cloned() else { return };
        let Some(p) = self.loaded.runbook.placeholder(&name) else { return };
        let value = text.trim().to_string();
        if let Some(problem) = placeholder::value_problem(p, &value) {
            let why = format!("{{{name}}}: {}", problem.message(self.lang));
            self.view.flash(why, true, now);
            let kind = InputKind::Placeholder { copy: Box::new(copy) };
            self.view.modal = Some(Modal::Input { kind, text });
            return;
        }
        // An observer journals nothing; its copy uses the value all the same.
        if !self.read_only() {
            let cmd = Command::FillPlaceholder { placeholder: name.clone(), value: value.clone() };
            self.submit_then(cmd, After::Nothing);
        }
        copy.ask.remove(0);
        copy.values.insert(name, value);
        self.next_placeholder(copy);
    }
}

//! The communications dialog (§7): tick a notification stage, preview a filled template (or the
//! built-in internal status update), copy it out (see `copy`), save it, or record that it was
//! sent. Esc always leaves only the innermost part; what the operator typed is kept for the
//! incident, and a channel once given is offered again.

use crossterm::event::{KeyCode, KeyEvent};

use super::{After, App};
use crate::comms::{self, fill::template_fields, status_update};
use crate::incident::decide::Command;
use crate::incident::{EventKind, Incident};
use crate::runbook::model::FieldSource;
use crate::ui::view::{CommsView, InputKind, Modal};

/// The operator field of the runbook's templates that names the channel (`{channel}`).
const CHANNEL_FIELD: &str = "channel";

/// The channel of the latest message or status update this incident's journal records: what
/// the operator said last time is what they most likely mean now, also after a resume.
pub fn last_channel(inc: &Incident) -> Option<String> {
    inc.events
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::CommsSent { channel, .. } | EventKind::StatusUpdateSent { channel, .. } => {
                Some(channel.trim().to_string())
            }
            _ => None,
        })
        .filter(|c| !c.is_empty())
}

impl App {
    pub fn open_comms(&mut self) {
        let values = self.comms_values.clone();
        self.view.modal = Some(Modal::Comms(CommsView { values, ..CommsView::default() }));
    }

    /// Whether the previewed item is the built-in status update (one past the templates).
    fn is_status_update(&self, preview: Option<usize>) -> bool {
        preview == Some(self.loaded.runbook.templates.len())
    }

    /// Operator fields of a template, in order of use.
    fn operator_fields(&self, template: usize) -> Vec<(String, String)> {
        let rb = &self.loaded.runbook;
        rb.templates
            .get(template)
            .map(|t| {
                template_fields(t, rb)
                    .into_iter()
                    .filter(|f| f.source == FieldSource::Operator)
                    .map(|f| (f.id.clone(), f.label.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The filled text of the previewed template, or of the built-in status update.
    pub fn filled(&self, cv: &CommsView) -> Option<comms::Filled> {
        let rb = &self.loaded.runbook;
        let inc = self.inc()?;
        if self.is_status_update(cv.preview) {
            let text = status_update::text(inc, rb, rb.plan.language, self.now(), self.tz);
            return Some(comms::Filled { text, blanks: Vec::new() });
        }
        let t = rb.templates.get(cv.preview?)?;
        Some(comms::fill(t, inc, rb, &cv.values, self.tz))
    }

    /// The channel to offer when the operator records a message as sent: the one filled into
    /// this message, else the last one journaled.
    fn channel_guess(&self, cv: &CommsView) -> String {
        cv.values
            .get(CHANNEL_FIELD)
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .or_else(|| self.inc().and_then(last_channel))
            .unwrap_or_default()
    }

    pub(super) fn comms_key(&mut self, key: KeyEvent, mut cv: CommsView) {
        let rb = &self.loaded.runbook;
        let stages = rb.notifications.len();
        // The stages, the runbook's templates, then the built-in status update.
        let items = stages + rb.templates.len() + 1;
        match (cv.preview, key.code) {
            (_, KeyCode::Esc) if cv.preview.is_some() => {
                cv.preview = None;
                self.view.modal = Some(Modal::Comms(cv));
            }
            (_, KeyCode::Esc) | (None, KeyCode::Char('q')) => {}
            (None, KeyCode::Down | KeyCode::Char('j')) => {
                cv.sel = (cv.sel + 1).min(items.saturating_sub(1));
                self.view.modal = Some(Modal::Comms(cv));
            }
            (None, KeyCode::Up | KeyCode::Char('k')) => {
                cv.sel = cv.sel.saturating_sub(1);
                self.view.modal = Some(Modal::Comms(cv));
            }
            (None, KeyCode::Enter) if cv.sel < stages => {
                let stage = rb.notifications[cv.sel].id.clone();
                self.view.modal = Some(Modal::Input {
                    kind: InputKind::Notified { stage, comms: cv },
                    text: String::new(),
                });
            }
            (None, KeyCode::Enter) if cv.sel < items => {
                let template = cv.sel - stages;
                // A channel given once is offered in every message that asks for one.
                let asks_channel =
                    self.operator_fields(template).iter().any(|(id, _)| id == CHANNEL_FIELD);
                if asks_channel && !cv.values.contains_key(CHANNEL_FIELD) {
                    if let Some(c) = self.inc().and_then(last_channel) {
                        cv.values.insert(CHANNEL_FIELD.to_string(), c);
                    }
                }
                cv.preview = Some(template);
                cv.field_sel = 0;
                self.view.modal = Some(Modal::Comms(cv));
            }
            (Some(t), KeyCode::Down | KeyCode::Char('j')) => {
                // The status update has no fields: its rows scroll instead.
                let last = match self.filled(&cv).filter(|_| self.is_status_update(Some(t))) {
                    Some(f) => f.text.lines().count().saturating_sub(1),
                    None => self.operator_fields(t).len().saturating_sub(1),
                };
                cv.field_sel = (cv.field_sel + 1).min(last);
                self.view.modal = Some(Modal::Comms(cv));
            }
            (Some(_), KeyCode::Up | KeyCode::Char('k')) => {
                cv.field_sel = cv.field_sel.saturating_sub(1);
                self.view.modal = Some(Modal::Comms(cv));
            }
            (Some(t), KeyCode::Enter | KeyCode::Char('e')) => {
                match self.operator_fields(t).get(cv.field_sel).cloned() {
                    Some((field, _)) => {
                        let text = cv.values.get(&field).cloned().unwrap_or_default();
                        self.view.modal = Some(Modal::Input {
                            kind: InputKind::TemplateField { comms: cv, field },
                            text,
                        });
                    }
                    None => self.view.modal = Some(Modal::Comms(cv)),
                }
            }
            (Some(_), KeyCode::Char('y')) => match self.filled(&cv) {
                Some(f) => self.copy_out(f.text, Some(Modal::Comms(cv))),
                None => self.view.modal = Some(Modal::Comms(cv)),
            },
            (Some(_), KeyCode::Char('w')) => {
                self.view.modal = Some(Modal::Input {
                    kind: InputKind::SavePath { comms: cv },
                    text: String::new(),
                });
            }
            (Some(_), KeyCode::Char('s')) => {
                let text = self.channel_guess(&cv);
                let offered = !text.is_empty();
                self.view.modal = Some(Modal::Input {
                    kind: InputKind::CommsChannel { comms: cv, offered },
                    text,
                });
            }
            _ => self.view.modal = Some(Modal::Comms(cv)),
        }
    }

    /// Text typed into one of the comms inputs.
    pub(super) fn comms_input(&mut self, kind: InputKind, text: String) {
        let now = self.now();
        match kind {
            InputKind::Notified { stage, comms } => {
                let Some(st) = self.loaded.runbook.notifications.iter().find(|n| n.id == stage)
                else {
                    self.view.modal = Some(Modal::Comms(comms));
                    return;
                };
                // "短信: 张三、李四" names the channel; otherwise the stage's first channel.
                let (channel, who) = match text.split_once([':', '：']) {
                    Some((c, w)) if st.channels.iter().any(|x| x == c.trim()) => {
                        (c.trim().to_string(), w.trim().to_string())
                    }
                    _ => (st.channels.first().cloned().unwrap_or_default(), text.clone()),
                };
                let cmd = Command::Record(comms::notified(st, &channel, &who, ""));
                self.submit_then(cmd, After::Saved);
                self.view.modal = Some(Modal::Comms(comms));
            }
            InputKind::TemplateField { mut comms, field } => {
                comms.values.insert(field, text);
                self.comms_values = comms.values.clone();
                self.view.modal = Some(Modal::Comms(comms));
            }
            InputKind::CommsChannel { comms, .. } => {
                let rb = &self.loaded.runbook;
                if self.is_status_update(comms.preview) {
                    if let Some(inc) = self.inc() {
                        let note = status_update::summary(inc, rb.plan.language);
                        let ev = EventKind::StatusUpdateSent { channel: text, note };
                        self.submit_then(Command::Record(ev), After::Saved);
                    }
                } else if let (Some(f), Some(t)) =
                    (self.filled(&comms), comms.preview.and_then(|i| rb.templates.get(i)))
                {
                    let ev: EventKind = f.sent(t, &text);
                    self.submit_then(Command::Record(ev), After::Saved);
                }
                self.view.modal = Some(Modal::Comms(comms));
            }
            InputKind::SavePath { comms } => {
                if let Some(f) = self.filled(&comms) {
                    let path = std::path::PathBuf::from(&text);
                    match comms::save_to_file(&path, &f.text) {
                        Ok(()) => self.view.flash(format!("→ {}", path.display()), false, now),
                        Err(e) => self.view.flash(format!("{}: {e}", path.display()), true, now),
                    }
                }
                self.view.modal = Some(Modal::Comms(comms));
            }
            _ => {}
        }
    }
}

//! The communications dialog (§7): tick a notification stage, preview a filled template, copy
//! it to the operator's clipboard over SSH (OSC 52), save it, or record that it was sent.

use crossterm::event::{KeyCode, KeyEvent};

use super::{After, App};
use crate::comms::{self, fill::template_fields};
use crate::incident::decide::Command;
use crate::incident::EventKind;
use crate::runbook::model::FieldSource;
use crate::ui::view::{CommsView, InputKind, Modal};

impl App {
    pub fn open_comms(&mut self) {
        self.view.modal = Some(Modal::Comms(CommsView::default()));
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

    /// The filled text of the previewed template.
    pub fn filled(&self, cv: &CommsView) -> Option<comms::Filled> {
        let rb = &self.loaded.runbook;
        let t = rb.templates.get(cv.preview?)?;
        let inc = self.inc()?;
        Some(comms::fill(t, inc, rb, &cv.values, self.tz))
    }

    pub(super) fn comms_key(&mut self, key: KeyEvent, mut cv: CommsView) {
        let rb = &self.loaded.runbook;
        let stages = rb.notifications.len();
        let items = stages + rb.templates.len();
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
                self.view.modal =
                    Some(Modal::Input { kind: InputKind::Notified { stage }, text: String::new() });
            }
            (None, KeyCode::Enter) if cv.sel < items => {
                cv.preview = Some(cv.sel - stages);
                cv.field_sel = 0;
                self.view.modal = Some(Modal::Comms(cv));
            }
            (Some(t), KeyCode::Down | KeyCode::Char('j')) => {
                cv.field_sel =
                    (cv.field_sel + 1).min(self.operator_fields(t).len().saturating_sub(1));
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
                self.view.modal = Some(Modal::Input {
                    kind: InputKind::CommsChannel { comms: cv },
                    text: String::new(),
                });
            }
            _ => self.view.modal = Some(Modal::Comms(cv)),
        }
    }

    /// Text typed into one of the comms inputs.
    pub(super) fn comms_input(&mut self, kind: InputKind, text: String) {
        let now = self.now();
        match kind {
            InputKind::Notified { stage } => {
                let Some(st) = self.loaded.runbook.notifications.iter().find(|n| n.id == stage)
                else {
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
                self.view.modal = Some(Modal::Comms(CommsView::default()));
            }
            InputKind::TemplateField { mut comms, field } => {
                comms.values.insert(field, text);
                self.view.modal = Some(Modal::Comms(comms));
            }
            InputKind::CommsChannel { comms } => {
                let rb = &self.loaded.runbook;
                if let (Some(f), Some(t)) =
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

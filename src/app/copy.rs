//! Copying text out of the console (`y` on a step, `y` in a message preview), saying only what
//! is known: OSC 52 always goes to the terminal, which never answers; inside tmux the text also
//! goes into tmux's paste buffer, which does. Where nothing can confirm the copy, the text is
//! shown whole so the operator can select it or write it to a file.

use crossterm::event::{KeyCode, KeyEvent};

use super::App;
use crate::ui::view::{CopiedView, InputKind, Modal};

impl App {
    /// Send `text` out. `back` is the dialog it was copied from, shown again afterwards.
    pub(super) fn copy_out(&mut self, text: String, back: Option<Modal>) {
        let now = self.now();
        let words = crate::i18n::copy_words(self.lang);
        let seq = match crate::comms::osc52_for(&text, self.in_tmux) {
            Ok(seq) => seq,
            Err(e) => {
                self.view.flash(e.to_string(), true, now);
                self.view.modal = back;
                return;
            }
        };
        self.view.outbox.push(seq);
        if self.in_tmux {
            // tmux answers: the message waits for it (`on_tmux_buffer`).
            self.view.to_tmux.push(text);
            self.view.flash(words.tmux_asking, false, now);
            self.view.modal = back;
        } else {
            self.show_copied(text, words.osc52.to_string(), back);
        }
    }

    /// What `tmux load-buffer` said about `text`.
    pub fn on_tmux_buffer(&mut self, text: String, result: Result<(), String>) {
        let now = self.now();
        let words = crate::i18n::copy_words(self.lang);
        self.dirty = true;
        match result {
            Ok(()) => self.view.flash(words.tmux, false, now),
            Err(e) => {
                let back = self.view.modal.take();
                let why = format!("{}: {e} — {}", words.tmux_failed, words.osc52);
                self.show_copied(text, why, back);
            }
        }
    }

    fn show_copied(&mut self, text: String, why: String, back: Option<Modal>) {
        let now = self.now();
        self.view.flash(why.clone(), false, now);
        self.view.modal =
            Some(Modal::Copied(CopiedView { text, why, scroll: 0, back: back.map(Box::new) }));
    }

    pub(super) fn copied_key(&mut self, key: KeyEvent, mut cv: CopiedView) {
        match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => {
                self.view.modal = cv.back.map(|b| *b);
            }
            KeyCode::Char('w') => {
                self.view.modal = Some(Modal::Input {
                    kind: InputKind::SaveCopied { copied: cv },
                    text: String::new(),
                });
            }
            code => {
                let delta: i64 = match code {
                    KeyCode::Down | KeyCode::Char('j') => 1,
                    KeyCode::Up | KeyCode::Char('k') => -1,
                    KeyCode::PageDown => 10,
                    KeyCode::PageUp => -10,
                    _ => 0,
                };
                // The narrowest screen has the most rows; the overlay clamps to its own width.
                let rows = crate::ui::copied_rows(&cv.text, crate::ui::MIN_WIDTH).max(1) as i64;
                cv.scroll = (cv.scroll as i64 + delta).clamp(0, rows - 1) as usize;
                self.view.modal = Some(Modal::Copied(cv));
            }
        }
    }

    /// The path typed for a copied text: written as the comms dialog writes a message
    /// (atomically, control characters made visible), then back to the text.
    pub(super) fn save_copied(&mut self, copied: CopiedView, path: &str) {
        let now = self.now();
        let path = std::path::PathBuf::from(path);
        match crate::comms::save_to_file(&path, &copied.text) {
            Ok(()) => self.view.flash(format!("→ {}", path.display()), false, now),
            Err(e) => self.view.flash(format!("{}: {e}", path.display()), true, now),
        }
        self.view.modal = Some(Modal::Copied(copied));
    }
}

//! Reading the timeline and the health pane: the timeline's cursor, filter and search, and an
//! entry or a service shown whole. Nothing here changes the incident, so observers have it all.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{self, Action, Scope};
use super::App;
use crate::incident::{Event, Incident};
use crate::ui::text::pop_char;
use crate::ui::timeline;
use crate::ui::view::{EntrySheet, Modal, Pane, Search};

impl App {
    /// The reading keys of the main screen (see [`keymap::BINDINGS`]).
    pub(super) fn reading_action(&mut self, action: Action) {
        match action {
            Action::TimelineSearch => {
                // `/` again edits the search held.
                let query = self.view.timeline.search.take().map(|s| s.query).unwrap_or_default();
                self.view.timeline.search = Some(Search { query, typing: true });
            }
            Action::TimelineFilter => {
                let tv = &mut self.view.timeline;
                tv.filter = tv.filter.next();
                self.keep_pick_shown();
            }
            Action::ShowEntry => self.show_entry(),
            Action::Oldest => {
                let first = self.shown().first().copied();
                self.view.timeline.pick = first;
            }
            Action::Newest => self.view.timeline.pick = None,
            Action::NextMatch => self.next_match(false),
            Action::PrevMatch => self.next_match(true),
            Action::ClearSearch => self.view.timeline.search = None,
            Action::ShowService => self.show_service(),
            _ => self.dirty = false,
        }
    }

    /// The events the timeline shows (its filter applied), oldest first.
    fn shown(&self) -> Vec<usize> {
        self.inc().map(|inc| timeline::entries(&self.view.timeline, inc)).unwrap_or_default()
    }

    /// After the filter changed: the cursor goes to a shown entry (the nearest before it).
    fn keep_pick_shown(&mut self) {
        if self.view.timeline.pick.is_none() {
            return;
        }
        let shown = self.shown();
        let cur = timeline::cursor(&self.view.timeline, &shown);
        self.view.timeline.pick = cur.and_then(|c| shown.get(c).copied());
    }

    /// Move the timeline's cursor `delta` entries (up is older); past the newest, it follows
    /// new entries again.
    pub(super) fn timeline_move(&mut self, delta: i32) {
        let shown = self.shown();
        let Some(cur) = timeline::cursor(&self.view.timeline, &shown) else { return };
        let last = shown.len() as i64 - 1;
        let to = (cur as i64 + i64::from(delta)).clamp(0, last) as usize;
        self.view.timeline.pick = if to as i64 == last { None } else { shown.get(to).copied() };
    }

    /// A key while a search is typed: letters go into the query, the cursor goes to the
    /// newest match at or before it as the query changes; Enter keeps it, Esc clears it.
    pub(super) fn search_key(&mut self, key: KeyEvent) {
        let Some(mut search) = self.view.timeline.search.take() else { return };
        match (keymap::action_in(Scope::Input, &key), key.code) {
            (Some(Action::InputCancel), _) => return,
            (Some(Action::InputSave), _) => {
                search.typing = false;
                if !search.query.is_empty() {
                    self.view.timeline.search = Some(search);
                }
                return;
            }
            (Some(Action::InputClear), _) => search.query.clear(),
            (_, KeyCode::Backspace) => pop_char(&mut search.query),
            (_, KeyCode::Char(c)) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                search.query.push(c)
            }
            _ => {
                self.view.timeline.search = Some(search);
                self.dirty = false;
                return;
            }
        }
        self.view.timeline.search = Some(search);
        self.seek_match();
    }

    /// The cursor onto the newest match at or before where it is (else the newest match).
    fn seek_match(&mut self) {
        let found = self.found();
        let here = self.view.timeline.pick.unwrap_or(usize::MAX);
        let at = found.iter().rev().find(|i| **i <= here).or(found.last());
        if let Some(i) = at {
            self.view.timeline.pick = Some(*i);
        }
    }

    fn found(&self) -> Vec<usize> {
        let Some(inc) = self.inc() else { return Vec::new() };
        let ctx = self.ctx();
        timeline::matches(&ctx, inc, &timeline::entries(&self.view.timeline, inc))
    }

    /// `n`: the next match back in time; `N` (`newer`): the next one forward. Both wrap.
    fn next_match(&mut self, newer: bool) {
        let found = self.found();
        let (Some(first), Some(last)) = (found.first().copied(), found.last().copied()) else {
            return;
        };
        let here = self.view.timeline.pick.unwrap_or(usize::MAX);
        let to = if newer {
            found.iter().find(|i| **i > here).copied().unwrap_or(first)
        } else {
            found.iter().rev().find(|i| **i < here).copied().unwrap_or(last)
        };
        self.view.timeline.pick = Some(to);
    }

    /// Enter in the timeline: the entry under the cursor, whole.
    fn show_entry(&mut self) {
        let shown = self.shown();
        let Some(cur) = timeline::cursor(&self.view.timeline, &shown) else { return };
        let Some(inc) = self.inc() else { return };
        let Some(&index) = shown.get(cur) else { return };
        let hash = self.journal_hash(index);
        let sheet = entry_sheet(self, inc, index, hash);
        self.view.modal = Some(Modal::Entry(sheet));
    }

    /// The hash of the entry holding event `index`, read from this incident's journal file
    /// when this console has it: the events of an incident are its journal's entries, one
    /// each, in order, so event `index` is entry `index + 1` (checked against what it says).
    fn journal_hash(&self, index: usize) -> Option<String> {
        let path = self.journal_path()?;
        let ev = self.inc()?.events.get(index)?.clone();
        let seq = index as u64 + 1;
        let mut hash = None;
        let read = crate::journal::read_each(&path, |f| {
            if f.seq == seq {
                let d = crate::incident::decode::decode_alone(f.seq, f.payload);
                if d.event.kind == ev.kind && d.event.who == ev.who {
                    hash = Some(f.hash.to_string());
                }
            }
        });
        read.ok().and(hash)
    }

    /// Enter in the health pane: the selected service, whole.
    fn show_service(&mut self) {
        let Some(row) = self.view.health.get(self.view.health_sel) else { return };
        let words = crate::i18n::reading_words(self.lang);
        let ui = self.ui();
        let mut state = format!("{} {}", crate::ui::health_symbol(row.state), row.state.as_str());
        if let Some(ms) = row.latency_ms {
            state.push_str(&format!(" · {ms}ms"));
        }
        if let Some(t) = row.changed_at {
            state.push_str(&format!(" · {} {}", ui.since, self.ctx().local_hms(t)));
        }
        let detail =
            if row.detail.is_empty() { ui.not_probed.to_string() } else { row.detail.clone() };
        let history: Vec<String> = row
            .history
            .iter()
            .map(|v| v.map_or(words.failed_attempt.to_string(), |ms| format!("{ms}ms")))
            .collect();
        let mut sections =
            vec![(String::new(), vec![state]), (words.detail.to_string(), vec![detail])];
        if !row.notes.is_empty() {
            sections.push((words.notes.to_string(), row.notes.clone()));
        }
        if !history.is_empty() {
            sections.push((words.latency.to_string(), vec![history.join(" ")]));
        }
        let title =
            if row.name == row.id { row.id.clone() } else { format!("{} ({})", row.name, row.id) };
        self.view.modal = Some(Modal::Entry(EntrySheet { title, sections, scroll: 0 }));
    }

    /// A key while an entry or a service is shown whole.
    pub(super) fn sheet_key(&mut self, key: KeyEvent, mut sheet: EntrySheet) {
        let rows: usize = sheet.sections.iter().map(|(_, l)| l.len() + 1).sum();
        let delta: i64 = match keymap::action_in(Scope::Sheet, &key) {
            Some(Action::CloseSheet) => return,
            Some(Action::SheetDown) => 1,
            Some(Action::SheetUp) => -1,
            Some(Action::SheetPageDown) => 10,
            Some(Action::SheetPageUp) => -10,
            _ => 0,
        };
        // Bounded here by the unwrapped rows; the overlay clamps again to what fits.
        let most = rows.max(sheet.scroll) as i64 + 10;
        sheet.scroll = (sheet.scroll as i64 + delta).clamp(0, most) as usize;
        self.view.modal = Some(Modal::Entry(sheet));
    }

    fn journal_path(&self) -> Option<std::path::PathBuf> {
        self.live.as_ref()?.journal().map(std::path::Path::to_path_buf)
    }

    /// An observer following the journal at `path` on this host: Enter on an entry shows its
    /// hash from there.
    pub fn set_view_journal(&mut self, path: std::path::PathBuf) {
        if let Some(live) = self.live.as_mut() {
            live.set_journal(path);
        }
    }

    /// A held search and the timeline focused: `n`, `N` and Esc are the search's.
    pub(super) fn search_scope(&self) -> bool {
        self.view.focus == Pane::Timeline && self.view.timeline.searching()
    }
}

/// Event `index` of `inc` in full: when, what, who (name, login@host, tty, pid, SSH client),
/// and where in the journal (seq, hash).
fn entry_sheet(app: &App, inc: &Incident, index: usize, hash: Option<String>) -> EntrySheet {
    let ctx = app.ctx();
    let ev: &Event = &inc.events[index];
    let words = crate::i18n::reading_words(app.lang);
    let who = &ev.who;
    let when = ev.at.with_timezone(&ctx.tz).format("%Y-%m-%d %H:%M:%S %:z").to_string();
    let what = crate::incident::describe::describe(ev, ctx.rb, ctx.lang);
    let mut people = vec![match &who.name {
        Some(name) => format!("{name} ({}: {}@{})", words.login, who.user, who.host),
        None => format!("{}@{}", who.user, who.host),
    }];
    let tty = who.short_tty().map_or(words.no_tty.to_string(), |t| format!("{} {t}", words.tty));
    people.push(format!("{tty} · {} {}", words.pid, who.pid));
    if let Some(ssh) = &who.ssh_client {
        people.push(format!("{} {ssh}", words.ssh_from));
    }
    let mut journal = vec![format!("{} {}", words.seq, index + 1)];
    journal.push(match hash {
        Some(h) => format!("{} {h}", words.hash),
        None => words.hash_unknown.to_string(),
    });
    journal.push(format!("{} {}", words.kind, ev.kind.type_name()));
    if let Some(r) = &ev.resource {
        journal.push(format!("{} {r}", words.resource));
    }
    if ev.wall != ev.at {
        let wall = ev.wall.with_timezone(&ctx.tz).format("%Y-%m-%d %H:%M:%S").to_string();
        journal.push(format!("{} {wall}", words.wall));
    }
    let sections = vec![
        (words.entry.to_string(), vec![what]),
        (words.who.to_string(), people),
        (words.journal.to_string(), journal),
    ];
    let sections = sections
        .into_iter()
        .map(|(h, lines)| {
            let lines = lines.iter().map(|l| crate::safe_text::visible_line(l).into_owned());
            (h, lines.collect())
        })
        .collect();
    EntrySheet { title: when, sections, scroll: 0 }
}

//! What the screen shows besides the incident itself: focus, selections, open dialogs, and the
//! latest health of each service. Changed only by the key handler and the app loop.

use chrono::{DateTime, Utc};

use super::declare::DeclareForm;
use crate::probe::Health;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Steps,
    Timers,
    Timeline,
    Health,
}

impl Pane {
    pub const ORDER: [Pane; 4] = [Pane::Steps, Pane::Timers, Pane::Timeline, Pane::Health];

    pub fn next(self) -> Pane {
        let i = Self::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    pub fn prev(self) -> Pane {
        let i = Self::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        Self::ORDER[(i + Self::ORDER.len() - 1) % Self::ORDER.len()]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum InputKind {
    Note,
    Skip {
        step: String,
    },
    Fail {
        step: String,
    },
    Backup,
    /// A facilitator's ad-hoc message to the players of a drill.
    Inject,
    /// Who was notified for a §7.1 stage (optionally `channel: names`).
    Notified {
        stage: String,
        comms: CommsView,
    },
    /// The value of an operator field of a template being previewed.
    TemplateField {
        comms: CommsView,
        field: String,
    },
    /// The channel a previewed message went out on.
    CommsChannel {
        comms: CommsView,
        /// The text is the channel given before, offered: typing replaces it, Enter takes it.
        offered: bool,
    },
    /// A file to save a previewed message to.
    SavePath {
        comms: CommsView,
    },
    /// Why: the last thing a correction asks before it is submitted.
    Reason {
        cmd: Box<crate::incident::decide::Command>,
    },
    /// The corrected T0 (then a reason).
    CorrectT0,
    /// The new level (then a reason).
    Level,
    /// The affected functions, by id, comma-separated (then a reason).
    Functions,
    /// A file to write a copied text to (from the copy overlay, which it returns to).
    SaveCopied {
        copied: CopiedView,
    },
    /// Whom to hand command over to (Tab cycles through the people of the incident).
    HandOver,
    /// Whom to give a step to.
    Owner {
        step: String,
    },
    /// The value of the first placeholder a copy still waits for.
    Placeholder {
        copy: Box<PendingCopy>,
    },
}

/// Commands on their way to the clipboard, waiting for their placeholders' values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCopy {
    /// The commands as the runbook writes them, in the order they are copied.
    pub runs: Vec<String>,
    /// Placeholder ids still to ask for, the first being asked now.
    pub ask: Vec<String>,
    /// Values given during this copy, by placeholder id (secret ones live only here).
    pub values: std::collections::BTreeMap<String, String>,
}

/// Choosing one of a step's alternative command sets (`e`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chooser {
    /// Every alternative offered, in runbook order: the runbook step that offers it (a step
    /// and its sub-procedure's steps may each offer some), its id, and its label.
    pub options: Vec<ChoiceOption>,
    pub sel: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceOption {
    pub step: String,
    pub step_title: String,
    pub alternative: String,
    pub label: String,
    pub chosen: bool,
}

impl InputKind {
    /// Whether Tab fills in the next person of the incident.
    pub fn picks_people(&self) -> bool {
        matches!(self, InputKind::HandOver | InputKind::Owner { .. })
    }
}

/// A text just sent to the clipboard, shown whole where the terminal's answer cannot be known:
/// the operator can select it with the mouse or write it to a file.
#[derive(Debug, Clone, PartialEq)]
pub struct CopiedView {
    pub text: String,
    /// Why it is shown (the first line of the overlay).
    pub why: String,
    /// Rows scrolled down.
    pub scroll: usize,
    /// The dialog it was copied from, shown again when this one closes.
    pub back: Option<Box<Modal>>,
}

/// The communications dialog: the §7.1 stages, then the §7.2 templates, then the built-in
/// internal status update (`crate::comms::status_update`); Enter on a template opens its
/// filled preview.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommsView {
    pub sel: usize,
    /// Index of the template being previewed; one past the runbook's templates is the
    /// built-in status update.
    pub preview: Option<usize>,
    /// Operator values typed so far, by field id.
    pub values: std::collections::BTreeMap<String, String>,
    /// Selected operator field in the preview.
    pub field_sel: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    Help,
    Input {
        kind: InputKind,
        text: String,
    },
    ConfirmQuit,
    /// A command the rules want confirmed: its question, and the command to submit on `y`.
    Confirm {
        question: String,
        cmd: Box<crate::incident::decide::Command>,
    },
    Comms(CommsView),
    /// A copied text in full (see `CopiedView`).
    Copied(CopiedView),
    /// A drill's briefing, upcoming injects or decision (see `crate::drill::facilitator`).
    Drill(DrillSheet),
    /// Which alternative of a step to take (see `Chooser`).
    Choose(Chooser),
    /// A timeline entry or a service, shown whole (Enter in the timeline or health pane).
    Entry(EntrySheet),
}

/// A timeline entry or a service in full, built when it opens: a title, headed sections of
/// lines (each wrapped whole), and the rows scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct EntrySheet {
    pub title: String,
    pub sections: Vec<(String, Vec<String>)>,
    pub scroll: usize,
}

/// The kinds of entry the timeline can show one at a time (`t` cycles through them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    Notes,
    Steps,
    Health,
    Comms,
    Breaches,
}

impl Filter {
    pub const ORDER: [Filter; 6] = [
        Filter::All,
        Filter::Notes,
        Filter::Steps,
        Filter::Health,
        Filter::Comms,
        Filter::Breaches,
    ];

    pub fn next(self) -> Filter {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }
}

/// A search of the timeline (`/`): what was typed, and whether it is still being typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Search {
    pub query: String,
    pub typing: bool,
}

/// What a search's matches were found for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub query: String,
    pub filter: Filter,
    pub events: usize,
}

/// How the timeline is being read: the entry under the cursor, the kind shown, the search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimelineView {
    /// Index (into the incident's events) of the selected entry; `None` follows the newest.
    pub pick: Option<usize>,
    pub filter: Filter,
    pub search: Option<Search>,
}

impl TimelineView {
    /// A search is being typed: keys go into the query.
    pub fn typing(&self) -> bool {
        self.search.as_ref().is_some_and(|s| s.typing)
    }

    /// A search is held (typed, not cleared): `n` and `N` move between its matches.
    pub fn searching(&self) -> bool {
        self.search.as_ref().is_some_and(|s| !s.typing && !s.query.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    /// Before the game clock starts: scenario, objectives, expected actions, participants.
    Briefing,
    /// For the facilitator: the injects still to come, with their game times. Not journaled.
    Injects,
    /// A decision inject, in full.
    Decision,
}

/// A drill's text screen, built when it opens (so drawing needs nothing but itself): a title,
/// headed sections of lines, and the rows scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillSheet {
    pub kind: SheetKind,
    pub title: String,
    pub sections: Vec<(String, Vec<String>)>,
    /// The key hint at the bottom.
    pub keys: String,
    pub scroll: usize,
}

/// The open detail view: which step, how far its body is scrolled, and which of its commands
/// is under the cursor.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Detail {
    pub step: String,
    pub scroll: usize,
    pub command: usize,
    /// The checklist item under the item cursor (`}` / `{`, Space ticks it); none until the
    /// operator moves to one.
    pub item: Option<usize>,
    /// The view shows the checklists that belong to no step (`C`) instead of a step.
    pub checklists: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub until: DateTime<Utc>,
}

/// One service as the health pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthRow {
    pub id: String,
    pub name: String,
    pub state: Health,
    pub latency_ms: Option<u32>,
    pub detail: String,
    pub notes: Vec<String>,
    pub changed_at: Option<DateTime<Utc>>,
    /// Recent latencies for the sparkline; `None` for a failed attempt.
    pub history: Vec<Option<u32>>,
}

#[derive(Debug, Clone)]
pub struct ViewState {
    pub focus: Pane,
    pub step_sel: usize,
    pub timer_sel: usize,
    pub health_sel: usize,
    /// The timeline's cursor, filter and search.
    pub timeline: TimelineView,
    /// The search's matches, kept for the query, filter and number of events they were found
    /// for: a held search is drawn every second, and a long incident has many thousands.
    pub found: std::cell::RefCell<Option<(Found, Vec<usize>)>>,
    /// The detail view of a step, while it is open (Enter in the steps pane).
    pub detail: Option<Detail>,
    /// The size of the last frame drawn, so keys that scroll know how much is on screen.
    pub screen: std::cell::Cell<ratatui::layout::Rect>,
    pub modal: Option<Modal>,
    /// Lines the `?` help is scrolled down.
    pub help_scroll: usize,
    pub flash: Option<Flash>,
    /// A persistent alarm, e.g. the journal switched files after a failed fsync.
    pub banner: Option<String>,
    /// Commands sent to the journal writer and not yet durable.
    pub pending: usize,
    pub health: Vec<HealthRow>,
    /// Every probe failed at once: say the console's host may be cut off.
    pub host_cut_off: bool,
    /// The declaration form, while no incident is open.
    pub declare: Option<DeclareForm>,
    /// One line about the operations-MongoDB mirror, when configured.
    pub mirror: Option<String>,
    /// A standing line that is not an alarm: an observer's source and lag, other consoles
    /// that have the incident open.
    pub notice: Option<String>,
    /// This console only observes (`drconsole view`): no key changes the incident.
    pub read_only: bool,
    /// Bytes for the terminal itself (OSC 52 clipboard), written by the loop after a frame.
    pub outbox: Vec<String>,
    /// This console's operator: the timeline marks what others did with their name and tty.
    pub me: Option<crate::incident::Actor>,
    /// Texts for tmux's paste buffer, loaded by the loop (`tmux load-buffer -`), which reports
    /// back through `App::on_tmux_buffer`.
    pub to_tmux: Vec<String>,
}

impl ViewState {
    pub fn new(health: Vec<HealthRow>) -> ViewState {
        ViewState {
            focus: Pane::Steps,
            step_sel: 0,
            timer_sel: 0,
            health_sel: 0,
            timeline: TimelineView::default(),
            found: Default::default(),
            detail: None,
            screen: std::cell::Cell::new(ratatui::layout::Rect::new(0, 0, 80, 24)),
            modal: None,
            help_scroll: 0,
            flash: None,
            banner: None,
            pending: 0,
            health,
            host_cut_off: false,
            declare: None,
            mirror: None,
            notice: None,
            read_only: false,
            outbox: Vec::new(),
            me: None,
            to_tmux: Vec::new(),
        }
    }

    /// The detail view is on screen: open, with the steps pane focused.
    pub fn detail_open(&self) -> bool {
        self.detail.is_some() && self.focus == Pane::Steps
    }

    pub fn flash(&mut self, text: impl Into<String>, error: bool, now: DateTime<Utc>) {
        self.flash = Some(Flash {
            text: text.into(),
            error,
            until: crate::incident::timers::after_secs(now, 4),
        });
    }
}

/// The mirror's state in a few words for the health pane.
pub fn mirror_line(s: &crate::mirror::MirrorStatus, lang: crate::runbook::model::Lang) -> String {
    let m = crate::i18n::messages(lang);
    match &s.error {
        None => crate::i18n::fill(m.mirror_synced, &[("n", &s.acked.to_string())]),
        Some(e) => {
            crate::i18n::fill(m.mirror_queued, &[("n", &s.queued.to_string()), ("error", e)])
        }
    }
}

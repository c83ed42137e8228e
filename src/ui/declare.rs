//! The declaration form: disaster type, level, affected functions, people, and T0.

use crate::runbook::model::Runbook;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Type,
    Level,
    Functions,
    Reporter,
    Coordinator,
    Team,
    T0,
    Submit,
}

impl Field {
    pub const ORDER: [Field; 8] = [
        Field::Type,
        Field::Level,
        Field::Functions,
        Field::Reporter,
        Field::Coordinator,
        Field::Team,
        Field::T0,
        Field::Submit,
    ];

    /// Typed as text (the other fields are chosen with the arrows and Space).
    pub fn is_text(self) -> bool {
        matches!(self, Field::Reporter | Field::Coordinator | Field::T0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeclareForm {
    pub field: Field,
    pub type_idx: usize,
    pub level: u8,
    /// Checked state per runbook function, in runbook order.
    pub functions: Vec<bool>,
    pub function_cursor: usize,
    pub reporter: String,
    pub coordinator: String,
    /// Checked state per runbook role, in runbook order.
    pub team: Vec<bool>,
    pub team_cursor: usize,
    pub t0: String,
    pub error: Option<String>,
    /// Incidents already open when the console started (id, one-line summary): shown above
    /// the form, Enter resumes the selected one, `n` goes on to a new declaration.
    pub open: Vec<(String, String)>,
    pub open_sel: usize,
    pub choosing: bool,
    /// The T0 question was asked for the T0 now in the form: Enter again confirms it.
    pub t0_confirmed: bool,
}

impl DeclareForm {
    pub fn new(rb: &Runbook, reporter: &str) -> DeclareForm {
        let level = rb.levels.iter().map(|l| l.level).max().unwrap_or(1);
        let coordinator = rb
            .roles
            .iter()
            .find(|r| r.id == "coordinator")
            .or(rb.roles.first())
            .map(|r| r.person.clone())
            .unwrap_or_default();
        let mut form = DeclareForm {
            field: Field::Type,
            type_idx: 0,
            level,
            functions: vec![false; rb.functions.len()],
            function_cursor: 0,
            reporter: reporter.to_string(),
            coordinator,
            team: vec![true; rb.roles.len()],
            team_cursor: 0,
            t0: "now".to_string(),
            error: None,
            open: Vec::new(),
            open_sel: 0,
            choosing: false,
            t0_confirmed: false,
        };
        form.level_changed(rb);
        form
    }

    /// The functions the chosen scenario usually hits start ticked; without such a list a full
    /// DR affects everything and lower levels start with nothing ticked.
    pub fn level_changed(&mut self, rb: &Runbook) {
        let dtype = rb.disaster_types.get(self.type_idx);
        if let Some(hit) = dtype.map(|d| &d.functions).filter(|f| !f.is_empty()) {
            for (on, f) in self.functions.iter_mut().zip(&rb.functions) {
                *on = hit.contains(&f.id);
            }
            return;
        }
        let full = rb
            .track_for(dtype.map_or("", |d| d.id.as_str()), self.level)
            .is_some_and(|t| t.kind == crate::runbook::model::TrackKind::Full);
        self.functions.iter_mut().for_each(|f| *f = full);
    }

    /// Another disaster type was chosen. Only a scenario that names its own functions or track
    /// (format 2) changes the ticks: with a plan's plain disaster types the ticks stay as the
    /// operator left them.
    pub fn type_changed(&mut self, rb: &Runbook, previous: usize) {
        let scenario = |i: usize| {
            rb.disaster_types.get(i).is_some_and(|d| !d.functions.is_empty() || d.track.is_some())
        };
        if scenario(previous) || scenario(self.type_idx) {
            self.level_changed(rb);
        }
    }

    pub fn levels(rb: &Runbook) -> Vec<u8> {
        let mut v: Vec<u8> = rb.levels.iter().map(|l| l.level).collect();
        v.sort_unstable();
        v
    }
}

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

    /// A full DR affects everything; lower levels start with nothing ticked.
    pub fn level_changed(&mut self, rb: &Runbook) {
        let full = rb
            .track_for_level(self.level)
            .is_some_and(|t| t.kind == crate::runbook::model::TrackKind::Full);
        self.functions.iter_mut().for_each(|f| *f = full);
    }

    pub fn levels(rb: &Runbook) -> Vec<u8> {
        let mut v: Vec<u8> = rb.levels.iter().map(|l| l.level).collect();
        v.sort_unstable();
        v
    }
}

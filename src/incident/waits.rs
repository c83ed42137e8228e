//! Timed waits, the steps after the closing one, and ticked checklist items: what the state
//! says about them at a given time, for the rules, the screen and the record alike.

use chrono::{DateTime, Utc};

use super::state::{Incident, StepStatus};
use crate::runbook::model::Runbook;

/// Where a step's wait stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// The step has no wait.
    None,
    /// The wait begins when the step is started; it has not been.
    NotStarted(std::time::Duration),
    /// Started; this much is left.
    Running(std::time::Duration),
    /// Elapsed, overridden, or the step was finished some other way (skipped, closed).
    Over,
}

impl Incident {
    /// The index of the step that closes the incident (`completes-recovery`), if the track has
    /// one; the steps after it are post-recovery steps.
    pub fn closing_index(&self, rb: &Runbook) -> Option<usize> {
        self.steps.iter().position(|s| rb.step(&s.id).is_some_and(|t| t.step.completes_recovery))
    }

    /// Whether the step at `idx` comes after the closing step.
    pub fn is_post_closing(&self, rb: &Runbook, idx: usize) -> bool {
        self.closing_index(rb).is_some_and(|c| idx > c)
    }

    /// Post-recovery steps not yet done or skipped: still work to do after a close.
    pub fn post_closing_open(&self, rb: &Runbook) -> Vec<&super::StepState> {
        let Some(c) = self.closing_index(rb) else { return Vec::new() };
        self.steps[c + 1..]
            .iter()
            .filter(|s| !matches!(s.status, StepStatus::Done | StepStatus::Skipped))
            .collect()
    }

    /// A closed incident (not a withdrawn one) that still has post-recovery steps to work.
    pub fn has_post_closing_work(&self, rb: &Runbook) -> bool {
        self.closed_at.is_some()
            && self.withdrawn.is_none()
            && !self.post_closing_open(rb).is_empty()
    }

    /// The wait of step `key` at `now`.
    pub fn wait(&self, rb: &Runbook, key: &str, now: DateTime<Utc>) -> Wait {
        let Some(s) = self.step(key) else { return Wait::None };
        let Some(wait) = rb.step(&s.id).and_then(|t| t.step.wait) else { return Wait::None };
        if s.wait_overridden || matches!(s.status, StepStatus::Done | StepStatus::Skipped) {
            return Wait::Over;
        }
        let Some(from) = s.wait_from else { return Wait::NotStarted(wait.0) };
        let passed = now.signed_duration_since(from).to_std().unwrap_or_default();
        match wait.0.checked_sub(passed) {
            Some(left) if !left.is_zero() => Wait::Running(left),
            _ => Wait::Over,
        }
    }

    /// The step whose running wait holds step `key` back (the step just before it in the
    /// track), with the time left.
    pub fn held_by(
        &self,
        rb: &Runbook,
        key: &str,
        now: DateTime<Utc>,
    ) -> Option<(String, std::time::Duration)> {
        let idx = self.steps.iter().position(|s| s.key == key)?;
        if self.steps[idx].adjust_for.is_some() {
            return None;
        }
        let prev = self.steps[..idx].iter().rev().find(|s| s.adjust_for.is_none())?;
        match self.wait(rb, &prev.key, now) {
            Wait::Running(left) => Some((prev.key.clone(), left)),
            _ => None,
        }
    }

    /// Whether checklist item `item` of `checklist` is ticked now.
    pub fn is_ticked(&self, checklist: &str, item: usize) -> bool {
        self.ticks.get(&(checklist.to_string(), item)).is_some_and(|t| t.ticked)
    }

    /// The checklists this incident works: those of its steps, then those that belong to no
    /// step of the runbook (a post-incident list), each once, in that order.
    pub fn checklists<'a>(&self, rb: &'a Runbook) -> Vec<&'a crate::runbook::model::Checklist> {
        let mut out: Vec<&crate::runbook::model::Checklist> = Vec::new();
        let of_steps = self.steps.iter().filter_map(|s| rb.step(&s.id)?.step.checklist.as_deref());
        for id in of_steps {
            if let Some(cl) = rb.checklists.iter().find(|c| c.id == id) {
                if !out.iter().any(|o| o.id == cl.id) {
                    out.push(cl);
                }
            }
        }
        out.extend(unattached_checklists(rb));
        out
    }

    /// Unticked items of the incident's checklists, as `list: item`.
    pub fn unticked(&self, rb: &Runbook) -> Vec<String> {
        self.checklists(rb)
            .iter()
            .flat_map(|cl| {
                cl.items
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !self.is_ticked(&cl.id, *i))
                    .map(|(_, text)| format!("{}: {text}", cl.name))
            })
            .collect()
    }
}

/// Checklists that no step of the runbook names: the top-level lists (post-incident, ...).
pub fn unattached_checklists(rb: &Runbook) -> Vec<&crate::runbook::model::Checklist> {
    let named: Vec<&str> = rb
        .procedures
        .iter()
        .flat_map(|p| &p.steps)
        .filter_map(|s| s.checklist.as_deref())
        .collect();
    rb.checklists.iter().filter(|c| !named.contains(&c.id.as_str())).collect()
}

/// Time left as the screen shows it: whole minutes from an hour up (`23h59m`), seconds below.
pub fn left_text(left: std::time::Duration) -> String {
    let secs = left.as_secs();
    let shown = if secs >= 3600 { secs / 60 * 60 } else { secs };
    crate::duration_text::compact(std::time::Duration::from_secs(shown))
}

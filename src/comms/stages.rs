//! The internal notification stages of §7.1: which the incident has reached, which are owed.

use super::log::SentNotification;
use crate::incident::{Incident, StepStatus};
use crate::runbook::model::{NotificationStage, NotifyWhen, Runbook, TrackKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageState {
    /// The incident has not reached this stage yet (or, at a maintenance level, no DR
    /// communication is owed at all).
    NotYet,
    /// Reached and nobody has been notified yet.
    Due,
    /// At least one notification of this stage was journaled.
    Done,
}

#[derive(Debug, Clone)]
pub struct StageStatus<'a> {
    pub stage: &'a NotificationStage,
    pub state: StageState,
    /// Every notification journaled for this stage, oldest first.
    pub sent: Vec<&'a SentNotification>,
}

/// How far the incident has come: declared, recovery under way (a step was touched or a
/// function restored), or closed.
pub fn reached(inc: &Incident) -> NotifyWhen {
    if inc.closed_at.is_some() {
        NotifyWhen::Complete
    } else if inc.steps.iter().any(|s| s.status != StepStatus::Pending)
        || inc.timers.iter().any(|t| t.restored_at.is_some())
    {
        NotifyWhen::InProgress
    } else {
        NotifyWhen::Declared
    }
}

fn rank(w: NotifyWhen) -> u8 {
    match w {
        NotifyWhen::Declared => 0,
        NotifyWhen::InProgress => 1,
        NotifyWhen::Complete => 2,
    }
}

/// Every stage of the runbook in its order, with its state for this incident. Stages stay due
/// once reached: a forgotten "disaster occurred" call is still owed after recovery starts.
pub fn stage_statuses<'a>(inc: &'a Incident, rb: &'a Runbook) -> Vec<StageStatus<'a>> {
    let now = rank(reached(inc));
    // Level 1 runs no DR plan (§5.2), so the DR communication plan owes nothing there.
    let owed = inc.track_kind != TrackKind::Maintenance;
    rb.notifications
        .iter()
        .map(|stage| {
            let sent: Vec<&SentNotification> =
                inc.comms.notifications.iter().filter(|n| n.stage == stage.id).collect();
            let state = if !sent.is_empty() {
                StageState::Done
            } else if owed && rank(stage.when) <= now {
                StageState::Due
            } else {
                StageState::NotYet
            };
            StageStatus { stage, state, sent }
        })
        .collect()
}

/// The stages owed now, oldest stage first.
pub fn due_stages<'a>(inc: &'a Incident, rb: &'a Runbook) -> Vec<&'a NotificationStage> {
    stage_statuses(inc, rb)
        .into_iter()
        .filter(|s| s.state == StageState::Due)
        .map(|s| s.stage)
        .collect()
}

/// The event that records a notification of `stage`: the audience defaults to the stage's own
/// (§7.1), `notified` names who was actually reached.
pub fn notified(
    stage: &NotificationStage,
    channel: &str,
    notified: &str,
    note: &str,
) -> crate::incident::EventKind {
    crate::incident::EventKind::NotificationSent {
        stage: stage.id.clone(),
        audience: stage.audience.clone(),
        channel: channel.to_string(),
        notified: notified.to_string(),
        note: note.to_string(),
    }
}

//! What the incident remembers of its communications, built by `incident::apply`.

use chrono::{DateTime, Utc};

use crate::incident::{Event, EventKind};
use crate::runbook::model::{NotifyWhen, Runbook};

/// One internal notification (§7.1) as journaled.
#[derive(Debug, Clone, PartialEq)]
pub struct SentNotification {
    pub at: DateTime<Utc>,
    /// The operator who recorded it.
    pub by: String,
    pub stage: String,
    pub audience: String,
    pub channel: String,
    pub notified: String,
    pub note: String,
}

/// One external message (§7.2) as journaled, with the exact text.
#[derive(Debug, Clone, PartialEq)]
pub struct SentMessage {
    pub at: DateTime<Utc>,
    pub by: String,
    pub template: String,
    pub channel: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommsLog {
    pub notifications: Vec<SentNotification>,
    pub messages: Vec<SentMessage>,
    /// When stakeholders last got a status update: a message, a status update, or an
    /// in-progress notification (that stage is the progress report of §7.1).
    pub last_update_at: Option<DateTime<Utc>>,
    /// The latest due time a reminder was journaled for.
    pub last_reminder_due: Option<DateTime<Utc>>,
}

impl CommsLog {
    /// Keep what a communications event says. Other events are ignored.
    pub fn apply(&mut self, rb: &Runbook, ev: &Event) {
        let by = ev.who.user.clone();
        match &ev.kind {
            EventKind::NotificationSent { stage, audience, channel, notified, note } => {
                let progress = rb
                    .notifications
                    .iter()
                    .any(|n| &n.id == stage && n.when == NotifyWhen::InProgress);
                if progress {
                    self.mark_update(ev.at);
                }
                self.notifications.push(SentNotification {
                    at: ev.at,
                    by,
                    stage: stage.clone(),
                    audience: audience.clone(),
                    channel: channel.clone(),
                    notified: notified.clone(),
                    note: note.clone(),
                });
            }
            EventKind::CommsSent { template, channel, text } => {
                self.mark_update(ev.at);
                self.messages.push(SentMessage {
                    at: ev.at,
                    by,
                    template: template.clone(),
                    channel: channel.clone(),
                    text: text.clone(),
                });
            }
            EventKind::StatusUpdateSent { .. } => self.mark_update(ev.at),
            // Events from another process may arrive slightly out of order: keep the latest.
            EventKind::UpdateReminder { due_at } => {
                self.last_reminder_due = self.last_reminder_due.max(Some(*due_at));
            }
            _ => {}
        }
    }

    fn mark_update(&mut self, at: DateTime<Utc>) {
        self.last_update_at = self.last_update_at.max(Some(at));
    }
}

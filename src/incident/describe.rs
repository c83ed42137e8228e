//! One line of plain words per event, in the runbook's language: the timeline on screen and
//! in the records use the same sentences.

use super::event::{Event, EventKind};
use crate::i18n::{event_words, fill};
use crate::probe::Health;
use crate::runbook::model::{Lang, Runbook};

fn step_label(rb: &Runbook, key: &str) -> String {
    let id = key.split('@').next().unwrap_or(key);
    match rb.step(id) {
        Some(ts) => ts.step.title.clone(),
        None => key.to_string(),
    }
}

fn function_label(rb: &Runbook, id: &str) -> String {
    rb.function(id).map(|f| f.name.clone()).unwrap_or_else(|| id.to_string())
}

pub fn describe(ev: &Event, rb: &Runbook, lang: Lang) -> String {
    let w = event_words(lang);
    match &ev.kind {
        EventKind::Declared(d) => {
            let dtype = rb
                .disaster_type(&d.disaster_type)
                .map(|t| t.name.as_str())
                .unwrap_or(&d.disaster_type);
            let drill = if d.drill.is_some() { w.drill_prefix } else { "" };
            fill(
                w.declared,
                &[
                    ("drill", drill),
                    ("id", &d.incident_id),
                    ("level", &d.level.to_string()),
                    ("type", dtype),
                    ("reporter", &d.reporter),
                ],
            )
        }
        EventKind::SessionStarted { resumed } => {
            let who = &ev.who;
            let from = who
                .ssh_client
                .as_deref()
                .map(|c| fill(w.via_ssh, &[("client", c)]))
                .unwrap_or_default();
            let (name, tty) = (who.label(), who.short_tty().unwrap_or("-"));
            let login = format!("{}@{}{from}", who.user, who.host);
            let t = if *resumed { w.session_resumed } else { w.session_started };
            fill(t, &[("name", name), ("tty", tty), ("login", &login)])
        }
        EventKind::SessionEnded { reason } => {
            let (name, tty) = (ev.who.label(), ev.who.short_tty().unwrap_or("-"));
            // The journal keeps the program's word; signal names read the same everywhere.
            let reason = match reason.as_str() {
                "quit" => w.left_quit,
                "terminal lost" => w.left_terminal_lost,
                "switch" => w.left_switch,
                other => other,
            };
            fill(w.session_ended, &[("name", name), ("tty", tty), ("reason", reason)])
        }
        EventKind::HandedOver { from, to } => fill(w.handed_over, &[("from", from), ("to", to)]),
        EventKind::OwnerAssigned { step, owner } => {
            fill(w.owner_assigned, &[("step", &step_label(rb, step)), ("owner", owner)])
        }
        EventKind::WaitOverridden { step, reason } => {
            fill(w.wait_overridden, &[("step", &step_label(rb, step)), ("reason", reason)])
        }
        EventKind::ChecklistTicked { checklist, item, text, ticked } => {
            let list = rb
                .checklists
                .iter()
                .find(|c| &c.id == checklist)
                .map_or(checklist.as_str(), |c| c.name.as_str());
            let t = if *ticked { w.checklist_ticked } else { w.checklist_unticked };
            fill(t, &[("list", list), ("n", &(item + 1).to_string()), ("text", text)])
        }
        EventKind::AlternativeChosen { step, alternative } => {
            let label = rb
                .step(step)
                .and_then(|ts| ts.step.alternative(alternative))
                .map_or(alternative.as_str(), |a| a.label.as_str());
            fill(w.alternative_chosen, &[("step", &step_label(rb, step)), ("label", label)])
        }
        EventKind::PlaceholderFilled { placeholder, value } => {
            let shown = value.as_deref().unwrap_or(w.secret_value);
            fill(w.placeholder_filled, &[("name", &format!("{{{placeholder}}}")), ("value", shown)])
        }
        EventKind::SessionInterrupted { last_event_at } => {
            let t = last_event_at.format("%H:%M:%S UTC").to_string();
            fill(w.session_interrupted, &[("at", &t)])
        }
        EventKind::StepStarted { step } => {
            let id = step.split('@').next().unwrap_or(step);
            match rb.step(id).and_then(|t| t.step.wait) {
                Some(wait) => fill(
                    w.step_started_wait,
                    &[
                        ("step", &step_label(rb, step)),
                        ("wait", &crate::duration_text::compact(wait.0)),
                    ],
                ),
                None => fill(w.step_started, &[("step", &step_label(rb, step))]),
            }
        }
        EventKind::StepDone { step } => fill(w.step_done, &[("step", &step_label(rb, step))]),
        EventKind::StepSkipped { step, reason } => {
            fill(w.step_skipped, &[("step", &step_label(rb, step)), ("reason", reason)])
        }
        EventKind::StepFailed { step, reason } => {
            fill(w.step_failed, &[("step", &step_label(rb, step)), ("reason", reason)])
        }
        EventKind::Note { text } => fill(w.note, &[("text", text)]),
        EventKind::RemoteNote { text, remote: r } => fill(
            w.remote_note,
            &[("name", &r.name), ("login", &r.login), ("host", &r.host), ("text", text)],
        ),
        EventKind::FunctionRestored { function } => {
            fill(w.function_restored, &[("function", &function_label(rb, function))])
        }
        EventKind::TimerBreached { function, budget_secs } => {
            let budget =
                crate::duration_text::compact(std::time::Duration::from_secs(*budget_secs));
            let what = match function {
                Some(f) if f == super::response::TIMER => w.response_time.to_string(),
                Some(f) => function_label(rb, f),
                None => w.overall_rto.to_string(),
            };
            fill(w.breached, &[("what", &what), ("budget", &budget)])
        }
        EventKind::HealthChanged { service, from, to, detail } => {
            let detail = if detail.is_empty() { String::new() } else { format!(": {detail}") };
            fill(
                w.health_changed,
                &[
                    ("service", service),
                    ("from", from.as_str()),
                    ("to", to.as_str()),
                    ("detail", &detail),
                ],
            )
        }
        EventKind::StepReopened { step, reason } => {
            fill(w.step_reopened, &[("step", &step_label(rb, step)), ("reason", reason)])
        }
        EventKind::FunctionUnrestored { function, reason } => fill(
            w.function_unrestored,
            &[("function", &function_label(rb, function)), ("reason", reason)],
        ),
        EventKind::T0Corrected { t0, reason } => {
            let t = t0.format("%Y-%m-%d %H:%M:%S UTC").to_string();
            fill(w.t0_corrected, &[("t0", &t), ("reason", reason)])
        }
        EventKind::LevelChanged { level, reason } => {
            fill(w.level_changed, &[("level", &level.to_string()), ("reason", reason)])
        }
        EventKind::FunctionsChanged { functions, reason } => {
            let names: Vec<String> = functions.iter().map(|f| function_label(rb, f)).collect();
            fill(w.functions_changed, &[("functions", &names.join(w.list_sep)), ("reason", reason)])
        }
        EventKind::Withdrawn { reason } => fill(w.withdrawn, &[("reason", reason)]),
        EventKind::Unreadable { seq, event_type, .. } => {
            fill(w.unreadable, &[("seq", &seq.to_string()), ("type", event_type)])
        }
        EventKind::BackupPoint { backup_at, source } => {
            let at = backup_at.format("%Y-%m-%d %H:%M UTC").to_string();
            let source = if source == "operator" { w.source_operator } else { source };
            fill(w.backup_point, &[("at", &at), ("source", source)])
        }
        EventKind::Closed => w.closed.to_string(),
        EventKind::Panic { message } => fill(w.panic, &[("message", message)]),
        EventKind::NotificationSent { stage, audience, channel, notified, note } => {
            let stage = rb
                .notifications
                .iter()
                .find(|n| &n.id == stage)
                .map(|n| n.stage.as_str())
                .unwrap_or(stage);
            let whom = if notified.is_empty() || notified == audience {
                audience.clone()
            } else {
                format!("{audience} ({notified})")
            };
            let note = if note.is_empty() { String::new() } else { format!(" — {note}") };
            fill(
                w.notification_sent,
                &[("stage", stage), ("whom", &whom), ("channel", channel), ("note", &note)],
            )
        }
        EventKind::CommsSent { template, channel, text } => {
            let name = rb
                .templates
                .iter()
                .find(|t| &t.id == template)
                .map(|t| t.name.as_str())
                .unwrap_or(template);
            // The whole text stays in the journal; one line here keeps the timeline readable.
            let chars = text.chars().count().to_string();
            fill(w.comms_sent, &[("template", name), ("channel", channel), ("chars", &chars)])
        }
        EventKind::UpdateReminder { due_at } => {
            let due = due_at.format("%H:%M UTC").to_string();
            fill(w.update_reminder, &[("due", &due)])
        }
        EventKind::StatusUpdateSent { channel, note } => {
            let note = if note.is_empty() { String::new() } else { format!(" — {note}") };
            fill(w.status_update_sent, &[("channel", channel), ("note", &note)])
        }
        EventKind::DrillMessage { text, adhoc } => {
            let t = if *adhoc { w.drill_adhoc_inject } else { w.drill_inject };
            fill(t, &[("text", text)])
        }
        EventKind::DrillDecision { prompt, options } => {
            fill(w.drill_decision, &[("prompt", prompt), ("options", &options.join(" / "))])
        }
        EventKind::DrillExpectation { kind, target, state, by_secs, met } => {
            let what = expectation_text(rb, kind, target, *state, *by_secs, lang);
            let t = if *met { w.drill_expectation_met } else { w.drill_expectation_missed };
            fill(t, &[("what", &what)])
        }
        EventKind::DrillClock { paused } => {
            if *paused { w.drill_clock_paused } else { w.drill_clock_resumed }.to_string()
        }
    }
}

/// A drill expectation in words: "下单支付 恢复 ≤ T+4h" / "checkout restored by T+4h".
pub fn expectation_text(
    rb: &Runbook,
    kind: &str,
    target: &str,
    state: Option<Health>,
    by_secs: u64,
    lang: Lang,
) -> String {
    let w = event_words(lang);
    let by = crate::duration_text::compact(std::time::Duration::from_secs(by_secs));
    match kind {
        "function" => {
            fill(w.expect_function, &[("function", &function_label(rb, target)), ("by", &by)])
        }
        "step" => fill(w.expect_step, &[("step", &step_label(rb, target)), ("by", &by)]),
        _ => fill(
            w.expect_service,
            &[("service", target), ("state", state.map_or("?", Health::as_str)), ("by", &by)],
        ),
    }
}

//! One line of plain words per event, in the runbook's language: the timeline on screen and
//! in the records use the same sentences.

use super::event::{Event, EventKind};
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
    let zh = lang == Lang::Zh;
    match &ev.kind {
        EventKind::Declared(d) => {
            let dtype = rb
                .disaster_type(&d.disaster_type)
                .map(|t| t.name.as_str())
                .unwrap_or(&d.disaster_type);
            let drill = if d.drill.is_some() {
                if zh {
                    "演练 "
                } else {
                    "DRILL "
                }
            } else {
                ""
            };
            if zh {
                format!(
                    "{drill}声明事件 {}: 级别{} {dtype},报告人 {}",
                    d.incident_id, d.level, d.reporter
                )
            } else {
                format!(
                    "{drill}declared {}: level {} {dtype}, reported by {}",
                    d.incident_id, d.level, d.reporter
                )
            }
        }
        EventKind::SessionStarted { resumed } => {
            let who = &ev.who;
            let from =
                who.ssh_client.as_deref().map(|c| format!(" via SSH {c}")).unwrap_or_default();
            let (name, tty) = (who.label(), who.short_tty().unwrap_or("-"));
            let login = format!("{}@{}{from}", who.user, who.host);
            match (zh, resumed) {
                (true, true) => format!("{name} 的控制台 ({tty}) 加入,恢复会话 ({login})"),
                (true, false) => format!("{name} 的控制台 ({tty}) 加入 ({login})"),
                (false, true) => format!("console of {name} on {tty} joined, resuming ({login})"),
                (false, false) => format!("console of {name} on {tty} joined ({login})"),
            }
        }
        EventKind::SessionEnded { reason } => {
            let (name, tty) = (ev.who.label(), ev.who.short_tty().unwrap_or("-"));
            if zh {
                format!("{name} 的控制台 ({tty}) 离开 ({reason})")
            } else {
                format!("console of {name} on {tty} left ({reason})")
            }
        }
        EventKind::HandedOver { from, to } => {
            if zh {
                format!("指挥权移交: {from} → {to}")
            } else {
                format!("command handed over: {from} → {to}")
            }
        }
        EventKind::OwnerAssigned { step, owner } => {
            if zh {
                format!("步骤负责人: {} 改由 {owner} 负责", step_label(rb, step))
            } else {
                format!("owner of {}: now {owner}", step_label(rb, step))
            }
        }
        EventKind::WaitOverridden { step, reason } => {
            if zh {
                format!("提前结束等待: {} (原因: {reason})", step_label(rb, step))
            } else {
                format!("wait overridden: {} ({reason})", step_label(rb, step))
            }
        }
        EventKind::ChecklistTicked { checklist, item, text, ticked } => {
            let list = rb
                .checklists
                .iter()
                .find(|c| &c.id == checklist)
                .map_or(checklist.as_str(), |c| c.name.as_str());
            let n = item + 1;
            match (zh, ticked) {
                (true, true) => format!("已勾选: {list} #{n} {text}"),
                (true, false) => format!("取消勾选: {list} #{n} {text}"),
                (false, true) => format!("ticked: {list} #{n} {text}"),
                (false, false) => format!("unticked: {list} #{n} {text}"),
            }
        }
        EventKind::AlternativeChosen { step, alternative } => {
            let label = rb
                .step(step)
                .and_then(|ts| ts.step.alternative(alternative))
                .map_or(alternative.as_str(), |a| a.label.as_str());
            if zh {
                format!("选择方案: {} — {label}", step_label(rb, step))
            } else {
                format!("alternative chosen for {}: {label}", step_label(rb, step))
            }
        }
        EventKind::PlaceholderFilled { placeholder, value } => {
            let shown = value.as_deref().unwrap_or(if zh { "(保密)" } else { "(secret)" });
            if zh {
                format!("占位符 {{{placeholder}}} = {shown}")
            } else {
                format!("placeholder {{{placeholder}}} = {shown}")
            }
        }
        EventKind::SessionInterrupted { last_event_at } => {
            let t = last_event_at.format("%H:%M:%S UTC");
            if zh {
                format!("上次会话未正常退出(最后事件 {t}),已从日志恢复")
            } else {
                format!("previous session ended without a clean exit (last event {t}); restored from the journal")
            }
        }
        EventKind::StepStarted { step } => {
            let id = step.split('@').next().unwrap_or(step);
            let wait = rb.step(id).and_then(|t| t.step.wait).map(|w| w.0);
            let wait = wait.map(crate::duration_text::compact);
            match (zh, wait) {
                (true, Some(w)) => format!("开始: {} (等待 {w})", step_label(rb, step)),
                (true, None) => format!("开始: {}", step_label(rb, step)),
                (false, Some(w)) => format!("started: {} (wait {w})", step_label(rb, step)),
                (false, None) => format!("started: {}", step_label(rb, step)),
            }
        }
        EventKind::StepDone { step } => {
            if zh {
                format!("完成: {}", step_label(rb, step))
            } else {
                format!("done: {}", step_label(rb, step))
            }
        }
        EventKind::StepSkipped { step, reason } => {
            if zh {
                format!("跳过: {} — 原因: {reason}", step_label(rb, step))
            } else {
                format!("skipped: {} — reason: {reason}", step_label(rb, step))
            }
        }
        EventKind::StepFailed { step, reason } => {
            if zh {
                format!("失败: {} — {reason}", step_label(rb, step))
            } else {
                format!("failed: {} — {reason}", step_label(rb, step))
            }
        }
        EventKind::Note { text } => {
            if zh {
                format!("备注: {text}")
            } else {
                format!("note: {text}")
            }
        }
        EventKind::RemoteNote { text, remote: r } => {
            if zh {
                format!("远程备注 ({} {}@{}): {text}", r.name, r.login, r.host)
            } else {
                format!("note from {} ({}@{}, remote): {text}", r.name, r.login, r.host)
            }
        }
        EventKind::FunctionRestored { function } => {
            if zh {
                format!("已恢复: {}", function_label(rb, function))
            } else {
                format!("restored: {}", function_label(rb, function))
            }
        }
        EventKind::TimerBreached { function, budget_secs } => {
            let budget =
                crate::duration_text::compact(std::time::Duration::from_secs(*budget_secs));
            let what = match function {
                Some(f) if f == super::response::TIMER => {
                    if zh {
                        "响应时限".to_string()
                    } else {
                        "response time".to_string()
                    }
                }
                Some(f) => function_label(rb, f),
                None => {
                    if zh {
                        "总体RTO".to_string()
                    } else {
                        "overall RTO".to_string()
                    }
                }
            };
            if zh {
                format!("超时: {what} 超过 {budget}")
            } else {
                format!("BREACH: {what} over {budget}")
            }
        }
        EventKind::HealthChanged { service, from, to, detail } => {
            let detail = if detail.is_empty() { String::new() } else { format!(": {detail}") };
            format!("{service} {from} → {to}{detail}")
        }
        EventKind::StepReopened { step, reason } => {
            let s = step_label(rb, step);
            if zh {
                format!("更正: 重新打开步骤 {s} (原因: {reason})")
            } else {
                format!("correction: step {s} reopened ({reason})")
            }
        }
        EventKind::FunctionUnrestored { function, reason } => {
            let f = function_label(rb, function);
            if zh {
                format!("更正: {f} 撤销恢复标记,计时继续 (原因: {reason})")
            } else {
                format!("correction: {f} not restored after all; its clock runs again ({reason})")
            }
        }
        EventKind::T0Corrected { t0, reason } => {
            let t = t0.format("%Y-%m-%d %H:%M:%S UTC");
            if zh {
                format!("更正: 故障开始时间 (T0) 改为 {t} (原因: {reason})")
            } else {
                format!("correction: T0 is {t} ({reason})")
            }
        }
        EventKind::LevelChanged { level, reason } => {
            if zh {
                format!("更正: 级别改为 {level} (原因: {reason})")
            } else {
                format!("correction: level is now {level} ({reason})")
            }
        }
        EventKind::FunctionsChanged { functions, reason } => {
            let names: Vec<String> = functions.iter().map(|f| function_label(rb, f)).collect();
            if zh {
                format!("更正: 受影响功能为 {} (原因: {reason})", names.join("、"))
            } else {
                format!("correction: affected functions are {} ({reason})", names.join(", "))
            }
        }
        EventKind::Withdrawn { reason } => {
            if zh {
                format!("事件撤回 (误报; 原因: {reason})")
            } else {
                format!("incident withdrawn, declared in error ({reason})")
            }
        }
        EventKind::Unreadable { seq, event_type, .. } => {
            if zh {
                format!("无法读取的事件 {seq}: {event_type}")
            } else {
                format!("unreadable event {seq}: {event_type}")
            }
        }
        EventKind::BackupPoint { backup_at, source } => {
            let local = backup_at.format("%Y-%m-%d %H:%M UTC");
            if zh {
                format!("最近可用备份: {local} ({source})")
            } else {
                format!("last good backup: {local} ({source})")
            }
        }
        EventKind::Closed => {
            if zh {
                "宣布恢复完成,事件关闭".to_string()
            } else {
                "recovery declared complete; incident closed".to_string()
            }
        }
        EventKind::Panic { message } => {
            if zh {
                format!("程序崩溃: {message}")
            } else {
                format!("PANIC: {message}")
            }
        }
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
            if zh {
                format!("内部通知 [{stage}]: {whom},方式 {channel}{note}")
            } else {
                format!("notified [{stage}]: {whom} by {channel}{note}")
            }
        }
        EventKind::CommsSent { template, channel, text } => {
            let name = rb
                .templates
                .iter()
                .find(|t| &t.id == template)
                .map(|t| t.name.as_str())
                .unwrap_or(template);
            // The whole text stays in the journal; one line here keeps the timeline readable.
            let chars = text.chars().count();
            if zh {
                format!("对外通知 [{name}] 经 {channel} 发出 ({chars} 字)")
            } else {
                format!("external message [{name}] sent via {channel} ({chars} chars)")
            }
        }
        EventKind::UpdateReminder { due_at } => {
            let due = due_at.format("%H:%M UTC");
            if zh {
                format!("提醒: 状态更新已到期 ({due})")
            } else {
                format!("reminder: status update due ({due})")
            }
        }
        EventKind::StatusUpdateSent { channel, note } => {
            let note = if note.is_empty() { String::new() } else { format!(" — {note}") };
            if zh {
                format!("已发送状态更新,方式 {channel}{note}")
            } else {
                format!("status update sent via {channel}{note}")
            }
        }
        EventKind::DrillMessage { text, adhoc } => match (zh, adhoc) {
            (true, false) => format!("演练注入: {text}"),
            (true, true) => format!("演练临时注入: {text}"),
            (false, false) => format!("drill inject: {text}"),
            (false, true) => format!("drill ad-hoc inject: {text}"),
        },
        EventKind::DrillDecision { prompt, options } => {
            let opts = options.join(" / ");
            if zh {
                format!("演练决策: {prompt} [{opts}]")
            } else {
                format!("drill decision: {prompt} [{opts}]")
            }
        }
        EventKind::DrillExpectation { kind, target, state, by_secs, met } => {
            let what = expectation_text(rb, kind, target, *state, *by_secs, lang);
            match (zh, met) {
                (true, true) => format!("演练预期达成: {what}"),
                (true, false) => format!("演练预期未达成: {what}"),
                (false, true) => format!("drill expectation met: {what}"),
                (false, false) => format!("drill expectation MISSED: {what}"),
            }
        }
        EventKind::DrillClock { paused } => match (zh, paused) {
            (true, true) => "演练时钟暂停".to_string(),
            (true, false) => "演练时钟继续".to_string(),
            (false, true) => "drill clock paused".to_string(),
            (false, false) => "drill clock resumed".to_string(),
        },
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
    let zh = lang == Lang::Zh;
    let by = crate::duration_text::compact(std::time::Duration::from_secs(by_secs));
    match (kind, zh) {
        ("function", true) => format!("{} 恢复 ≤ T+{by}", function_label(rb, target)),
        ("function", false) => format!("{} restored by T+{by}", function_label(rb, target)),
        ("step", true) => format!("{} 完成 ≤ T+{by}", step_label(rb, target)),
        ("step", false) => format!("{} done by T+{by}", step_label(rb, target)),
        (_, true) => format!("{target} 为 {} 于 T+{by}", state.map_or("?", Health::as_str)),
        (_, false) => format!("{target} {} at T+{by}", state.map_or("?", Health::as_str)),
    }
}

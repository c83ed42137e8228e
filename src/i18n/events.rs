//! The timeline's sentences, one per event kind (`incident::describe`): the timeline on screen
//! and in the records say the same.

use crate::runbook::model::Lang;

words! {
    pub struct EventWords {
        /// Before a drill's declaration.
        drill_prefix,
        declared,
        /// ` via SSH …` after a console's login.
        via_ssh,
        session_started,
        session_resumed,
        session_ended,
        handed_over,
        owner_assigned,
        session_interrupted,
        step_started,
        step_done,
        step_skipped,
        step_failed,
        note,
        remote_note,
        function_restored,
        /// What breached when the response-time clock did.
        response_time,
        /// What breached when the overall RTO did.
        overall_rto,
        breached,
        health_changed,
        step_reopened,
        function_unrestored,
        t0_corrected,
        level_changed,
        functions_changed,
        /// Between names in a list.
        list_sep,
        withdrawn,
        unreadable,
        backup_point,
        closed,
        panic,
        notification_sent,
        comms_sent,
        update_reminder,
        status_update_sent,
        drill_inject,
        drill_adhoc_inject,
        drill_decision,
        drill_expectation_met,
        drill_expectation_missed,
        drill_clock_paused,
        drill_clock_resumed,
        /// Who gave a backup point typed in the console (`source = "operator"`).
        source_operator,
        /// Why a console left: `q`, a lost terminal, a switch to another incident.
        left_quit,
        left_terminal_lost,
        left_switch,
        /// A drill expectation: a function restored by a game time.
        expect_function,
        expect_step,
        /// A service in a state at a game time.
        expect_service,
        /// A step with a wait, started: `{step}` and `{wait}`.
        step_started_wait,
        wait_overridden,
        checklist_ticked,
        checklist_unticked,
        alternative_chosen,
        /// `{name}` is the placeholder with its braces.
        placeholder_filled,
        /// A secret placeholder's value, which is never journaled.
        secret_value,
    }
}

pub const EVENTS_ZH: EventWords = EventWords {
    drill_prefix: "演练 ",
    declared: "{drill}声明事件 {id}: 级别{level} {type},报告人 {reporter}",
    via_ssh: " 经 SSH {client}",
    session_started: "{name} 的控制台 ({tty}) 加入 ({login})",
    session_resumed: "{name} 的控制台 ({tty}) 加入,恢复会话 ({login})",
    session_ended: "{name} 的控制台 ({tty}) 离开 ({reason})",
    handed_over: "指挥权移交: {from} → {to}",
    owner_assigned: "步骤负责人: {step} 改由 {owner} 负责",
    session_interrupted: "上次会话未正常退出(最后事件 {at}),已从日志恢复",
    step_started: "开始: {step}",
    step_done: "完成: {step}",
    step_skipped: "跳过: {step} — 原因: {reason}",
    step_failed: "失败: {step} — {reason}",
    note: "备注: {text}",
    remote_note: "远程备注 ({name} {login}@{host}): {text}",
    function_restored: "已恢复: {function}",
    response_time: "响应时限",
    overall_rto: "总体RTO",
    breached: "超时: {what} 超过 {budget}",
    health_changed: "{service} {from} → {to}{detail}",
    step_reopened: "更正: 重新打开步骤 {step} (原因: {reason})",
    function_unrestored: "更正: {function} 撤销恢复标记,计时继续 (原因: {reason})",
    t0_corrected: "更正: 故障开始时间 (T0) 改为 {t0} (原因: {reason})",
    level_changed: "更正: 级别改为 {level} (原因: {reason})",
    functions_changed: "更正: 受影响功能为 {functions} (原因: {reason})",
    list_sep: "、",
    withdrawn: "事件撤回 (误报; 原因: {reason})",
    unreadable: "无法读取的事件 {seq}: {type}",
    backup_point: "最近可用备份: {at} ({source})",
    closed: "宣布恢复完成,事件关闭",
    panic: "程序崩溃: {message}",
    notification_sent: "内部通知 [{stage}]: {whom},方式 {channel}{note}",
    comms_sent: "对外通知 [{template}] 经 {channel} 发出 ({chars} 字)",
    update_reminder: "提醒: 状态更新已到期 ({due})",
    status_update_sent: "已发送状态更新,方式 {channel}{note}",
    drill_inject: "演练注入: {text}",
    drill_adhoc_inject: "演练临时注入: {text}",
    drill_decision: "演练决策: {prompt} [{options}]",
    drill_expectation_met: "演练预期达成: {what}",
    drill_expectation_missed: "演练预期未达成: {what}",
    drill_clock_paused: "演练时钟暂停",
    drill_clock_resumed: "演练时钟继续",
    source_operator: "操作员",
    left_quit: "退出",
    left_terminal_lost: "终端断开",
    left_switch: "切换到另一事件",
    expect_function: "{function} 恢复 ≤ T+{by}",
    expect_step: "{step} 完成 ≤ T+{by}",
    expect_service: "{service} 为 {state} 于 T+{by}",
    step_started_wait: "开始: {step} (等待 {wait})",
    wait_overridden: "提前结束等待: {step} (原因: {reason})",
    checklist_ticked: "已勾选: {list} #{n} {text}",
    checklist_unticked: "取消勾选: {list} #{n} {text}",
    alternative_chosen: "选择方案: {step} — {label}",
    placeholder_filled: "占位符 {name} = {value}",
    secret_value: "(保密)",
};

pub const EVENTS_EN: EventWords = EventWords {
    drill_prefix: "DRILL ",
    declared: "{drill}declared {id}: level {level} {type}, reported by {reporter}",
    via_ssh: " via SSH {client}",
    session_started: "console of {name} on {tty} joined ({login})",
    session_resumed: "console of {name} on {tty} joined, resuming ({login})",
    session_ended: "console of {name} on {tty} left ({reason})",
    handed_over: "command handed over: {from} → {to}",
    owner_assigned: "owner of {step}: now {owner}",
    session_interrupted: "previous session ended without a clean exit (last event {at}); \
                          restored from the journal",
    step_started: "started: {step}",
    step_done: "done: {step}",
    step_skipped: "skipped: {step} — reason: {reason}",
    step_failed: "failed: {step} — {reason}",
    note: "note: {text}",
    remote_note: "note from {name} ({login}@{host}, remote): {text}",
    function_restored: "restored: {function}",
    response_time: "response time",
    overall_rto: "overall RTO",
    breached: "BREACH: {what} over {budget}",
    health_changed: "{service} {from} → {to}{detail}",
    step_reopened: "correction: step {step} reopened ({reason})",
    function_unrestored: "correction: {function} not restored after all; its clock runs again \
                          ({reason})",
    t0_corrected: "correction: T0 is {t0} ({reason})",
    level_changed: "correction: level is now {level} ({reason})",
    functions_changed: "correction: affected functions are {functions} ({reason})",
    list_sep: ", ",
    withdrawn: "incident withdrawn, declared in error ({reason})",
    unreadable: "unreadable event {seq}: {type}",
    backup_point: "last good backup: {at} ({source})",
    closed: "recovery declared complete; incident closed",
    panic: "PANIC: {message}",
    notification_sent: "notified [{stage}]: {whom} by {channel}{note}",
    comms_sent: "external message [{template}] sent via {channel} ({chars} chars)",
    update_reminder: "reminder: status update due ({due})",
    status_update_sent: "status update sent via {channel}{note}",
    drill_inject: "drill inject: {text}",
    drill_adhoc_inject: "drill ad-hoc inject: {text}",
    drill_decision: "drill decision: {prompt} [{options}]",
    drill_expectation_met: "drill expectation met: {what}",
    drill_expectation_missed: "drill expectation MISSED: {what}",
    drill_clock_paused: "drill clock paused",
    drill_clock_resumed: "drill clock resumed",
    source_operator: "operator",
    left_quit: "quit",
    left_terminal_lost: "terminal lost",
    left_switch: "switch",
    expect_function: "{function} restored by T+{by}",
    expect_step: "{step} done by T+{by}",
    expect_service: "{service} {state} at T+{by}",
    step_started_wait: "started: {step} (wait {wait})",
    wait_overridden: "wait overridden: {step} ({reason})",
    checklist_ticked: "ticked: {list} #{n} {text}",
    checklist_unticked: "unticked: {list} #{n} {text}",
    alternative_chosen: "alternative chosen for {step}: {label}",
    placeholder_filled: "placeholder {name} = {value}",
    secret_value: "(secret)",
};

pub fn event_words(lang: Lang) -> &'static EventWords {
    match lang {
        Lang::Zh => &EVENTS_ZH,
        Lang::En => &EVENTS_EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::placeholders;

    #[test]
    fn both_languages_take_the_same_values() {
        for ((name, zh), (_, en)) in EVENTS_ZH.entries().into_iter().zip(EVENTS_EN.entries()) {
            assert_eq!(placeholders(zh), placeholders(en), "{name}");
        }
    }
}

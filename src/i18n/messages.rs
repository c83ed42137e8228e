//! Messages: what the rules refuse or ask (`incident::decide`), a time that cannot be read,
//! and the console's notices (observers, other consoles, the mirror, a slow journal, drills).

use crate::runbook::model::Lang;

words! {
    pub struct Messages {
        unknown_step,
        unknown_function,
        backup_in_future,
        backup_after_t0,
        not_recordable,
        unknown_type,
        unknown_level,
        unknown_function_arg,
        partial_needs_function,
        reporter_required,
        t0_too_old,
        not_reopenable,
        not_restored,
        same_level,
        nothing_to_undo,
        already_commander,
        already_owner,
        adjust_pending,
        /// Between items of a list in a message.
        list_sep,
        /// Between the parts of a question.
        parts_sep,
        never_started,
        services_not_up,
        close_unrestored,
        close_services,
        close_steps,
        close_head,
        close_question,
        close_question_parts,
        t0_yesterday,
        t0_hours_ago,
        /// The reason journaled with an undo (`u`).
        undo_reason,
        // A time the operator typed.
        not_a_time,
        time_in_future,
        no_such_local_time,
        // Observers and other consoles.
        read_only_refused,
        open_by,
        view_journal,
        mirror_lag_n,
        mirror_lag,
        owner_last_reported,
        via_mirror,
        nothing_journaled,
        also_open,
        /// How another console is named: who, and on which terminal.
        console_on,
        mirror_synced,
        mirror_queued,
        view_withdrawn,
        view_closed,
        journal_locked,
        journal_slow,
        help_status,
        /// The second line of the too-small screen (the first stays in English for scripts
        /// that look for it).
        too_small_need,
        // Drills.
        no_more_injects,
        drill_healthy_at_t0,
        /// Between clauses filled into a message template (one function's impact each).
        clause_sep,
        // Waits, checklists, alternatives and placeholders (#13). The figures and the key
        // first: a narrow line cuts the title, not them.
        wait_running,
        wait_not_started,
        no_wait,
        unknown_checklist_item,
        already_ticked,
        not_ticked,
        no_alternatives,
        unknown_alternative,
        already_chosen,
        unknown_placeholder,
        /// `{name}` is the placeholder with its braces.
        bad_value,
        close_unticked,
        close_post_recovery,
        /// Quitting a closed incident whose post-recovery steps are still open.
        closed_quit_one,
        closed_quit_many,
    }
}

pub const MESSAGES_ZH: Messages = Messages {
    unknown_step: "运行手册中没有步骤 '{step}'",
    unknown_function: "本事件没有计时的业务功能 '{function}'",
    backup_in_future: "备份时间不能在将来",
    backup_after_t0: "备份时间晚于故障开始时间 (T0):RPO 计算的是 T0 之前最后一次备份",
    not_recordable: "'{what}' 是操作员的操作,不能直接记录",
    unknown_type: "--type '{given}' 不是本运行手册的灾难类型;可选: {known}",
    unknown_level: "--level {given} 不是本运行手册的级别;可选: {known}",
    unknown_function_arg: "--functions: '{given}' 不是业务功能;可选: {known}",
    partial_needs_function: "部分DR至少需要选择一个受影响功能",
    reporter_required: "请填写报告人",
    t0_too_old: "T0 是 {days} 天前:超过 30 天,请检查日期(确有此事请加 --force)",
    not_reopenable: "该步骤尚未开始,无需重新打开",
    not_restored: "该功能尚未标记为恢复",
    same_level: "级别未改变",
    nothing_to_undo: "{secs} 秒内没有本控制台可撤销的操作",
    already_commander: "{name} 已是事件指挥",
    already_owner: "该步骤已由 {name} 负责",
    adjust_pending: "测试失败后需先完成调整步骤: {steps}(或用 O 说明原因后跳过)",
    list_sep: "、",
    parts_sep: ";",
    never_started: "步骤 {step} 尚未开始,仍标记为完成? y/n",
    services_not_up: "所依赖的服务未正常: {services},仍标记为已恢复? y/n",
    close_unrestored: "未恢复的功能(将记为未恢复)",
    close_services: "未正常的服务",
    close_steps: "未完成的步骤",
    close_head: "宣布恢复完成并关闭事件?",
    close_question: "{head} y/n",
    close_question_parts: "{head} {parts}。 y/n",
    t0_yesterday: "T0 是昨天 {t0},{hours} 小时前? 再按 Enter 确认",
    t0_hours_ago: "T0 是 {t0},{hours} 小时前? 再按 Enter 确认",
    undo_reason: "撤销 (u)",
    not_a_time: "\"{text}\" 不是时间;请写 now、HH:MM 或 YYYY-MM-DD HH:MM",
    time_in_future: "\"{text}\" 在将来",
    no_such_local_time: "{text} 在本地时区不存在",
    read_only_refused: "只读 (view): 观察模式不能更改事件",
    open_by: "打开者 {names}",
    view_journal: "只读 (view),跟随日志",
    mirror_lag_n: "镜像延迟 {n} 条 (最新事件 {newest} 前)",
    mirror_lag: "镜像延迟: 最新事件 {newest} 前",
    owner_last_reported: ", 所属控制台 {seen} 前最后报告",
    via_mirror: "经运维MongoDB · {lag} · 哈希链已验证至 #{verified}",
    nothing_journaled: "尚无记录的状态 (观察模式不探测)",
    also_open: "另有控制台打开了此事件: {names}",
    console_on: "{name} ({place})",
    mirror_synced: "镜像到运维MongoDB: 已同步 {n} 条",
    mirror_queued: "镜像: {n} 条排队等待 — {error}",
    view_withdrawn: "事件已撤销: 以只读方式打开",
    view_closed: "事件已关闭: 以只读方式打开",
    journal_locked: "日志被进程 {pid} 锁定,已等待 {secs}s;操作排队中,未丢失",
    journal_slow: "日志写入已等待 {secs}s(磁盘慢?);操作排队中,未丢失",
    help_status: "{from}-{to}/{total} · ↑↓ PgUp PgDn 滚动 · Esc 关闭",
    too_small_need: "终端太小: 需要 {need}",
    no_more_injects: "没有更多注入",
    drill_healthy_at_t0: "演练: T0 时正常",
    clause_sep: "；",
    wait_running: "仍需等待 {left}(按 w 说明原因后可提前结束): {title}",
    wait_not_started: "等待从开始该步骤 (s) 时计时,尚未开始(按 w 说明原因后可跳过): {title}",
    no_wait: "该步骤没有正在进行的等待",
    unknown_checklist_item: "本事件没有检查项 {what}",
    already_ticked: "该检查项已勾选",
    not_ticked: "该检查项尚未勾选",
    no_alternatives: "步骤 '{step}' 没有可选方案",
    unknown_alternative: "没有方案 '{given}';可选: {known}",
    already_chosen: "已选择方案: {label}",
    unknown_placeholder: "运行手册没有声明占位符 {name}",
    bad_value: "{name}: {problem}",
    close_unticked: "未勾选 ({list})",
    close_post_recovery: "恢复后步骤(关闭后仍可处理)",
    closed_quit_one: "事件已关闭;仍有 {n} 个恢复后步骤未完成,可用 resume 继续。 y 退出 / n 取消",
    closed_quit_many: "事件已关闭;仍有 {n} 个恢复后步骤未完成,可用 resume 继续。 y 退出 / n 取消",
};

pub const MESSAGES_EN: Messages = Messages {
    unknown_step: "the runbook has no step '{step}'",
    unknown_function: "this incident has no timed function '{function}'",
    backup_in_future: "the backup time is in the future",
    backup_after_t0: "the backup time is after T0: the RPO counts from the last backup before \
                      the outage began",
    not_recordable: "'{what}' is an operator action, not something to record directly",
    unknown_type: "--type '{given}' is not a disaster type of this runbook; one of: {known}",
    unknown_level: "--level {given} is not a level of this runbook; one of: {known}",
    unknown_function_arg: "--functions: '{given}' is not a business function; one of: {known}",
    partial_needs_function: "level {level} is a partial DR: name the affected functions with \
                             --functions",
    reporter_required: "the reporter is required",
    t0_too_old: "T0 is {days} days ago, more than 30: check the date (--force if it really is)",
    not_reopenable: "that step is pending already; nothing to reopen",
    not_restored: "that function is not marked restored",
    same_level: "the incident is at that level already",
    nothing_to_undo: "nothing of this console's to undo in the last {secs}s",
    already_commander: "{name} is the incident commander already",
    already_owner: "{name} owns that step already",
    adjust_pending: "the failed test is re-tested after its adjust steps: {steps} (O overrides, \
                     with a reason)",
    list_sep: ", ",
    parts_sep: "; ",
    never_started: "step {step} was never started; done anyway? y/n",
    services_not_up: "it depends on services not UP: {services}; restored anyway? y/n",
    close_unrestored: "not restored (recorded as not restored)",
    close_services: "services not UP",
    close_steps: "steps not done",
    close_head: "declare recovery complete and close?",
    close_question: "{head} y/n",
    close_question_parts: "{head} {parts}. y/n",
    t0_yesterday: "T0 is yesterday {t0}, {hours}h ago? Enter again to confirm",
    t0_hours_ago: "T0 is {t0}, {hours}h ago? Enter again to confirm",
    undo_reason: "undo (u)",
    not_a_time: "\"{text}\" is not a time; write now, HH:MM or YYYY-MM-DD HH:MM",
    time_in_future: "\"{text}\" is in the future",
    no_such_local_time: "{text} does not exist in the local time zone",
    read_only_refused: "read-only (view): an observer cannot change the incident",
    open_by: "open by {names}",
    view_journal: "read-only (view), following the journal",
    mirror_lag_n: "mirror lag {n} events (newest {newest} ago)",
    mirror_lag: "mirror lag: newest event {newest} ago",
    owner_last_reported: ", owner last reported {seen} ago",
    via_mirror: "ops MongoDB · {lag} · chain verified to #{verified}",
    nothing_journaled: "no state journaled yet (an observer probes nothing)",
    also_open: "also open by {names}",
    console_on: "{name} on {place}",
    mirror_synced: "mirror to ops MongoDB: {n} events in sync",
    mirror_queued: "mirror: {n} queued — {error}",
    view_withdrawn: "this incident was withdrawn: opened read-only",
    view_closed: "this incident is closed: opened read-only",
    journal_locked: "journal locked by pid {pid} for {secs}s; your actions are queued, not lost",
    journal_slow: "journal write waiting {secs}s (slow disk?); your actions are queued",
    help_status: "{from}-{to}/{total} · ↑↓ PgUp PgDn scroll · Esc close",
    too_small_need: "terminal too small: need {need}",
    no_more_injects: "no more injects",
    drill_healthy_at_t0: "drill: healthy at T0",
    clause_sep: "; ",
    wait_running: "still waiting {left} (w overrides, with a reason): {title}",
    wait_not_started: "its wait begins when it is started (s), and it never was (w overrides, \
                       with a reason): {title}",
    no_wait: "that step has no wait to override",
    unknown_checklist_item: "this incident has no checklist item {what}",
    already_ticked: "that item is ticked already",
    not_ticked: "that item is not ticked",
    no_alternatives: "step '{step}' offers no alternatives",
    unknown_alternative: "no alternative '{given}'; one of: {known}",
    already_chosen: "{label} is the chosen alternative already",
    unknown_placeholder: "the runbook declares no placeholder {name}",
    bad_value: "{name}: {problem}",
    close_unticked: "unticked ({list})",
    close_post_recovery: "post-recovery steps (workable after the close)",
    closed_quit_one: "incident closed; {n} post-recovery step still open (resume to work on it). \
                      y quits / n cancels",
    closed_quit_many: "incident closed; {n} post-recovery steps still open (resume to work on \
                       them). y quits / n cancels",
};

pub fn messages(lang: Lang) -> &'static Messages {
    match lang {
        Lang::Zh => &MESSAGES_ZH,
        Lang::En => &MESSAGES_EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::placeholders;

    #[test]
    fn both_languages_take_the_same_values() {
        for ((name, zh), (_, en)) in MESSAGES_ZH.entries().into_iter().zip(MESSAGES_EN.entries()) {
            // The Chinese partial-DR message does not repeat the level.
            if name != "partial_needs_function" {
                assert_eq!(placeholders(zh), placeholders(en), "{name}");
            }
        }
    }
}

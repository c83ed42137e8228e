//! The drill scorecard's own words (§6.3 test report); its headings come from the runbook's
//! `forms.test-report`, the shared record words from `RecordWords`.

use crate::incident::StepStatus;
use crate::runbook::model::Lang;

words! {
    pub struct ScorecardWords {
        game_time,
        real_time,
        success,
        partial,
        failure,
        not_restored,
        rpo_breached,
        not_closed,
        breached,
        missed,
        expectations,
        expectation,
        not_reached,
        failed_steps,
        disaster_type,
        level,
        functions,
        window,
        /// Before the result in the exit message when the form names no `result` field.
        result,
    }
}

pub const SCORECARD_ZH: ScorecardWords = ScorecardWords {
    game_time: "演练时间(游戏时钟)",
    real_time: "实际用时",
    success: "成功",
    partial: "部分成功",
    failure: "失败",
    not_restored: "结束时未恢复",
    rpo_breached: "数据丢失窗口超过RPO",
    not_closed: "未宣布恢复完成",
    breached: "超过RTO",
    missed: "未达成预期",
    expectations: "预期",
    expectation: "预期",
    not_reached: "未到时间",
    failed_steps: "失败的步骤",
    disaster_type: "灾难类型",
    level: "级别",
    functions: "受影响功能",
    window: "数据丢失窗口",
    result: "结果",
};

pub const SCORECARD_EN: ScorecardWords = ScorecardWords {
    game_time: "Exercise time (game clock)",
    real_time: "Real time taken",
    success: "success",
    partial: "partial",
    failure: "failure",
    not_restored: "not restored when the drill ended",
    rpo_breached: "data-loss window over the RPO",
    not_closed: "recovery was not declared complete",
    breached: "over its RTO",
    missed: "expectation missed",
    expectations: "Expectations",
    expectation: "Expectation",
    not_reached: "not reached",
    failed_steps: "Failed steps",
    disaster_type: "Disaster type",
    level: "Level",
    functions: "Affected functions",
    window: "data-loss window",
    result: "result",
};

pub fn scorecard_words(lang: Lang) -> &'static ScorecardWords {
    match lang {
        Lang::Zh => &SCORECARD_ZH,
        Lang::En => &SCORECARD_EN,
    }
}

/// A step's state in the records' tables.
pub fn step_status(lang: Lang, status: StepStatus) -> &'static str {
    match (lang, status) {
        (Lang::Zh, StepStatus::Pending) => "待办",
        (Lang::Zh, StepStatus::InProgress) => "进行中",
        (Lang::Zh, StepStatus::Done) => "完成",
        (Lang::Zh, StepStatus::Skipped) => "跳过",
        (Lang::Zh, StepStatus::Failed) => "失败",
        (Lang::En, StepStatus::Pending) => "pending",
        (Lang::En, StepStatus::InProgress) => "in progress",
        (Lang::En, StepStatus::Done) => "done",
        (Lang::En, StepStatus::Skipped) => "skipped",
        (Lang::En, StepStatus::Failed) => "failed",
    }
}

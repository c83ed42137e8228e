//! The timeline chart's words (`record::chart`, `record::svg`): lanes, marks, legend.

use crate::runbook::model::Lang;

pub struct ChartWords {
    pub steps: &'static str,
    pub functions: &'static str,
    pub services: &'static str,
    pub notes: &'static str,
    pub comms: &'static str,
    pub done: &'static str,
    pub failed: &'static str,
    pub skipped: &'static str,
    pub running: &'static str,
    pub outage: &'static str,
    pub deadline: &'static str,
    pub breach: &'static str,
    pub restored: &'static str,
    pub iteration: &'static str,
    pub changes: &'static str,
    pub more: &'static str,
    pub chart: &'static str,
}

pub const ZH: ChartWords = ChartWords {
    steps: "恢复步骤",
    functions: "业务功能 RTO",
    services: "服务健康",
    notes: "备注",
    comms: "通知",
    done: "完成",
    failed: "失败",
    skipped: "跳过",
    running: "进行中",
    outage: "中断",
    deadline: "RTO截止",
    breach: "超时",
    restored: "已恢复",
    iteration: "第{n}次",
    changes: "次状态变化",
    more: "另有",
    chart: "事件时间线图",
};

pub const EN: ChartWords = ChartWords {
    steps: "Recovery steps",
    functions: "Business functions (RTO)",
    services: "Service health",
    notes: "Notes",
    comms: "Communications",
    done: "done",
    failed: "failed",
    skipped: "skipped",
    running: "in progress",
    outage: "outage",
    deadline: "RTO deadline",
    breach: "breached",
    restored: "restored",
    iteration: "iteration {n}",
    changes: "state changes",
    more: "more",
    chart: "Incident timeline chart",
};

pub fn chart_words(lang: Lang) -> &'static ChartWords {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

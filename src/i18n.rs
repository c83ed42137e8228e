//! UI labels in Chinese and English. Plan content comes from the runbook in its own language;
//! only the console's own words live here.

use crate::runbook::model::{Impact, Lang};

pub struct Labels {
    pub levels: &'static str,
    pub functions: &'static str,
    pub services: &'static str,
    pub roles: &'static str,
    pub steps: &'static str,
    pub rto: &'static str,
    pub rpo: &'static str,
    pub availability: &'static str,
    pub monthly_budget: &'static str,
    pub track: &'static str,
    pub owner: &'static str,
    pub depends_on: &'static str,
    pub disaster_types: &'static str,
    pub priority: &'static str,
    pub impact: &'static str,
    pub max_downtime: &'static str,
    pub every: &'static str,
    pub timeout: &'static str,
    pub sub_procedure: &'static str,
    pub checklist: &'static str,
    pub on_fail: &'static str,
    pub closes: &'static str,
    pub command: &'static str,
}

pub const ZH: Labels = Labels {
    levels: "事件响应级别",
    functions: "业务功能",
    services: "监控的服务",
    roles: "灾难恢复团队",
    steps: "恢复步骤",
    rto: "恢复时间目标(RTO)",
    rpo: "恢复点目标(RPO)",
    availability: "系统可用性目标",
    monthly_budget: "每月停机预算",
    track: "流程",
    owner: "负责",
    depends_on: "依赖",
    disaster_types: "灾难类型",
    priority: "恢复优先级",
    impact: "影响",
    max_downtime: "最大可接受停机时间",
    every: "每",
    timeout: "超时",
    sub_procedure: "子程序",
    checklist: "检查清单",
    on_fail: "失败时",
    closes: "完成即宣布恢复",
    command: "命令",
};

pub const EN: Labels = Labels {
    levels: "Incident levels",
    functions: "Business functions",
    services: "Monitored services",
    roles: "DR team",
    steps: "Recovery steps",
    rto: "Recovery time objective (RTO)",
    rpo: "Recovery point objective (RPO)",
    availability: "Availability target",
    monthly_budget: "Monthly downtime budget",
    track: "track",
    owner: "owner",
    depends_on: "depends on",
    disaster_types: "Disaster types",
    priority: "priority",
    impact: "impact",
    max_downtime: "max downtime",
    every: "every",
    timeout: "timeout",
    sub_procedure: "sub-procedure",
    checklist: "checklist",
    on_fail: "on failure",
    closes: "completing it closes the incident",
    command: "command",
};

pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

pub fn impact(lang: Lang, i: Impact) -> &'static str {
    match (lang, i) {
        (Lang::Zh, Impact::Severe) => "严重",
        (Lang::Zh, Impact::High) => "高",
        (Lang::Zh, Impact::Medium) => "中",
        (Lang::Zh, Impact::Low) => "低",
        (Lang::En, Impact::Severe) => "severe",
        (Lang::En, Impact::High) => "high",
        (Lang::En, Impact::Medium) => "medium",
        (Lang::En, Impact::Low) => "low",
    }
}

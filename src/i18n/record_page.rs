//! The HTML record's own words (`record::html`): headings and labels around the B.1 tables.

use crate::runbook::model::Lang;

pub struct RecordPageWords {
    pub facts: &'static str,
    pub closed_at: &'static str,
    pub duration: &'static str,
    pub level: &'static str,
    pub disaster_type: &'static str,
    pub track: &'static str,
    pub reporter: &'static str,
    pub coordinator: &'static str,
    pub rpo_title: &'static str,
    pub backup: &'static str,
    pub window: &'static str,
    pub legend_step: &'static str,
    pub form: &'static str,
    pub hover: &'static str,
}

pub const ZH: RecordPageWords = RecordPageWords {
    facts: "概要",
    closed_at: "关闭时间",
    duration: "持续时间",
    level: "级别",
    disaster_type: "灾难类型",
    track: "恢复流程",
    reporter: "报告人",
    coordinator: "DR协调员",
    rpo_title: "RPO(数据丢失窗口)",
    backup: "最近可用备份",
    window: "数据丢失窗口",
    legend_step: "重新测试",
    form: "记录表字段",
    hover: "将鼠标悬停在图中的条和刻度上可查看详细内容。",
};

pub const EN: RecordPageWords = RecordPageWords {
    facts: "Summary",
    closed_at: "Closed",
    duration: "Duration",
    level: "Level",
    disaster_type: "Disaster type",
    track: "Recovery track",
    reporter: "Reporter",
    coordinator: "DR coordinator",
    rpo_title: "RPO (data-loss window)",
    backup: "Last good backup",
    window: "data-loss window",
    legend_step: "re-test",
    form: "Form fields",
    hover: "Hover over the bars and ticks of the chart for details.",
};

pub fn record_page_words(lang: Lang) -> &'static RecordPageWords {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

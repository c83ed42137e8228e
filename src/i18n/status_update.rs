//! The built-in internal status update (`comms::status_update`).

use crate::runbook::model::Lang;

pub struct StatusUpdateWords {
    pub title: &'static str,
    pub at: &'static str,
    pub state: &'static str,
    pub open: &'static str,
    pub closed: &'static str,
    pub withdrawn: &'static str,
    pub services: &'static str,
    pub done: &'static str,
    pub none: &'static str,
    pub running: &'static str,
    pub next: &'static str,
    pub eta: &'static str,
    pub restored: &'static str,
    pub due: &'static str,
    pub left: &'static str,
    pub over: &'static str,
    pub not_restored: &'static str,
    pub next_update: &'static str,
    pub no_cadence: &'static str,
    pub sep: &'static str,
    /// Its name in the communications dialog.
    pub name: &'static str,
    /// One line of progress, journaled as the note when it is sent.
    pub progress: &'static str,
}

pub const ZH: StatusUpdateWords = StatusUpdateWords {
    title: "内部状态更新",
    at: "时间",
    state: "当前状态",
    open: "处理中",
    closed: "已宣布恢复完成",
    withdrawn: "已撤回",
    services: "服务",
    done: "已完成步骤",
    none: "无",
    running: "进行中",
    next: "下一步",
    eta: "各业务功能预计恢复(按最大可接受停机时间)",
    restored: "已恢复于",
    due: "应于",
    left: "剩余 {time}",
    over: "已超时",
    not_restored: "未恢复",
    next_update: "下次状态更新",
    no_cadence: "本级别无固定更新频率",
    sep: "、",
    name: "内部状态更新(内置)",
    progress: "步骤 {done}/{steps},业务功能已恢复 {restored}/{functions}",
};

pub const EN: StatusUpdateWords = StatusUpdateWords {
    title: "Internal status update",
    at: "As of",
    state: "Current state",
    open: "in progress",
    closed: "recovery declared complete",
    withdrawn: "withdrawn",
    services: "Services",
    done: "Steps done",
    none: "none",
    running: "Running",
    next: "Next",
    eta: "Expected recovery per function (by its maximum downtime)",
    restored: "restored at",
    due: "due by",
    left: "{time} left",
    over: "overdue by",
    not_restored: "not restored",
    next_update: "Next status update",
    no_cadence: "this level sets no update cadence",
    sep: ", ",
    name: "Internal status update (built in)",
    progress: "steps {done}/{steps}, functions restored {restored}/{functions}",
};

pub fn status_update_words(lang: Lang) -> &'static StatusUpdateWords {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

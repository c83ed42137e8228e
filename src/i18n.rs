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
    pub symptoms: &'static str,
    pub respond_within: &'static str,
    pub escalation: &'static str,
    pub tracks: &'static str,
    pub procedures: &'static str,
    pub checklists: &'static str,
    pub contacts: &'static str,
    pub backups: &'static str,
    pub exercises: &'static str,
    pub references: &'static str,
    pub functions_hit: &'static str,
    pub cadence: &'static str,
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
    symptoms: "症状",
    respond_within: "响应时限",
    escalation: "升级路径",
    tracks: "响应流程",
    procedures: "恢复程序",
    checklists: "检查清单",
    contacts: "外部联系人",
    backups: "备份",
    exercises: "测试与演练",
    references: "参考",
    functions_hit: "通常影响",
    cadence: "周期",
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
    monthly_budget: "Monthly budget",
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
    symptoms: "symptoms",
    respond_within: "respond within",
    escalation: "escalation",
    tracks: "Tracks",
    procedures: "Procedures",
    checklists: "Checklists",
    contacts: "Contacts",
    backups: "Backups",
    exercises: "Exercises",
    references: "References",
    functions_hit: "usually hits",
    cadence: "due every",
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

/// Words of copying text out of the console (`y`): what is known to have worked, and what
/// cannot be known.
pub struct CopyWords {
    /// tmux took the text into its paste buffer (it said so).
    pub tmux: &'static str,
    /// While tmux is being asked.
    pub tmux_asking: &'static str,
    /// The OSC 52 sequence went to the terminal, which never answers whether it took it.
    pub osc52: &'static str,
    pub tmux_failed: &'static str,
    pub overlay_keys: &'static str,
    pub no_commands: &'static str,
}

pub const COPY_ZH: CopyWords = CopyWords {
    tmux: "已复制到 tmux 缓冲区 (前缀键 ])",
    tmux_asking: "正在复制到 tmux 缓冲区…",
    osc52: "已发送到终端剪贴板 (OSC 52)",
    tmux_failed: "tmux 缓冲区复制失败",
    overlay_keys: "终端是否接收无法确认:可用鼠标选择下方文本 · w 写入文件 · ↑↓ 滚动 · Esc 关闭",
    no_commands: "该步骤没有命令",
};

pub const COPY_EN: CopyWords = CopyWords {
    tmux: "copied to tmux buffer (prefix ])",
    tmux_asking: "copying to tmux buffer…",
    osc52: "sent to terminal clipboard (OSC 52)",
    tmux_failed: "tmux buffer failed",
    overlay_keys: "whether the terminal took it cannot be known: select the text below with the \
                   mouse · w write to a file · ↑↓ scroll · Esc close",
    no_commands: "this step has no commands",
};

pub fn copy_words(lang: Lang) -> &'static CopyWords {
    match lang {
        Lang::Zh => &COPY_ZH,
        Lang::En => &COPY_EN,
    }
}

/// Words of alternatives and command placeholders (`e`, `y`, `v`, the detail view).
pub struct CommandWords {
    pub alternative: &'static str,
    pub chosen: &'static str,
    /// After an alternative when none is chosen yet.
    pub choose_with: &'static str,
    /// A secret placeholder's value, wherever a value would be shown.
    pub secret: &'static str,
    /// A placeholder without a value yet.
    pub to_fill: &'static str,
    /// `y` on a step whose alternatives have none chosen.
    pub choose_first: &'static str,
    pub chooser_title: &'static str,
    pub chooser_keys: &'static str,
    /// `y` in the detail view on a command of an alternative that is not the chosen one.
    pub not_chosen: &'static str,
    pub no_alternatives: &'static str,
    pub pattern: &'static str,
    /// Below a secret placeholder's input.
    pub secret_note: &'static str,
    pub not_copied: &'static str,
    /// Record heading and its table's columns.
    pub record_heading: &'static str,
    pub record_step: &'static str,
    pub record_value: &'static str,
    pub record_by: &'static str,
    pub placeholder: &'static str,
}

pub const COMMANDS_ZH: CommandWords = CommandWords {
    alternative: "方案",
    chosen: "已选",
    choose_with: "按 e 选择",
    secret: "(保密)",
    to_fill: "待填写",
    choose_first: "该步骤有多个方案:请先选择一个 (e),y 只复制所选方案",
    chooser_title: "选择方案",
    chooser_keys: "↑↓ 选择 · Enter 确定(记录) · Esc 取消",
    not_chosen: "这条命令属于未选的方案;按 e 选择方案",
    no_alternatives: "该步骤没有可选方案",
    pattern: "格式",
    secret_note: "保密:不显示、不记录其值,每次复制都会询问",
    not_copied: "未复制",
    record_heading: "命令方案与占位符",
    record_step: "步骤",
    record_value: "值",
    record_by: "填写人",
    placeholder: "占位符",
};

pub const COMMANDS_EN: CommandWords = CommandWords {
    alternative: "alternative",
    chosen: "chosen",
    choose_with: "e to choose",
    secret: "(secret)",
    to_fill: "to fill",
    choose_first: "this step offers alternatives: choose one first (e); y copies only the \
                   chosen one",
    chooser_title: "Choose an alternative",
    chooser_keys: "↑↓ select · Enter choose (journaled) · Esc cancel",
    not_chosen: "this command belongs to an alternative that is not chosen; e to choose",
    no_alternatives: "this step offers no alternatives",
    pattern: "pattern",
    secret_note: "secret: not shown, not journaled, asked at every copy",
    not_copied: "not copied",
    record_heading: "Alternatives and placeholders",
    record_step: "Step",
    record_value: "Value",
    record_by: "By",
    placeholder: "Placeholder",
};

pub fn command_words(lang: Lang) -> &'static CommandWords {
    match lang {
        Lang::Zh => &COMMANDS_ZH,
        Lang::En => &COMMANDS_EN,
    }
}

/// Words of the full-screen console.
pub struct Ui {
    pub steps: &'static str,
    pub timers: &'static str,
    pub timeline: &'static str,
    pub health: &'static str,
    pub overall: &'static str,
    pub restored: &'static str,
    pub breached: &'static str,
    /// Before how long past its budget a clock stopped: "breached by 17s".
    pub breached_by: &'static str,
    /// Before the nearest function deadline in the header.
    pub nearest: &'static str,
    /// After the count of functions past their RTO, in the header.
    pub functions_breached: &'static str,
    pub met: &'static str,
    pub missed: &'static str,
    pub not_restored: &'static str,
    pub budget: &'static str,
    pub used: &'static str,
    pub rpo_unknown: &'static str,
    /// Header label of the incident commander.
    pub commander: &'static str,
    pub handover_prompt: &'static str,
    pub owner_prompt: &'static str,
    /// Before the names Tab cycles through in the hand-over and owner dialogs.
    pub tab_picks: &'static str,
    pub closed: &'static str,
    pub level: &'static str,
    pub declare_title: &'static str,
    pub f_type: &'static str,
    pub f_level: &'static str,
    pub f_functions: &'static str,
    pub f_reporter: &'static str,
    pub f_coordinator: &'static str,
    pub f_team: &'static str,
    pub f_t0: &'static str,
    pub f_t0_hint: &'static str,
    pub example: &'static str,
    pub declare_button: &'static str,
    pub declare_keys: &'static str,
    pub note: &'static str,
    pub skip_reason: &'static str,
    pub correction_reason: &'static str,
    pub correct_t0_prompt: &'static str,
    pub level_prompt: &'static str,
    pub functions_prompt: &'static str,
    pub fail_reason: &'static str,
    pub backup_time: &'static str,
    pub input_keys: &'static str,
    pub confirm_quit: &'static str,
    pub confirm_close: &'static str,
    pub help_title: &'static str,
    pub step_detail: &'static str,
    /// Leads the footer of an observer (`drconsole view`); the keys come from `app::keymap`.
    pub read_only_lead: &'static str,
    pub too_small: &'static str,
    pub retest: &'static str,
    pub iterations: &'static str,
    pub adjust_for: &'static str,
    pub commands_note: &'static str,
    pub not_probed: &'static str,
    pub host_cut_off: &'static str,
    pub saved: &'static str,
    /// Commands handed to the journal writer and not yet durable.
    pub saving: &'static str,
    pub try_again: &'static str,
    pub open_incidents: &'static str,
    pub open_choose_keys: &'static str,
    pub select_function: &'static str,
    pub step_not_pending: &'static str,
    pub step_finished: &'static str,
    pub already_restored: &'static str,
    pub incident_closed: &'static str,
    pub empty_text: &'static str,
    pub since: &'static str,
    pub events: &'static str,
    pub update_due: &'static str,
    pub f_field: &'static str,
    pub inject_prompt: &'static str,
    pub next_update: &'static str,
    pub overdue: &'static str,
    pub comms_title: &'static str,
    pub comms_keys: &'static str,
    pub preview_keys: &'static str,
    pub notified_prompt: &'static str,
    pub channel_prompt: &'static str,
    pub save_prompt: &'static str,
    pub stage_due: &'static str,
    pub stage_done: &'static str,
    pub stage_not_yet: &'static str,
}

pub const UI_ZH: Ui = Ui {
    steps: "恢复步骤",
    timers: "RTO 计时",
    timeline: "时间线",
    health: "服务健康",
    overall: "总体RTO",
    restored: "已恢复",
    breached: "已超时",
    breached_by: "超时",
    nearest: "最近",
    functions_breached: "个功能已超时",
    met: "达标",
    missed: "超时",
    not_restored: "未恢复",
    budget: "月停机预算",
    used: "已用",
    rpo_unknown: "未知备份点",
    closed: "已关闭",
    commander: "指挥",
    handover_prompt: "移交指挥权给",
    owner_prompt: "该步骤改由谁负责",
    tab_picks: "Tab 选择: ",
    level: "级别",
    declare_title: "声明事件",
    f_type: "灾难类型",
    f_level: "影响级别",
    f_functions: "受影响功能",
    f_reporter: "报告人",
    f_coordinator: "协调员",
    f_team: "团队成员",
    f_t0: "T0 开始时间",
    f_t0_hint: "now、HH:MM 或 YYYY-MM-DD HH:MM(本地时间)",
    example: "示例",
    declare_button: "[ 声明事件 ]",
    declare_keys: "↑↓ 字段  ←→ 选择  空格 勾选  Enter 声明  Esc 退出",
    note: "备注",
    skip_reason: "跳过原因",
    correction_reason: "更正原因(记入时间线)",
    correct_t0_prompt: "正确的故障开始时间 T0 (HH:MM 或 YYYY-MM-DD HH:MM)",
    level_prompt: "新的级别 (数字)",
    functions_prompt: "受影响业务功能的标识(如 auth),逗号分隔(空 = 完整DR的全部)",
    fail_reason: "失败原因",
    backup_time: "最近可用备份时间 (HH:MM 或 YYYY-MM-DD HH:MM)",
    input_keys: "Enter 保存  Esc 取消",
    confirm_quit: "退出控制台? 事件保持打开,可用 resume 继续。 y 退出 / n 取消",
    confirm_close: "宣布恢复完成并关闭事件? y 确认 / n 取消",
    help_title: "按键帮助",
    step_detail: "步骤详情",
    read_only_lead: "只读 · ",
    too_small: "终端太小",
    retest: "待重新测试",
    iterations: "次失败",
    adjust_for: "调整后重新测试",
    commands_note: "命令仅供复制,控制台不会执行",
    not_probed: "未探测",
    host_cut_off: "所有服务同时失败:可能是本机网络中断,而非服务全部宕机",
    saved: "已保存",
    saving: "保存中…",
    try_again: "磁盘较慢,请稍后再按",
    open_incidents: "个事件仍在进行",
    open_choose_keys: "Enter 恢复所选 · n 声明新事件",
    select_function: "在计时窗格选择业务功能后按 r",
    step_not_pending: "该步骤已在进行或已结束",
    step_finished: "该步骤已结束",
    already_restored: "该功能已标记为恢复",
    incident_closed: "事件已关闭,时钟已停止",
    empty_text: "内容为空,未保存",
    since: "自",
    events: "事件",
    update_due: "该发状态更新了(按 c 打开沟通)",
    f_field: "填写字段(留空即保留空白)",
    inject_prompt: "临时注入:给参演人员的消息",
    next_update: "下次状态更新",
    overdue: "已逾期",
    comms_title: "通知与沟通 (§7)",
    comms_keys: "↑↓ 选择  Enter 勾选阶段/预览模板  Esc 关闭",
    preview_keys: "↑↓ 字段  Enter 填写  y 复制(OSC 52)  w 存文件  s 标记已发送  Esc 返回",
    notified_prompt: "已通知谁?(可写 渠道: 名单)",
    channel_prompt: "通过哪个渠道发出?",
    save_prompt: "保存到文件(路径)",
    stage_due: "待通知",
    stage_done: "已通知",
    stage_not_yet: "未到",
};

pub const UI_EN: Ui = Ui {
    steps: "Recovery steps",
    timers: "RTO timers",
    timeline: "Timeline",
    health: "Service health",
    overall: "Overall RTO",
    restored: "restored",
    breached: "BREACHED",
    breached_by: "breached by",
    nearest: "next",
    functions_breached: "functions breached",
    met: "met",
    missed: "missed",
    not_restored: "not restored",
    budget: "Monthly budget",
    used: "used",
    rpo_unknown: "backup point unknown",
    closed: "CLOSED",
    commander: "IC",
    handover_prompt: "Hand command over to",
    owner_prompt: "Give this step to",
    tab_picks: "Tab picks: ",
    level: "L",
    declare_title: "Declare an incident",
    f_type: "Disaster type",
    f_level: "Impact level",
    f_functions: "Affected functions",
    f_reporter: "Reporter",
    f_coordinator: "Coordinator",
    f_team: "Team members",
    f_t0: "T0 (outage began)",
    f_t0_hint: "now, HH:MM or YYYY-MM-DD HH:MM (local time)",
    example: "e.g.",
    declare_button: "[ Declare ]",
    declare_keys: "↑↓ field  ←→ choose  Space toggle  Enter declare  Esc quit",
    note: "Note",
    skip_reason: "Reason for skipping",
    correction_reason: "Reason for the correction (goes on the timeline)",
    correct_t0_prompt: "When the outage really began (HH:MM or YYYY-MM-DD HH:MM)",
    level_prompt: "New level (a number)",
    functions_prompt: "Affected function ids, comma-separated (empty = all, on a full DR)",
    fail_reason: "What failed",
    backup_time: "Last good backup (HH:MM or YYYY-MM-DD HH:MM)",
    input_keys: "Enter save  Esc cancel",
    confirm_quit:
        "Quit the console? The incident stays open; `resume` continues it. y quit / n cancel",
    confirm_close: "Declare recovery complete and close the incident? y confirm / n cancel",
    help_title: "Keys",
    step_detail: "Step detail",
    read_only_lead: "read-only · ",
    too_small: "terminal too small",
    retest: "re-test",
    iterations: "failed",
    adjust_for: "adjust, then re-test",
    commands_note: "commands are for copying; the console never runs them",
    not_probed: "not probed",
    host_cut_off: "every service failed at once: this host may be cut off, not every service down",
    saved: "saved",
    saving: "saving…",
    try_again: "the disk is slow; press again in a moment",
    open_incidents: "open incident(s)",
    open_choose_keys: "Enter resumes the selected one · n declares a new one",
    select_function: "select a business function in the timers pane, then press r",
    step_not_pending: "that step is already running or finished",
    step_finished: "that step is already finished",
    already_restored: "that function is already marked restored",
    incident_closed: "the incident is closed; its clocks have stopped",
    empty_text: "empty text, nothing saved",
    since: "since",
    events: "events",
    update_due: "a status update is due (press c for communications)",
    f_field: "Field value (empty keeps a marked blank)",
    inject_prompt: "Ad-hoc inject: a message to the players",
    next_update: "next status update",
    overdue: "overdue",
    comms_title: "Communications (§7)",
    comms_keys: "↑↓ select  Enter tick a stage / preview a template  Esc close",
    preview_keys: "↑↓ field  Enter fill in  y copy (OSC 52)  w save  s mark sent  Esc back",
    notified_prompt: "Who was notified? (you may write channel: names)",
    channel_prompt: "Sent through which channel?",
    save_prompt: "Save to file (path)",
    stage_due: "due",
    stage_done: "done",
    stage_not_yet: "not yet",
};

pub fn ui(lang: Lang) -> &'static Ui {
    match lang {
        Lang::Zh => &UI_ZH,
        Lang::En => &UI_EN,
    }
}

/// Words of the written records and reports.
pub struct RecordWords {
    pub status: &'static str,
    pub open: &'static str,
    pub closed: &'static str,
    pub withdrawn: &'static str,
    pub drill: &'static str,
    pub drill_note: &'static str,
    pub generated: &'static str,
    pub runbook: &'static str,
    pub timeline: &'static str,
    pub time: &'static str,
    pub who: &'static str,
    pub event: &'static str,
    pub rto_section: &'static str,
    pub function: &'static str,
    pub target: &'static str,
    pub actual: &'static str,
    pub result: &'static str,
    pub met: &'static str,
    pub breached: &'static str,
    pub running: &'static str,
    pub not_restored: &'static str,
    pub overall: &'static str,
    pub rpo: &'static str,
    pub rpo_unknown: &'static str,
    pub skipped: &'static str,
    pub failed_iterations: &'static str,
    pub none: &'static str,
    pub head_hash: &'static str,
    pub none_recorded: &'static str,
    pub blank: &'static str,
    pub steps_section: &'static str,
    pub step: &'static str,
    pub owner: &'static str,
    pub spent: &'static str,
    pub state: &'static str,
    pub still_open_note: &'static str,
    pub reason: &'static str,
    pub services: &'static str,
    pub declared_at: &'static str,
    pub t0: &'static str,
    pub commander: &'static str,
    pub reporter: &'static str,
    pub operator: &'static str,
    pub owner_of: &'static str,
    /// Column heads of the report's action plan.
    pub deadline: &'static str,
    pub priority: &'static str,
}

pub const RECORD_ZH: RecordWords = RecordWords {
    status: "状态",
    open: "进行中(事件未关闭)",
    closed: "已关闭",
    withdrawn: "已撤回(误报)",
    drill: "演练",
    drill_note: "本记录为演练记录,不是真实事件",
    generated: "生成时间",
    runbook: "运行手册",
    timeline: "时间线",
    time: "时间",
    who: "操作人",
    event: "事件",
    rto_section: "各业务功能RTO",
    function: "业务功能",
    target: "目标",
    actual: "实际",
    result: "结果",
    met: "达标",
    breached: "超时",
    running: "计时中",
    not_restored: "未恢复",
    overall: "总体RTO",
    rpo: "RPO",
    rpo_unknown: "未提供最近可用备份时间",
    skipped: "跳过的步骤",
    failed_iterations: "失败的测试迭代",
    none: "无",
    head_hash: "日志头哈希",
    none_recorded: "未记录",
    blank: "________ (待填写)",
    steps_section: "恢复步骤",
    step: "步骤",
    owner: "负责",
    spent: "用时",
    state: "状态",
    still_open_note: "事件仍未关闭:使用 `drconsole resume` 继续。",
    reason: "原因",
    services: "服务",
    declared_at: "声明时间",
    t0: "T0(故障开始)",
    commander: "事件指挥",
    reporter: "报告人",
    operator: "控制台操作",
    owner_of: "负责步骤",
    deadline: "截止日期",
    priority: "优先级",
};

pub const RECORD_EN: RecordWords = RecordWords {
    status: "Status",
    open: "open (incident not closed)",
    closed: "closed",
    withdrawn: "WITHDRAWN (declared in error)",
    drill: "DRILL",
    drill_note: "This record is an exercise, not a real incident",
    generated: "Generated",
    runbook: "Runbook",
    timeline: "Timeline",
    time: "Time",
    who: "Who",
    event: "Event",
    rto_section: "RTO per business function",
    function: "Function",
    target: "Target",
    actual: "Actual",
    result: "Result",
    met: "met",
    breached: "breached",
    running: "running",
    not_restored: "not restored",
    overall: "Overall RTO",
    rpo: "RPO",
    rpo_unknown: "no last good backup time was given",
    skipped: "Skipped steps",
    failed_iterations: "Failed test iterations",
    none: "none",
    head_hash: "Journal head hash",
    none_recorded: "none recorded",
    blank: "________ (to be completed)",
    steps_section: "Recovery steps",
    step: "Step",
    owner: "Owner",
    spent: "Time spent",
    state: "State",
    still_open_note: "The incident is still open: `drconsole resume` continues it.",
    reason: "reason",
    services: "services",
    declared_at: "declared at",
    t0: "T0 (outage began)",
    commander: "incident commander",
    reporter: "reporter",
    operator: "console operator",
    owner_of: "owner of step",
    deadline: "deadline",
    priority: "priority",
};

pub fn record_words(lang: Lang) -> &'static RecordWords {
    match lang {
        Lang::Zh => &RECORD_ZH,
        Lang::En => &RECORD_EN,
    }
}

/// Words for reading the timeline and the health pane: the filter, the search, and an entry or
/// a service shown whole.
pub struct ReadingWords {
    /// The kinds of entry, in the order of `ui::view::Filter::ORDER`.
    pub filters: [&'static str; 6],
    /// Before the kind shown, in the timeline's title.
    pub showing: &'static str,
    pub no_match: &'static str,
    pub typing_keys: &'static str,
    pub sheet_keys: &'static str,
    pub entry: &'static str,
    pub who: &'static str,
    pub journal: &'static str,
    pub login: &'static str,
    pub ssh_from: &'static str,
    pub no_tty: &'static str,
    pub hash_unknown: &'static str,
    pub kind: &'static str,
    pub resource: &'static str,
    pub wall: &'static str,
    pub detail: &'static str,
    pub notes: &'static str,
    pub latency: &'static str,
    pub failed_attempt: &'static str,
    pub seq: &'static str,
    pub hash: &'static str,
    pub tty: &'static str,
    pub pid: &'static str,
}

pub const READING_ZH: ReadingWords = ReadingWords {
    filters: ["全部", "备注", "步骤", "健康", "沟通", "超时"],
    showing: "仅显示",
    no_match: "无匹配",
    typing_keys: "Enter 保留 · Esc 清除",
    sheet_keys: "↑↓ 滚动 · Esc 关闭",
    entry: "记录",
    who: "操作人",
    journal: "日志",
    login: "登录",
    ssh_from: "SSH 来源",
    no_tty: "无终端",
    hash_unknown: "本机无此事件的日志文件,哈希无法显示",
    kind: "类型",
    resource: "对象",
    wall: "主机时钟",
    detail: "详情",
    notes: "备注",
    latency: "最近延迟",
    failed_attempt: "失败",
    seq: "序号",
    hash: "哈希",
    tty: "终端",
    pid: "进程",
};

pub const READING_EN: ReadingWords = ReadingWords {
    filters: ["all", "notes", "steps", "health", "comms", "breaches"],
    showing: "showing",
    no_match: "no match",
    typing_keys: "Enter keep · Esc clear",
    sheet_keys: "↑↓ scroll · Esc close",
    entry: "Entry",
    who: "Who",
    journal: "Journal",
    login: "login",
    ssh_from: "SSH from",
    no_tty: "no terminal",
    hash_unknown: "no journal file of this incident on this host: hash not shown",
    kind: "type",
    resource: "concerns",
    wall: "host clock",
    detail: "Detail",
    notes: "Notes",
    latency: "Recent latency",
    failed_attempt: "failed",
    seq: "seq",
    hash: "hash",
    tty: "tty",
    pid: "pid",
};

pub fn reading_words(lang: Lang) -> &'static ReadingWords {
    match lang {
        Lang::Zh => &READING_ZH,
        Lang::En => &READING_EN,
    }
}

// Sentences with values in them are templates: `{name}` marks where a value goes, so that
// each language orders its own words. `fill` puts the values in.
/// A table of words: a struct of `&'static str` fields and `entries()`, which lists them by
/// name so tests can check every entry of every language.
macro_rules! words {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* $field:ident,)* }) => {
        $(#[$m])*
        pub struct $name {
            $($(#[$fm])* pub $field: &'static str,)*
        }
        impl $name {
            /// Every entry with its field name.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($field), self.$field)),*]
            }
        }
    };
}

mod chart;
mod drill;
mod events;
mod messages;
mod record_page;
mod scorecard;
mod status_update;

pub use chart::{chart_words, ChartWords};
pub use drill::{drill_sheet_words, DrillSheetWords};
pub use events::{event_words, EventWords};
pub use messages::{messages, Messages};
pub use record_page::{record_page_words, RecordPageWords};
pub use scorecard::{scorecard_words, step_status, ScorecardWords};
pub use status_update::{status_update_words, StatusUpdateWords};

/// `template` with each `{name}` replaced by its value from `args`, in one pass: a value that
/// itself holds `{…}` (an operator's note) is never read as a placeholder. A placeholder with
/// no value stays as written (and fails a debug build, where every template is tested).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + args.iter().map(|a| a.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            args.iter().find(|(k, _)| *k == &after[..close]).map(|a| (close, a.1))
        });
        match value {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                debug_assert!(false, "no value for a placeholder in {template:?}");
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}`s of a template, for tests that both languages take the same values.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod fill_tests {
    use super::*;

    #[test]
    fn fill_puts_values_in_once() {
        assert_eq!(fill("开始: {step}", &[("step", "恢复")]), "开始: 恢复");
        assert_eq!(fill("{a}-{b}-{a}", &[("a", "1"), ("b", "2")]), "1-2-1");
        // A value that looks like a placeholder is text.
        assert_eq!(fill("备注: {text}", &[("text", "{step} 已完成")]), "备注: {step} 已完成");
        assert_eq!(placeholders("{b} x {a}"), ["a", "b"]);
    }
}

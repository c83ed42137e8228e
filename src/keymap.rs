//! The one table of keys. Key handling (`App::on_key`), the `?` help overlay and the footer
//! hints all read [`BINDINGS`], in both languages, so they cannot drift apart: a key is
//! handled only if a row here binds it, and every row is shown in the help.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::runbook::model::Lang;
use crate::ui::view::Pane;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The main screen, whichever pane has the focus.
    Any,
    /// Only while this pane has the focus.
    Pane(Pane),
    /// The step detail view (Enter on a step).
    Detail,
    /// A text input dialog (note, reason, backup time, ...).
    Input,
    /// The `?` help overlay itself.
    Help,
    /// A tabletop drill's facilitator keys.
    Drill,
    /// A search of the timeline is held (typed, Enter pressed), the timeline focused.
    Search,
    /// A timeline entry or a service shown whole (Enter in the timeline or health pane).
    Sheet,
}

/// What a key does. `App::run_action` handles every variant; the compiler checks that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Interrupt,
    Help,
    Quit,
    NextPane,
    PrevPane,
    Down,
    Up,
    PageDown,
    PageUp,
    Detail,
    Start,
    Done,
    Skip,
    Fail,
    NextActionable,
    PrevActionable,
    Copy,
    Note,
    Comms,
    Undo,
    Backup,
    Restore,
    Reopen,
    OverrideRetest,
    OverrideWait,
    Checklists,
    NextItem,
    PrevItem,
    TickItem,
    Unrestore,
    CorrectT0,
    Level,
    Functions,
    Withdraw,
    HandOver,
    AssignOwner,
    ChooseAlternative,
    RefillPlaceholders,
    DetailDown,
    DetailUp,
    DetailPageDown,
    DetailPageUp,
    NextCommand,
    PrevCommand,
    CopyCommand,
    CloseDetail,
    InputSave,
    InputCancel,
    InputClear,
    HelpDown,
    HelpUp,
    HelpPageDown,
    HelpPageUp,
    CloseHelp,
    DrillPause,
    DrillNext,
    DrillInject,
    DrillUpcoming,
    TimelineSearch,
    TimelineFilter,
    ShowEntry,
    Oldest,
    Newest,
    NextMatch,
    PrevMatch,
    ClearSearch,
    ShowService,
    SheetDown,
    SheetUp,
    SheetPageDown,
    SheetPageUp,
    CloseSheet,
}

impl Action {
    /// Whether the action writes to the incident (an observer is refused these).
    pub fn changes_incident(self) -> bool {
        use Action::*;
        matches!(
            self,
            Start
                | Done
                | Skip
                | Fail
                | Note
                | Undo
                | Backup
                | Restore
                | Reopen
                | OverrideRetest
                | OverrideWait
                | TickItem
                | Unrestore
                | CorrectT0
                | Level
                | Functions
                | Withdraw
                | HandOver
                | AssignOwner
                | ChooseAlternative
                | RefillPlaceholders
                | DrillPause
                | DrillNext
                | DrillInject
        )
    }
}

/// One key: a code and whether Ctrl is held. Shift is part of the character (`R`, `?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), ctrl: true }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

impl Key {
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let held = ev.modifiers.contains(KeyModifiers::CONTROL);
        self.code == ev.code && self.ctrl == held
    }

    /// How the help shows this key.
    pub fn name(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// A footer hint: the keys as the footer writes them, a word in each language, and where it is
/// shown with its rank (lower first; hints are dropped from the end when the line is full).
pub struct Hint {
    pub keys: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub at: &'static [(Scope, u8)],
}

/// One row of the help: the keys it binds (each with its action), how the help writes them,
/// where they apply, what they do in each language, and its footer hint if it has one.
pub struct Binding {
    pub keys: &'static [(Key, Action)],
    pub label: &'static str,
    pub scope: Scope,
    pub zh: &'static str,
    pub en: &'static str,
    pub hint: Option<Hint>,
}

impl Binding {
    pub fn help(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

const STEPS: Scope = Scope::Pane(Pane::Steps);
const TIMERS: Scope = Scope::Pane(Pane::Timers);
const TIMELINE: Scope = Scope::Pane(Pane::Timeline);
const HEALTH: Scope = Scope::Pane(Pane::Health);
/// Every pane's footer (for keys that belong everywhere).
const ALL: [Scope; 4] = [STEPS, TIMERS, TIMELINE, HEALTH];

macro_rules! everywhere {
    ($rank:expr) => {
        &[(ALL[0], $rank), (ALL[1], $rank), (ALL[2], $rank), (ALL[3], $rank)]
    };
}

use Action as A;
use KeyCode as C;

/// The table. The order within a scope is the order of the help.
pub const BINDINGS: &[Binding] = &[
    // --- any pane ---
    Binding {
        keys: &[(code(C::Down), A::Down), (k('j'), A::Down), (code(C::Up), A::Up), (k('k'), A::Up)],
        label: "↑↓ j k",
        scope: Scope::Any,
        zh: "在窗格内移动(时间线: 更早 / 更新的记录)",
        en: "move within the pane (timeline: older / newer entry)",
        hint: Some(Hint {
            keys: "↑↓",
            zh: "选择",
            en: "select",
            at: &[(STEPS, 40), (TIMERS, 40), (TIMELINE, 4), (HEALTH, 1)],
        }),
    },
    Binding {
        keys: &[(code(C::PageDown), A::PageDown), (code(C::PageUp), A::PageUp)],
        label: "PgUp PgDn",
        scope: Scope::Any,
        zh: "一次移动 10 行",
        en: "move 10 rows at a time",
        hint: Some(Hint { keys: "PgUp/PgDn", zh: "翻页", en: "page", at: &[(TIMELINE, 7)] }),
    },
    Binding {
        keys: &[
            (code(C::Tab), A::NextPane),
            (code(C::Right), A::NextPane),
            (code(C::BackTab), A::PrevPane),
            (code(C::Left), A::PrevPane),
        ],
        label: "Tab Shift-Tab → ←",
        scope: Scope::Any,
        zh: "下一个 / 上一个窗格",
        en: "next / previous pane",
        hint: Some(Hint { keys: "Tab", zh: "窗格", en: "pane", at: everywhere!(50) }),
    },
    Binding {
        keys: &[(k('s'), A::Start)],
        label: "s",
        scope: Scope::Any,
        zh: "开始所选步骤",
        en: "start the selected step",
        hint: Some(Hint { keys: "s", zh: "开始", en: "start", at: &[(STEPS, 1)] }),
    },
    Binding {
        keys: &[(k('d'), A::Done)],
        label: "d",
        scope: Scope::Any,
        zh: "完成所选步骤(光标停留)",
        en: "mark the selected step done (the cursor stays)",
        hint: Some(Hint { keys: "d", zh: "完成", en: "done", at: &[(STEPS, 2)] }),
    },
    Binding {
        keys: &[(k(']'), A::NextActionable), (k('['), A::PrevActionable)],
        label: "] [",
        scope: Scope::Any,
        zh: "跳到下一个 / 上一个尚未完成或跳过的步骤",
        en: "jump to the next / previous step not yet done or skipped",
        hint: Some(Hint { keys: "]", zh: "下一步", en: "next", at: &[(STEPS, 7)] }),
    },
    Binding {
        keys: &[(k('x'), A::Skip)],
        label: "x",
        scope: Scope::Any,
        zh: "跳过所选步骤(需填写原因)",
        en: "skip the selected step (asks why)",
        hint: Some(Hint { keys: "x", zh: "跳过", en: "skip", at: &[(STEPS, 5)] }),
    },
    Binding {
        keys: &[(k('f'), A::Fail)],
        label: "f",
        scope: Scope::Any,
        zh: "步骤失败(测试失败时进入调整 → 重新测试)",
        en: "the step failed (a failed test leads to adjust, then re-test)",
        hint: Some(Hint { keys: "f", zh: "失败", en: "fail", at: &[(STEPS, 6)] }),
    },
    Binding {
        keys: &[(k('n'), A::Note)],
        label: "n",
        scope: Scope::Any,
        zh: "添加备注",
        en: "add a note",
        hint: Some(Hint {
            keys: "n",
            zh: "备注",
            en: "note",
            at: &[(STEPS, 8), (TIMERS, 5), (TIMELINE, 5), (HEALTH, 3)],
        }),
    },
    Binding {
        keys: &[(k('c'), A::Comms)],
        label: "c",
        scope: Scope::Any,
        zh: "通知与沟通:勾选通知阶段、预览/复制/发送消息模板",
        en: "communications: notification stages, message templates (copy, save, send)",
        hint: Some(Hint {
            keys: "c",
            zh: "沟通",
            en: "comms",
            at: &[(STEPS, 9), (TIMERS, 4), (TIMELINE, 6), (HEALTH, 4)],
        }),
    },
    Binding {
        keys: &[(k('r'), A::Restore)],
        label: "r",
        scope: Scope::Any,
        zh: "标记所选业务功能已恢复(计时窗格;其他窗格先跳到计时窗格)",
        en: "mark the selected business function restored (timers pane; elsewhere goes there)",
        hint: Some(Hint { keys: "r", zh: "已恢复", en: "restored", at: &[(TIMERS, 1)] }),
    },
    Binding {
        keys: &[(k('b'), A::Backup)],
        label: "b",
        scope: Scope::Any,
        zh: "记录最近可用备份时间(RPO)",
        en: "record the last good backup time (RPO)",
        hint: Some(Hint { keys: "b", zh: "备份点", en: "backup", at: &[(TIMERS, 3)] }),
    },
    Binding {
        keys: &[(k('u'), A::Undo)],
        label: "u",
        scope: Scope::Any,
        zh: "撤销本控制台 60 秒内的最后一个步骤/恢复操作(更正事件)",
        en: "undo this console's last step or restore action (within 60 s; a correction)",
        hint: None,
    },
    Binding {
        keys: &[(k('o'), A::Reopen)],
        label: "o",
        scope: Scope::Any,
        zh: "更正: 重开所选步骤(需原因)",
        en: "correction: reopen the selected step (asks why)",
        hint: None,
    },
    Binding {
        keys: &[(k('O'), A::OverrideRetest)],
        label: "O",
        scope: Scope::Any,
        zh: "测试失败后跳过未完成的调整步骤以便重新测试(需原因)",
        en: "after a failed test, skip its unfinished adjust steps to re-test (asks why)",
        hint: None,
    },
    Binding {
        keys: &[(k('w'), A::OverrideWait)],
        label: "w",
        scope: Scope::Any,
        zh: "提前结束所选步骤(或它所等待的步骤)的等待(需原因)",
        en: "override the wait of the selected step, or of the step it waits for (asks why)",
        hint: None,
    },
    Binding {
        keys: &[(k('C'), A::Checklists)],
        label: "C",
        scope: Scope::Any,
        zh: "不属于任何步骤的检查清单(如事后检查清单):勾选条目",
        en: "the checklists of no step (a post-incident list): tick their items",
        hint: None,
    },
    Binding {
        keys: &[(k('T'), A::CorrectT0), (k('L'), A::Level), (k('A'), A::Functions)],
        label: "T L A",
        scope: Scope::Any,
        zh: "更正: T0 / 级别 / 受影响功能(需原因)",
        en: "correct T0 / change the level / the affected functions (asks why)",
        hint: None,
    },
    Binding {
        keys: &[(k('W'), A::Withdraw)],
        label: "W",
        scope: Scope::Any,
        zh: "撤回误报的事件(需原因)",
        en: "withdraw an incident declared in error (asks why)",
        hint: None,
    },
    Binding {
        keys: &[(k('h'), A::HandOver), (k('a'), A::AssignOwner)],
        label: "h a",
        scope: Scope::Any,
        zh: "移交指挥权 / 指定所选步骤的负责人(Tab 选人或输入姓名)",
        en: "hand over command / give the selected step an owner (Tab picks, or type a name)",
        hint: None,
    },
    Binding {
        keys: &[(k('?'), A::Help)],
        label: "?",
        scope: Scope::Any,
        zh: "显示/关闭本帮助",
        en: "show / hide this help",
        // The footer always keeps this one, last.
        hint: Some(Hint {
            keys: "?",
            zh: "帮助",
            en: "help",
            at: &[
                (STEPS, u8::MAX),
                (TIMERS, u8::MAX),
                (TIMELINE, u8::MAX),
                (HEALTH, u8::MAX),
                (Scope::Detail, u8::MAX),
                (Scope::Search, u8::MAX),
            ],
        }),
    },
    Binding {
        keys: &[(k('q'), A::Quit)],
        label: "q",
        scope: Scope::Any,
        zh: "退出(需确认;事件保持打开)",
        en: "quit (asks first; the incident stays open)",
        hint: Some(Hint { keys: "q", zh: "退出", en: "quit", at: everywhere!(60) }),
    },
    Binding {
        keys: &[(ctrl('c'), A::Interrupt)],
        label: "Ctrl-C",
        scope: Scope::Any,
        zh: "立即退出(不询问;事件保持打开)",
        en: "quit at once, without asking (the incident stays open)",
        hint: None,
    },
    // --- steps pane ---
    Binding {
        keys: &[(code(C::Enter), A::Detail)],
        label: "Enter",
        scope: STEPS,
        zh: "打开/关闭所选步骤的详情(子步骤、检查清单、命令)",
        en: "open / close the selected step's detail (sub-steps, checklist, commands)",
        hint: Some(Hint { keys: "Enter", zh: "详情", en: "detail", at: &[(STEPS, 3)] }),
    },
    Binding {
        keys: &[(k('y'), A::Copy)],
        label: "y",
        scope: STEPS,
        zh: "复制所选步骤的命令到剪贴板(不执行)",
        en: "copy the selected step's commands to your clipboard (never run)",
        hint: Some(Hint { keys: "y", zh: "复制", en: "copy", at: &[(STEPS, 4)] }),
    },
    Binding {
        keys: &[(k('e'), A::ChooseAlternative)],
        label: "e",
        scope: STEPS,
        zh: "选择所选步骤的方案(如自动切换或手动 stepDown;y 只复制所选方案;记录)",
        en: "choose one of the step's alternatives (auto-failover or manual stepDown; y copies \
             only the chosen one; journaled)",
        hint: Some(Hint {
            keys: "e",
            zh: "方案",
            en: "choose",
            at: &[(STEPS, 4), (Scope::Detail, 0)],
        }),
    },
    Binding {
        keys: &[(k('v'), A::RefillPlaceholders)],
        label: "v",
        scope: STEPS,
        zh: "重新填写命令中的占位符 {…} 的值(记录),然后复制",
        en: "fill the commands' {…} placeholders again (journaled), then copy",
        hint: None,
    },
    // --- timers pane ---
    Binding {
        keys: &[(k('R'), A::Unrestore)],
        label: "R",
        scope: TIMERS,
        zh: "更正: 撤销所选功能的恢复标记(计时重新开始;需原因)",
        en: "correction: un-restore the selected function (its clock runs again; asks why)",
        hint: Some(Hint { keys: "R", zh: "撤销恢复", en: "un-restore", at: &[(TIMERS, 2)] }),
    },
    // --- timeline pane ---
    Binding {
        keys: &[(code(C::Enter), A::ShowEntry)],
        label: "Enter",
        scope: TIMELINE,
        zh: "完整显示所选记录(全文、操作人、终端、序号、哈希)",
        en: "show the selected entry whole (full text, who, tty, seq, hash)",
        hint: Some(Hint {
            keys: "Enter",
            zh: "详情",
            en: "entry",
            at: &[(TIMELINE, 2), (Scope::Search, 3)],
        }),
    },
    Binding {
        keys: &[(k('/'), A::TimelineSearch)],
        label: "/",
        scope: TIMELINE,
        zh: "搜索时间线(边输入边查找,匹配处高亮;Enter 保留,Esc 清除)",
        en: "search the timeline (found as you type, matches highlighted; Enter keeps, Esc clears)",
        hint: Some(Hint {
            keys: "/",
            zh: "搜索",
            en: "search",
            at: &[(TIMELINE, 1), (Scope::Search, 4)],
        }),
    },
    Binding {
        keys: &[(k('t'), A::TimelineFilter)],
        label: "t",
        scope: TIMELINE,
        zh: "只显示一类记录,依次切换: 全部 → 备注 → 步骤 → 健康 → 沟通 → 超时",
        en: "show one kind of entry, in turn: all → notes → steps → health → comms → breaches",
        hint: Some(Hint {
            keys: "t",
            zh: "筛选",
            en: "filter",
            at: &[(TIMELINE, 3), (Scope::Search, 5)],
        }),
    },
    Binding {
        keys: &[(k('g'), A::Oldest), (k('G'), A::Newest)],
        label: "g G",
        scope: TIMELINE,
        zh: "跳到最早 / 最新的记录(最新: 跟随新记录)",
        en: "go to the oldest / newest entry (newest: follows new entries)",
        hint: None,
    },
    // --- timeline search ---
    Binding {
        keys: &[(k('n'), A::NextMatch), (k('N'), A::PrevMatch)],
        label: "n N",
        scope: Scope::Search,
        zh: "下一个(更早)/ 上一个(更新)匹配,循环",
        en: "next (older) / previous (newer) match, wrapping around",
        hint: Some(Hint { keys: "n/N", zh: "匹配", en: "match", at: &[(Scope::Search, 1)] }),
    },
    Binding {
        keys: &[(code(C::Esc), A::ClearSearch)],
        label: "Esc",
        scope: Scope::Search,
        zh: "清除搜索(n 重新表示添加备注)",
        en: "clear the search (n adds a note again)",
        hint: Some(Hint { keys: "Esc", zh: "清除", en: "clear", at: &[(Scope::Search, 2)] }),
    },
    // --- health pane ---
    Binding {
        keys: &[(code(C::Enter), A::ShowService)],
        label: "Enter",
        scope: HEALTH,
        zh: "完整显示所选服务的状态、详情与备注",
        en: "show the selected service's state, detail and notes whole",
        hint: Some(Hint { keys: "Enter", zh: "详情", en: "detail", at: &[(HEALTH, 2)] }),
    },
    // --- an entry or a service shown whole ---
    Binding {
        keys: &[
            (code(C::Down), A::SheetDown),
            (k('j'), A::SheetDown),
            (code(C::Up), A::SheetUp),
            (k('k'), A::SheetUp),
            (code(C::PageDown), A::SheetPageDown),
            (code(C::PageUp), A::SheetPageUp),
        ],
        label: "↑↓ j k PgUp PgDn",
        scope: Scope::Sheet,
        zh: "滚动",
        en: "scroll",
        hint: None,
    },
    Binding {
        keys: &[
            (code(C::Esc), A::CloseSheet),
            (code(C::Enter), A::CloseSheet),
            (k('q'), A::CloseSheet),
        ],
        label: "Esc Enter q",
        scope: Scope::Sheet,
        zh: "关闭",
        en: "close",
        hint: None,
    },
    // --- step detail view ---
    Binding {
        keys: &[
            (code(C::Down), A::DetailDown),
            (k('j'), A::DetailDown),
            (code(C::Up), A::DetailUp),
            (k('k'), A::DetailUp),
        ],
        label: "↑↓ j k",
        scope: Scope::Detail,
        zh: "滚动(在底部继续按 ↓ 选下一条命令)",
        en: "scroll (↓ at the bottom selects the next command)",
        hint: Some(Hint { keys: "↑↓", zh: "滚动", en: "scroll", at: &[(Scope::Detail, 1)] }),
    },
    Binding {
        keys: &[(code(C::PageDown), A::DetailPageDown), (code(C::PageUp), A::DetailPageUp)],
        label: "PgUp PgDn",
        scope: Scope::Detail,
        zh: "翻页",
        en: "scroll a page",
        hint: Some(Hint { keys: "PgUp/PgDn", zh: "翻页", en: "page", at: &[(Scope::Detail, 2)] }),
    },
    Binding {
        keys: &[(k(']'), A::NextCommand), (k('['), A::PrevCommand)],
        label: "] [",
        scope: Scope::Detail,
        zh: "下一条 / 上一条命令",
        en: "next / previous command",
        hint: Some(Hint { keys: "]/[", zh: "命令", en: "command", at: &[(Scope::Detail, 3)] }),
    },
    Binding {
        keys: &[(k('}'), A::NextItem), (k('{'), A::PrevItem)],
        label: "} {",
        scope: Scope::Detail,
        zh: "下一个 / 上一个检查项",
        en: "next / previous checklist item",
        hint: Some(Hint { keys: "}/{", zh: "检查项", en: "item", at: &[(Scope::Detail, 5)] }),
    },
    Binding {
        keys: &[(code(C::Char(' ')), A::TickItem)],
        label: "Space",
        scope: Scope::Detail,
        zh: "勾选 / 取消勾选光标所在的检查项(记录谁、何时)",
        en: "tick / untick the checklist item under the cursor (journaled: who, when)",
        hint: Some(Hint { keys: "Space", zh: "勾选", en: "tick", at: &[(Scope::Detail, 6)] }),
    },
    Binding {
        keys: &[(k('y'), A::CopyCommand)],
        label: "y",
        scope: Scope::Detail,
        zh: "复制光标所在的那一条命令(不执行)",
        en: "copy the command under the cursor (never run)",
        hint: Some(Hint { keys: "y", zh: "复制", en: "copy", at: &[(Scope::Detail, 0)] }),
    },
    Binding {
        keys: &[(code(C::Enter), A::CloseDetail), (code(C::Esc), A::CloseDetail)],
        label: "Enter Esc",
        scope: Scope::Detail,
        zh: "关闭详情",
        en: "close the detail",
        hint: Some(Hint { keys: "Esc", zh: "返回", en: "back", at: &[(Scope::Detail, 4)] }),
    },
    // --- text input dialogs ---
    Binding {
        keys: &[(code(C::Enter), A::InputSave)],
        label: "Enter",
        scope: Scope::Input,
        zh: "保存输入",
        en: "save what was typed",
        hint: None,
    },
    Binding {
        keys: &[(code(C::Esc), A::InputCancel)],
        label: "Esc",
        scope: Scope::Input,
        zh: "取消",
        en: "cancel",
        hint: None,
    },
    Binding {
        keys: &[(ctrl('u'), A::InputClear)],
        label: "Ctrl-U",
        scope: Scope::Input,
        zh: "清空输入",
        en: "clear what was typed",
        hint: None,
    },
    // --- this help ---
    Binding {
        keys: &[
            (code(C::Down), A::HelpDown),
            (k('j'), A::HelpDown),
            (code(C::Up), A::HelpUp),
            (k('k'), A::HelpUp),
            (code(C::PageDown), A::HelpPageDown),
            (code(C::PageUp), A::HelpPageUp),
        ],
        label: "↑↓ j k PgUp PgDn",
        scope: Scope::Help,
        zh: "滚动本帮助",
        en: "scroll this help",
        hint: None,
    },
    Binding {
        keys: &[
            (code(C::Esc), A::CloseHelp),
            (k('?'), A::CloseHelp),
            (k('q'), A::CloseHelp),
            (code(C::Enter), A::CloseHelp),
        ],
        label: "Esc ? q Enter",
        scope: Scope::Help,
        zh: "关闭本帮助",
        en: "close this help",
        hint: None,
    },
    // --- drill facilitator ---
    Binding {
        keys: &[(k('P'), A::DrillPause)],
        label: "P",
        scope: Scope::Drill,
        zh: "演练: 暂停/继续游戏时钟",
        en: "drill: pause / resume the game clock",
        hint: Some(Hint { keys: "P", zh: "暂停", en: "pause", at: everywhere!(0) }),
    },
    Binding {
        keys: &[(k('N'), A::DrillNext)],
        label: "N",
        scope: Scope::Drill,
        zh: "演练: 立即触发下一条注入",
        en: "drill: fire the next inject now",
        hint: Some(Hint { keys: "N", zh: "下一注入", en: "next inject", at: everywhere!(0) }),
    },
    Binding {
        keys: &[(k('I'), A::DrillInject)],
        label: "I",
        scope: Scope::Drill,
        zh: "演练: 添加临时注入(给参与者的消息)",
        en: "drill: add an ad-hoc inject (a message to the players)",
        hint: Some(Hint { keys: "I", zh: "注入", en: "inject", at: everywhere!(0) }),
    },
    Binding {
        keys: &[(k('F'), A::DrillUpcoming)],
        label: "F",
        scope: Scope::Drill,
        zh: "演练: 查看即将到来的注入(仅主持人,不记录)",
        en: "drill: the upcoming injects and their game times (facilitator; not journaled)",
        hint: None,
    },
];

/// The scopes in the order the help shows them, with their headings.
pub const GROUPS: &[(Scope, &str, &str)] = &[
    (Scope::Any, "任意窗格", "Any pane"),
    (STEPS, "步骤窗格", "Steps pane"),
    (TIMERS, "计时窗格", "Timers pane"),
    (TIMELINE, "时间线窗格", "Timeline pane"),
    (Scope::Search, "时间线搜索(按 / 之后)", "Timeline search (after /)"),
    (HEALTH, "服务健康窗格", "Health pane"),
    (Scope::Sheet, "完整显示的记录或服务", "An entry or service shown whole"),
    (Scope::Detail, "步骤详情", "Step detail"),
    (Scope::Drill, "演练(主持人)", "Drill (facilitator)"),
    (Scope::Input, "输入框", "Text input"),
    (Scope::Help, "本帮助", "This help"),
];

/// The keys the operator pressed, from one key the terminal reported. An Escape followed
/// closely by another key (a slow SSH link delivers both in one packet; tmux forwards both at
/// once when the key comes within its `escape-time`, 500 ms by default) is read by the
/// terminal parser as one Alt chord, the same bytes as the Alt key itself. No
/// binding here is an Alt chord, and taking the chord as its key alone drops the Escape that
/// closes a view or clears a search, so the next key acts on a screen the operator thought
/// gone: the chord is the Escape and the key. Except while text is being typed (`typing`):
/// there an Escape throws the text away, and readline habits (Alt-b, Alt-f, Alt-Backspace)
/// send the same bytes, so the chord is ignored, but for Ctrl-C.
pub fn pressed(ev: KeyEvent, typing: bool) -> impl Iterator<Item = KeyEvent> {
    let alt = ev.modifiers.contains(KeyModifiers::ALT);
    let mut key = ev;
    key.modifiers.remove(KeyModifiers::ALT);
    let escape = (alt && !typing)
        .then(|| KeyEvent::new_with_kind(KeyCode::Esc, KeyModifiers::NONE, ev.kind));
    let keep = !alt || !typing || action_in(Scope::Any, &key) == Some(Action::Interrupt);
    escape.into_iter().chain(keep.then_some(key))
}

/// The action `ev` means in `scope` (no fallback to another scope).
pub fn action_in(scope: Scope, ev: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .filter(|b| b.scope == scope)
        .flat_map(|b| b.keys.iter())
        .find(|(key, _)| key.matches(ev))
        .map(|(_, a)| *a)
}

/// What the main screen does with `ev`: the detail view's keys first when it is open, then the
/// drill's keys in a drill, then the focused pane's, then those of any pane.
pub fn main_action(focus: Pane, detail: bool, drill: bool, ev: &KeyEvent) -> Option<Action> {
    let detail = detail.then_some(Scope::Detail);
    let drill = drill.then_some(Scope::Drill);
    [detail, drill, Some(Scope::Pane(focus)), Some(Scope::Any)]
        .into_iter()
        .flatten()
        .find_map(|s| action_in(s, ev))
}

/// What `ev` means while a timeline search is held, before anything else of the main screen
/// (`n` is the next match there, not a note).
pub fn search_action(ev: &KeyEvent) -> Option<Action> {
    action_in(Scope::Search, ev)
}

/// Footer hints for `place` (a pane or the detail view), most important first, with `?` last.
/// Actions an observer may not take are left out for one.
pub fn hints(place: Scope, drill: bool, read_only: bool, lang: Lang) -> Vec<String> {
    let mut ranked: Vec<(u8, u8, String)> = BINDINGS
        .iter()
        .filter(|b| b.scope != Scope::Drill || drill)
        .filter(|b| !(read_only && b.keys.iter().any(|(_, a)| a.changes_incident())))
        .filter_map(|b| {
            let h = b.hint.as_ref()?;
            let rank = h.at.iter().find(|(s, _)| *s == place)?.1;
            let word = match lang {
                Lang::Zh => h.zh,
                Lang::En => h.en,
            };
            // The facilitator's keys lead in a drill.
            let group = u8::from(b.scope != Scope::Drill);
            Some((group, rank, format!("{} {word}", h.keys)))
        })
        .collect();
    ranked.sort_by_key(|(g, r, _)| (*g, *r));
    ranked.into_iter().map(|(_, _, s)| s).collect()
}

/// Whether a row's keys mean anything for this runbook: the keys of alternatives and of
/// placeholders are offered (in the footer and the help) only by a runbook that has them.
pub fn offered(b: &Binding, rb: &crate::runbook::Runbook) -> bool {
    b.keys.iter().all(|(_, a)| match a {
        Action::ChooseAlternative => {
            rb.procedures.iter().flat_map(|p| &p.steps).any(|s| !s.alternatives.is_empty())
        }
        Action::RefillPlaceholders => rb.command_placeholders() && !rb.placeholders.is_empty(),
        _ => true,
    })
}

/// [`hints`] without those of keys the runbook does not offer (see [`offered`]).
pub fn runbook_hints(
    place: Scope,
    drill: bool,
    read_only: bool,
    lang: Lang,
    rb: &crate::runbook::Runbook,
) -> Vec<String> {
    let hidden: Vec<String> = BINDINGS
        .iter()
        .filter(|b| !offered(b, rb))
        .filter_map(|b| b.hint.as_ref())
        .map(|h| {
            let word = match lang {
                Lang::Zh => h.zh,
                Lang::En => h.en,
            };
            format!("{} {word}", h.keys)
        })
        .collect();
    hints(place, drill, read_only, lang).into_iter().filter(|h| !hidden.contains(h)).collect()
}

/// Hints joined into at most `width` cells: whole hints are dropped from the end (before the
/// last one, `?`, which always stays); none is ever cut.
pub fn footer_line(hints: &[String], width: usize) -> String {
    use crate::ui::text::width as w;
    let sep = "  ";
    let Some((last, rest)) = hints.split_last() else { return String::new() };
    let mut used = w(last);
    let mut kept: Vec<&str> = Vec::new();
    for h in rest {
        let add = w(h) + w(sep);
        if used + add > width {
            break;
        }
        used += add;
        kept.push(h);
    }
    kept.push(last);
    kept.join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(key: &Key) -> KeyEvent {
        let mods = if key.ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
        KeyEvent::new(key.code, mods)
    }

    #[test]
    fn an_escape_read_together_with_the_next_key_is_both_keys() {
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        let t = KeyEvent::new(KeyCode::Char('t'), KeyModifiers::NONE);
        let alt_t = KeyEvent::new(KeyCode::Char('t'), KeyModifiers::ALT);
        assert_eq!(pressed(alt_t, false).collect::<Vec<_>>(), [esc, t]);
        // Typing: neither an Escape that would throw the text away nor a letter.
        assert_eq!(pressed(alt_t, true).count(), 0);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let ctrl_alt_c =
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::ALT | KeyModifiers::CONTROL);
        assert_eq!(pressed(ctrl_alt_c, false).collect::<Vec<_>>(), [esc, ctrl_c]);
        assert_eq!(pressed(ctrl_alt_c, true).collect::<Vec<_>>(), [ctrl_c]);
        assert_eq!(action_in(Scope::Any, &ctrl_c), Some(Action::Interrupt));
        for typing in [false, true] {
            assert_eq!(pressed(t, typing).collect::<Vec<_>>(), [t]);
            let shift_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
            assert_eq!(pressed(shift_tab, typing).collect::<Vec<_>>(), [shift_tab]);
        }
    }

    /// A bound key missing from its help row, or a help row naming a key it does not bind,
    /// fails here.
    #[test]
    fn every_bound_key_is_in_its_help_row_and_every_help_key_is_bound() {
        for b in BINDINGS {
            let named: Vec<String> = b.keys.iter().map(|(k, _)| k.name()).collect();
            let label: Vec<&str> = b.label.split(' ').collect();
            for n in &named {
                let shown =
                    label.iter().any(|t| t == n) || (n == "↑" || n == "↓") && label.contains(&"↑↓");
                assert!(shown, "key {n} is bound but not in the help row {:?}", b.label);
            }
            for t in &label {
                let bound = named.iter().any(|n| n == t)
                    || (*t == "↑↓"
                        && named.iter().any(|n| n == "↑")
                        && named.iter().any(|n| n == "↓"));
                assert!(bound, "help row {:?} names {t}, which it does not bind", b.label);
            }
            assert!(!b.zh.is_empty() && !b.en.is_empty(), "{:?} has no help text", b.label);
            if let Some(h) = &b.hint {
                for part in h.keys.split('/') {
                    assert!(
                        b.label.contains(part),
                        "footer hint {:?} names keys its row {:?} does not bind",
                        h.keys,
                        b.label
                    );
                }
            }
        }
    }

    /// One key, one meaning: two rows of the same scope may not bind the same key.
    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                if a.scope != b.scope {
                    continue;
                }
                for (ka, _) in a.keys {
                    assert!(
                        !b.keys.iter().any(|(kb, _)| kb == ka),
                        "{} is bound in {:?} and {:?}",
                        ka.name(),
                        a.label,
                        b.label
                    );
                }
            }
        }
    }

    #[test]
    fn every_key_of_the_table_finds_its_action() {
        for b in BINDINGS {
            for (key, action) in b.keys {
                assert_eq!(action_in(b.scope, &ev(key)), Some(*action), "{}", key.name());
            }
        }
        let every_group: Vec<Scope> = GROUPS.iter().map(|(s, _, _)| *s).collect();
        for b in BINDINGS {
            assert!(every_group.contains(&b.scope), "{:?} is in no help group", b.scope);
        }
    }

    #[test]
    fn the_detail_view_keys_come_before_the_panes() {
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(main_action(Pane::Steps, false, false, &j), Some(Action::Down));
        assert_eq!(main_action(Pane::Steps, true, false, &j), Some(Action::DetailDown));
        let y = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE);
        assert_eq!(main_action(Pane::Timers, false, false, &y), None);
        let p = KeyEvent::new(KeyCode::Char('P'), KeyModifiers::NONE);
        assert_eq!(main_action(Pane::Steps, false, false, &p), None);
        assert_eq!(main_action(Pane::Steps, false, true, &p), Some(Action::DrillPause));
    }

    /// `n` adds a note, except while a timeline search is held, where it is the next match
    /// (and `N` the previous, before a drill's "next inject").
    #[test]
    fn a_held_search_takes_n_and_shift_n_and_esc() {
        let key = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(main_action(Pane::Timeline, false, false, &key('n')), Some(Action::Note));
        assert_eq!(search_action(&key('n')), Some(Action::NextMatch));
        assert_eq!(search_action(&key('N')), Some(Action::PrevMatch));
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(search_action(&esc), Some(Action::ClearSearch));
        assert_eq!(search_action(&key('t')), None, "the pane's own keys still apply");
        assert_eq!(
            main_action(Pane::Timeline, false, false, &key('t')),
            Some(Action::TimelineFilter)
        );
        assert_eq!(main_action(Pane::Steps, false, false, &key('t')), None);
        assert_eq!(main_action(Pane::Steps, false, false, &key('/')), None);
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(main_action(Pane::Health, false, false, &enter), Some(Action::ShowService));
        assert_eq!(main_action(Pane::Timeline, false, false, &enter), Some(Action::ShowEntry));
        for a in
            [Action::TimelineSearch, Action::TimelineFilter, Action::ShowEntry, Action::NextMatch]
        {
            assert!(!a.changes_incident(), "{a:?} only reads");
        }
    }

    #[test]
    fn the_footer_drops_whole_hints_from_the_end_and_keeps_help() {
        for lang in [Lang::Zh, Lang::En] {
            for place in [STEPS, TIMERS, TIMELINE, HEALTH, Scope::Detail, Scope::Search] {
                for drill in [false, true] {
                    let hints = hints(place, drill, false, lang);
                    let line = footer_line(&hints, 79);
                    assert!(crate::ui::text::width(&line) <= 79, "{line}");
                    let help = hints.last().map(String::as_str).unwrap_or_default();
                    assert!(line.ends_with(help), "{line}");
                    // Every hint shown is shown whole.
                    for part in line.split("  ") {
                        assert!(hints.iter().any(|h| h == part), "cut hint {part:?} in {line}");
                    }
                }
            }
        }
        let detail = hints(Scope::Detail, false, false, Lang::Zh);
        assert_eq!(detail.last().map(String::as_str), Some("? 帮助"));
        let steps = hints(STEPS, false, false, Lang::En);
        assert_eq!(steps[0], "s start");
        assert_eq!(steps.last().map(String::as_str), Some("? help"));
    }
}

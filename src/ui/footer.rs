//! The bottom line: a short-lived message when there is one, else the focused pane's keys.

use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::fit;
use super::view::Pane;
use super::Ctx;

pub fn render(f: &mut Frame, ctx: &Ctx, area: Rect) {
    let ui = ctx.ui();
    let w = area.width as usize;
    if let Some(flash) = ctx.view.flash.as_ref().filter(|fl| fl.until > ctx.now) {
        let style = if flash.error { ctx.theme.danger } else { ctx.theme.ok };
        f.render_widget(Paragraph::new(fit(&format!(" {}", flash.text), w)).style(style), area);
        return;
    }
    if ctx.view.read_only {
        let keys = match ctx.lang {
            crate::runbook::model::Lang::Zh => {
                "只读 · ↑↓ 选择 Tab 窗格 Enter 展开 y 复制命令 c 通知预览 ? 帮助 q 退出"
            }
            crate::runbook::model::Lang::En => {
                "read-only · ↑↓ select Tab pane ⏎ expand y copy commands c comms ? help q quit"
            }
        };
        f.render_widget(Paragraph::new(fit(&format!(" {keys}"), w)).style(ctx.theme.muted), area);
        return;
    }
    let keys = match ctx.view.focus {
        Pane::Steps => ui.keys_steps,
        Pane::Timers => ui.keys_timers,
        Pane::Timeline => ui.keys_timeline,
        Pane::Health => ui.keys_health,
    };
    // In a drill the facilitator's keys come first; the pane's keys follow as room allows.
    let drill = if ctx.inc.is_some_and(|i| i.is_drill()) { ui.keys_drill } else { "" };
    f.render_widget(
        Paragraph::new(fit(&format!(" {drill}{keys}"), w)).style(ctx.theme.muted),
        area,
    );
}

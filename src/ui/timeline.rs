//! The timeline pane: every event with its local time, newest at the bottom.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::truncate;
use super::view::Pane;
use super::Ctx;
use crate::incident::describe::describe;
use crate::incident::Incident;

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let ui = ctx.ui();
    let title = format!("{} · {} {}", ui.timeline, inc.events.len(), ui.events);
    let block = ctx.pane_block(&title, Pane::Timeline);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let height = inner.height as usize;
    let w = inner.width as usize;
    let total = inc.events.len();
    let offset = ctx.view.timeline_offset.min(total.saturating_sub(height));
    let end = total - offset;
    let start = end.saturating_sub(height);
    let lines: Vec<Line> = inc.events[start..end]
        .iter()
        .map(|ev| {
            let style = if ev.kind.is_failure() { ctx.theme.danger } else { ctx.theme.text };
            Line::from(vec![
                Span::styled(format!("{} ", ctx.local_hms(ev.at)), ctx.theme.muted),
                Span::styled(truncate(&describe(ev, ctx.rb, ctx.lang), w.saturating_sub(9)), style),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

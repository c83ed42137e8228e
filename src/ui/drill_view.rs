//! A drill's text screens (briefing, upcoming injects, a decision): headed sections, every line
//! wrapped in full, scrolled by the facilitator.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::overlay::{centered, dialog};
use super::text::{truncate, wrap};
use super::view::DrillSheet;
use super::Ctx;

pub fn render(f: &mut Frame, ctx: &Ctx, area: Rect, sheet: &DrillSheet) {
    text_sheet(f, ctx, area, &sheet.title, &sheet.sections, &sheet.keys, sheet.scroll);
}

/// Headed sections of lines in a dialog, every line wrapped whole, scrolled `scroll` rows,
/// with `keys` on its last row (also for a timeline entry or a service shown whole).
pub fn text_sheet(
    f: &mut Frame,
    ctx: &Ctx,
    area: Rect,
    title: &str,
    sections: &[(String, Vec<String>)],
    keys: &str,
    scroll: usize,
) {
    let rect = centered(area, area.width.saturating_sub(4).min(100), area.height.saturating_sub(2));
    let w = rect.width.saturating_sub(4) as usize;
    let mut rows: Vec<Line> = Vec::new();
    for (head, lines) in sections {
        if !head.is_empty() {
            rows.push(Line::from(Span::styled(truncate(head, w), ctx.theme.accent)));
        }
        for l in lines {
            // Continuation rows are indented under their item.
            for (i, part) in wrap(l, w.saturating_sub(2).max(8)).into_iter().enumerate() {
                let lead = if i == 0 { "· " } else { "  " };
                rows.push(Line::from(Span::styled(format!("{lead}{part}"), ctx.theme.text)));
            }
        }
        rows.push(Line::from(""));
    }
    while rows.last().is_some_and(|l| l.width() == 0) {
        rows.pop();
    }
    let room = (rect.height as usize).saturating_sub(3);
    let start = scroll.min(rows.len().saturating_sub(room));
    let more = rows.len() > start + room;
    let mut lines: Vec<Line> = rows.into_iter().skip(start).take(room).collect();
    while lines.len() < room {
        lines.push(Line::from(""));
    }
    let hint = if more { format!("↓ … · {keys}") } else { keys.to_string() };
    lines.push(Line::from(Span::styled(truncate(&hint, w), ctx.theme.muted)));
    dialog(f, ctx, rect, title, lines);
}

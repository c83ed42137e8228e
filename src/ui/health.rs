//! The health pane: one card per service with state, latency, a sparkline of recent latencies,
//! when it last changed, and the last error or note in plain words.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::plain::Plain;
use super::text::{fit, truncate};
use super::view::Pane;
use super::{health_style, health_symbol, Ctx};
use crate::incident::Incident;
use crate::probe::Health;

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Latency history as block characters scaled to the largest value; `×` marks a failure.
pub fn sparkline(history: &[Option<u32>], cells: usize) -> String {
    let recent = &history[history.len().saturating_sub(cells)..];
    let max = recent.iter().flatten().copied().max().unwrap_or(1).max(1);
    recent
        .iter()
        .map(|v| match v {
            Some(ms) => {
                SPARKS[((*ms as usize * (SPARKS.len() - 1)) / max as usize).min(SPARKS.len() - 1)]
            }
            None => '×',
        })
        .collect()
}

pub fn render(f: &mut Frame, ctx: &Ctx, _inc: &Incident, area: Rect) {
    let block = ctx.pane_block(ctx.ui().health, Pane::Health);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let (lines, sel_line) = lines(ctx, inner.width as usize);
    let height = inner.height as usize;
    // Keep the selected service's two rows on screen.
    let offset = (sel_line + 2).saturating_sub(height);
    let visible: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    f.render_widget(Plain::new(visible), inner);
}

/// The health pane's rows at inner width `w`, and the row of the selected service.
pub fn lines(ctx: &Ctx, w: usize) -> (Vec<Line<'static>>, usize) {
    let ui = ctx.ui();
    let focused = ctx.view.focus == Pane::Health && ctx.view.modal.is_none();
    let mut lines: Vec<Line> = Vec::new();
    let mut sel_line = 0;
    for (i, h) in ctx.view.health.iter().enumerate() {
        if i == ctx.view.health_sel {
            sel_line = lines.len();
        }
        let state_style = health_style(ctx, h.state);
        let selected = i == ctx.view.health_sel;
        let (mark, name_style) =
            super::select(selected, focused, ctx.theme.text.add_modifier(Modifier::BOLD));
        let (_, state_sel) = super::select(selected, focused, state_style);
        let latency = h.latency_ms.map(|ms| format!("{ms}ms")).unwrap_or_else(|| "-".to_string());
        let spark_w = w.saturating_sub(1 + 2 + 10 + 9 + 7).min(20);
        lines.push(Line::from(vec![
            Span::styled(mark, name_style),
            Span::styled(format!("{} ", health_symbol(h.state)), state_sel),
            Span::styled(fit(&h.id, 10), name_style),
            Span::styled(fit(h.state.as_str(), 9), state_sel),
            Span::styled(fit(&latency, 7), ctx.theme.text),
            Span::styled(sparkline(&h.history, spark_w), ctx.theme.accent),
        ]));
        let since = h
            .changed_at
            .map(|t| format!("{} {} · ", ui.since, ctx.local_hms(t)))
            .unwrap_or_default();
        let detail = if h.state == Health::Unknown && h.detail.is_empty() {
            ui.not_probed.to_string()
        } else {
            h.detail.clone()
        };
        lines.push(Line::from(Span::styled(
            truncate(&format!("   {since}{detail}"), w),
            ctx.theme.muted,
        )));
        for note in &h.notes {
            lines.push(Line::from(Span::styled(
                truncate(&format!("   {note}"), w),
                ctx.theme.muted,
            )));
        }
    }
    if let Some(m) = &ctx.view.mirror {
        lines.push(Line::from(Span::styled(truncate(m, w), ctx.theme.muted)));
    }
    (lines, sel_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_and_marks_failures() {
        assert_eq!(sparkline(&[Some(1), Some(8), None, Some(4)], 10), "▁█×▄");
        assert_eq!(sparkline(&[Some(5); 30], 3), "███");
        assert_eq!(sparkline(&[], 5), "");
    }
}

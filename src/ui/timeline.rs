//! The timeline pane: every event with its local time, newest at the bottom.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::{truncate, width};
use super::view::Pane;
use super::Ctx;
use crate::incident::describe::describe;
use crate::incident::{Actor, Event, EventKind, Incident};
use crate::safe_text::visible_line;

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
            let by = others_mark(ev, ctx.view.me.as_ref());
            let text = truncate(&describe(ev, ctx.rb, ctx.lang), w.saturating_sub(9 + width(&by)));
            Line::from(vec![
                Span::styled(format!("{} ", ctx.local_hms(ev.at)), ctx.theme.muted),
                Span::styled(by, ctx.theme.accent),
                Span::styled(text, style),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// "bob pts/3 · " before what another console or shell did, so a note from a second shell
/// never reads as this operator's own. Nothing for this process, nor for this operator's
/// earlier session on the same terminal (a resume), nor for session events, whose words
/// already name the console.
fn others_mark(ev: &Event, me: Option<&Actor>) -> String {
    let Some(me) = me else { return String::new() };
    let who = &ev.who;
    let this_process = who.host == me.host && who.pid == me.pid;
    let same_seat = who.label() == me.label() && who.tty == me.tty && who.host == me.host;
    let names_itself =
        matches!(ev.kind, EventKind::SessionStarted { .. } | EventKind::SessionEnded { .. });
    if this_process || same_seat || names_itself {
        return String::new();
    }
    let place = match (who.short_tty(), who.host == me.host) {
        (Some(t), true) => t.to_string(),
        (Some(t), false) => format!("{}:{t}", who.host),
        (None, true) => format!("pid {}", who.pid),
        (None, false) => who.host.clone(),
    };
    visible_line(&format!("{} {place} · ", who.label())).into_owned()
}

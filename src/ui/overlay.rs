//! Dialogs drawn over the screen: key help, text input, confirmations.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::text::{truncate, wrap};
use super::view::{InputKind, Modal};
use super::Ctx;
use crate::safe_text::visible_line;

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn render(f: &mut Frame, ctx: &Ctx, area: Rect) {
    let Some(modal) = &ctx.view.modal else { return };
    let ui = ctx.ui();
    match modal {
        Modal::Help => super::help::render(f, ctx, area),
        Modal::Input { kind, text } => {
            let prompt = match kind {
                InputKind::Note => ui.note,
                InputKind::Skip { .. } => ui.skip_reason,
                InputKind::Fail { .. } => ui.fail_reason,
                InputKind::Backup => ui.backup_time,
                InputKind::Inject => ui.inject_prompt,
                InputKind::Notified { .. } => ui.notified_prompt,
                InputKind::TemplateField { .. } => ui.f_field,
                InputKind::CommsChannel { .. } => ui.channel_prompt,
                InputKind::SavePath { .. } | InputKind::SaveCopied { .. } => ui.save_prompt,
                InputKind::Reason { .. } => ui.correction_reason,
                InputKind::CorrectT0 => ui.correct_t0_prompt,
                InputKind::Level => ui.level_prompt,
                InputKind::Functions => ui.functions_prompt,
                InputKind::HandOver => ui.handover_prompt,
                InputKind::Owner { .. } => ui.owner_prompt,
            };
            let rect = centered(area, 70, 8);
            let inner_w = rect.width.saturating_sub(4) as usize;
            // Show the end of a long input so the cursor stays visible.
            let mut shown: Vec<String> = wrap(&format!("{text}▏"), inner_w.max(4));
            if shown.len() > 3 {
                shown = shown.split_off(shown.len() - 3);
            }
            let mut lines: Vec<Line> =
                shown.into_iter().map(|s| Line::from(Span::styled(s, ctx.theme.text))).collect();
            while lines.len() < 3 {
                lines.push(Line::from(""));
            }
            let hint = match ctx.inc {
                Some(inc) if kind.picks_people() => {
                    let names = inc.people().join(" · ");
                    truncate(&visible_line(&format!("{}{names}", ui.tab_picks)), inner_w)
                }
                _ => ui.input_keys.to_string(),
            };
            lines.push(Line::from(Span::styled(hint, ctx.theme.muted)));
            dialog(f, ctx, rect, prompt, lines);
        }
        Modal::Comms(cv) => super::comms_view::render(f, ctx, area, cv),
        Modal::Copied(cv) => super::copied_view::render(f, ctx, area, cv),
        Modal::Drill(sheet) => super::drill_view::render(f, ctx, area, sheet),
        Modal::ConfirmQuit | Modal::Confirm { .. } => {
            let text = match modal {
                Modal::Confirm { question, .. } => question.as_str(),
                _ => ui.confirm_quit,
            };
            // Wrapped to the room `dialog` leaves inside (borders and a padding column), or
            // the end of a line is cut off at the border.
            let inner = text_width(centered(area, 64, 6));
            let wrapped = wrap(text, inner.max(8));
            let rect = centered(area, 64, (wrapped.len() as u16 + 2).clamp(6, 14));
            let lines =
                wrapped.into_iter().map(|l| Line::from(Span::styled(l, ctx.theme.warn))).collect();
            dialog(f, ctx, rect, "?", lines);
        }
    }
}

/// The cells a line of text has inside `dialog`'s box: two borders and a padding column.
pub fn text_width(rect: Rect) -> usize {
    rect.width.saturating_sub(3) as usize
}

/// Clear `rect` for something drawn over the screen. A wide character just left of it would
/// cover its first column (a terminal draws both cells of it, and ratatui then skips the
/// covered cell): it becomes a space, so the left border shows.
pub fn clear(f: &mut Frame, rect: Rect) {
    f.render_widget(Clear, rect);
    if rect.x == 0 || rect.width == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in rect.top()..rect.bottom() {
        let cell = &mut buf[(rect.x - 1, y)];
        if super::text::width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

pub fn dialog(f: &mut Frame, ctx: &Ctx, rect: Rect, title: &str, lines: Vec<Line>) {
    clear(f, rect);
    let block =
        Block::new().borders(Borders::ALL).border_style(ctx.theme.title).title(Span::styled(
            format!(" {} ", truncate(title, rect.width.saturating_sub(4) as usize)),
            ctx.theme.title,
        ));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let padded = Rect { x: inner.x + 1, width: inner.width.saturating_sub(1), ..inner };
    f.render_widget(Paragraph::new(lines), padded);
}

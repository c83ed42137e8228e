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
        Modal::Input { kind: InputKind::Placeholder { copy }, text } => {
            placeholder_input(f, ctx, area, copy.ask.first().map_or("", String::as_str), text)
        }
        Modal::Choose(ch) => chooser(f, ctx, area, ch),
        Modal::Input { kind, text } => {
            let prompt = match kind {
                InputKind::Placeholder { .. } => "",
                InputKind::Note => ui.note,
                InputKind::Skip { .. } => ui.skip_reason,
                InputKind::Fail { .. } => ui.fail_reason,
                InputKind::Backup => ui.backup_time,
                InputKind::Inject => ui.inject_prompt,
                InputKind::Notified { .. } => ui.notified_prompt,
                InputKind::TemplateField { .. } => ui.f_field,
                InputKind::CommsChannel { .. } => ui.channel_prompt,
                InputKind::SavePath { .. } | InputKind::SaveCopied { .. } => ui.save_prompt,
                InputKind::Reason { cmd }
                    if matches!(**cmd, crate::incident::decide::Command::OverrideWait { .. }) =>
                {
                    crate::i18n::messages(ctx.lang).wait_reason_prompt
                }
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
        Modal::Entry(sheet) => {
            let keys = crate::i18n::reading_words(ctx.lang).sheet_keys;
            let (title, sections) = (&sheet.title, &sheet.sections);
            super::drill_view::text_sheet(f, ctx, area, title, sections, keys, sheet.scroll);
        }
        Modal::ConfirmQuit | Modal::Confirm { .. } => {
            let closed_quit = closed_quit_text(ctx);
            let text = match modal {
                Modal::Confirm { question, .. } => question.as_str(),
                _ => closed_quit.as_deref().unwrap_or(ui.confirm_quit),
            };
            // Wrapped to the room `dialog` leaves inside (borders and a padding column), or
            // the end of a line is cut off at the border.
            let inner = text_width(centered(area, 64, 6));
            let wrapped = wrap(text, inner.max(8));
            // A closing question can list much (unticked items, open steps): up to the screen.
            let most = area.height.saturating_sub(2).max(6);
            let rect = centered(area, 64, (wrapped.len() as u16 + 2).clamp(6, most));
            let lines =
                wrapped.into_iter().map(|l| Line::from(Span::styled(l, ctx.theme.warn))).collect();
            dialog(f, ctx, rect, "?", lines);
        }
    }
}

/// The quit question on a closed incident whose post-recovery steps are still open.
fn closed_quit_text(ctx: &Ctx) -> Option<String> {
    let inc = ctx.inc?;
    if !inc.has_post_closing_work(ctx.rb) {
        return None;
    }
    let n = inc.post_closing_open(ctx.rb).len();
    let m = crate::i18n::messages(ctx.lang);
    let t = if n == 1 { m.closed_quit_one } else { m.closed_quit_many };
    Some(crate::i18n::fill(t, &[("n", &n.to_string())]))
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

/// The value of one command placeholder: its label and id as the title, its pattern under the
/// input; a secret one's typing is shown as dots.
fn placeholder_input(f: &mut Frame, ctx: &Ctx, area: Rect, name: &str, text: &str) {
    let words = crate::i18n::command_words(ctx.lang);
    let p = ctx.rb.placeholder(name);
    let title = match p {
        Some(p) => format!("{} {{{name}}}", p.label),
        None => format!("{{{name}}}"),
    };
    let rect = centered(area, 70, 8);
    let inner_w = rect.width.saturating_sub(4) as usize;
    let secret = p.is_some_and(|p| p.secret);
    let shown = if secret { "•".repeat(text.chars().count()) } else { text.to_string() };
    let mut wrapped = wrap(&format!("{shown}▏"), inner_w.max(4));
    if wrapped.len() > 2 {
        wrapped = wrapped.split_off(wrapped.len() - 2);
    }
    let mut lines: Vec<Line> =
        wrapped.into_iter().map(|s| Line::from(Span::styled(s, ctx.theme.text))).collect();
    while lines.len() < 2 {
        lines.push(Line::from(""));
    }
    let about = match (p.and_then(|p| p.pattern.as_deref()), secret) {
        (Some(pat), true) => format!("{}: {pat} · {}", words.pattern, words.secret_note),
        (Some(pat), false) => format!("{}: {pat}", words.pattern),
        (None, true) => words.secret_note.to_string(),
        (None, false) => String::new(),
    };
    lines.push(Line::from(Span::styled(truncate(&about, inner_w), ctx.theme.accent)));
    lines.push(Line::from(Span::styled(ctx.ui().input_keys.to_string(), ctx.theme.muted)));
    dialog(f, ctx, rect, &title, lines);
}

/// The alternatives of a step, one per line, the chosen one marked; grouped under their step
/// when a step and its sub-procedure's steps offer some.
fn chooser(f: &mut Frame, ctx: &Ctx, area: Rect, ch: &crate::ui::view::Chooser) {
    let words = crate::i18n::command_words(ctx.lang);
    let groups = {
        let mut steps: Vec<&str> = ch.options.iter().map(|o| o.step.as_str()).collect();
        steps.dedup();
        steps.len()
    };
    let inner_w = 64usize.min(area.width.saturating_sub(4) as usize);
    let mut lines: Vec<Line> = Vec::new();
    let mut last_step = "";
    for (i, o) in ch.options.iter().enumerate() {
        if groups > 1 && o.step != last_step {
            lines.push(Line::from(Span::styled(truncate(&o.step_title, inner_w), ctx.theme.muted)));
            last_step = &o.step;
        }
        let mark = if o.chosen { format!(" ✓ {}", words.chosen) } else { String::new() };
        let cursor = if i == ch.sel { "▶" } else { " " };
        let text = truncate(&format!("{cursor} {}. {}{mark}", i + 1, o.label), inner_w);
        let style = if i == ch.sel { ctx.theme.title } else { ctx.theme.text };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(truncate(words.chooser_keys, inner_w), ctx.theme.muted)));
    let h = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 68, h);
    let title = match ch.options.first() {
        Some(o) if groups == 1 => format!("{} — {}", words.chooser_title, o.step_title),
        _ => words.chooser_title.to_string(),
    };
    dialog(f, ctx, rect, &title, lines);
}

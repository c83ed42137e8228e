//! A copied text shown whole, for the operator to select with the mouse: the whole screen, no
//! border beside the text (a border would be selected with it), lines cut at the screen's
//! width without dropping a character.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::text::{truncate, wrap};
use super::view::CopiedView;
use super::Ctx;

/// `text` in rows of at most `width` cells. Every character stays, in order: a row ends where
/// the next character would not fit, never at a word boundary that would drop a space.
pub fn hard_wrap(text: &str, width: u16) -> Vec<String> {
    let max = usize::from(width).max(2);
    let mut rows = Vec::new();
    for line in text.split('\n') {
        let line = crate::safe_text::visible_line(line);
        let mut row = String::new();
        let mut used = 0;
        for g in line.graphemes(true) {
            let w = UnicodeWidthStr::width(g);
            if used + w > max {
                rows.push(std::mem::take(&mut row));
                used = 0;
            }
            row.push_str(g);
            used += w;
        }
        rows.push(row);
    }
    rows
}

/// How many rows the text takes at `width`.
pub fn copied_rows(text: &str, width: u16) -> usize {
    hard_wrap(text, width).len()
}

pub fn render(f: &mut Frame, ctx: &Ctx, area: Rect, cv: &CopiedView) {
    super::overlay::clear(f, area);
    let w = area.width as usize;
    let words = crate::i18n::copy_words(ctx.lang);
    let mut head: Vec<Line> = Vec::new();
    // The overlay covers the footer: what just happened (a file written) shows in its place.
    let first = ctx.view.flash.as_ref().map_or(cv.why.as_str(), |f| f.text.as_str());
    for l in wrap(first, w).into_iter().take(2) {
        head.push(Line::from(Span::styled(l, ctx.theme.title)));
    }
    for l in wrap(words.overlay_keys, w).into_iter().take(2) {
        head.push(Line::from(Span::styled(l, ctx.theme.muted)));
    }
    head.push(Line::from(Span::styled("─".repeat(w), ctx.theme.muted)));
    let top = head.len() as u16;
    let rows = hard_wrap(&cv.text, area.width);
    let room = area.height.saturating_sub(top) as usize;
    let start = cv.scroll.min(rows.len().saturating_sub(room.max(1)));
    let mut body: Vec<Line> = rows
        .iter()
        .skip(start)
        .take(room)
        .map(|r| Line::from(Span::styled(r.clone(), ctx.theme.text)))
        .collect();
    if start + room < rows.len() {
        // More below: say so on the last row rather than cutting the text silently.
        body.pop();
        let more = format!("↓ {}", rows.len() - start - room + 1);
        body.push(Line::from(Span::styled(truncate(&more, w), ctx.theme.muted)));
    }
    let head_rect = Rect { height: top.min(area.height), ..area };
    f.render_widget(Paragraph::new(head), head_rect);
    let body_rect = Rect { y: area.y + top, height: area.height.saturating_sub(top), ..area };
    f.render_widget(Paragraph::new(body), body_rect);
}

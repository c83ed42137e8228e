//! The bottom line: a short-lived message when there is one, else the focused pane's keys.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::plain::Plain;
use super::text::fit;
use super::Ctx;

pub fn render(f: &mut Frame, ctx: &Ctx, area: Rect) {
    let ui = ctx.ui();
    let w = area.width as usize;
    if let Some(flash) = ctx.view.flash.as_ref().filter(|fl| fl.until > ctx.now) {
        let style = if flash.error { ctx.theme.danger } else { ctx.theme.ok };
        f.render_widget(Plain::new(fit(&format!(" {}", flash.text), w)).style(style), area);
        return;
    }
    // The focused pane's keys from the key table, whole hints only, `?` always last.
    if ctx.view.timeline.typing() && ctx.view.modal.is_none() {
        let keys = crate::i18n::reading_words(ctx.lang).typing_keys;
        f.render_widget(Plain::new(fit(&format!(" {keys}"), w)).style(ctx.theme.muted), area);
        return;
    }
    let searching = ctx.view.focus == super::view::Pane::Timeline && ctx.view.timeline.searching();
    let place = if ctx.view.detail_open() {
        crate::keymap::Scope::Detail
    } else if searching {
        crate::keymap::Scope::Search
    } else {
        crate::keymap::Scope::Pane(ctx.view.focus)
    };
    let drill = ctx.inc.is_some_and(|i| i.is_drill()) && !ctx.view.read_only;
    let mut hints =
        crate::keymap::runbook_hints(place, drill, ctx.view.read_only, ctx.lang, ctx.rb);
    // The checklist keys only where there is a checklist to tick.
    if ctx.view.detail.as_ref().is_some_and(|d| !detail_has_items(ctx, d)) {
        hints.retain(|h| !h.starts_with("}/{ ") && !h.starts_with("Space "));
    }
    let lead = if ctx.view.read_only { ui.read_only_lead } else { "" };
    let room = w.saturating_sub(1 + super::text::width(lead));
    let keys = crate::keymap::footer_line(&hints, room);
    f.render_widget(Plain::new(fit(&format!(" {lead}{keys}"), w)).style(ctx.theme.muted), area);
}

fn detail_has_items(ctx: &Ctx, d: &super::view::Detail) -> bool {
    if d.checklists {
        return true;
    }
    let id = ctx.inc.and_then(|i| i.step(&d.step)).map(|s| s.id.as_str()).unwrap_or(&d.step);
    ctx.rb.step(id).is_some_and(|t| t.step.checklist.is_some())
}

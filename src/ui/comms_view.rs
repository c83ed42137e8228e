//! The communications dialog: §7.1 stages as a checklist, §7.2 templates, and a template's
//! filled preview with its operator fields.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::overlay::{centered, dialog};
use super::text::{fit, truncate, wrap};
use super::view::CommsView;
use super::Ctx;
use crate::comms::{self, fill::template_fields, StageState};
use crate::runbook::model::FieldSource;

pub fn render(f: &mut Frame, ctx: &Ctx, area: Rect, cv: &CommsView) {
    let ui = ctx.ui();
    let Some(inc) = ctx.inc else { return };
    let rb = ctx.rb;
    let rect = centered(area, area.width.saturating_sub(4).min(100), area.height.saturating_sub(2));
    let w = rect.width.saturating_sub(4) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let status_update = cv.preview == Some(rb.templates.len());
    match cv.preview.and_then(|i| rb.templates.get(i).map(|t| (i, t))) {
        None if status_update => {
            // Built in: nothing to fill; the text is the incident as it stands.
            let text = comms::status_update::text(inc, rb, rb.plan.language, ctx.now, ctx.tz);
            let room = (rect.height as usize).saturating_sub(3);
            let rows: Vec<String> = text
                .trim()
                .lines()
                .skip(cv.field_sel)
                .collect::<Vec<_>>()
                .join("\n")
                .lines()
                .flat_map(|l| wrap(l, w))
                .collect();
            for l in rows.into_iter().take(room) {
                lines.push(Line::from(Span::styled(l, ctx.theme.text)));
            }
            lines.push(Line::from(Span::styled(truncate(ui.preview_keys, w), ctx.theme.muted)));
        }
        None => {
            let stages = comms::stage_statuses(inc, rb);
            for (i, st) in stages.iter().enumerate() {
                let (mark, word, style) = match st.state {
                    StageState::Done => ("✓", ui.stage_done, ctx.theme.ok),
                    StageState::Due => ("●", ui.stage_due, ctx.theme.warn),
                    StageState::NotYet => ("·", ui.stage_not_yet, ctx.theme.muted),
                };
                let text = format!(
                    "{mark} {} → {} ({}) [{word}]",
                    st.stage.stage,
                    st.stage.audience,
                    st.stage.channels.join("/")
                );
                let style = if cv.sel == i { ctx.theme.selection } else { style };
                lines.push(Line::from(Span::styled(fit(&text, w), style)));
                for n in &st.sent {
                    let who = format!(
                        "    {} {} · {} · {}",
                        ctx.local_hms(n.at),
                        n.channel,
                        n.notified,
                        n.by
                    );
                    lines.push(Line::from(Span::styled(truncate(&who, w), ctx.theme.muted)));
                }
            }
            lines.push(Line::from(""));
            for (j, t) in rb.templates.iter().enumerate() {
                let i = stages.len() + j;
                let sent = inc.comms.messages.iter().filter(|m| m.template == t.id).count();
                let text = format!("✉ {} ({sent})", t.name);
                let style = if cv.sel == i { ctx.theme.selection } else { ctx.theme.text };
                lines.push(Line::from(Span::styled(fit(&text, w), style)));
            }
            let i = stages.len() + rb.templates.len();
            let text = format!("✉ {}", comms::status_update::name(rb.plan.language));
            let style = if cv.sel == i { ctx.theme.selection } else { ctx.theme.text };
            lines.push(Line::from(Span::styled(fit(&text, w), style)));
            if let Some(u) = comms::update_status(inc, rb, ctx.now) {
                let left = crate::duration_text::signed((u.due_at - ctx.now).abs());
                let text = if u.overdue {
                    format!("{}: {} {left}", ui.next_update, ui.overdue)
                } else {
                    format!("{}: {left}", ui.next_update)
                };
                lines.push(Line::from(""));
                let style = if u.overdue { ctx.theme.danger } else { ctx.theme.muted };
                lines.push(Line::from(Span::styled(truncate(&text, w), style)));
            }
            lines.push(Line::from(Span::styled(truncate(ui.comms_keys, w), ctx.theme.muted)));
        }
        Some((_, t)) => {
            let filled = comms::fill(t, inc, rb, &cv.values, ctx.tz);
            let operator: Vec<_> = template_fields(t, rb)
                .into_iter()
                .filter(|fd| fd.source == FieldSource::Operator)
                .collect();
            for (i, fd) in operator.iter().enumerate() {
                let value = cv.values.get(&fd.id).cloned().unwrap_or_default();
                let text = format!(
                    "{}: {}",
                    fd.label,
                    if value.is_empty() { "▁▁▁".to_string() } else { value }
                );
                let style = if i == cv.field_sel { ctx.theme.selection } else { ctx.theme.accent };
                lines.push(Line::from(Span::styled(truncate(&text, w), style)));
            }
            lines.push(Line::from(""));
            let room = (rect.height as usize).saturating_sub(lines.len() + 4);
            for l in wrap(filled.text.trim(), w).into_iter().take(room) {
                let style = if filled.blanks.iter().any(|b| {
                    rb.fields
                        .iter()
                        .any(|fd| &fd.id == b && l.contains(&comms::fill::blank(&fd.label)))
                }) {
                    ctx.theme.warn.add_modifier(Modifier::UNDERLINED)
                } else {
                    ctx.theme.text
                };
                lines.push(Line::from(Span::styled(l, style)));
            }
            lines.push(Line::from(Span::styled(truncate(ui.preview_keys, w), ctx.theme.muted)));
        }
    }
    let title = match cv.preview.and_then(|i| rb.templates.get(i)) {
        Some(t) => format!("{} · {}", ui.comms_title, t.name),
        None if status_update => {
            format!("{} · {}", ui.comms_title, comms::status_update::name(rb.plan.language))
        }
        None => ui.comms_title.to_string(),
    };
    let height = rect.height.saturating_sub(2) as usize;
    if lines.len() > height {
        let keep_last = lines.pop();
        lines.truncate(height.saturating_sub(1));
        lines.extend(keep_last);
    }
    dialog(f, ctx, rect, &title, lines);
}

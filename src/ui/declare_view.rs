//! Drawing the declaration form.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::declare::{DeclareForm, Field};
use super::text::{fit, truncate, width};
use super::Ctx;
use crate::i18n;
use crate::safe_text::visible_line;

const LABEL_W: usize = 14;

pub fn render(f: &mut Frame, ctx: &Ctx, area: Rect) {
    let Some(form) = &ctx.view.declare else { return };
    let ui = ctx.ui();
    let th = ctx.theme;
    let rb = ctx.rb;
    let w = area.width as usize;
    let value_w = w.saturating_sub(LABEL_W + 2);
    let mut lines: Vec<Line> = Vec::new();
    let title = format!(" {} · {} ", ui.declare_title, rb.plan.name);
    lines.push(Line::from(Span::styled(fit(&title, w), th.header)));
    lines.push(Line::from(""));
    if form.choosing {
        let head = format!("{} {} — {}", form.open.len(), ui.open_incidents, ui.open_choose_keys);
        lines.push(Line::from(Span::styled(fit(&head, w), th.warn)));
        for (i, (_, line)) in form.open.iter().enumerate() {
            let (marker, style) =
                if i == form.open_sel { ("▶", th.selection) } else { (" ", th.text) };
            lines.push(Line::from(Span::styled(fit(&format!("{marker}{line}"), w), style)));
        }
        lines.push(Line::from(""));
    }

    let label = |field: Field, text: &str| {
        let style = if form.field == field { th.title } else { th.muted };
        let marker = if form.field == field { "▶" } else { " " };
        Span::styled(format!("{marker}{}", fit(text, LABEL_W)), style)
    };
    let value_style = |field: Field| if form.field == field { th.selection } else { th.text };

    // Disaster type
    if let Some(d) = rb.disaster_types.get(form.type_idx) {
        lines.push(Line::from(vec![
            label(Field::Type, ui.f_type),
            Span::styled(format!("◀ {} ▶", d.name), value_style(Field::Type)),
        ]));
        let info = format!(
            "{} · {} {} · P{}",
            d.description,
            rb_label(ctx).impact,
            i18n::impact(ctx.lang, d.impact),
            d.priority
        );
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(LABEL_W + 1)),
            Span::styled(truncate(&info, value_w), th.muted),
        ]));
        // A scenario's symptoms, to recognise it by: one line, as much as fits.
        if !d.symptoms.is_empty() {
            let text = format!("{}: {}", rb_label(ctx).symptoms, d.symptoms.join(" · "));
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(LABEL_W + 1)),
                Span::styled(truncate(&visible_line(&text), value_w), th.muted),
            ]));
        }
    }
    // Level, with its description and example
    if let Some(lv) = rb.level(form.level) {
        let name = match &lv.label {
            Some(l) if !lv.name.contains(l.as_str()) => format!("{l} {}", lv.name),
            _ => lv.name.clone(),
        };
        lines.push(Line::from(vec![
            label(Field::Level, ui.f_level),
            Span::styled(format!("◀ {name} ▶"), value_style(Field::Level)),
        ]));
        let dtype = rb.disaster_types.get(form.type_idx).map_or("", |d| d.id.as_str());
        let track = rb.track_for(dtype, form.level).map(|t| t.name.as_str()).unwrap_or("");
        let mut texts = vec![lv.description.clone()];
        if let Some(ex) = &lv.example {
            texts.push(format!("{} {}", ui.example, ex));
        }
        let mut then = format!("→ {track}");
        if let Some(r) = &lv.response {
            then = format!("→ {r} · {track}");
        }
        if let Some(within) = lv.respond_within {
            then.push_str(&format!(" · {} {within}", rb_label(ctx).respond_within));
        }
        texts.push(then);
        if !lv.escalation.is_empty() {
            let path: Vec<&str> = lv
                .escalation
                .iter()
                .map(|r| rb.role(r).map_or(r.as_str(), |x| x.title.as_str()))
                .collect();
            texts.push(format!("{}: {}", rb_label(ctx).escalation, path.join(" → ")));
        }
        for text in texts {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(LABEL_W + 1)),
                Span::styled(truncate(&text, value_w), th.muted),
            ]));
        }
    }
    // Affected functions: checkboxes, wrapped by width
    let items: Vec<(String, bool)> =
        rb.functions.iter().zip(&form.functions).map(|(f, on)| (f.name.clone(), *on)).collect();
    checkbox_rows(
        ctx,
        form,
        Field::Functions,
        ui.f_functions,
        &items,
        form.function_cursor,
        value_w,
        &mut lines,
    );
    text_row(ctx, form, Field::Reporter, ui.f_reporter, &form.reporter, &mut lines);
    text_row(ctx, form, Field::Coordinator, ui.f_coordinator, &form.coordinator, &mut lines);
    let team: Vec<(String, bool)> = rb
        .roles
        .iter()
        .zip(&form.team)
        .map(|(r, on)| (format!("{} {}", r.title, r.person), *on))
        .collect();
    checkbox_rows(ctx, form, Field::Team, ui.f_team, &team, form.team_cursor, value_w, &mut lines);
    text_row(ctx, form, Field::T0, ui.f_t0, &form.t0, &mut lines);
    lines.push(Line::from(vec![
        Span::raw(" ".repeat(LABEL_W + 1)),
        Span::styled(truncate(ui.f_t0_hint, value_w), th.muted),
    ]));
    lines.push(Line::from(""));
    let button_style = if form.field == Field::Submit {
        th.selection.add_modifier(Modifier::BOLD)
    } else {
        th.title
    };
    lines.push(Line::from(vec![
        Span::raw(" ".repeat(LABEL_W + 1)),
        Span::styled(ui.declare_button, button_style),
    ]));
    if let Some(err) = &form.error {
        lines.push(Line::from(Span::styled(truncate(&format!(" ⚠ {err}"), w), th.danger)));
    }

    let height = area.height as usize;
    let body_h = height.saturating_sub(1);
    let mut shown: Vec<Line> = lines.into_iter().take(body_h).collect();
    while shown.len() < body_h {
        shown.push(Line::from(""));
    }
    shown.push(Line::from(Span::styled(fit(&format!(" {}", ui.declare_keys), w), th.muted)));
    f.render_widget(Paragraph::new(shown), area);
}

fn rb_label(ctx: &Ctx) -> &'static i18n::Labels {
    i18n::labels(ctx.lang)
}

fn text_row(
    ctx: &Ctx,
    form: &DeclareForm,
    field: Field,
    label_text: &str,
    value: &str,
    lines: &mut Vec<Line<'static>>,
) {
    let th = ctx.theme;
    let focused = form.field == field;
    let style = if focused { th.title } else { th.muted };
    let marker = if focused { "▶" } else { " " };
    let cursor = if focused { "▏" } else { "" };
    let value_style = if focused { th.selection } else { th.text };
    lines.push(Line::from(vec![
        Span::styled(format!("{marker}{}", fit(label_text, LABEL_W)), style),
        Span::styled(format!("[{}{cursor}]", visible_line(value)), value_style),
    ]));
}

#[allow(clippy::too_many_arguments)]
fn checkbox_rows(
    ctx: &Ctx,
    form: &DeclareForm,
    field: Field,
    label_text: &str,
    items: &[(String, bool)],
    cursor: usize,
    value_w: usize,
    lines: &mut Vec<Line<'static>>,
) {
    let th = ctx.theme;
    let focused = form.field == field;
    let style = if focused { th.title } else { th.muted };
    let marker = if focused { "▶" } else { " " };
    let mut rows: Vec<Vec<Span<'static>>> =
        vec![vec![Span::styled(format!("{marker}{}", fit(label_text, LABEL_W)), style)]];
    let mut used = 0;
    for (i, (name, on)) in items.iter().enumerate() {
        let text = format!("[{}]{} ", if *on { "x" } else { " " }, name);
        let tw = width(&text);
        if used + tw > value_w && used > 0 {
            rows.push(vec![Span::raw(" ".repeat(LABEL_W + 1))]);
            used = 0;
        }
        let item_style = if focused && i == cursor {
            th.selection
        } else if *on {
            th.text
        } else {
            th.muted
        };
        if let Some(row) = rows.last_mut() {
            row.push(Span::styled(text, item_style));
        }
        used += tw;
    }
    lines.extend(rows.into_iter().map(Line::from));
}

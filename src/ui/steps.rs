//! The steps pane: the track's steps with status, owner and time spent; a selected step can be
//! expanded to show its sub-steps, checklist and commands.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::{fit, fit_right, truncate, width};
use super::view::Pane;
use super::Ctx;
use crate::incident::timers::format_signed;
use crate::incident::{Incident, StepState, StepStatus};

pub fn symbol(s: &StepState) -> &'static str {
    match s.status {
        StepStatus::Pending if s.failures > 0 => "⟳",
        StepStatus::Pending => "·",
        StepStatus::InProgress => "▶",
        StepStatus::Done => "✓",
        StepStatus::Skipped => "↷",
        StepStatus::Failed => "✗",
    }
}

fn status_style(ctx: &Ctx, s: &StepState) -> Style {
    match s.status {
        StepStatus::Pending => ctx.theme.text,
        StepStatus::InProgress => ctx.theme.accent.add_modifier(Modifier::BOLD),
        StepStatus::Done => ctx.theme.ok,
        StepStatus::Skipped => ctx.theme.muted,
        StepStatus::Failed => ctx.theme.danger,
    }
}

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let ui = ctx.ui();
    let done = inc
        .steps
        .iter()
        .filter(|s| matches!(s.status, StepStatus::Done | StepStatus::Skipped))
        .count();
    let title = format!("{} {}/{} · {}", ui.steps, done, inc.steps.len(), inc.track_name);
    let block = ctx.pane_block(&title, Pane::Steps);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let owner_w = if w >= 70 { 16 } else { 10 };
    let spent_w = 7;
    let focused = ctx.view.focus == Pane::Steps && ctx.view.modal.is_none();

    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    let mut number = 0;
    for (i, s) in inc.steps.iter().enumerate() {
        let selected = i == ctx.view.step_sel;
        if selected {
            selected_line = lines.len();
        }
        let Some(ts) = ctx.rb.step(&s.id) else { continue };
        let num = if s.adjust_for.is_some() {
            " ↳".to_string()
        } else {
            number += 1;
            format!("{number:>2}")
        };
        let mut title = ts.step.title.clone();
        if s.failures > 0 && s.adjust_for.is_none() {
            title.push_str(&format!(" ({}{})", s.failures, ui.iterations));
        }
        if s.status == StepStatus::Pending && s.failures > 0 {
            title.push_str(&format!(" · {}", ui.retest));
        }
        let owner = match ts.step.owner.as_deref() {
            Some(o) => ctx.rb.role(o).map_or(o, |r| r.title.as_str()),
            None => "",
        };
        let spent = s.spent_at(ctx.now);
        let spent_text = if spent.is_zero() && s.status == StepStatus::Pending {
            String::new()
        } else {
            format_signed(spent)
        };
        let title_w = w.saturating_sub(2 + 3 + owner_w + spent_w + 2);
        let text = format!(
            "{} {} {} {} {}",
            symbol(s),
            num,
            fit(&title, title_w),
            fit(owner, owner_w),
            fit_right(&spent_text, spent_w)
        );
        let mut style = status_style(ctx, s);
        if selected {
            style = if focused {
                ctx.theme.selection
            } else {
                style.add_modifier(Modifier::UNDERLINED)
            };
        }
        lines.push(Line::from(Span::styled(fit(&text, w), style)));
        if let Some(reason) = &s.reason {
            if matches!(s.status, StepStatus::Skipped | StepStatus::Failed) {
                lines.push(Line::from(Span::styled(
                    truncate(&format!("      ↳ {reason}"), w),
                    ctx.theme.muted,
                )));
            }
        }
        if ctx.view.expanded.contains(&s.key) {
            expansion(ctx, s, w, &mut lines);
        }
    }

    let height = inner.height as usize;
    // Keep the selected step on screen, with its expansion when there is room.
    let offset = (selected_line + 1).saturating_sub(height);
    let visible: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    f.render_widget(Paragraph::new(visible), inner);
}

fn expansion(ctx: &Ctx, s: &StepState, w: usize, lines: &mut Vec<Line<'static>>) {
    let ui = ctx.ui();
    let Some(ts) = ctx.rb.step(&s.id) else { return };
    let step = ts.step;
    let indent = "      ";
    let push = |lines: &mut Vec<Line<'static>>, text: String, style: Style| {
        lines.push(Line::from(Span::styled(truncate(&format!("{indent}{text}"), w), style)));
    };
    if let Some(parent) = &s.adjust_for {
        let title =
            ctx.rb.step(parent).map(|t| t.step.title.clone()).unwrap_or_else(|| parent.clone());
        push(lines, format!("{}: {title}", ui.adjust_for), ctx.theme.muted);
    }
    if let Some(d) = &step.detail {
        push(lines, d.clone(), ctx.theme.text);
    }
    for item in &step.items {
        push(lines, format!("• {item}"), ctx.theme.text);
    }
    let mut commands = step.commands.clone();
    if let Some(sub) = step.procedure.as_deref().and_then(|p| ctx.rb.procedure(p)) {
        let section = sub.section.as_deref().map(|s| format!(" §{s}")).unwrap_or_default();
        push(lines, format!("{}{section}", sub.name), ctx.theme.accent);
        for sub_step in &sub.steps {
            push(lines, format!("  {}", sub_step.title), ctx.theme.text);
            for item in &sub_step.items {
                push(lines, format!("    • {item}"), ctx.theme.muted);
            }
            commands.extend(sub_step.commands.iter().cloned());
        }
    }
    if let Some(cl) =
        step.checklist.as_deref().and_then(|c| ctx.rb.checklists.iter().find(|x| x.id == c))
    {
        push(lines, cl.name.clone(), ctx.theme.accent);
        for item in &cl.items {
            push(lines, format!("  ☐ {item}"), ctx.theme.text);
        }
    }
    if !commands.is_empty() {
        for c in &commands {
            push(lines, format!("# {}", c.label), ctx.theme.muted);
            // Commands are shown whole, wrapped, so they can be copied from the terminal.
            let room = w.saturating_sub(width(indent) + 2).max(10);
            for chunk in super::text::wrap(&c.run, room) {
                push(lines, format!("$ {chunk}"), ctx.theme.accent);
            }
        }
        push(lines, format!("({})", ui.commands_note), ctx.theme.muted);
    }
}

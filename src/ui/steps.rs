//! The steps pane: the track's steps with status, owner and time spent. Enter opens the
//! selected step's detail (see `detail`).

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::{fit, fit_right, truncate};
use super::view::Pane;
use super::Ctx;
use crate::duration_text;
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
        // A step given to someone (`a`) shows that person; else the runbook's role, if any.
        let owner = match (inc.owners.get(&s.key), ts.step.owner.as_deref()) {
            (Some(person), _) => person.as_str(),
            (None, Some(o)) => ctx.rb.role(o).map_or(o, |r| r.title.as_str()),
            (None, None) => "",
        };
        let spent = s.spent_at(ctx.now);
        let spent_text = if spent.is_zero() && s.status == StepStatus::Pending {
            String::new()
        } else {
            duration_text::signed(spent)
        };
        let title_w = w.saturating_sub(1 + 2 + 3 + owner_w + spent_w + 2);
        let (mark, style) = super::select(selected, focused, status_style(ctx, s));
        let text = format!(
            "{mark}{} {} {} {} {}",
            symbol(s),
            num,
            fit(&title, title_w),
            fit(owner, owner_w),
            fit_right(&spent_text, spent_w)
        );
        lines.push(Line::from(Span::styled(fit(&text, w), style)));
        // A wait: the countdown under the wait step, "waiting for …" under the step it holds.
        if !matches!(s.status, StepStatus::Done | StepStatus::Skipped) {
            if let Some((words, figures)) = super::detail::wait_parts(ctx, inc, &s.key) {
                let room = w.saturating_sub(super::text::width(&figures));
                let line = format!("{}{figures}", truncate(&format!("       ↳ {words}"), room));
                lines.push(Line::from(Span::styled(truncate(&line, w), ctx.theme.warn)));
            }
        }
        if let Some(reason) = &s.reason {
            if matches!(s.status, StepStatus::Skipped | StepStatus::Failed) {
                lines.push(Line::from(Span::styled(
                    truncate(&format!("       ↳ {reason}"), w),
                    ctx.theme.muted,
                )));
            }
        }
    }

    let height = inner.height as usize;
    // Keep the selected step on screen.
    let offset = (selected_line + 1).saturating_sub(height);
    let visible: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    f.render_widget(Paragraph::new(visible), inner);
}

//! The steps pane: the track's steps with status, owner and time spent. Enter opens the
//! selected step's detail (see `detail`).

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::plain::Plain;
use super::text::{fit, fit_right, truncate, width};
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

/// The steps pane's rows at inner width `w`, and which of them is the selected step.
pub fn lines(ctx: &Ctx, inc: &Incident, w: usize) -> (Vec<Line<'static>>, usize) {
    let ui = ctx.ui();
    let spent_w = 7;
    let focused = ctx.view.focus == Pane::Steps && ctx.view.modal.is_none();
    // Each step's title and owner first: the columns are as wide as they need.
    let mut rows = Vec::new();
    let mut number = 0;
    for s in &inc.steps {
        let Some(ts) = ctx.rb.step(&s.id) else {
            rows.push(None);
            continue;
        };
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
            (Some(person), _) => person.clone(),
            (None, Some(o)) => ctx.rb.role(o).map_or(o, |r| r.title.as_str()).to_string(),
            (None, None) => String::new(),
        };
        rows.push(Some((num, title, owner)));
    }
    let most = |f: fn(&(String, String, String)) -> &String| {
        rows.iter().flatten().map(|r| width(f(r))).max().unwrap_or(0)
    };
    let (title_need, owner_need) = (most(|r| &r.1), most(|r| &r.2));
    // Extra columns widen titles first, then owners; below that, owners keep a fixed width.
    let base_owner = if w >= 70 { 16 } else { 10 };
    let room = w.saturating_sub(1 + 2 + 3 + spent_w + 2);
    let owner_w = if room >= title_need + owner_need.max(base_owner) {
        owner_need.max(base_owner)
    } else if room >= title_need + base_owner {
        room - title_need
    } else {
        base_owner
    };
    let title_w = room.saturating_sub(owner_w);

    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (i, (s, row)) in inc.steps.iter().zip(rows).enumerate() {
        let selected = i == ctx.view.step_sel;
        if selected {
            selected_line = lines.len();
        }
        let Some((num, title, owner)) = row else { continue };
        let spent = s.spent_at(ctx.now);
        let spent_text = if spent.is_zero() && s.status == StepStatus::Pending {
            String::new()
        } else {
            duration_text::signed(spent)
        };
        let (mark, style) = super::select(selected, focused, status_style(ctx, s));
        let text = format!(
            "{mark}{} {} {} {} {}",
            symbol(s),
            num,
            fit(&title, title_w),
            fit(&owner, owner_w),
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
    (lines, selected_line)
}

/// How many rows [`lines`] gives, without laying any out: the layout asks on every frame.
pub fn count(ctx: &Ctx, inc: &Incident) -> usize {
    inc.steps
        .iter()
        .filter(|s| ctx.rb.step(&s.id).is_some())
        .map(|s| {
            let open = !matches!(s.status, StepStatus::Done | StepStatus::Skipped);
            let wait = open && super::detail::wait_parts(ctx, inc, &s.key).is_some();
            let reason =
                s.reason.is_some() && matches!(s.status, StepStatus::Skipped | StepStatus::Failed);
            1 + usize::from(wait) + usize::from(reason)
        })
        .sum()
}

/// The steps pane's title.
fn title(ctx: &Ctx, inc: &Incident) -> String {
    let ui = ctx.ui();
    let done = inc
        .steps
        .iter()
        .filter(|s| matches!(s.status, StepStatus::Done | StepStatus::Skipped))
        .count();
    format!("{} {}/{} · {}", ui.steps, done, inc.steps.len(), inc.track_name)
}

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let block = ctx.pane_block(&title(ctx, inc), Pane::Steps);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let (lines, selected_line) = lines(ctx, inc, inner.width as usize);
    debug_assert_eq!(lines.len(), count(ctx, inc), "the layout counts the rows drawn");
    let height = inner.height as usize;
    // Keep the selected step on screen.
    let offset = (selected_line + 1).saturating_sub(height);
    let visible: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    f.render_widget(Plain::new(visible), inner);
}

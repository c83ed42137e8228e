//! The timers pane: the overall RTO and one countdown per affected business function, with the
//! health of the services it depends on rolled up beside it; then the availability budget and
//! the RPO.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::header::phase_style;
use super::plain::Plain;
use super::text::{fit, fit_right, label_figures, truncate, width};
use super::view::Pane;
use super::{health_style, health_symbol, Ctx};
use crate::duration_text;
use crate::incident::timers::{self, Countdown, Phase};
use crate::incident::Incident;
use crate::probe::Health;

/// Worst state of the services a function depends on.
pub fn rollup(ctx: &Ctx, services: &[String]) -> Health {
    let states: Vec<Health> = services
        .iter()
        .map(|s| {
            ctx.view.health.iter().find(|h| &h.id == s).map(|h| h.state).unwrap_or(Health::Unknown)
        })
        .collect();
    if states.contains(&Health::Down) {
        Health::Down
    } else if states.contains(&Health::Degraded) {
        Health::Degraded
    } else if !states.is_empty() && states.iter().all(|s| *s == Health::Up) {
        Health::Up
    } else {
        Health::Unknown
    }
}

fn bar(fraction: f64, cells: usize) -> String {
    let filled = ((fraction.clamp(0.0, 1.0)) * cells as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(cells.saturating_sub(filled)))
}

/// How far past its budget a stopped clock ran.
fn over(c: &Countdown) -> String {
    duration_text::signed(-c.remaining())
}

/// The figure of a countdown: what is left while it runs, the time it took once it stopped.
/// A clock stopped after its budget (restored after the breach) is ✗, never ✓; where there is
/// no room for the word beside it (`narrow`), the figure itself says by how much.
fn figure(ctx: &Ctx, c: &Countdown, narrow: bool) -> String {
    match c.phase {
        Phase::Met => format!("✓ {}", duration_text::signed(c.elapsed)),
        Phase::Missed if narrow => format!("✗ {} {}", ctx.ui().breached_by, over(c)),
        Phase::Missed | Phase::NotRestored => format!("✗ {}", duration_text::signed(c.elapsed)),
        _ => duration_text::clock(c.remaining()),
    }
}

/// The word shown where the bar would be, when words say more than a bar.
fn phase_word(ctx: &Ctx, c: &Countdown, restored: bool) -> Option<String> {
    let ui = ctx.ui();
    match c.phase {
        Phase::Missed => Some(format!("{} {}", ui.breached_by, over(c))),
        _ if restored => Some(ui.restored.to_string()),
        Phase::Breached => Some(ui.breached.to_string()),
        Phase::Met => Some(ui.met.to_string()),
        Phase::NotRestored => Some(ui.not_restored.to_string()),
        _ => None,
    }
}

/// The bar, or the phase in words once the clock stopped or ran out.
fn tail(ctx: &Ctx, c: &Countdown, restored: bool, bar_w: usize) -> String {
    match phase_word(ctx, c, restored) {
        Some(word) => fit(&word, bar_w),
        None => bar(c.fraction(), bar_w),
    }
}

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let block = ctx.pane_block(ctx.ui().timers, Pane::Timers);
    let inner = block.inner(area);
    f.render_widget(block, area);
    f.render_widget(Plain::new(lines(ctx, inc, inner.width as usize)), inner);
}

/// The timers pane's rows at inner width `w`.
pub fn lines(ctx: &Ctx, inc: &Incident, w: usize) -> Vec<Line<'static>> {
    let ui = ctx.ui();
    // Narrow panes drop the bar and keep the names readable.
    let bar_w = if w >= 44 { (w / 4).min(16) } else { 0 };
    let narrow = bar_w == 0;
    let overall = timers::overall_countdown(inc, ctx.now);
    let rows: Vec<_> = inc
        .timers
        .iter()
        .filter_map(|t| Some((t, ctx.rb.function(&t.id)?)))
        .map(|(t, func)| (t, func, timers::function_countdown(inc, t, ctx.now)))
        .collect();
    // Figures are never cut: their column is as wide as the widest, names take the rest.
    let figures: Vec<String> = overall
        .iter()
        .chain(rows.iter().map(|(_, _, c)| c))
        .map(|c| figure(ctx, c, narrow))
        .collect();
    let time_w = figures.iter().map(|f| width(f)).max().unwrap_or(0).max(8);
    let bar_room = if narrow { 0 } else { bar_w + 1 };
    let name_w = w.saturating_sub(1 + 2 + 1 + time_w + bar_room).min(24);
    let focused = ctx.view.focus == Pane::Timers && ctx.view.modal.is_none();
    let mut lines: Vec<Line> = Vec::new();
    let mut figures = figures.into_iter();

    if let Some(c) = overall {
        let style = phase_style(ctx, c.phase, ctx.theme.text).add_modifier(Modifier::BOLD);
        let fig = figures.next().unwrap_or_default();
        let mut spans = vec![
            Span::raw("   "),
            Span::styled(fit(ui.overall, name_w), style),
            Span::raw(" "),
            Span::styled(fit_right(&fig, time_w), style),
        ];
        if !narrow {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(tail(ctx, &c, false, bar_w), style));
        }
        lines.push(Line::from(spans));
    }
    for (i, (t, func, c)) in rows.iter().enumerate() {
        let state = rollup(ctx, &func.services);
        let selected = i == ctx.view.timer_sel;
        let (mark, style) =
            super::select(selected, focused, phase_style(ctx, c.phase, ctx.theme.text));
        let (_, symbol_style) = super::select(selected, focused, health_style(ctx, state));
        let fig = figures.next().unwrap_or_default();
        let mut spans = vec![
            Span::styled(mark, style),
            Span::styled(format!("{} ", health_symbol(state)), symbol_style),
            Span::styled(fit(&func.name, name_w), style),
            Span::styled(" ", style),
            Span::styled(fit_right(&fig, time_w), style),
        ];
        if !narrow {
            spans.push(Span::styled(" ", style));
            spans.push(Span::styled(tail(ctx, c, t.restored_at.is_some(), bar_w), style));
        }
        lines.push(Line::from(spans));
    }

    if let (Some(_), Some(target)) = (inc.overall_budget, ctx.rb.plan.availability_target) {
        let budget = target.monthly_budget();
        let used = timers::availability_used(inc, ctx.now);
        let pct = used.num_seconds() as f64 * 100.0 / budget.as_secs_f64().max(1.0);
        let style = if pct >= 100.0 { ctx.theme.danger } else { ctx.theme.muted };
        // The figures stay whole; the label gives way.
        let label = format!("{} {}", ui.budget, ui.used);
        let figures = format!(
            "{}/{} ({pct:.0}%)",
            duration_text::signed(used),
            duration_text::compact(std::time::Duration::from_secs(budget.as_secs() / 60 * 60)),
        );
        lines.push(Line::from(Span::styled(label_figures(&label, &figures, w), style)));
    }
    let rpo = timers::rpo_status(inc);
    let rpo_line = match rpo.window {
        Some(win) => label_figures(
            &format!("RPO {}:", duration_text::compact(rpo.rpo)),
            &format!(
                "{} {}",
                duration_text::signed(win),
                if rpo.met() == Some(true) { "✓" } else { "✗" }
            ),
            w,
        ),
        None => {
            format!("RPO {}: {} (b)", duration_text::compact(rpo.rpo), ui.rpo_unknown)
        }
    };
    let rpo_style = if rpo.met() == Some(false) { ctx.theme.breached } else { ctx.theme.muted };
    lines.push(Line::from(Span::styled(truncate(&rpo_line, w), rpo_style)));
    if let Some(u) = crate::comms::update_status(inc, ctx.rb, ctx.now) {
        let left = duration_text::signed((u.due_at - ctx.now).abs());
        let (label, style) = if u.overdue {
            (format!("{}: {}", ui.next_update, ui.overdue), ctx.theme.danger)
        } else {
            (format!("{}:", ui.next_update), ctx.theme.muted)
        };
        let text = label_figures(&label, &format!("{left} (c)"), w);
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines
}

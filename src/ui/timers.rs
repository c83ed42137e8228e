//! The timers pane: the overall RTO and one countdown per affected business function, with the
//! health of the services it depends on rolled up beside it; then the availability budget and
//! the RPO.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::header::phase_style;
use super::text::{fit, truncate};
use super::view::Pane;
use super::{health_style, health_symbol, Ctx};
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

fn countdown_text(c: &Countdown) -> String {
    match c.phase {
        Phase::Met => format!("✓ {}", timers::format_signed(c.elapsed)),
        Phase::Missed | Phase::NotRestored => format!("✗ {}", timers::format_signed(c.elapsed)),
        _ => timers::hms(c.remaining()),
    }
}

/// The word shown where the bar would be, when words say more than a bar.
fn phase_word(ctx: &Ctx, c: &Countdown, restored: bool) -> Option<&'static str> {
    let ui = ctx.ui();
    match c.phase {
        _ if restored => Some(ui.restored),
        Phase::Breached => Some(ui.breached),
        Phase::Met => Some(ui.met),
        Phase::Missed => Some(ui.missed),
        Phase::NotRestored => Some(ui.not_restored),
        _ => None,
    }
}

/// The bar, or the phase in words once the clock stopped or ran out.
fn tail(ctx: &Ctx, c: &Countdown, restored: bool, bar_w: usize) -> String {
    match phase_word(ctx, c, restored) {
        Some(word) if bar_w > 0 => fit(word, bar_w),
        Some(_) => String::new(),
        None => bar(c.fraction(), bar_w),
    }
}

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let ui = ctx.ui();
    let block = ctx.pane_block(ui.timers, Pane::Timers);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let time_w = 9;
    // Narrow panes drop the bar and keep the names readable.
    let bar_w = if w >= 44 { (w / 4).min(16) } else { 0 };
    let name_w = w.saturating_sub(2 + 1 + time_w + 1 + bar_w).min(24);
    let focused = ctx.view.focus == Pane::Timers && ctx.view.modal.is_none();
    let mut lines: Vec<Line> = Vec::new();

    if let Some(c) = timers::overall_countdown(inc, ctx.now) {
        let style = phase_style(ctx, c.phase, ctx.theme.text).add_modifier(Modifier::BOLD);
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(fit(ui.overall, name_w), style),
            Span::raw(" "),
            Span::styled(fit(&countdown_text(&c), time_w), style),
            Span::raw(" "),
            Span::styled(tail(ctx, &c, false, bar_w), style),
        ]));
    }
    for (i, t) in inc.timers.iter().enumerate() {
        let Some(func) = ctx.rb.function(&t.id) else { continue };
        let c = timers::function_countdown(inc, t, ctx.now);
        let state = rollup(ctx, &func.services);
        let mut style = phase_style(ctx, c.phase, ctx.theme.text);
        if i == ctx.view.timer_sel {
            style = if focused {
                ctx.theme.selection
            } else {
                style.add_modifier(Modifier::UNDERLINED)
            };
        }
        let restored = t.restored_at.is_some();
        let text = if restored {
            format!("✓ {}", timers::format_signed(c.elapsed))
        } else {
            countdown_text(&c)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", health_symbol(state)), health_style(ctx, state)),
            Span::styled(fit(&func.name, name_w), style),
            Span::styled(" ", style),
            Span::styled(fit(&text, time_w), style),
            Span::styled(" ", style),
            Span::styled(tail(ctx, &c, restored, bar_w), style),
        ]));
    }

    if inc.overall_budget.is_some() {
        let budget = ctx.rb.plan.availability_target.monthly_budget();
        let used = timers::availability_used(inc, ctx.now);
        let pct = used.num_seconds() as f64 * 100.0 / budget.as_secs_f64().max(1.0);
        let style = if pct >= 100.0 { ctx.theme.danger } else { ctx.theme.muted };
        let text = format!(
            "{} {}: {} {} ({:.0}%)",
            ui.budget,
            crate::runbook::duration::format(std::time::Duration::from_secs(
                budget.as_secs() / 60 * 60
            )),
            ui.used,
            timers::format_signed(used),
            pct
        );
        lines.push(Line::from(Span::styled(truncate(&text, w), style)));
    }
    let rpo = timers::rpo_status(inc);
    let rpo_line = match rpo.window {
        Some(win) => format!(
            "RPO {}: {} {}",
            crate::runbook::duration::format(rpo.rpo),
            timers::format_signed(win),
            if rpo.met() == Some(true) { "✓" } else { "✗" }
        ),
        None => {
            format!("RPO {}: {} (b)", crate::runbook::duration::format(rpo.rpo), ui.rpo_unknown)
        }
    };
    let rpo_style = if rpo.met() == Some(false) { ctx.theme.breached } else { ctx.theme.muted };
    lines.push(Line::from(Span::styled(truncate(&rpo_line, w), rpo_style)));
    if let Some(u) = crate::comms::update_status(inc, ctx.rb, ctx.now) {
        let left = timers::format_signed((u.due_at - ctx.now).abs());
        let (text, style) = if u.overdue {
            (format!("{}: {} {left} (c)", ui.next_update, ui.overdue), ctx.theme.danger)
        } else {
            (format!("{}: {left} (c)", ui.next_update), ctx.theme.muted)
        };
        lines.push(Line::from(Span::styled(truncate(&text, w), style)));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

//! The top bar: badge, incident id, level and type, time since T0, RTO countdown, RPO status.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::plain::Plain;
use super::text::width;
use super::Ctx;
use crate::duration_text;
use crate::incident::timers::{self, Phase};
use crate::incident::Incident;
use crate::safe_text::visible_line;

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let ui = ctx.ui();
    let th = ctx.theme;
    let closed = inc.closed_at.is_some();
    let badge = if ctx.view.read_only {
        // An observer: nothing typed here changes the incident.
        Span::styled(" VIEW ", th.warn.add_modifier(ratatui::style::Modifier::REVERSED))
    } else if let Some(d) = &inc.decl.drill {
        // The speed of the game clock, or that it stands still; T0+ below is game time.
        let paused = inc
            .events
            .iter()
            .rev()
            .find_map(|e| match e.kind {
                crate::incident::EventKind::DrillClock { paused } => Some(paused),
                _ => None,
            })
            .unwrap_or(false);
        let state = if closed {
            ui.closed.to_string()
        } else if paused {
            "⏸".to_string()
        } else {
            format!("×{}", d.speed)
        };
        Span::styled(format!(" DRILL {state} "), th.drill)
    } else if closed {
        // Over: nothing here is live any more, and the clocks below are final.
        Span::styled(
            format!(" {} ", ui.closed),
            th.warn.add_modifier(ratatui::style::Modifier::REVERSED),
        )
    } else {
        Span::styled(" LIVE ", th.live)
    };
    let dtype = ctx
        .rb
        .disaster_type(&inc.decl.disaster_type)
        .map(|d| d.name.as_str())
        .unwrap_or(&inc.decl.disaster_type);
    let since_t0 = duration_text::clock(inc.closed_at.unwrap_or(ctx.now) - inc.decl.t0);
    let mut parts: Vec<(Span, u8)> = vec![
        // The id yields first at 80 columns: the commander matters more mid-incident.
        (Span::styled(format!(" {} ", inc.id()), th.header), 3),
        (
            Span::styled(
                format!(
                    "{} {} ",
                    visible_line(&ctx.rb.level_label(inc.decl.level, ui.level)),
                    visible_line(dtype)
                ),
                th.header,
            ),
            0,
        ),
        // Time since T0 yields before the commander (the RTO countdown says how late it is),
        // except in a drill, where it is the game clock the facilitator runs.
        (Span::styled(format!("T0+{since_t0} "), th.header), if inc.is_drill() { 0 } else { 2 }),
        (
            Span::styled(format!("{} {} ", ui.commander, visible_line(inc.commander())), th.header),
            // In a drill the nearest deadline matters more to the players.
            if inc.is_drill() { 2 } else { 1 },
        ),
    ];
    // The severity's acknowledge clock, until someone works a step; red once passed.
    if let Some(r) = crate::incident::response::response(inc, ctx.rb) {
        if r.acknowledged_at.is_none() && inc.is_open() {
            let left = r.due - ctx.now;
            let (text, style) = if r.breached(ctx.now) {
                (format!("ACK {} ", duration_text::signed(left)), th.breached)
            } else {
                (format!("ACK {} ", duration_text::clock(left)), th.header)
            };
            // Never dropped for width: at 80 columns it is what the responder must see.
            parts.push((Span::styled(text, style), 0));
        }
    }
    if let Some(c) = timers::overall_countdown(inc, ctx.now) {
        let style = phase_style(ctx, c.phase, th.header);
        let label = match c.phase {
            Phase::Met => format!("RTO ✓ {} ", duration_text::signed(c.elapsed)),
            Phase::Missed | Phase::NotRestored => {
                format!("RTO ✗ {} ", duration_text::signed(c.elapsed))
            }
            _ => format!("RTO {} ", duration_text::clock(c.remaining())),
        };
        parts.push((Span::styled(label, style), 0));
    }
    if let Some(part) = functions_part(ctx, inc) {
        // Yields before the commander when a long type name leaves no room for both.
        parts.push((part, 1));
    }
    let rpo = timers::rpo_status(inc);
    let rpo_text = match (rpo.window, rpo.met()) {
        (Some(w), Some(true)) => format!("RPO {} ✓{} ", fmt_std(rpo.rpo), duration_text::signed(w)),
        (Some(w), _) => format!("RPO {} ✗{} ", fmt_std(rpo.rpo), duration_text::signed(w)),
        (None, _) => format!("RPO {} ? ", fmt_std(rpo.rpo)),
    };
    let rpo_style = if rpo.met() == Some(false) { th.breached } else { th.header };
    parts.push((Span::styled(rpo_text, rpo_style), 2));
    if closed && ctx.view.read_only {
        parts.push((Span::styled(format!(" {} ", ui.closed), th.warn), 0));
    }

    // Drop the least important parts until the bar fits; the badge always stays.
    let avail = (area.width as usize).saturating_sub(width(&badge.content) + 1);
    // Each part ends with a space; the last one's may fall off the edge.
    while parts.iter().map(|(s, _)| width(&s.content)).sum::<usize>().saturating_sub(1) > avail {
        let Some(drop) = parts.iter().enumerate().max_by_key(|(_, (_, p))| *p).map(|(i, _)| i)
        else {
            break;
        };
        if parts[drop].1 == 0 {
            break;
        }
        parts.remove(drop);
    }
    let mut spans = vec![badge, Span::styled(" ", th.header)];
    spans.extend(parts.into_iter().map(|(s, _)| s));
    f.render_widget(Plain::new(Line::from(spans)).style(th.header), area);
}

fn fmt_std(d: std::time::Duration) -> String {
    duration_text::compact(d)
}

/// Beside the overall RTO, the business functions: how many are past their RTO, or else the
/// deadline nearest to running out. Nothing once the incident is over.
fn functions_part(ctx: &Ctx, inc: &Incident) -> Option<Span<'static>> {
    if inc.ended_at().is_some() {
        return None;
    }
    let ui = ctx.ui();
    let running: Vec<_> = inc
        .timers
        .iter()
        .filter(|t| t.restored_at.is_none())
        .map(|t| (t, timers::function_countdown(inc, t, ctx.now)))
        .collect();
    let breached = running.iter().filter(|(_, c)| c.phase == Phase::Breached).count();
    if breached > 0 {
        let text = format!("✗ {breached} {} ", ui.functions_breached);
        return Some(Span::styled(text, ctx.theme.breached));
    }
    let (t, c) = running.iter().min_by_key(|(_, c)| c.remaining())?;
    let name = ctx.rb.function(&t.id).map(|f| f.name.as_str()).unwrap_or(&t.id);
    let text = format!(
        "{}: {} {} ",
        ui.nearest,
        super::text::truncate(&visible_line(name), 12),
        duration_text::clock(c.remaining())
    );
    Some(Span::styled(text, phase_style(ctx, c.phase, ctx.theme.header)))
}

pub fn phase_style(ctx: &Ctx, phase: Phase, base: Style) -> Style {
    match phase {
        Phase::Ok | Phase::Met => base,
        Phase::Warn => ctx.theme.warn,
        Phase::Danger => ctx.theme.danger,
        Phase::Breached | Phase::Missed | Phase::NotRestored => ctx.theme.breached,
    }
}

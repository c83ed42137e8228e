//! The top bar: badge, incident id, level and type, time since T0, RTO countdown, RPO status.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::text::width;
use super::Ctx;
use crate::incident::timers::{self, Phase};
use crate::incident::Incident;
use crate::safe_text::visible_line;

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let ui = ctx.ui();
    let th = ctx.theme;
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
        let state = if paused { "⏸".to_string() } else { format!("×{}", d.speed) };
        Span::styled(format!(" DRILL {state} "), th.drill)
    } else {
        Span::styled(" LIVE ", th.live)
    };
    let dtype = ctx
        .rb
        .disaster_type(&inc.decl.disaster_type)
        .map(|d| d.name.as_str())
        .unwrap_or(&inc.decl.disaster_type);
    let since_t0 = timers::hms(inc.closed_at.unwrap_or(ctx.now) - inc.decl.t0);
    let mut parts: Vec<(Span, u8)> = vec![
        (Span::styled(format!(" {} ", inc.id()), th.header), 1),
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
        (Span::styled(format!("T0+{since_t0} "), th.header), 0),
    ];
    // The severity's acknowledge clock, until someone works a step; red once passed.
    if let Some(r) = crate::incident::response::response(inc, ctx.rb) {
        if r.acknowledged_at.is_none() && inc.is_open() {
            let left = r.due - ctx.now;
            let (text, style) = if r.breached(ctx.now) {
                (format!("ACK {} ", timers::format_signed(left)), th.breached)
            } else {
                (format!("ACK {} ", timers::hms(left)), th.header)
            };
            // Never dropped for width: at 80 columns it is what the responder must see.
            parts.push((Span::styled(text, style), 0));
        }
    }
    if let Some(c) = timers::overall_countdown(inc, ctx.now) {
        let style = phase_style(ctx, c.phase, th.header);
        let label = match c.phase {
            Phase::Met | Phase::Missed | Phase::NotRestored => {
                format!("RTO {} ", timers::format_signed(c.elapsed))
            }
            _ => format!("RTO {} ", timers::hms(c.remaining())),
        };
        parts.push((Span::styled(label, style), 0));
    }
    let rpo = timers::rpo_status(inc);
    let rpo_text = match (rpo.window, rpo.met()) {
        (Some(w), Some(true)) => format!("RPO {} ✓{} ", fmt_std(rpo.rpo), timers::format_signed(w)),
        (Some(w), _) => format!("RPO {} ✗{} ", fmt_std(rpo.rpo), timers::format_signed(w)),
        (None, _) => format!("RPO {} ? ", fmt_std(rpo.rpo)),
    };
    let rpo_style = if rpo.met() == Some(false) { th.breached } else { th.header };
    parts.push((Span::styled(rpo_text, rpo_style), 2));
    if inc.closed_at.is_some() {
        parts.push((Span::styled(format!(" {} ", ui.closed), th.warn), 0));
    }

    // Drop the least important parts until the bar fits; the badge always stays.
    let avail = (area.width as usize).saturating_sub(width(&badge.content) + 1);
    while parts.iter().map(|(s, _)| width(&s.content)).sum::<usize>() > avail {
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
    f.render_widget(Paragraph::new(Line::from(spans)).style(th.header), area);
}

fn fmt_std(d: std::time::Duration) -> String {
    crate::runbook::duration::format(d)
}

pub fn phase_style(ctx: &Ctx, phase: Phase, base: Style) -> Style {
    match phase {
        Phase::Ok | Phase::Met => base,
        Phase::Warn => ctx.theme.warn,
        Phase::Danger => ctx.theme.danger,
        Phase::Breached | Phase::Missed | Phase::NotRestored => ctx.theme.breached,
    }
}

//! Where the four panes go. Steps, timers and health take the rows their content needs (as far
//! as they fit); the timeline takes every row left below them, in both columns. Where the two
//! columns end at different heights the timeline is L-shaped: narrow under the shorter
//! column, then the whole width. So no pane has blank rows while another is cut, except where
//! nothing else could use them (a pane cut while the timeline shows every entry cannot be
//! given the timeline's rows of another column).

use ratatui::layout::Rect;

use super::Ctx;
use crate::incident::Incident;

/// The timeline keeps at least this many rows (its title and three entries) below the steps.
const TIMELINE_MIN: u16 = 4;
/// The right column's widest useful width: past it, columns go to step titles and owners.
const RIGHT_MAX: u16 = 72;

/// The panes' places on the main screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panes {
    pub steps: Rect,
    pub timers: Rect,
    pub health: Rect,
    /// The timeline, top to bottom: one rect, or a narrow one and then a full-width one.
    pub timeline: Vec<Rect>,
}

/// Rows each pane would use to show everything (title included), at the widths of `body`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    pub steps: u16,
    pub timers: u16,
    pub health: u16,
    pub timeline: u16,
}

/// The two columns' widths: the left 60% (at least 48), the right the rest, at most
/// [`RIGHT_MAX`] wide.
pub fn columns(body: Rect) -> (u16, u16) {
    let left = (body.width * 60 / 100).max(48).min(body.width);
    let right = body.width - left;
    let right = right.min(RIGHT_MAX);
    (body.width - right, right)
}

pub fn needs(ctx: &Ctx, inc: &Incident, body: Rect) -> Needs {
    let (_, right_w) = columns(body);
    let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    // The right column is drawn one cell in from its edge.
    let inner_right = right_w.saturating_sub(1) as usize;
    Needs {
        steps: clamp(1 + super::steps::count(ctx, inc)),
        timers: clamp(1 + super::timers::lines(ctx, inc, inner_right).len()),
        health: clamp(1 + super::health::lines(ctx, inner_right).0.len()),
        timeline: clamp(super::timeline::need(ctx, inc)),
    }
}

/// Place the panes in `body` for content needing `need` rows.
pub fn place(body: Rect, need: Needs) -> Panes {
    let (left_w, right_w) = columns(body);
    let h = body.height;
    let tl_min = need.timeline.clamp(2, TIMELINE_MIN);
    // The right column: timers first, health under them, each as tall as its content.
    let timers_h = need.timers.min(h);
    let health_h = need.health.min(h - timers_h);
    let right_h = timers_h + health_h;
    // The steps: as tall as their content, leaving the timeline its minimum below them...
    let mut steps_h = need.steps.min(h.saturating_sub(tl_min)).max(h.min(3));
    // ...unless the timeline already has that beside them, under a shorter right column.
    if right_h + tl_min <= h && right_h < steps_h {
        steps_h = need.steps.min(h);
    }
    let x = body.x;
    let rx = x + left_w;
    let steps = Rect { x, y: body.y, width: left_w, height: steps_h };
    let timers = Rect { x: rx, y: body.y, width: right_w, height: timers_h };
    let health = Rect { x: rx, y: body.y + timers_h, width: right_w, height: health_h };
    let (short_x, short_w, short_h) =
        if steps_h <= right_h { (x, left_w, steps_h) } else { (rx, right_w, right_h) };
    let long_h = steps_h.max(right_h);
    let mut timeline = Vec::new();
    if long_h > short_h {
        timeline.push(Rect {
            x: short_x,
            y: body.y + short_h,
            width: short_w,
            height: long_h - short_h,
        });
    }
    if h > long_h {
        timeline.push(Rect { x, y: body.y + long_h, width: body.width, height: h - long_h });
    }
    Panes { steps, timers, health, timeline }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(steps: u16, timers: u16, health: u16, timeline: u16) -> Needs {
        Needs { steps, timers, health, timeline }
    }

    #[test]
    fn the_timeline_takes_the_rows_under_the_shorter_column_then_the_whole_width() {
        let body = Rect::new(0, 2, 200, 47);
        let p = place(body, n(14, 12, 7, 30));
        assert_eq!(p.steps.height, 14);
        assert_eq!((p.timers.height, p.health.height), (12, 7));
        assert_eq!(p.timeline, vec![Rect::new(0, 16, 128, 5), Rect::new(0, 21, 200, 28)]);
    }

    #[test]
    fn at_80x24_the_steps_leave_the_timeline_its_minimum() {
        let body = Rect::new(0, 1, 80, 22);
        let p = place(body, n(30, 12, 7, 30));
        assert_eq!(p.steps.height, 18);
        let rows: u16 = p.timeline.iter().map(|r| r.height).sum();
        assert_eq!(rows, 4);
    }

    #[test]
    fn steps_longer_than_the_right_column_put_the_timeline_under_it_first() {
        let body = Rect::new(0, 1, 100, 40);
        let p = place(body, n(30, 8, 5, 30));
        assert_eq!(p.steps.height, 30);
        assert_eq!(p.timeline[0], Rect::new(60, 14, 40, 17));
        assert_eq!(p.timeline[1], Rect::new(0, 31, 100, 10));
    }
}

//! Drawing the timeline chart (`super::chart`) as inline SVG. The drawing is bounded by the
//! chart's width, not by the number of events: bars, health bands and ticks closer together
//! than about a pixel are merged, so a journal of 10,000 flaps still makes a chart of a few
//! hundred shapes.

use std::fmt::Write;

use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::chart::{words, Chart, Item, Lane, Shape, Words};
use super::html::escape;
use crate::runbook::model::Lang;
use crate::ui::text;

const WIDTH: f64 = 1000.0;
const LABEL_W: f64 = 230.0;
const RIGHT: f64 = 14.0;
const AXIS_H: f64 = 26.0;
const GROUP_H: f64 = 20.0;
const LANE_H: f64 = 17.0;
const BAR_H: f64 = 11.0;
/// Label text is cut to this many terminal cells (CJK counts two); the full text is on hover.
const LABEL_CELLS: usize = 36;
/// Shapes closer together than this (in chart units, about a pixel) are merged.
const MERGE_W: f64 = 2.0;
/// At most this many texts in one merged tick's hover text.
const TICK_TEXTS: usize = 6;

struct Scale {
    start: DateTime<Utc>,
    span_ms: f64,
}

impl Scale {
    fn x(&self, t: DateTime<Utc>) -> f64 {
        let ms = (t - self.start).num_milliseconds() as f64;
        let frac = (ms / self.span_ms).clamp(0.0, 1.0);
        LABEL_W + frac * (WIDTH - LABEL_W - RIGHT)
    }
}

/// Round to one decimal: enough for a screen or A4, and keeps the file small.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// An axis step giving at most about ten labels.
fn axis_step(span: Duration) -> Duration {
    const STEPS_MIN: [i64; 14] = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];
    let mins = span.num_minutes().max(1);
    let step = STEPS_MIN.iter().copied().find(|s| mins / s <= 10).unwrap_or(mins / 10 + 1);
    Duration::minutes(step)
}

/// Merge neighbouring shapes closer than [`MERGE_W`]: bands keep the worst state (a flapping
/// service shows as down, with the number of changes on hover), ticks keep the first texts.
fn merge(items: &[Item], scale: &Scale, w: &Words) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut merged = 1usize;
    for it in items {
        let Some(last) = out.last_mut() else {
            out.push(it.clone());
            continue;
        };
        let close = match it.shape {
            Shape::Tick => scale.x(it.from) - scale.x(last.from) < MERGE_W,
            // Only a bar still too narrow to see absorbs its neighbour, and only one that
            // touches it: a wide bar never takes the colour of a sliver after it.
            Shape::Bar => {
                scale.x(last.to) - scale.x(last.from) < MERGE_W
                    && scale.x(it.from) - scale.x(last.to) < MERGE_W
            }
            _ => false,
        };
        if !close || it.shape != last.shape {
            if merged > 1 {
                note_merged(last, merged, w);
            }
            merged = 1;
            out.push(it.clone());
            continue;
        }
        merged += 1;
        match it.shape {
            Shape::Tick => {
                if merged <= TICK_TEXTS {
                    last.title.push('\n');
                    last.title.push_str(&it.title);
                }
            }
            _ => {
                last.to = it.to;
                if it.severity > last.severity {
                    last.severity = it.severity;
                    last.class = it.class.clone();
                    last.title = it.title.clone();
                }
            }
        }
    }
    if merged > 1 {
        if let Some(last) = out.last_mut() {
            note_merged(last, merged, w);
        }
    }
    out
}

fn note_merged(it: &mut Item, count: usize, w: &Words) {
    match it.shape {
        Shape::Tick if count > TICK_TEXTS => {
            let _ = write!(it.title, "\n(+{} {})", count - TICK_TEXTS, w.more);
        }
        Shape::Bar => {
            it.title = format!("{} ({count} {})", it.title, w.changes);
            it.class.push_str(" merged");
        }
        _ => {}
    }
}

/// The chart as an inline SVG element. Every text is escaped; colours come from the page's
/// stylesheet (classes), so the print stylesheet can change them.
pub fn chart(c: &Chart, tz: FixedOffset, lang: Lang) -> String {
    let w = words(lang);
    let scale =
        Scale { start: c.start, span_ms: ((c.end - c.start).num_milliseconds() as f64).max(1.0) };
    let lanes: usize = c.groups.iter().map(|g| g.lanes.len()).sum();
    let height = AXIS_H + c.groups.len() as f64 * GROUP_H + lanes as f64 * LANE_H + 8.0;
    let mut o = String::with_capacity(16 * 1024);
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" \
         role=\"img\" aria-label=\"{}\">",
        n(WIDTH),
        n(height),
        escape(w.chart)
    );
    // Under everything: every other lane shaded, so the eye can follow a row.
    o.push_str("<g class=\"stripes\">");
    let mut y = AXIS_H;
    for g in &c.groups {
        y += GROUP_H;
        for i in 0..g.lanes.len() {
            if i % 2 == 0 {
                let _ = write!(
                    o,
                    "<rect class=\"stripe\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    n(y),
                    n(WIDTH),
                    n(LANE_H)
                );
            }
            y += LANE_H;
        }
    }
    o.push_str("</g>");
    // Axis: a label and a grid line per step.
    let step = axis_step(c.end - c.start);
    let long = c.end - c.start > Duration::hours(24);
    let local_start = c.start.with_timezone(&tz);
    let step_s = step.num_seconds().max(1);
    let offset = i64::from(tz.local_minus_utc());
    let first = ((local_start.timestamp() + offset) / step_s + 1) * step_s - offset;
    o.push_str("<g class=\"axis\">");
    let mut t = DateTime::<Utc>::from_timestamp(first, 0).unwrap_or(c.start);
    while t <= c.end {
        let x = n(scale.x(t));
        let label = t.with_timezone(&tz).format(if long { "%m-%d %H:%M" } else { "%H:%M" });
        let _ = write!(
            o,
            "<line class=\"grid\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/>\
             <text class=\"tl\" x=\"{x}\" y=\"{}\">{label}</text>",
            n(AXIS_H - 6.0),
            n(height - 4.0),
            n(AXIS_H - 10.0)
        );
        t += step;
    }
    o.push_str("</g>");
    let mut y = AXIS_H;
    for g in &c.groups {
        let _ = write!(
            o,
            "<text class=\"group\" x=\"4\" y=\"{}\">{}</text>",
            n(y + GROUP_H - 6.0),
            escape(&g.title)
        );
        y += GROUP_H;
        for lane in &g.lanes {
            lane_svg(&mut o, g.kind, lane, y, &scale, w);
            y += LANE_H;
        }
    }
    // T0 on top of the lanes: where every outage starts.
    let x0 = n(scale.x(c.t0));
    let _ = write!(
        o,
        "<line class=\"t0\" x1=\"{x0}\" x2=\"{x0}\" y1=\"{}\" y2=\"{}\"/>\
         <text class=\"t0l\" x=\"{x0}\" y=\"{}\">T0</text>",
        n(AXIS_H - 6.0),
        n(height - 4.0),
        n(AXIS_H - 18.0)
    );
    o.push_str("</svg>");
    o
}

fn lane_svg(o: &mut String, kind: &str, lane: &Lane, y: f64, s: &Scale, w: &Words) {
    let mid = y + LANE_H / 2.0;
    let _ = write!(o, "<g class=\"lane {kind}\">");
    let _ = write!(
        o,
        "<text class=\"label\" x=\"4\" y=\"{}\"><title>{}</title>{}</text>",
        n(mid + 4.0),
        escape(&lane.label),
        escape(&text::truncate(&lane.label, LABEL_CELLS))
    );
    // Outage lanes hold a few shapes that overlap on purpose; everything else is merged
    // where it is too dense to see.
    let items = if kind == "functions" { lane.items.clone() } else { merge(&lane.items, s, w) };
    for it in &items {
        let title = escape(&it.title);
        match it.shape {
            Shape::Bar => {
                let x1 = s.x(it.from);
                let width = (s.x(it.to) - x1).max(1.5);
                let _ = write!(
                    o,
                    "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">\
                     <title>{title}</title></rect>",
                    it.class,
                    n(x1),
                    n(mid - BAR_H / 2.0),
                    n(width),
                    n(BAR_H)
                );
            }
            Shape::Mark => {
                let x = s.x(it.from);
                let path = if it.class.contains("failed") {
                    format!("M{} {}l8 8m0 -8l-8 8", n(x - 4.0), n(mid - 4.0))
                } else if it.class.contains("skipped") {
                    format!("M{} {}l5 5l-5 5l-5 -5z", n(x), n(mid - 5.0))
                } else {
                    format!("M{} {}a4 4 0 1 0 8 0a4 4 0 1 0 -8 0", n(x - 4.0), n(mid))
                };
                let _ = write!(
                    o,
                    "<path class=\"{}\" d=\"{path}\"><title>{title}</title></path>",
                    it.class
                );
            }
            Shape::Line => {
                if it.from > s_end(s) {
                    continue;
                }
                let x = n(s.x(it.from));
                let _ = write!(
                    o,
                    "<line class=\"{}\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\">\
                     <title>{title}</title></line>",
                    it.class,
                    n(y + 1.0),
                    n(y + LANE_H - 1.0)
                );
            }
            Shape::Tick => {
                let x = n(s.x(it.from));
                let _ = write!(
                    o,
                    "<line class=\"{}\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\">\
                     <title>{title}</title></line>",
                    it.class,
                    n(mid - BAR_H / 2.0),
                    n(mid + BAR_H / 2.0)
                );
            }
        }
    }
    o.push_str("</g>");
}

fn s_end(s: &Scale) -> DateTime<Utc> {
    s.start + Duration::milliseconds(s.span_ms as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::Health;
    use crate::record::chart::severity;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn axis_steps_give_about_ten_labels() {
        assert_eq!(axis_step(Duration::minutes(30)), Duration::minutes(5));
        assert_eq!(axis_step(Duration::hours(8)), Duration::hours(1));
        assert_eq!(axis_step(Duration::days(3)), Duration::hours(12));
    }

    #[test]
    fn flapping_bands_merge_to_the_worst_state() {
        let scale = Scale { start: t(0), span_ms: 3_600_000.0 };
        let band = |from: i64, to: i64, state: Health| Item {
            shape: Shape::Bar,
            class: format!("band {}", state.as_str().to_ascii_lowercase()),
            from: t(from),
            to: t(to),
            title: state.to_string(),
            severity: severity(state),
        };
        // 1000 changes a second apart: each band is a fifth of a chart unit wide.
        let mut items: Vec<Item> = (0..1000)
            .map(|i| band(i, i + 1, if i % 2 == 0 { Health::Up } else { Health::Down }))
            .collect();
        items.push(band(1000, 3600, Health::Up));
        let merged =
            merge(&items, &scale, crate::i18n::chart_words(crate::runbook::model::Lang::En));
        assert!(merged.len() < 200, "{}", merged.len());
        assert!(merged.iter().any(|m| m.class.contains("down") && m.class.contains("merged")));
        assert_eq!(merged.last().map(|m| m.to), Some(t(3600)));
    }
}

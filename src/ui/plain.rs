//! Lines drawn as ratatui's `Paragraph` (without wrapping) draws them — left-aligned unless a
//! line says otherwise, cut at the right edge, a cluster wider than the area left out — but
//! split into clusters by `text::clusters`. Paragraph segments every span of every pane on
//! every frame, and that segmentation was the largest part of a frame's cost (BENCHMARKS.md);
//! the panes redrawn each second use this instead. `plain_draws_what_a_paragraph_draws`
//! holds the two to the same cells.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::style::Style;
use ratatui::text::Text;
use ratatui::widgets::Widget;

use super::text::clusters;

pub struct Plain<'a> {
    text: Text<'a>,
    style: Style,
}

impl<'a> Plain<'a> {
    pub fn new(text: impl Into<Text<'a>>) -> Plain<'a> {
        Plain { text: text.into(), style: Style::default() }
    }

    /// The style of the whole area, under the lines' own (as `Paragraph::style`).
    pub fn style(self, style: Style) -> Plain<'a> {
        Plain { style, ..self }
    }
}

impl Widget for Plain<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        buf.set_style(area, self.style);
        let max = usize::from(area.width);
        let mut row: Vec<(&str, usize, Style)> = Vec::new();
        for (y, line) in (area.top()..area.bottom()).zip(self.text.lines.iter()) {
            let alignment = line.alignment.unwrap_or(Alignment::Left);
            // A left-aligned line (nearly all) is drawn as it is cut; another is measured first.
            let mut put = |x: usize, g: &str, style: Style| {
                if let Ok(dx) = u16::try_from(x) {
                    buf[Position::new(area.left() + dx, y)].set_symbol(g).set_style(style);
                }
            };
            row.clear();
            let line_style = self.text.style.patch(line.style);
            let mut used = 0;
            'spans: for span in &line.spans {
                let style = line_style.patch(span.style);
                for (g, w) in clusters(&span.content) {
                    if g.contains(char::is_control) || w > max {
                        continue;
                    }
                    if used + w > max {
                        break 'spans;
                    }
                    if alignment == Alignment::Left {
                        if w > 0 {
                            put(used, g, style);
                        }
                    } else {
                        row.push((g, w, style));
                    }
                    used += w;
                }
            }
            let mut x = match alignment {
                Alignment::Left => continue,
                Alignment::Center => (max / 2).saturating_sub(used / 2),
                Alignment::Right => max.saturating_sub(used),
            };
            for &(g, w, style) in &row {
                if w > 0 {
                    put(x, g, style);
                    x += w;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::Paragraph;

    fn piece() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a",
                "Z",
                " ",
                "~",
                "数据",
                "库",
                "。",
                "ｶ",
                "ﾞ",
                "e\u{301}",
                "\u{301}",
                "🇨🇳",
                "👨\u{200D}👩",
                "\u{200D}",
                "\t",
                "\u{1b}",
                "…",
                "▶",
                "각",
                "\u{FE0F}",
                "·",
                "\n",
            ]),
            0..8,
        )
        .prop_map(|v| v.concat())
    }

    fn style() -> impl Strategy<Value = Style> {
        (0u8..4, any::<bool>()).prop_map(|(c, bold)| {
            let s = Style::default()
                .fg([Color::Red, Color::Green, Color::Reset, Color::Blue][c as usize]);
            if bold {
                s.add_modifier(Modifier::BOLD)
            } else {
                s
            }
        })
    }

    fn line() -> impl Strategy<Value = Line<'static>> {
        (prop::collection::vec((piece(), style()), 0..4), style(), 0u8..4).prop_map(
            |(spans, st, a)| {
                let l = Line::from(
                    spans.into_iter().map(|(t, s)| Span::styled(t, s)).collect::<Vec<_>>(),
                )
                .style(st);
                match a {
                    1 => l.alignment(Alignment::Center),
                    2 => l.alignment(Alignment::Right),
                    3 => l.alignment(Alignment::Left),
                    _ => l,
                }
            },
        )
    }

    proptest! {
        #[test]
        fn plain_draws_what_a_paragraph_draws(
            lines in prop::collection::vec(line(), 0..6),
            base in style(),
            (x, y, w, h) in (0u16..4, 0u16..3, 0u16..14, 0u16..7),
        ) {
            let screen = Rect::new(0, 0, 12, 6);
            let area = Rect::new(x, y, w, h);
            let mut by_paragraph = Buffer::empty(screen);
            Paragraph::new(lines.clone()).style(base).render(area, &mut by_paragraph);
            let mut by_plain = Buffer::empty(screen);
            Plain::new(lines).style(base).render(area, &mut by_plain);
            prop_assert_eq!(by_plain, by_paragraph);
        }
    }
}

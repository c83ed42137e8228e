//! The `?` overlay: every row of the key table (`app::keymap`), grouped by where the keys apply,
//! scrollable so it fits from 80x24 up.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::overlay::{centered, dialog};
use super::text::{fit, width, wrap_words};
use super::Ctx;
use crate::keymap::{self, Scope};
use crate::runbook::model::Lang;

const KEY_W: usize = 20;
const WIDTH: u16 = 78;

/// What a help line is: a group heading, a key row (its keys on the first line only), or the
/// closing note.
enum Row {
    Heading(&'static str),
    Key(String, String),
    Note(String),
}

fn rows(lang: Lang, drill: bool, text_w: usize, rb: Option<&crate::runbook::Runbook>) -> Vec<Row> {
    let zh = lang == Lang::Zh;
    let mut out = Vec::new();
    for (scope, h_zh, h_en) in keymap::GROUPS {
        if *scope == Scope::Drill && !drill {
            continue;
        }
        let members: Vec<_> = keymap::BINDINGS
            .iter()
            .filter(|b| b.scope == *scope)
            .filter(|b| rb.is_none_or(|rb| keymap::offered(b, rb)))
            .collect();
        if members.is_empty() {
            continue;
        }
        out.push(Row::Heading(if zh { h_zh } else { h_en }));
        for b in members {
            // Long descriptions continue on the next line, never cut.
            for (i, part) in wrap_words(b.help(lang), text_w).into_iter().enumerate() {
                let key = if i == 0 { b.label.to_string() } else { String::new() };
                out.push(Row::Key(key, part));
            }
        }
    }
    let ui = crate::i18n::ui(lang);
    for part in wrap_words(ui.commands_note, text_w + KEY_W) {
        out.push(Row::Note(part));
    }
    out
}

/// How many lines the help has at its narrowest (80 columns): the most it can scroll.
pub fn line_count(lang: Lang, drill: bool) -> usize {
    rows(lang, drill, text_width(super::MIN_WIDTH), None).len()
}

fn text_width(screen_w: u16) -> usize {
    (WIDTH.min(screen_w) as usize).saturating_sub(2 + 1 + KEY_W + 1)
}

pub fn render(f: &mut Frame, ctx: &Ctx, area: Rect) {
    let drill = ctx.inc.is_some_and(|i| i.is_drill());
    let rect = centered(area, WIDTH, area.height.saturating_sub(2));
    let all = rows(ctx.lang, drill, text_width(rect.width), Some(ctx.rb));
    // Two border rows and the status line.
    let room = (rect.height as usize).saturating_sub(3);
    let max_scroll = all.len().saturating_sub(room);
    let scroll = ctx.view.help_scroll.min(max_scroll);
    let th = ctx.theme;
    let mut lines: Vec<Line> = all
        .iter()
        .skip(scroll)
        .take(room)
        .map(|r| match r {
            Row::Heading(h) => {
                Line::from(Span::styled(h.to_string(), th.title.add_modifier(Modifier::BOLD)))
            }
            Row::Key(k, v) => Line::from(vec![
                Span::styled(fit(&format!(" {k}"), KEY_W), th.accent),
                Span::styled(v.clone(), th.text),
            ]),
            Row::Note(n) => Line::from(Span::styled(n.clone(), th.muted)),
        })
        .collect();
    while lines.len() < room {
        lines.push(Line::from(""));
    }
    let shown = (scroll + room).min(all.len());
    let status = crate::i18n::fill(
        crate::i18n::messages(ctx.lang).help_status,
        &[
            ("from", &(scroll + 1).to_string()),
            ("to", &shown.to_string()),
            ("total", &all.len().to_string()),
        ],
    );
    let status_w = (rect.width as usize).saturating_sub(3);
    let status = if width(&status) > status_w { String::new() } else { status };
    lines.push(Line::from(Span::styled(status, th.muted)));
    dialog(f, ctx, rect, ctx.ui().help_title, lines);
}

//! The detail view of one step (Enter on it): its full title, owner and detail pinned at the
//! top, then everything it holds — items, sub-procedure, every checklist item, every command —
//! scrollable. Commands wrap at argument boundaries with indented continuation lines (one `$`
//! per command), placeholders (`<user>`) are marked, and one command is under the cursor: the
//! one `y` copies.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::text::{fit_right, width, wrap_words};
use super::Ctx;
use crate::incident::{Incident, StepStatus};

/// Columns before each body line: the cursor marker and a space.
const GUTTER: usize = 2;

/// One command of the body: the lines it spans and the exact text `y` copies.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandLines {
    pub first: usize,
    pub last: usize,
    pub run: String,
}

/// The detail of a step laid out for a width: the pinned head, the scrolling body, and where
/// each command sits in the body.
pub struct Doc {
    pub head: Vec<Line<'static>>,
    pub body: Vec<Line<'static>>,
    pub commands: Vec<CommandLines>,
    /// Body rows visible at once.
    pub rows: usize,
}

impl Doc {
    pub fn max_scroll(&self) -> usize {
        self.body.len().saturating_sub(self.rows)
    }
}

/// The area the detail view takes on a `screen` (everything between the header and the footer).
pub fn area(ctx: &Ctx, screen: Rect) -> Rect {
    let top = 1 + u16::from(super::banner_shown(ctx));
    Rect {
        x: screen.x,
        y: screen.y + top,
        width: screen.width,
        height: screen.height.saturating_sub(top + 1),
    }
}

/// Lay out step `key` for `area`.
pub fn layout(ctx: &Ctx, inc: &Incident, key: &str, area: Rect) -> Option<Doc> {
    let s = inc.steps.iter().find(|s| s.key == key)?;
    let ts = ctx.rb.step(&s.id)?;
    let step = ts.step;
    let ui = ctx.ui();
    let labels = crate::i18n::labels(ctx.lang);
    let th = ctx.theme;
    let w = (area.width as usize).saturating_sub(GUTTER + 1).max(20);

    let mut head: Vec<Line<'static>> = Vec::new();
    let number = inc
        .steps
        .iter()
        .filter(|x| x.adjust_for.is_none())
        .position(|x| x.key == s.key)
        .map(|n| format!("{}. ", n + 1))
        .unwrap_or_default();
    let title = format!("{} {number}{}", super::steps::symbol(s), step.title);
    for part in wrap_words(&title, w + GUTTER) {
        head.push(Line::from(Span::styled(part, th.title)));
    }
    let owner = match (inc.owners.get(&s.key), step.owner.as_deref()) {
        (Some(person), _) => person.as_str(),
        (None, Some(o)) => ctx.rb.role(o).map_or(o, |r| r.title.as_str()),
        (None, None) => "",
    };
    let mut facts = format!("{}: {owner}", labels.owner);
    let spent = s.spent_at(ctx.now);
    if !(spent.is_zero() && s.status == StepStatus::Pending) {
        facts.push_str(&format!(" · {}", crate::duration_text::signed(spent)));
    }
    if let Some(reason) = &s.reason {
        facts.push_str(&format!(" · {reason}"));
    }
    for part in wrap_words(&facts, w + GUTTER) {
        head.push(Line::from(Span::styled(part, th.muted)));
    }

    let mut body: Vec<Line<'static>> = Vec::new();
    let mut commands = Vec::new();
    let prose = |body: &mut Vec<Line<'static>>, lead: &str, text: &str, style: Style| {
        // Continuation lines hang under the text, not under the bullet.
        let hang = " ".repeat(width(lead));
        for (i, part) in wrap_words(text, w.saturating_sub(width(lead))).into_iter().enumerate() {
            let lead = if i == 0 { lead.to_string() } else { hang.clone() };
            body.push(Line::from(Span::styled(format!("{lead}{part}"), style)));
        }
    };
    if let Some(parent) = &s.adjust_for {
        let title =
            ctx.rb.step(parent).map(|t| t.step.title.clone()).unwrap_or_else(|| parent.clone());
        prose(&mut body, "", &format!("{}: {title}", ui.adjust_for), th.muted);
    }
    if let Some(d) = &step.detail {
        prose(&mut body, "", d, th.text);
    }
    for item in &step.items {
        prose(&mut body, "• ", item, th.text);
    }
    let mut cmds: Vec<(String, String)> =
        step.commands.iter().map(|c| (c.label.clone(), c.run.clone())).collect();
    if let Some(sub) = step.procedure.as_deref().and_then(|p| ctx.rb.procedure(p)) {
        let section = sub.section.as_deref().map(|s| format!(" §{s}")).unwrap_or_default();
        prose(&mut body, "", &format!("{}{section}", sub.name), th.accent);
        for sub_step in &sub.steps {
            prose(&mut body, "  ", &sub_step.title, th.text);
            for item in &sub_step.items {
                prose(&mut body, "    • ", item, th.muted);
            }
            cmds.extend(sub_step.commands.iter().map(|c| (c.label.clone(), c.run.clone())));
        }
    }
    if let Some(cl) =
        step.checklist.as_deref().and_then(|c| ctx.rb.checklists.iter().find(|x| x.id == c))
    {
        prose(&mut body, "", &format!("{}: {}", labels.checklist, cl.name), th.accent);
        for item in &cl.items {
            prose(&mut body, "  ☐ ", item, th.text);
        }
    }
    for (label, run) in &cmds {
        prose(&mut body, "# ", label, th.muted);
        let first = body.len();
        for line in command_lines(run, w) {
            body.push(Line::from(placeholders(&line, th.accent)));
        }
        commands.push(CommandLines { first, last: body.len() - 1, run: run.clone() });
    }
    if !cmds.is_empty() {
        prose(&mut body, "", &format!("({})", ui.commands_note), th.muted);
    }
    // The frame's top rule, the head, and the rule under it.
    let rows = (area.height as usize).saturating_sub(1 + head.len() + 1).max(1);
    Some(Doc { head, body, commands, rows })
}

/// A command as the operator reads it: `$ ` once, wrapped between arguments, continuation lines
/// indented further; the lines of a multi-line command keep their own breaks.
pub fn command_lines(run: &str, w: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (i, para) in run.split('\n').enumerate() {
        let lead = if i == 0 { "$ " } else { "  " };
        for (j, part) in wrap_words(para, w.saturating_sub(4).max(8)).into_iter().enumerate() {
            let lead = if j == 0 { lead } else { "    " };
            out.push(format!("{lead}{part}"));
        }
    }
    out
}

/// `<placeholder>`s underlined so they read as blanks to fill in, not text to paste as is.
fn placeholders(line: &str, style: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('<') {
        let Some(len) = rest[open..].find('>') else { break };
        let (before, tail) = rest.split_at(open);
        let (ph, after) = tail.split_at(len + 1);
        spans.push(Span::styled(before.to_string(), style));
        spans.push(Span::styled(ph.to_string(), style.add_modifier(Modifier::UNDERLINED)));
        rest = after;
    }
    spans.push(Span::styled(rest.to_string(), style));
    spans
}

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let Some(dv) = &ctx.view.detail else { return };
    let Some(doc) = layout(ctx, inc, &dv.step, area) else { return };
    super::overlay::clear(f, area);
    let scroll = dv.scroll.min(doc.max_scroll());
    let shown = (scroll + doc.rows).min(doc.body.len());
    let position = format!(" {}-{}/{} ", scroll + 1, shown, doc.body.len());
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(ctx.theme.title)
        .title(Span::styled(format!("▶ {} ", ctx.ui().step_detail), ctx.theme.title));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let mut lines = doc.head.clone();
    // The rule under the pinned head says where in the body the view is.
    let rule_w = w.saturating_sub(width(&position));
    lines.push(Line::from(vec![
        Span::styled("─".repeat(rule_w), ctx.theme.muted),
        Span::styled(fit_right(&position, w - rule_w), ctx.theme.muted),
    ]));
    let selected = doc.commands.get(dv.command);
    for (i, line) in doc.body.iter().enumerate().skip(scroll).take(doc.rows) {
        let on = selected.is_some_and(|c| (c.first..=c.last).contains(&i));
        let (mark, _) = super::select(on, true, Style::default());
        let mut spans = vec![Span::raw(format!("{} ", mark))];
        for s in &line.spans {
            let style = if on { s.style.add_modifier(Modifier::REVERSED) } else { s.style };
            spans.push(Span::styled(s.content.clone().into_owned(), style));
        }
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_wraps_between_arguments_with_one_dollar_and_indented_continuations() {
        let run =
            "mongodump --uri=mongodb://127.0.0.1:27017 --db shop --out /backup/2026-11-28 --gzip";
        let lines = command_lines(run, 40);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines[0].starts_with("$ mongodump"), "{lines:?}");
        assert_eq!(lines.iter().filter(|l| l.contains('$')).count(), 1, "{lines:?}");
        for l in &lines[1..] {
            assert!(l.starts_with("    ") && !l[4..].starts_with(' '), "{lines:?}");
        }
        // Every argument is whole on one line.
        let args: Vec<&str> = run.split(' ').collect();
        for l in &lines {
            for token in l.trim_start_matches("$ ").split_whitespace() {
                assert!(args.contains(&token), "{token:?} is a piece of an argument: {lines:?}");
            }
        }
        // Only an argument longer than a line is broken.
        let long = command_lines(
            "mongorestore --uri=mongodb+srv://user:pw@cluster0.example.mongodb.net/db --drop",
            30,
        );
        assert!(long.iter().any(|l| l.trim() == "--drop" || l.ends_with(" --drop")), "{long:?}");
        // A multi-line command keeps its lines, under the one `$`.
        let lines = command_lines("set -e\nmongodump --out /backup", 40);
        assert_eq!(lines, vec!["$ set -e", "  mongodump --out /backup"]);
    }

    #[test]
    fn placeholders_are_marked() {
        let spans = placeholders("--uri=<user>:<pw>@host", Style::default());
        let marked: Vec<&str> = spans
            .iter()
            .filter(|s| s.style.add_modifier.contains(Modifier::UNDERLINED))
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(marked, vec!["<user>", "<pw>"]);
    }
}

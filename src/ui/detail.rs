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
use crate::runbook::placeholder::Syntax;

/// Columns before each body line: the cursor marker and a space.
const GUTTER: usize = 2;

/// One command of the body: the lines it spans and the exact text `y` copies.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandLines {
    pub first: usize,
    pub last: usize,
    pub run: String,
    /// The alternative it belongs to (runbook step id, alternative id); `None` for a command
    /// every way of doing the step shares.
    pub alternative: Option<(String, String)>,
}

/// One checklist item of the body: the lines it spans, which list and which item (its index).
#[derive(Debug, Clone, PartialEq)]
pub struct ItemLines {
    pub first: usize,
    pub last: usize,
    pub checklist: String,
    pub item: usize,
}

/// The detail of a step laid out for a width: the pinned head, the scrolling body, and where
/// each command and checklist item sits in the body.
pub struct Doc {
    pub head: Vec<Line<'static>>,
    pub body: Vec<Line<'static>>,
    pub commands: Vec<CommandLines>,
    pub items: Vec<ItemLines>,
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
    if let Some(line) = wait_line(ctx, inc, &s.key) {
        for part in wrap_words(&line, w + GUTTER) {
            head.push(Line::from(Span::styled(part, th.warn)));
        }
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
    if let Some(sub) = step.procedure.as_deref().and_then(|p| ctx.rb.procedure(p)) {
        let section = sub.section.as_deref().map(|s| format!(" §{s}")).unwrap_or_default();
        prose(&mut body, "", &format!("{}{section}", sub.name), th.accent);
        for sub_step in &sub.steps {
            prose(&mut body, "  ", &sub_step.title, th.text);
            for item in &sub_step.items {
                prose(&mut body, "    • ", item, th.muted);
            }
        }
    }
    let mut items = Vec::new();
    if let Some(cl) =
        step.checklist.as_deref().and_then(|c| ctx.rb.checklists.iter().find(|x| x.id == c))
    {
        prose(&mut body, "", &format!("{}: {}", labels.checklist, cl.name), th.accent);
        checklist_lines(ctx, inc, cl, w, &mut body, &mut items);
    }
    let braces = ctx.rb.command_placeholders();
    let words = crate::i18n::command_words(ctx.lang);
    let mut named: Vec<String> = Vec::new();
    for s in ctx.rb.command_steps(step) {
        let chosen = inc.alternatives.get(&s.id);
        let mut sets = vec![(None, &s.commands)];
        sets.extend(s.alternatives.iter().map(|a| (Some(a), &a.commands)));
        for (alt, cmds) in sets {
            // An alternative not chosen reads as an option, not as something to run.
            let mut style = th.accent;
            if let Some(a) = alt {
                let on = chosen == Some(&a.id);
                let head = match (on, chosen.is_some()) {
                    (true, _) => format!("◆ {}: {} ✓ {}", words.alternative, a.label, words.chosen),
                    (false, true) => format!("◇ {}: {}", words.alternative, a.label),
                    (false, false) => {
                        format!("◇ {}: {} ({})", words.alternative, a.label, words.choose_with)
                    }
                };
                prose(&mut body, "", &head, if on { th.title } else { th.muted });
                if let Some(d) = &a.detail {
                    prose(&mut body, "  ", d, th.muted);
                }
                if chosen.is_some() && !on {
                    style = th.muted;
                }
            }
            for c in cmds.iter() {
                prose(&mut body, "# ", &c.label, th.muted);
                let first = body.len();
                for line in command_lines(&c.run, w) {
                    body.push(Line::from(placeholders(&line, style, braces)));
                }
                if braces {
                    for n in crate::runbook::placeholder::names(&c.run, Syntax::Command) {
                        if !named.contains(&n) {
                            named.push(n);
                        }
                    }
                }
                commands.push(CommandLines {
                    first,
                    last: body.len() - 1,
                    run: c.run.clone(),
                    alternative: alt.map(|a| (s.id.clone(), a.id.clone())),
                });
            }
        }
    }
    // The values the placeholders have in this incident (a secret one is never shown).
    for n in &named {
        let Some(p) = ctx.rb.placeholder(n) else { continue };
        let value = match inc.placeholders.get(n) {
            _ if p.secret => words.secret.to_string(),
            Some(Some(v)) => v.clone(),
            _ => format!("({})", words.to_fill),
        };
        prose(&mut body, "", &format!("{{{n}}} {} = {value}", p.label), th.muted);
    }
    if !commands.is_empty() {
        prose(&mut body, "", &format!("({})", ui.commands_note), th.muted);
    }
    // The frame's top rule, the head, and the rule under it.
    let rows = (area.height as usize).saturating_sub(1 + head.len() + 1).max(1);
    Some(Doc { head, body, commands, items, rows })
}

/// The checklists that belong to no step (`C`), laid out like a step's checklist.
pub fn layout_checklists(ctx: &Ctx, inc: &Incident, area: Rect) -> Doc {
    let th = ctx.theme;
    let labels = crate::i18n::labels(ctx.lang);
    let w = (area.width as usize).saturating_sub(GUTTER + 1).max(20);
    let lists = crate::incident::waits::unattached_checklists(ctx.rb);
    let mut head: Vec<Line<'static>> = Vec::new();
    let names: Vec<&str> = lists.iter().map(|c| c.name.as_str()).collect();
    let title = format!("{}: {}", labels.checklists, names.join(" · "));
    for part in wrap_words(&title, w + GUTTER) {
        head.push(Line::from(Span::styled(part, th.title)));
    }
    let mut body: Vec<Line<'static>> = Vec::new();
    let mut items = Vec::new();
    for cl in lists {
        for part in wrap_words(&cl.name, w) {
            body.push(Line::from(Span::styled(part, th.accent)));
        }
        checklist_lines(ctx, inc, cl, w, &mut body, &mut items);
    }
    let rows = (area.height as usize).saturating_sub(1 + head.len() + 1).max(1);
    Doc { head, body, commands: Vec::new(), items, rows }
}

fn view_title(ctx: &Ctx, checklists: bool) -> &'static str {
    if checklists {
        crate::i18n::labels(ctx.lang).checklists
    } else {
        ctx.ui().step_detail
    }
}

/// A checklist's items, ticked (`☑`, with who and when) or not (`☐`).
fn checklist_lines(
    ctx: &Ctx,
    inc: &Incident,
    cl: &crate::runbook::model::Checklist,
    w: usize,
    body: &mut Vec<Line<'static>>,
    items: &mut Vec<ItemLines>,
) {
    for (i, item) in cl.items.iter().enumerate() {
        let mark = inc.ticks.get(&(cl.id.clone(), i)).filter(|t| t.ticked);
        let (lead, text, style) = match mark {
            Some(t) => {
                let when = t.at.with_timezone(&ctx.tz).format("%H:%M");
                ("  ☑ ", format!("{item} ({} {when})", t.by), ctx.theme.ok)
            }
            None => ("  ☐ ", item.clone(), ctx.theme.text),
        };
        let first = body.len();
        let hang = " ".repeat(width(lead));
        for (j, part) in wrap_words(&text, w.saturating_sub(width(lead))).into_iter().enumerate() {
            let lead = if j == 0 { lead.to_string() } else { hang.clone() };
            body.push(Line::from(Span::styled(format!("{lead}{part}"), style)));
        }
        items.push(ItemLines { first, last: body.len() - 1, checklist: cl.id.clone(), item: i });
    }
}

/// "waiting for <step> · 9m59s left" when a running wait holds step `key`, or the step's own
/// wait: its countdown, or its length before it starts.
pub fn wait_line(ctx: &Ctx, inc: &Incident, key: &str) -> Option<String> {
    wait_parts(ctx, inc, key).map(|(words, figures)| format!("{words}{figures}"))
}

/// [`wait_line`] in two parts: the words, which a narrow line may cut, and the figures, which
/// it keeps.
pub fn wait_parts(ctx: &Ctx, inc: &Incident, key: &str) -> Option<(String, String)> {
    use crate::incident::waits::{left_text, Wait};
    let m = crate::i18n::messages(ctx.lang);
    let fill = crate::i18n::fill;
    let left_of = |left| fill(m.time_left, &[("left", &left_text(left))]);
    if let Some((by, left)) = inc.held_by(ctx.rb, key, ctx.now) {
        let title = inc
            .step(&by)
            .and_then(|s| ctx.rb.step(&s.id))
            .map_or_else(|| by.clone(), |t| t.step.title.clone());
        return Some((fill(m.held_by, &[("title", &title)]), left_of(left)));
    }
    let compact = crate::duration_text::compact;
    match inc.wait(ctx.rb, key, ctx.now) {
        Wait::Running(left) => Some((m.wait_running_words.to_string(), left_of(left))),
        Wait::NotStarted(d) => {
            Some((fill(m.waits_once_started, &[("wait", &compact(d))]), String::new()))
        }
        Wait::None | Wait::Over => None,
    }
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

/// `<placeholder>`s, and the `{name}` placeholders of a format 2 runbook (`braces`),
/// underlined so they read as blanks to fill in, not text to paste as is.
fn placeholders(line: &str, style: Style, braces: bool) -> Vec<Span<'static>> {
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(open) = line[from..].find('<').map(|o| o + from) {
        let Some(len) = line[open..].find('>') else { break };
        marks.push((open, open + len + 1));
        from = open + len + 1;
    }
    if braces {
        marks.extend(
            crate::runbook::placeholder::uses(line, Syntax::Command).iter().map(|u| (u.at, u.end)),
        );
    }
    marks.sort_unstable();
    let mut spans = Vec::new();
    let mut last = 0;
    for (at, end) in marks {
        if at < last {
            continue;
        }
        spans.push(Span::styled(line[last..at].to_string(), style));
        spans.push(Span::styled(
            line[at..end].to_string(),
            style.add_modifier(Modifier::UNDERLINED),
        ));
        last = end;
    }
    spans.push(Span::styled(line[last..].to_string(), style));
    spans
}

pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    let Some(dv) = &ctx.view.detail else { return };
    let doc = if dv.checklists {
        layout_checklists(ctx, inc, area)
    } else {
        let Some(doc) = layout(ctx, inc, &dv.step, area) else { return };
        doc
    };
    super::overlay::clear(f, area);
    let scroll = dv.scroll.min(doc.max_scroll());
    let shown = (scroll + doc.rows).min(doc.body.len());
    let position = format!(" {}-{}/{} ", scroll + 1, shown, doc.body.len());
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(ctx.theme.title)
        .title(Span::styled(format!("▶ {} ", view_title(ctx, dv.checklists)), ctx.theme.title));
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
    let item = dv.item.and_then(|i| doc.items.get(i));
    for (i, line) in doc.body.iter().enumerate().skip(scroll).take(doc.rows) {
        let on = selected.is_some_and(|c| (c.first..=c.last).contains(&i));
        // The item cursor is underlined, the command cursor reversed: both can be on screen.
        let on_item = item.is_some_and(|c| (c.first..=c.last).contains(&i));
        let (mark, _) = super::select(on || on_item, true, Style::default());
        let mut spans = vec![Span::raw(format!("{} ", mark))];
        for s in &line.spans {
            let style = if on {
                s.style.add_modifier(Modifier::REVERSED)
            } else if on_item {
                s.style.add_modifier(Modifier::UNDERLINED)
            } else {
                s.style
            };
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
        let spans = placeholders("--uri=<user>:<pw>@host/{db} ${X}", Style::default(), true);
        let marked: Vec<&str> = spans
            .iter()
            .filter(|s| s.style.add_modifier.contains(Modifier::UNDERLINED))
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(marked, vec!["<user>", "<pw>", "{db}"]);
        let v1 = placeholders("--uri=<user>@host/{db}", Style::default(), false);
        assert_eq!(
            v1.iter().filter(|s| s.style.add_modifier.contains(Modifier::UNDERLINED)).count(),
            1
        );
    }
}

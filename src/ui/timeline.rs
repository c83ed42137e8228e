//! The timeline pane: every event with its local time, newest at the bottom; one kind at a time
//! (`t`), searched (`/`, matches highlighted), an entry under a cursor that Enter shows whole.
//! The pane may be L-shaped (see `layout`): its rows are drawn one by one into the rects given.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::plain::Plain;
use super::text::truncate;
use super::view::{Filter, Found, Pane, TimelineView};
use super::Ctx;
use crate::incident::describe::describe;
use crate::incident::{Actor, Event, EventKind, Incident};
use crate::safe_text::visible_line;

/// The kind of entry `kind` is, for the filter; `None` for what only "all" shows (sessions,
/// corrections, the declaration).
pub fn kind_of(kind: &EventKind) -> Option<Filter> {
    use EventKind as K;
    Some(match kind {
        K::Note { .. } | K::RemoteNote { .. } | K::DrillMessage { .. } => Filter::Notes,
        K::StepStarted { .. }
        | K::StepDone { .. }
        | K::StepSkipped { .. }
        | K::StepFailed { .. }
        | K::StepReopened { .. }
        | K::OwnerAssigned { .. } => Filter::Steps,
        K::HealthChanged { .. } => Filter::Health,
        K::NotificationSent { .. }
        | K::CommsSent { .. }
        | K::UpdateReminder { .. }
        | K::StatusUpdateSent { .. } => Filter::Comms,
        K::TimerBreached { .. } => Filter::Breaches,
        _ => return None,
    })
}

/// Whether the filter shows `ev`.
pub fn shown(filter: Filter, ev: &Event) -> bool {
    filter == Filter::All || kind_of(&ev.kind) == Some(filter)
}

/// The events the filter shows, as indices into the incident's events, oldest first.
pub fn entries(tv: &TimelineView, inc: &Incident) -> Vec<usize> {
    (0..inc.events.len()).filter(|i| shown(tv.filter, &inc.events[*i])).collect()
}

/// Where the cursor is among `entries`: the picked entry, or the nearest shown before it (a
/// filter may hide it), or the newest.
pub fn cursor(tv: &TimelineView, entries: &[usize]) -> Option<usize> {
    let last = entries.len().checked_sub(1)?;
    match tv.pick {
        None => Some(last),
        Some(pick) => Some(entries.iter().rposition(|i| *i <= pick).unwrap_or(0)),
    }
}

/// A row's three parts: the local time, who (when another console or shell did it), and what.
fn parts(ctx: &Ctx, ev: &Event) -> (String, String, String) {
    let time = format!("{} ", ctx.local_hms(ev.at));
    let by = others_mark(ev, ctx.view.me.as_ref());
    (time, by, describe(ev, ctx.rb, ctx.lang))
}

/// The text of a row as a search reads it: all of it, not only what fits.
pub fn row_text(ctx: &Ctx, ev: &Event) -> String {
    let (time, by, text) = parts(ctx, ev);
    format!("{time}{by}{text}")
}

/// Where `needle` occurs in `hay`, ignoring case, as ranges of character positions.
pub fn find(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    let fold = |c: char| c.to_lowercase().next().unwrap_or(c);
    let hay: Vec<char> = hay.chars().map(fold).collect();
    let needle: Vec<char> = needle.chars().map(fold).collect();
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            out.push((i, i + needle.len()));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The entries shown that match the search, as indices into the incident's events, oldest
/// first. None without a query.
pub fn matches(ctx: &Ctx, inc: &Incident, entries: &[usize]) -> Vec<usize> {
    let Some(q) = ctx.view.timeline.search.as_ref().filter(|s| !s.query.is_empty()) else {
        return Vec::new();
    };
    let key = Found {
        query: q.query.clone(),
        filter: ctx.view.timeline.filter,
        events: inc.events.len(),
    };
    if let Ok(cache) = ctx.view.found.try_borrow() {
        if let Some((_, found)) = cache.as_ref().filter(|(k, _)| *k == key) {
            return found.clone();
        }
    }
    let found: Vec<usize> = entries
        .iter()
        .copied()
        .filter(|i| !find(&row_text(ctx, &inc.events[*i]), &q.query).is_empty())
        .collect();
    if let Ok(mut cache) = ctx.view.found.try_borrow_mut() {
        *cache = Some((key, found.clone()));
    }
    found
}

/// Rows the pane would use to show everything: its title, every entry shown, the search line.
pub fn need(ctx: &Ctx, inc: &Incident) -> usize {
    1 + entries(&ctx.view.timeline, inc).len() + usize::from(ctx.view.timeline.search.is_some())
}

fn title(ctx: &Ctx, inc: &Incident, shown: usize) -> String {
    let ui = ctx.ui();
    let mut title = format!("{} · {} {}", ui.timeline, inc.events.len(), ui.events);
    let filter = ctx.view.timeline.filter;
    if filter != Filter::All {
        let words = crate::i18n::reading_words(ctx.lang);
        let i = Filter::ORDER.iter().position(|f| *f == filter).unwrap_or(0);
        title.push_str(&format!(" · {}: {} ({shown})", words.showing, words.filters[i]));
    }
    title
}

/// One row of the pane, `w` cells: the marker column, then time, who and what, with the
/// search's matches highlighted (bold and underlined, visible in every theme).
fn row(ctx: &Ctx, ev: &Event, w: usize, selected: bool, focused: bool) -> Line<'static> {
    let (time, by, text) = parts(ctx, ev);
    let base = if ev.kind.is_failure() { ctx.theme.danger } else { ctx.theme.text };
    let (mark, _) = super::select(selected, focused, base);
    let pick = |s: Style| super::select(selected, focused, s).1;
    let (time_style, by_style, text_style) =
        (pick(ctx.theme.muted), pick(ctx.theme.accent), pick(base));
    let full = format!("{time}{by}{text}");
    let hits = ctx.view.timeline.search.as_ref().map(|s| find(&full, &s.query)).unwrap_or_default();
    let shown = truncate(&full, w.saturating_sub(1));
    let (t_end, b_end) = (time.chars().count(), time.chars().count() + by.chars().count());
    let mut spans = vec![Span::styled(mark, text_style)];
    let mut run = String::new();
    let mut run_style = None;
    for (ci, ch) in shown.chars().enumerate() {
        let mut style = if ci < t_end {
            time_style
        } else if ci < b_end {
            by_style
        } else {
            text_style
        };
        if hits.iter().any(|(a, b)| (*a..*b).contains(&ci)) {
            style = style.patch(ctx.theme.warn).add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        }
        if run_style.is_some_and(|s| s != style) {
            spans.push(Span::styled(std::mem::take(&mut run), run_style.unwrap_or(style)));
        }
        run_style = Some(style);
        run.push(ch);
    }
    if let Some(style) = run_style {
        spans.push(Span::styled(run, style));
    }
    Line::from(spans)
}

/// The search line: what is typed, and which match of how many the cursor is on.
fn search_line(ctx: &Ctx, matches: &[usize], w: usize) -> Option<Line<'static>> {
    let s = ctx.view.timeline.search.as_ref()?;
    let words = crate::i18n::reading_words(ctx.lang);
    let cursor = if s.typing { "▏" } else { "" };
    let count = if s.query.is_empty() {
        String::new()
    } else if matches.is_empty() {
        words.no_match.to_string()
    } else {
        // Matches count from the newest, the way `n` walks them.
        let at = ctx.view.timeline.pick.and_then(|p| matches.iter().position(|m| *m == p));
        let at = at.map_or("-".to_string(), |i| (matches.len() - i).to_string());
        format!("{at}/{}", matches.len())
    };
    let keys = if s.typing { words.typing_keys } else { "" };
    let text = visible_line(&format!("/{}{cursor}  {count}  {keys}", s.query)).into_owned();
    Some(Line::from(Span::styled(truncate(text.trim_end(), w), ctx.theme.accent)))
}

/// Draw the pane into `segments` (top to bottom; the first row of the first is its title).
pub fn render(f: &mut Frame, ctx: &Ctx, inc: &Incident, segments: &[Rect]) {
    let Some(first) = segments.first() else { return };
    let tv = &ctx.view.timeline;
    let shown = entries(tv, inc);
    let block = ctx.pane_block(&title(ctx, inc, shown.len()), Pane::Timeline);
    f.render_widget(block, Rect { height: first.height.min(1), ..*first });
    // Every row below the title, as one-row rects (their widths differ in an L).
    let mut rows: Vec<Rect> = Vec::new();
    for (n, seg) in segments.iter().enumerate() {
        let skip = u16::from(n == 0);
        for y in seg.y + skip..seg.y + seg.height {
            rows.push(Rect { y, height: 1, ..*seg });
        }
    }
    let found = matches(ctx, inc, &shown);
    if let Some(line) = rows.last().and_then(|r| search_line(ctx, &found, r.width as usize)) {
        if let Some(r) = rows.pop() {
            f.render_widget(Plain::new(line), r);
        }
    }
    let room = rows.len();
    let focused = ctx.view.focus == Pane::Timeline && ctx.view.modal.is_none();
    let cur = cursor(tv, &shown);
    let start = match (tv.pick, cur) {
        // Following the newest: the newest is on the bottom row.
        (None, _) | (_, None) => shown.len().saturating_sub(room),
        // Else the cursor is on screen, moving the window no more than it must.
        (Some(_), Some(c)) => c.min(shown.len().saturating_sub(room)),
    };
    for (k, r) in rows.iter().enumerate() {
        let Some(&i) = shown.get(start + k) else { break };
        let selected = cur == Some(start + k) && (focused || tv.pick.is_some());
        let line = row(ctx, &inc.events[i], r.width as usize, selected, focused);
        f.render_widget(Plain::new(line), *r);
    }
}

/// "bob pts/3 · " before what another console or shell did, so a note from a second shell
/// never reads as this operator's own. Nothing for this process, nor for this operator's
/// earlier session on the same terminal (a resume), nor for session events, whose words
/// already name the console.
fn others_mark(ev: &Event, me: Option<&Actor>) -> String {
    let Some(me) = me else { return String::new() };
    let who = &ev.who;
    let this_process = who.host == me.host && who.pid == me.pid;
    let same_seat = who.label() == me.label() && who.tty == me.tty && who.host == me.host;
    let names_itself =
        matches!(ev.kind, EventKind::SessionStarted { .. } | EventKind::SessionEnded { .. });
    if this_process || same_seat || names_itself {
        return String::new();
    }
    let place = match (who.short_tty(), who.host == me.host) {
        (Some(t), true) => t.to_string(),
        (Some(t), false) => format!("{}:{t}", who.host),
        (None, true) => format!("pid {}", who.pid),
        (None, false) => who.host.clone(),
    };
    visible_line(&format!("{} {place} · ", who.label())).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_ignores_case_and_counts_characters() {
        assert_eq!(find("Disk DISK disk", "disk"), vec![(0, 4), (5, 9), (10, 14)]);
        assert_eq!(find("主库磁盘损坏", "磁盘"), vec![(2, 4)]);
        assert!(find("abc", "").is_empty());
        assert!(find("ab", "abc").is_empty());
    }

    #[test]
    fn the_filter_cycles_through_every_kind_and_back() {
        let mut f = Filter::All;
        for _ in 0..Filter::ORDER.len() {
            f = f.next();
        }
        assert_eq!(f, Filter::All);
    }
}

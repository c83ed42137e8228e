//! Rendering: pure functions of (runbook, incident, view state, theme, now). Nothing here
//! mutates state or touches the network or disk.

mod comms_view;
mod copied_view;
pub mod declare;
mod declare_view;
pub mod detail;
mod drill_view;
mod footer;
mod header;
mod health;
mod help;
pub mod layout;
mod overlay;
mod plain;
mod steps;
pub mod text;
pub mod timeline;
mod timers;
pub mod view;

use chrono::{DateTime, FixedOffset, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::i18n::{self, Ui};
use crate::incident::Incident;
use crate::probe::Health;
use crate::runbook::model::{Lang, Runbook};
use crate::theme::Theme;
pub use copied_view::copied_rows;
use view::{Pane, ViewState};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub use help::line_count as help_rows;

/// Everything a frame is drawn from.
pub struct Ctx<'a> {
    pub rb: &'a Runbook,
    pub inc: Option<&'a Incident>,
    pub view: &'a ViewState,
    pub theme: &'a Theme,
    pub lang: Lang,
    pub now: DateTime<Utc>,
    /// The operator's time zone, for HH:MM:SS on the timeline (fixed so snapshots are stable).
    pub tz: FixedOffset,
}

impl Ctx<'_> {
    pub fn ui(&self) -> &'static Ui {
        i18n::ui(self.lang)
    }

    pub fn local_hms(&self, t: DateTime<Utc>) -> String {
        use chrono::Timelike;
        // Written out: chrono's format string is parsed again on every call, and this runs for
        // every timeline row and service of every frame.
        let l = t.with_timezone(&self.tz);
        format!("{:02}:{:02}:{:02}", l.hour(), l.minute(), l.second())
    }

    /// A pane's frame: a top rule with its title, highlighted when it has the focus.
    pub fn pane_block(&self, title: &str, pane: Pane) -> Block<'static> {
        let focused = self.view.focus == pane && self.view.modal.is_none();
        let style = if focused { self.theme.title } else { self.theme.muted };
        let marker = if focused { "▶ " } else { "  " };
        Block::new()
            .borders(Borders::TOP)
            .border_style(style)
            .title(Span::styled(format!("{marker}{title} "), style))
    }
}

pub fn draw(f: &mut Frame, ctx: &Ctx) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, ctx, area);
        return;
    }
    match ctx.inc {
        None => declare_view::render(f, ctx, area),
        Some(inc) => main_screen(f, ctx, inc, area),
    }
    overlay::render(f, ctx, area);
}

fn too_small(f: &mut Frame, ctx: &Ctx, area: Rect) {
    let msg = format!(
        "terminal too small: need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
        area.width, area.height
    );
    // The first line stays in English in every language: scripts look for it.
    let local = crate::i18n::fill(
        crate::i18n::messages(ctx.lang).too_small_need,
        &[("need", &format!("{MIN_WIDTH}x{MIN_HEIGHT}"))],
    );
    let mut lines = vec![Line::from(Span::styled(msg.clone(), ctx.theme.warn))];
    if !msg.starts_with(&local) {
        lines.push(Line::from(local));
    }
    let y = area.height / 2;
    let rect = Rect {
        x: area.x,
        y: area.y + y.saturating_sub(1),
        width: area.width,
        height: 2.min(area.height),
    };
    f.render_widget(Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }), rect);
}

/// Whether the line under the header is used (an alarm, or a notice).
pub fn banner_shown(ctx: &Ctx) -> bool {
    ctx.view.banner.is_some() || ctx.view.host_cut_off || ctx.view.notice.is_some()
}

fn main_screen(f: &mut Frame, ctx: &Ctx, inc: &Incident, area: Rect) {
    ctx.view.screen.set(area);
    let alarm = ctx.view.banner.is_some() || ctx.view.host_cut_off;
    let notice = ctx.view.notice.as_deref().filter(|_| !alarm);
    let [head, banner, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(alarm || notice.is_some())),
        Constraint::Min(10),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(f, ctx, inc, head);
    if alarm {
        let text = ctx.view.banner.clone().unwrap_or_else(|| ctx.ui().host_cut_off.to_string());
        f.render_widget(
            plain::Plain::new(text::fit(&format!(" ⚠ {text}"), banner.width as usize))
                .style(ctx.theme.breached),
            banner,
        );
    } else if let Some(text) = notice {
        // Not an alarm: who else has the incident open, or an observer's source and lag.
        f.render_widget(
            plain::Plain::new(text::fit(&format!(" {text}"), banner.width as usize))
                .style(ctx.theme.warn),
            banner,
        );
    }
    let right_pad = |r: Rect| Rect { x: r.x + 1, width: r.width.saturating_sub(1), ..r };
    if ctx.view.detail_open() {
        detail::render(f, ctx, inc, Rect { height: body.height, ..body });
    } else {
        let panes = layout::place(body, layout::needs(ctx, inc, body));
        steps::render(f, ctx, inc, panes.steps);
        timeline::render(f, ctx, inc, &panes.timeline);
        timers::render(f, ctx, inc, right_pad(panes.timers));
        health::render(f, ctx, inc, right_pad(panes.health));
    }
    footer::render(f, ctx, foot);
}

/// The marker of the selected row, in a column of its own.
pub const MARK: &str = ">";

/// How a row looks, selected or not, the same in every theme (`mono` and NO_COLOR too): the
/// selected row has the marker and, while its pane has the focus, reverse video (a row already
/// reversed, like a breach, is un-reversed); in another pane it is underlined.
pub fn select(selected: bool, focused: bool, base: Style) -> (&'static str, Style) {
    use ratatui::style::Modifier;
    match (selected, focused) {
        (true, true) if base.add_modifier.contains(Modifier::REVERSED) => {
            (MARK, base.remove_modifier(Modifier::REVERSED))
        }
        (true, true) => (MARK, base.add_modifier(Modifier::REVERSED)),
        (true, false) => (MARK, base.add_modifier(Modifier::UNDERLINED)),
        (false, _) => (" ", base),
    }
}

/// A style for a health state word.
pub fn health_style(ctx: &Ctx, state: Health) -> Style {
    match state {
        Health::Up => ctx.theme.ok,
        Health::Degraded => ctx.theme.warn,
        Health::Down => ctx.theme.danger,
        Health::Unknown => ctx.theme.muted,
    }
}

/// The symbol shown beside a health state, so state never depends on colour alone.
pub fn health_symbol(state: Health) -> &'static str {
    match state {
        Health::Up => "●",
        Health::Degraded => "◐",
        Health::Down => "✗",
        Health::Unknown => "○",
    }
}

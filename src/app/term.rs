//! A ratatui backend for slow links: it sends the cells ratatui's diff hands it like the
//! crossterm backend does, but with the shortest cursor move from where the cursor already is,
//! one SGR sequence per style change, no colour/attribute reset trailer after every frame (one
//! `ESC[m` only when the pen is not plain), no cursor re-hide when it is already hidden, and the
//! whole frame in one `write`. The idle console's only changes are clock digits, so these
//! overheads were most of its bytes (see BENCHMARKS.md).

use std::cell::Cell as StdCell;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    underline: Color::Reset,
    modifier: Modifier::empty(),
};

fn pen_of(cell: &Cell) -> Pen {
    Pen { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier }
}

/// The SGR parameters of a colour; `base` is 38 (foreground), 48 (background) or 58
/// (underline). Named colours use the same 256-colour indexes as crossterm, so the screen
/// looks exactly as with the crossterm backend.
fn color_params(out: &mut Vec<String>, base: u8, c: Color) {
    let idx = match c {
        Color::Reset => {
            out.push((base + 1).to_string());
            return;
        }
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) => i,
        Color::Rgb(r, g, b) => {
            out.push(format!("{base};2;{r};{g};{b}"));
            return;
        }
    };
    out.push(format!("{base};5;{idx}"));
}

const MODIFIER_ON: [(Modifier, &str); 9] = [
    (Modifier::BOLD, "1"),
    (Modifier::DIM, "2"),
    (Modifier::ITALIC, "3"),
    (Modifier::UNDERLINED, "4"),
    (Modifier::SLOW_BLINK, "5"),
    (Modifier::RAPID_BLINK, "6"),
    (Modifier::REVERSED, "7"),
    (Modifier::HIDDEN, "8"),
    (Modifier::CROSSED_OUT, "9"),
];

/// Everything of `to` that differs from plain.
fn full(to: Pen) -> Vec<String> {
    let mut p = vec!["0".to_string()];
    for (m, code) in MODIFIER_ON {
        if to.modifier.contains(m) {
            p.push(code.to_string());
        }
    }
    for (base, c) in [(38, to.fg), (48, to.bg), (58, to.underline)] {
        if c != Color::Reset {
            color_params(&mut p, base, c);
        }
    }
    p
}

/// Only what changes from `from` to `to`.
fn incremental(from: Pen, to: Pen) -> Vec<String> {
    let mut p = Vec::new();
    let removed = from.modifier - to.modifier;
    let mut add = to.modifier - from.modifier;
    if removed.intersects(Modifier::BOLD | Modifier::DIM) {
        // 22 ends both bold and dim; put back the one that stays.
        p.push("22".to_string());
        add |= to.modifier & (Modifier::BOLD | Modifier::DIM);
    }
    for (m, off) in [
        (Modifier::ITALIC, "23"),
        (Modifier::UNDERLINED, "24"),
        (Modifier::REVERSED, "27"),
        (Modifier::HIDDEN, "28"),
        (Modifier::CROSSED_OUT, "29"),
    ] {
        if removed.contains(m) {
            p.push(off.to_string());
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        p.push("25".to_string());
        add |= to.modifier & (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK);
    }
    for (m, code) in MODIFIER_ON {
        if add.contains(m) {
            p.push(code.to_string());
        }
    }
    for (base, a, b) in
        [(38, from.fg, to.fg), (48, from.bg, to.bg), (58, from.underline, to.underline)]
    {
        if a != b {
            color_params(&mut p, base, b);
        }
    }
    p
}

fn sgr(out: &mut Vec<u8>, from: Pen, to: Pen) {
    if to == PLAIN {
        out.extend_from_slice(b"\x1b[m");
        return;
    }
    let a = incremental(from, to);
    let b = full(to);
    let len = |p: &[String]| p.iter().map(|s| s.len() + 1).sum::<usize>();
    let params = if len(&a) <= len(&b) { a } else { b };
    out.extend_from_slice(b"\x1b[");
    out.extend_from_slice(params.join(";").as_bytes());
    out.push(b'm');
}

fn csi_n(out: &mut Vec<u8>, n: u16, fin: u8) {
    out.extend_from_slice(b"\x1b[");
    if n != 1 {
        out.extend_from_slice(n.to_string().as_bytes());
    }
    out.push(fin);
}

/// The shortest of an absolute move and a relative one (CR, backspaces, CUU/CUD/CUF/CUB).
/// Relative moves use only sequences whose meaning does not depend on the tty's output
/// processing (no line feeds).
fn move_bytes(from: Option<(u16, u16)>, (x, y): (u16, u16)) -> Vec<u8> {
    let mut abs = Vec::with_capacity(10);
    abs.extend_from_slice(b"\x1b[");
    abs.extend_from_slice((y + 1).to_string().as_bytes());
    if x > 0 {
        abs.push(b';');
        abs.extend_from_slice((x + 1).to_string().as_bytes());
    }
    abs.push(b'H');
    let Some((cx, cy)) = from else { return abs };
    let mut rel = Vec::with_capacity(10);
    if y > cy {
        csi_n(&mut rel, y - cy, b'B');
    } else if y < cy {
        csi_n(&mut rel, cy - y, b'A');
    }
    if x == 0 && cx > 0 {
        rel.push(b'\r');
    } else if x > cx {
        csi_n(&mut rel, x - cx, b'C');
    } else if x < cx {
        let back = cx - x;
        if back <= 3 {
            rel.extend(std::iter::repeat_n(b'\x08', back as usize));
        } else {
            csi_n(&mut rel, back, b'D');
        }
    }
    if rel.len() < abs.len() {
        rel
    } else {
        abs
    }
}

pub struct LeanBackend<W: Write> {
    inner: CrosstermBackend<W>,
    /// The frame being built; written in one go by `flush`.
    buf: Vec<u8>,
    /// Where the terminal's cursor is, when we know it for sure.
    cursor: Option<(u16, u16)>,
    pen: Pen,
    cursor_hidden: Option<bool>,
    /// Width of the screen as last reported by `size` (ratatui asks before every frame).
    width: StdCell<u16>,
}

impl<W: Write> LeanBackend<W> {
    pub fn new(writer: W) -> LeanBackend<W> {
        LeanBackend {
            inner: CrosstermBackend::new(writer),
            buf: Vec::with_capacity(16 * 1024),
            cursor: None,
            pen: PLAIN,
            cursor_hidden: None,
            width: StdCell::new(0),
        }
    }

    fn move_to(&mut self, x: u16, y: u16) {
        if self.cursor != Some((x, y)) {
            let m = move_bytes(self.cursor, (x, y));
            self.buf.extend_from_slice(&m);
            self.cursor = Some((x, y));
        }
    }

    fn write_out(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            // CrosstermBackend writes straight through to its writer.
            Write::write_all(&mut self.inner, &self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let width = self.width.get();
        for (x, y, cell) in content {
            self.move_to(x, y);
            let want = pen_of(cell);
            if want != self.pen {
                sgr(&mut self.buf, self.pen, want);
                self.pen = want;
            }
            let sym = cell.symbol();
            self.buf.extend_from_slice(sym.as_bytes());
            let w = sym.width() as u16;
            // After the last column the cursor waits to wrap: treat it as unknown. So it is after
            // a cluster of several code points (a flag, a ZWJ family, a skin tone, VS16): how
            // wide a terminal draws those varies (tmux 3.3 draws "❤️" in one cell, "👍🏽" in
            // four), and a cursor trusted past one would shift the rest of the row, the right
            // pane with it. The next cell is then addressed absolutely.
            let one_code_point = sym.chars().nth(1).is_none();
            self.cursor = (one_code_point && w >= 1 && x + w < width).then_some((x + w, y));
        }
        if self.pen != PLAIN {
            sgr(&mut self.buf, self.pen, PLAIN);
            self.pen = PLAIN;
        }
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.write_out()?;
        self.cursor = None;
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(true) {
            self.buf.extend_from_slice(b"\x1b[?25l");
            self.cursor_hidden = Some(true);
        }
        Ok(())
    }

    /// Never fails. Terminal's Drop calls this and reports an error with `eprintln!`, which
    /// panics when stderr is the terminal that is gone (SSH dropped, pane closed); a cursor
    /// that cannot be shown is on a terminal nobody sees any more.
    fn show_cursor(&mut self) -> io::Result<()> {
        // Also called from Terminal's Drop, where no flush follows: write it now.
        self.cursor_hidden = Some(false);
        let _ = self.write_out().and_then(|()| self.inner.show_cursor());
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.write_out()?;
        Backend::flush(&mut self.inner)?;
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        self.move_to(p.x, p.y);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.write_out()?;
        self.cursor = None;
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.write_out()?;
        self.cursor = None;
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        let s = self.inner.size()?;
        self.width.set(s.width);
        Ok(s)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_out()?;
        Backend::flush(&mut self.inner)
    }
}

impl<W: Write> Drop for LeanBackend<W> {
    fn drop(&mut self) {
        let _ = self.write_out();
        let _ = Backend::flush(&mut self.inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_pick_the_shortest_form() {
        assert_eq!(move_bytes(None, (0, 0)), b"\x1b[1H");
        assert_eq!(move_bytes(None, (106, 3)), b"\x1b[4;107H");
        // The next row, same column, after writing one cell: back one, down one.
        assert_eq!(move_bytes(Some((107, 3)), (106, 4)), b"\x1b[B\x08");
        assert_eq!(move_bytes(Some((10, 5)), (0, 5)), b"\r");
        assert_eq!(move_bytes(Some((10, 5)), (20, 5)), b"\x1b[10C");
        assert_eq!(move_bytes(Some((100, 1)), (5, 30)), b"\x1b[31;6H");
    }

    #[test]
    fn style_changes_are_one_sequence() {
        let mut out = Vec::new();
        let bold = Pen { modifier: Modifier::BOLD, ..PLAIN };
        let dim_gray = Pen { fg: Color::Gray, modifier: Modifier::DIM, ..PLAIN };
        sgr(&mut out, bold, dim_gray);
        assert_eq!(out, b"\x1b[0;2;38;5;7m");
        out.clear();
        sgr(&mut out, dim_gray, PLAIN);
        assert_eq!(out, b"\x1b[m");
    }

    /// A terminal that counts the width of emoji clusters per code point (vt100 here; tmux for
    /// some of them) still shows whatever follows such a cluster in its own column.
    #[test]
    fn clusters_of_several_code_points_never_shift_the_rest_of_the_row() {
        use ratatui::layout::Rect;
        use ratatui::widgets::Paragraph;

        let (mut term, sink) = lean_terminal(40, 3);
        let left = ["a🇨🇳b👩\u{200d}👩\u{200d}👧c", "❤\u{fe0f} heart", "👍🏽 thumb 数据"];
        term.draw(|f| {
            for (y, text) in left.iter().enumerate() {
                let row = |x, w| Rect::new(x, y as u16, w, 1);
                f.render_widget(Paragraph::new(*text), row(0, 20));
                f.render_widget(Paragraph::new("│right pane"), row(20, 20));
            }
        })
        .expect("draw");
        drop(term);
        let bytes = sink.0.lock().expect("lock").clone();
        let vt = replay(&bytes, 40, 3);
        for y in 0..3 {
            let cell = |x| match vt.screen().cell(y, x).map(|c| c.contents()) {
                Some("") => " ".to_string(),
                Some(c) => c.to_string(),
                None => String::new(),
            };
            let right: String = (20..31).map(cell).collect();
            assert_eq!(
                right,
                "│right pane",
                "row {y}: {:?}",
                vt.screen().rows(0, 40).nth(y as usize)
            );
        }
    }

    /// A writer the test keeps a handle on, to read what the backend wrote.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A terminal of `w`x`h` drawn through a LeanBackend writing into the returned sink.
    /// Vec<u8> has no size (crossterm asks the tty), so the viewport is fixed.
    fn lean_terminal(w: u16, h: u16) -> (ratatui::Terminal<LeanBackend<Shared>>, Shared) {
        let sink = Shared::default();
        let backend = LeanBackend::new(sink.clone());
        backend.width.set(w);
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let term = ratatui::Terminal::with_options(
            backend,
            ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) },
        )
        .expect("terminal");
        (term, sink)
    }

    /// The screen a real terminal model (the `vt100` crate) shows after `bytes`.
    fn replay(bytes: &[u8], w: u16, h: u16) -> vt100::Parser {
        let n = |v: u16| std::num::NonZeroU16::new(v).expect("non-zero");
        let mut vt = vt100::Parser::new(n(h), n(w), 0);
        vt.process(bytes);
        vt
    }

    /// The colour a terminal ends up with for a ratatui colour: named colours are sent as the
    /// same 256-colour indexes crossterm uses.
    fn vt_color(c: Color) -> vt100::Color {
        match c {
            Color::Reset => vt100::Color::Default,
            Color::Indexed(i) => vt100::Color::Idx(i),
            Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
            named => {
                let mut p = Vec::new();
                color_params(&mut p, 38, named);
                let idx = p[0].rsplit(';').next().and_then(|i| i.parse().ok()).expect("index");
                vt100::Color::Idx(idx)
            }
        }
    }

    /// What a terminal cell shows, as far as the model keeps it: text, both colours, bold,
    /// dim, italic, underline, reverse (it drops blink, hidden and crossed-out).
    fn shown(c: &vt100::Cell) -> (String, vt100::Color, vt100::Color, [bool; 5]) {
        let text = if c.contents().is_empty() { " " } else { c.contents() };
        let m = [c.bold(), c.dim(), c.italic(), c.underline(), c.inverse()];
        (text.to_string(), c.fgcolor(), c.bgcolor(), m)
    }

    /// Whether terminal cell `got` shows ratatui cell `want`. The model holds bold and dim as
    /// one intensity, so a cell with both shows one of them.
    fn shows(got: &vt100::Cell, want: &Cell) -> bool {
        let (text, fg, bg, [bold, dim, italic, underline, inverse]) = shown(got);
        let m = want.modifier;
        let intensity = if m.contains(Modifier::BOLD | Modifier::DIM) {
            bold || dim
        } else {
            bold == m.contains(Modifier::BOLD) && dim == m.contains(Modifier::DIM)
        };
        text == want.symbol()
            && fg == vt_color(want.fg)
            && bg == vt_color(want.bg)
            && intensity
            && italic == m.contains(Modifier::ITALIC)
            && underline == m.contains(Modifier::UNDERLINED)
            && inverse == m.contains(Modifier::REVERSED)
    }

    /// Every cell of `buf` against the terminal's. Where they differ, `reference` (the same
    /// frames through ratatui's own crossterm backend) must show the very same: ratatui's diff
    /// does not resend the orphaned half of a wide character a new wide character half covers,
    /// and the terminal blanks it with the pen of the moment (vt100; tmux uses its default),
    /// which no backend that only sees the diff can know about.
    fn same_screen(
        vt: &vt100::Parser,
        buf: &ratatui::buffer::Buffer,
        reference: Option<&vt100::Parser>,
    ) -> Result<(), String> {
        let screen = vt.screen();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                let want = &buf[(x, y)];
                let got = screen.cell(y, x).ok_or(format!("no cell at {x},{y}"))?;
                if got.is_wide_continuation() {
                    if buf[(x - 1, y)].symbol().width() != 2 {
                        return Err(format!("{x},{y}: the terminal continues a wide cell"));
                    }
                    continue;
                }
                let in_reference = reference.and_then(|r| r.screen().cell(y, x)).map(shown);
                // Crossterm sends bold and dim in another order; the model keeps the last.
                let loose = |(t, fg, bg, [b, d, i, u, r]): (String, _, _, [bool; 5])| {
                    (t, fg, bg, b || d, i, u, r)
                };
                let as_reference = in_reference.clone().map(loose) == Some(loose(shown(got)));
                if !shows(got, want) && !as_reference {
                    return Err(format!(
                        "{x},{y}: ratatui {:?} fg {:?} bg {:?} {:?}; terminal (text, fg, bg, \
                         [bold, dim, italic, underline, inverse]) {:?}; through crossterm {:?}",
                        want.symbol(),
                        want.fg,
                        want.bg,
                        want.modifier,
                        shown(got),
                        in_reference
                    ));
                }
            }
        }
        Ok(())
    }

    /// What the terminal shows after the lean bytes equals what ratatui drew, frame after
    /// frame (later frames are sent as ratatui's diff: relative moves, incremental SGR).
    #[test]
    fn frames_round_trip_through_a_terminal() {
        use ratatui::style::Style;
        use ratatui::text::{Line, Span};
        use ratatui::widgets::Paragraph;

        let (mut term, sink) = lean_terminal(30, 4);
        for tick in 0..3 {
            let mut drawn = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 30, 4));
            term.draw(|f| {
                let lines = vec![
                    Line::from(vec![
                        Span::styled("T0+00:0", Style::new().black().on_cyan()),
                        Span::styled(format!("{tick}"), Style::new().black().on_cyan()),
                        Span::raw(" 数据库 ok"),
                    ]),
                    Line::from(Span::styled(format!("03:59:4{tick}"), Style::new().bold())),
                    Line::from(Span::styled(format!("07:59:4{tick}"), Style::new().underlined())),
                    Line::from(Span::styled(format!("已用 1{tick}s"), Style::new().gray().dim())),
                ];
                f.render_widget(Paragraph::new(lines), f.area());
                drawn = f.buffer_mut().clone();
            })
            .expect("draw");
            let bytes = sink.0.lock().expect("lock").clone();
            let vt = replay(&bytes, 30, 4);
            same_screen(&vt, &drawn, None).unwrap_or_else(|e| panic!("{e}"));
            let rows: Vec<String> = vt.screen().rows(0, 30).collect();
            assert_eq!(rows[0].trim_end(), format!("T0+00:0{tick} 数据库 ok"));
        }
        drop(term);
        let text = String::from_utf8_lossy(&sink.0.lock().expect("lock")).into_owned();
        assert!(!text.contains("\x1b[39m\x1b[49m"), "no reset trailer: {text:?}");
        assert_eq!(text.matches("\x1b[?25l").count(), 1, "cursor hidden once: {text:?}");
    }

    mod random_buffers {
        use super::*;
        use proptest::prelude::*;
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        use ratatui::style::Style;
        use ratatui::text::{Line, Span};

        fn color() -> impl Strategy<Value = Color> {
            const NAMED: [Color; 16] = [
                Color::Black,
                Color::Red,
                Color::Green,
                Color::Yellow,
                Color::Blue,
                Color::Magenta,
                Color::Cyan,
                Color::Gray,
                Color::DarkGray,
                Color::LightRed,
                Color::LightGreen,
                Color::LightYellow,
                Color::LightBlue,
                Color::LightMagenta,
                Color::LightCyan,
                Color::White,
            ];
            prop_oneof![
                2 => Just(Color::Reset),
                2 => prop::sample::select(&NAMED[..]),
                1 => any::<u8>().prop_map(Color::Indexed),
                1 => any::<(u8, u8, u8)>().prop_map(|(r, g, b)| Color::Rgb(r, g, b)),
            ]
        }

        fn style() -> impl Strategy<Value = Style> {
            // Every modifier, blink, hidden and crossed-out too: the terminal model does not
            // keep those, but turning them on and off must not disturb what it keeps.
            (color(), color(), any::<u16>()).prop_map(|(fg, bg, bits)| {
                Style::new().fg(fg).bg(bg).add_modifier(Modifier::from_bits_truncate(bits))
            })
        }

        /// A row: runs of text (ASCII, box drawing, a check mark, CJK double-width) each in its
        /// own style, some starting further right.
        fn row() -> impl Strategy<Value = Vec<(u16, String, Style)>> {
            prop::collection::vec((0u16..6, "[a-z0-9 :│─✓数据库恢复步骤]{0,10}", style()), 0..5)
        }

        fn frame(w: u16, h: u16) -> impl Strategy<Value = Buffer> {
            prop::collection::vec(row(), h as usize).prop_map(move |rows| {
                let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
                for (y, runs) in rows.into_iter().enumerate() {
                    let mut x = 0u16;
                    for (gap, text, style) in runs {
                        x = x.saturating_add(gap);
                        if x >= w {
                            break;
                        }
                        let line = Line::from(Span::styled(text, style));
                        x = buf.set_line(x, y as u16, &line, w - x).0;
                    }
                }
                buf
            })
        }

        fn frames() -> impl Strategy<Value = (u16, u16, Vec<Buffer>)> {
            (1u16..40, 1u16..8).prop_flat_map(|(w, h)| {
                (Just(w), Just(h), prop::collection::vec(frame(w, h), 1..5))
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 256,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// Random buffers drawn one after another through the LeanBackend leave a terminal
            /// (the `vt100` model) showing exactly the last one: every cell's text, colours and
            /// modifiers.
            #[test]
            fn a_terminal_shows_what_ratatui_drew((w, h, frames) in frames()) {
                let (mut term, sink) = lean_terminal(w, h);
                let reference_sink = Shared::default();
                let mut reference = ratatui::Terminal::with_options(
                    ratatui::backend::CrosstermBackend::new(reference_sink.clone()),
                    ratatui::TerminalOptions {
                        viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)),
                    },
                )
                .expect("terminal");
                for buf in &frames {
                    term.draw(|f| f.buffer_mut().content.clone_from(&buf.content)).expect("draw");
                    reference
                        .draw(|f| f.buffer_mut().content.clone_from(&buf.content))
                        .expect("draw");
                    let bytes = sink.0.lock().expect("lock").clone();
                    let vt = replay(&bytes, w, h);
                    let by_crossterm = replay(&reference_sink.0.lock().expect("lock"), w, h);
                    if let Err(e) = same_screen(&vt, buf, Some(&by_crossterm)) {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        prop_assert!(false, "{e}\nbytes: {text:?}");
                    }
                }
            }
        }
    }
}

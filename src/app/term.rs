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
        use ratatui::Terminal;
        use std::sync::{Arc, Mutex};

        #[derive(Clone, Default)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.lock().expect("lock").extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let sink = Shared::default();
        let backend = LeanBackend::new(sink.clone());
        backend.width.set(40);
        let area = Rect::new(0, 0, 40, 3);
        let mut term = Terminal::with_options(
            backend,
            ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(area) },
        )
        .expect("terminal");
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
        let n = |v: u16| std::num::NonZeroU16::new(v).expect("non-zero");
        let mut vt = vt100::Parser::new(n(3), n(40), 0);
        vt.process(&bytes);
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

    /// What the terminal shows after the lean bytes equals what ratatui drew.
    #[test]
    fn frames_round_trip_through_a_terminal_model() {
        use ratatui::style::Style;
        use std::sync::{Arc, Mutex};

        #[derive(Clone, Default)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.lock().expect("lock").extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let sink = Shared::default();
        use ratatui::text::{Line, Span};
        use ratatui::widgets::Paragraph;
        use ratatui::Terminal;
        // Vec<u8> has no size (crossterm asks the tty), so draw into a fixed area.
        let backend = LeanBackend::new(sink.clone());
        backend.width.set(30);
        let mut term = Terminal::with_options(
            backend,
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 30, 4)),
            },
        )
        .expect("terminal");
        for tick in 0..3 {
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
            })
            .expect("draw");
        }
        drop(term);
        let bytes = sink.0.lock().expect("lock").clone();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("\x1b[39m\x1b[49m"), "no reset trailer: {text:?}");
        assert_eq!(text.matches("\x1b[?25l").count(), 1, "cursor hidden once: {text:?}");
        // Replay the bytes on a tiny terminal model: cursor moves, SGR ignored.
        let mut screen = vec![vec![' '; 30]; 4];
        let (mut x, mut y) = (0usize, 0usize);
        let mut it = text.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '\x1b' => {
                    it.next();
                    let mut arg = String::new();
                    let fin = loop {
                        let c = it.next().expect("final byte");
                        if c.is_ascii_alphabetic() {
                            break c;
                        }
                        arg.push(c);
                    };
                    let nums: Vec<usize> = arg.split(';').filter_map(|s| s.parse().ok()).collect();
                    let n = nums.first().copied().unwrap_or(1);
                    match fin {
                        'H' => {
                            y = nums.first().copied().unwrap_or(1) - 1;
                            x = nums.get(1).copied().unwrap_or(1) - 1;
                        }
                        'A' => y -= n,
                        'B' => y += n,
                        'C' => x += n,
                        'D' => x -= n,
                        _ => {}
                    }
                }
                '\r' => x = 0,
                '\x08' => x = x.saturating_sub(1),
                c => {
                    screen[y][x] = c;
                    let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(1);
                    if w == 2 {
                        screen[y][x + 1] = '\0';
                    }
                    x += w;
                }
            }
        }
        let rows: Vec<String> =
            screen.iter().map(|r| r.iter().filter(|c| **c != '\0').collect::<String>()).collect();
        assert_eq!(rows[0].trim_end(), "T0+00:02 数据库 ok");
        assert_eq!(rows[1].trim_end(), "03:59:42");
        assert_eq!(rows[2].trim_end(), "07:59:42");
        assert_eq!(rows[3].trim_end(), "已用 12s");
    }
}

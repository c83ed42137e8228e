//! The one sanitizer for text that leaves the program: the screen, Markdown, stdout, stderr and
//! the clipboard. Notes, names, runbook strings, server messages and environment variables are
//! text from elsewhere; a control character in them could drive the operator's terminal (an ESC
//! sequence), hide what precedes it (a carriage return) or reorder what is shown (a
//! bidirectional override). Such characters are shown as visible escapes (`\u{1b}`, `\r`) and
//! never emitted. The journal keeps the exact text; only its presentation is escaped.

use std::borrow::Cow;

/// Bidirectional formatting characters: embeddings and overrides (U+202A–U+202E), isolates
/// (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). Invisible, and able to reorder what
/// a reader sees.
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` must never reach a terminal or a document as itself: C0 and C1 controls, DEL
/// and the bidirectional formatting characters.
pub fn is_hostile(c: char) -> bool {
    c.is_control() || is_bidi(c)
}

/// The first character of `s` that `is_hostile`, with its byte offset.
pub fn find_hostile(s: &str) -> Option<(usize, char)> {
    let at = first_hostile(s, &NO_LAYOUT)?;
    s.get(at..)?.chars().next().map(|c| (at, c))
}

/// The bytes that can start a hostile character, less the layout bytes (line breaks, tabs) a
/// caller lets through: one table per set of layout bytes, so the search is one lookup per byte
/// and the line breaks of a long document do not interrupt it.
struct Leads([bool; 256]);

impl Leads {
    const fn keeping(layout: &[u8]) -> Leads {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 0x20 {
            t[i] = true;
            i += 1;
        }
        // DEL; C1 controls (U+0080–U+009F); U+061C; U+200E/F, U+202A–E and U+2066–9.
        t[0x7F] = true;
        t[0xC2] = true;
        t[0xD8] = true;
        t[0xE2] = true;
        let mut k = 0;
        while k < layout.len() {
            t[layout[k] as usize] = false;
            k += 1;
        }
        Leads(t)
    }
}

const NO_LAYOUT: Leads = Leads::keeping(b"");
const LINES: Leads = Leads::keeping(b"\n\t");
const JSON_LAYOUT: Leads = Leads::keeping(b"\n\t\r");

/// Whether `s` holds a hostile character other than the layout bytes `leads` lets through.
fn has_hostile(s: &str, leads: &Leads) -> bool {
    first_hostile(s, leads).is_some()
}

/// The byte offset of the first hostile character of `s` other than the layout bytes `leads`
/// lets through, found from its UTF-8 bytes: a record is megabytes of text, and decoding each
/// character to ask [`is_hostile`] was most of the time taken to write one. In valid UTF-8 the
/// byte patterns below are exactly the hostile characters (a lead byte is never a continuation
/// byte); `the_byte_scan_finds_exactly_the_hostile_characters` checks each.
fn first_hostile(s: &str, leads: &Leads) -> Option<usize> {
    let b = s.as_bytes();
    let next = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut from = 0;
    while let Some(k) =
        b.get(from..).and_then(|rest| rest.iter().position(|x| leads.0[*x as usize]))
    {
        let i = from + k;
        if hostile_at(next(i), next(i + 1), next(i + 2)) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Whether the character whose UTF-8 starts with the lead byte `x`, then `y`, `z`, is hostile.
fn hostile_at(x: u8, y: u8, z: u8) -> bool {
    match x {
        0x00..=0x1F | 0x7F => true,
        // C1 controls, U+0080–U+009F.
        0xC2 => (0x80..=0x9F).contains(&y),
        // U+061C.
        0xD8 => y == 0x9C,
        // U+200E, U+200F, U+202A–U+202E; U+2066–U+2069.
        0xE2 => match y {
            0x80 => matches!(z, 0x8E | 0x8F | 0xAA..=0xAE),
            0x81 => (0xA6..=0xA9).contains(&z),
            _ => false,
        },
        _ => false,
    }
}

/// How a character is shown instead: `\r`, `\n`, `\t`, otherwise `\u{hex}` as Rust writes it.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

fn escape(s: &str, keep_layout: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_layout && (c == '\n' || c == '\t');
    if !has_hostile(s, if keep_layout { &LINES } else { &NO_LAYOUT }) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if keep_layout && c == '\r' && chars.peek() == Some(&'\n') {
            // A Windows line end is a line end, not a hidden carriage return.
            continue;
        }
        if is_hostile(c) && !keep(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a terminal or a document: line breaks and tabs stay, every other hostile
/// character is shown escaped.
pub fn visible(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// [`visible`] of a document already built: the same text, not copied when nothing in it is
/// hostile (a record is megabytes).
pub fn visible_owned(s: String) -> String {
    if has_hostile(&s, &LINES) {
        escape(&s, true).into_owned()
    } else {
        s
    }
}

/// One line of text (a table cell, a timeline entry, a diagnostic): line breaks and tabs are
/// shown escaped as well.
pub fn visible_line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// A JSON document as serde_json wrote it: it escapes C0 controls itself but writes C1
/// controls and bidi characters raw. Those can only occur inside strings, where `\uXXXX` is
/// the same text, so the document means exactly what it did.
pub fn json(doc: &str) -> Cow<'_, str> {
    if !has_hostile(doc, &JSON_LAYOUT) {
        return Cow::Borrowed(doc);
    }
    let mut out = String::with_capacity(doc.len() + 16);
    for c in doc.chars() {
        if is_hostile(c) && c != '\n' && c != '\t' && c != '\r' {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`json`] of a document already built, not copied when nothing in it is hostile.
pub fn json_owned(doc: String) -> String {
    if has_hostile(&doc, &JSON_LAYOUT) {
        json(&doc).into_owned()
    } else {
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_finds_exactly_the_hostile_characters() {
        // Every character of the first plane (all the hostile ones are there), a sample above.
        let above = (0x10000..=0x10FFFFu32).step_by(97);
        for c in (0..=0xFFFFu32).chain(above).filter_map(char::from_u32) {
            for (leads, layout) in
                [(&NO_LAYOUT, &b""[..]), (&LINES, b"\n\t"), (&JSON_LAYOUT, b"\n\t\r")]
            {
                let want = is_hostile(c) && !(c.is_ascii() && layout.contains(&(c as u8)));
                for s in [c.to_string(), format!("é{c}·")] {
                    assert_eq!(has_hostile(&s, leads), want, "U+{:04X} in {s:?}", c as u32);
                    if layout.is_empty() {
                        let by_chars = s.char_indices().find(|&(_, c)| is_hostile(c));
                        assert_eq!(find_hostile(&s), by_chars, "U+{:04X} in {s:?}", c as u32);
                    }
                }
            }
        }
    }

    #[test]
    fn the_owned_forms_give_the_same_text() {
        for s in ["plain\nlines\tand tabs", "esc \u{1b}[2J\r\n", "bidi \u{202e}x", "c1 \u{85}", ""]
        {
            assert_eq!(visible_owned(s.to_string()), visible(s));
            assert_eq!(json_owned(s.to_string()), json(s));
        }
    }

    #[test]
    fn controls_and_bidi_are_shown_not_emitted() {
        assert_eq!(
            visible_line("evil\r\u{1b}[2K echo harmless"),
            "evil\\r\\u{1b}[2K echo harmless"
        );
        assert_eq!(visible_line("\u{1b}]0;X\u{7}"), "\\u{1b}]0;X\\u{7}");
        assert_eq!(visible_line("a\u{202e}b\u{2066}c\u{200f}"), "a\\u{202e}b\\u{2066}c\\u{200f}");
        assert_eq!(visible_line("C1 \u{9b}31m"), "C1 \\u{9b}31m");
        assert_eq!(visible_line("del\u{7f}"), "del\\u{7f}");
        assert_eq!(visible_line("two\nlines\tand tab"), "two\\nlines\\tand tab");
    }

    #[test]
    fn documents_keep_their_lines() {
        assert_eq!(visible("a\nb\tc\r\nd\re\u{1b}"), "a\nb\tc\nd\\re\\u{1b}");
        assert!(matches!(visible("数据库 🇨🇳 plain\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_stays_json() {
        let doc = serde_json::to_string(&serde_json::json!({"t": "a\u{1b}b\u{202e}c\u{9b}"}))
            .unwrap_or_default();
        let safe = json(&doc);
        assert!(!safe.chars().any(is_hostile), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap_or_default();
        assert_eq!(back["t"], "a\u{1b}b\u{202e}c\u{9b}");
    }

    #[test]
    fn finds_the_first_hostile_character() {
        assert_eq!(find_hostile("ok \u{202e}x"), Some((3, '\u{202e}')));
        assert_eq!(find_hostile("数据 ok"), None);
    }
}

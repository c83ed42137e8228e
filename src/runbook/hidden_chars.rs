//! Refuse control characters and bidi overrides in the decoded strings of a TOML file. The raw
//! file is checked for control bytes before parsing (`load::precheck`), but TOML escapes
//! (`"\u001b]0;X\u0007"`, `"\r"`, `"\e"`) decode to the same characters, and a bidi override may
//! be written as itself. Runbook text becomes commands the operator copies and lines of the
//! record; a hidden carriage return there makes `"evil\r echo harmless"` read `echo harmless`.
//! Line breaks and tabs are text; so is a Windows line end (`\r\n`) inside a multi-line string.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::source::{diag_at, Diagnostic, KeyPath, Seg, Source};
use crate::safe_text;

/// How deep the walk descends; the loader already refuses deeper nesting.
const MAX_DEPTH: usize = 64;

/// The first key or string value of `source` that holds a hidden character, located at the
/// character itself (or its escape) in the file.
pub fn check(source: &Source) -> Result<(), Diagnostic> {
    let mut path = KeyPath::default();
    match in_table(source.tree.get_ref(), &mut path, 0) {
        Some((span, c, path)) => {
            let raw = source.text.get(span.clone()).unwrap_or("");
            let at = span.start + raw_offset(raw, c).unwrap_or(0);
            let shown = safe_text::visible_line(c.encode_utf8(&mut [0u8; 4])).into_owned();
            let what = if safe_text::is_bidi(c) {
                "the bidirectional formatting character"
            } else {
                "the control character"
            };
            let msg = format!(
                "text holds {what} {shown} (U+{:04X}), which could hide or reorder what a \
                 terminal shows; remove it",
                u32::from(c)
            );
            Err(diag_at(&source.file, source.text, at, Some(path.to_string()), &msg))
        }
        None => Ok(()),
    }
}

/// The first hidden character of `s`; `\n`, `\t` and `\r\n` are text.
fn hidden(s: &str) -> Option<char> {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let text = c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n'));
        if safe_text::is_hostile(c) && !text {
            return Some(c);
        }
    }
    None
}

type Found = (std::ops::Range<usize>, char, KeyPath);

fn in_table(t: &DeTable, path: &mut KeyPath, depth: usize) -> Option<Found> {
    if depth > MAX_DEPTH {
        return None;
    }
    for (k, v) in t.iter() {
        path.0.push(Seg::Key(k.get_ref().to_string()));
        if let Some(c) = hidden(k.get_ref()) {
            return Some((k.span(), c, path.clone()));
        }
        if let Some(found) = in_value(v, path, depth + 1) {
            return Some(found);
        }
        path.0.pop();
    }
    None
}

fn in_value(v: &Spanned<DeValue>, path: &mut KeyPath, depth: usize) -> Option<Found> {
    match v.get_ref() {
        DeValue::String(s) => hidden(s).map(|c| (v.span(), c, path.clone())),
        DeValue::Table(t) => in_table(t, path, depth + 1),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                path.0.push(Seg::Index(i));
                if let Some(found) = in_value(item, path, depth + 1) {
                    return Some(found);
                }
                path.0.pop();
            }
            None
        }
        _ => None,
    }
}

/// Where `want` is written in the raw text of a string: as itself or as an escape
/// (`\uXXXX`, `\UXXXXXXXX`, `\xHH`, `\e`, `\b`, `\f`, `\r`).
fn raw_offset(raw: &str, want: char) -> Option<usize> {
    let mut it = raw.char_indices().peekable();
    while let Some((at, c)) = it.next() {
        if c == want {
            return Some(at);
        }
        if c != '\\' {
            continue;
        }
        let Some((_, e)) = it.next() else { break };
        let hex_len = match e {
            'u' => 4,
            'U' => 8,
            'x' => 2,
            _ => {
                let simple = match e {
                    'e' => Some('\u{1b}'),
                    'b' => Some('\u{8}'),
                    'f' => Some('\u{c}'),
                    'r' => Some('\r'),
                    _ => None,
                };
                if simple == Some(want) {
                    return Some(at);
                }
                continue;
            }
        };
        let mut hex = String::new();
        while hex.len() < hex_len {
            match it.peek() {
                Some(&(_, h)) if h.is_ascii_hexdigit() => {
                    hex.push(h);
                    it.next();
                }
                _ => break,
            }
        }
        if u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) == Some(want) {
            return Some(at);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<String> {
        let src = Source::parse("f.toml", text).ok()?;
        check(&src).err().map(|d| d.to_string())
    }

    #[test]
    fn escapes_that_decode_to_controls_are_refused_where_they_are_written() {
        let text = "[plan]\nname = \"ok\"\n[[steps]]\nrun = \"evil\\r\\u001b[2K echo harmless\"\n";
        assert_eq!(
            first(text).as_deref(),
            Some(
                "f.toml:4:12: steps[0].run: text holds the control character \\r (U+000D), \
                 which could hide or reorder what a terminal shows; remove it"
            )
        );
        let title = "title = \"\\u001b]0;X\\u0007\"\n";
        assert!(first(title).is_some_and(
            |d| d.starts_with("f.toml:1:10: title: text holds the control character \\u{1b}")
        ));
        let bidi = "name = 'a\u{202e}b'\n";
        assert!(first(bidi)
            .is_some_and(|d| d.starts_with("f.toml:1:10: name: text holds the bidirectional")));
        let key = "\"k\\e\" = 1\n";
        assert!(first(key).is_some_and(|d| d.starts_with("f.toml:1:3: k\\u{1b}: text holds")));
    }

    #[test]
    fn line_breaks_tabs_and_windows_line_ends_are_text() {
        assert_eq!(first("body = \"\"\"\r\na\tb\r\nc\"\"\"\r\nx = [\"\\n\", \"\\t\"]\n"), None);
        assert_eq!(first("a = \"\\\\u001b is how you write ESC\"\n"), None);
    }
}

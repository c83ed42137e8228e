//! A loaded TOML text with the spans of its keys, so that any problem found after parsing can
//! be reported as `file:line:column` with the key it concerns.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A key path such as `procedures[0].steps[4].owner`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn key(mut self, k: &str) -> Self {
        self.0.push(Seg::Key(k.to_string()));
        self
    }
    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Seg::Index(i));
        self
    }
}

/// Build a path from dotted parts: `path!["procedures", 0, "steps", 3, "owner"]`.
#[macro_export]
macro_rules! key_path {
    ($($seg:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut p = $crate::runbook::source::KeyPath::default();
        $( p = $crate::runbook::source::IntoSeg::push_onto($seg, p); )*
        p
    }};
}

pub trait IntoSeg {
    fn push_onto(self, p: KeyPath) -> KeyPath;
}
impl IntoSeg for &str {
    fn push_onto(self, p: KeyPath) -> KeyPath {
        p.key(self)
    }
}
impl IntoSeg for usize {
    fn push_onto(self, p: KeyPath) -> KeyPath {
        p.index(self)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A problem in an input file, located for a human.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(key) = &self.key {
            write!(f, "{key}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// The text of one file and its parsed, spanned tree.
pub struct Source<'a> {
    pub file: String,
    pub text: &'a str,
    pub tree: Spanned<DeTable<'a>>,
}

impl<'a> Source<'a> {
    /// Parse the TOML syntax only. The error is already a located diagnostic.
    pub fn parse(file: &str, text: &'a str) -> Result<Self, Diagnostic> {
        match DeTable::parse(text) {
            Ok(tree) => Ok(Source { file: file.to_string(), text, tree }),
            Err(e) => {
                let at = e.span().map(|s| s.start).unwrap_or(0);
                let (at, message) = array_header_before_parent(text)
                    .or_else(|| string_hint(text, at))
                    .unwrap_or((at, e.message().trim_end().to_string()));
                let key = key_in_raw_text(text, at).map(|p| p.to_string());
                Err(diag_at(file, text, at, key, &message))
            }
        }
    }

    /// A diagnostic at the value of `path`; falls back to the nearest existing parent.
    pub fn at_path(&self, path: &KeyPath, message: impl Into<String>) -> Diagnostic {
        let offset = self.span_of(path).map(|s| s.start).unwrap_or(0);
        diag_at(&self.file, self.text, offset, Some(path.to_string()), &message.into())
    }

    /// A diagnostic inside the string value of `path`, at byte `pos` of its decoded `value`.
    /// The decoded text is found verbatim in the file when it was written without escapes;
    /// otherwise the diagnostic falls back to the start of the value.
    pub fn at_path_in_string(
        &self,
        path: &KeyPath,
        value: &str,
        pos: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let span = self.span_of(path);
        let offset = span
            .clone()
            .and_then(|s| {
                let raw = self.text.get(s.clone())?;
                raw.find(value)
                    .map(|found| s.start + found + pos.min(value.len()))
                    .or_else(|| escaped_offset(raw, pos).map(|at| s.start + at))
            })
            .or(span.map(|s| s.start))
            .unwrap_or(0);
        diag_at(&self.file, self.text, offset, Some(path.to_string()), &message.into())
    }

    /// A diagnostic at a byte offset, naming the key found there.
    pub fn at_offset(&self, offset: usize, message: &str) -> Diagnostic {
        let key = self.path_at(offset).map(|p| p.to_string());
        diag_at(&self.file, self.text, offset, key, message)
    }

    /// Whether the value at exactly `path` is an array.
    pub fn is_array(&self, path: &KeyPath) -> bool {
        let mut value: Option<&Spanned<DeValue>> = None;
        for seg in &path.0 {
            value = match (seg, value) {
                (Seg::Key(k), None) => self.tree.get_ref().get(k.as_str()),
                (Seg::Key(k), Some(v)) => match v.get_ref() {
                    DeValue::Table(t) => t.get(k.as_str()),
                    _ => None,
                },
                (Seg::Index(i), Some(v)) => match v.get_ref() {
                    DeValue::Array(a) => a.get(*i),
                    _ => None,
                },
                (Seg::Index(_), None) => None,
            };
            if value.is_none() {
                return false;
            }
        }
        value.is_some_and(|v| matches!(v.get_ref(), DeValue::Array(_)))
    }

    fn span_of(&self, path: &KeyPath) -> Option<Range<usize>> {
        let mut table: &DeTable = self.tree.get_ref();
        let mut best: Option<Range<usize>> = None;
        let mut current: Option<&Spanned<DeValue>> = None;
        for seg in &path.0 {
            let next = match (seg, current) {
                (Seg::Key(k), None) => table.get(k.as_str()),
                (Seg::Key(k), Some(v)) => match v.get_ref() {
                    DeValue::Table(t) => {
                        table = t;
                        table.get(k.as_str())
                    }
                    _ => None,
                },
                (Seg::Index(i), Some(v)) => match v.get_ref() {
                    DeValue::Array(a) => a.get(*i),
                    _ => None,
                },
                (Seg::Index(_), None) => None,
            };
            match next {
                Some(v) => {
                    best = Some(v.span());
                    current = Some(v);
                }
                None => break,
            }
        }
        best
    }

    /// The deepest table whose value spans exactly `span`: serde reports a missing key with the
    /// span of the table that lacks it, and an implicit table (`forms` of `[forms.record]`)
    /// lies inside its first child's header, so a search by offset would name the child.
    pub fn table_with_span(&self, span: &Range<usize>) -> Option<KeyPath> {
        let mut path = KeyPath::default();
        let mut best = None;
        tables_with_span(self.tree.get_ref(), span, &mut path, &mut best, 0);
        best
    }

    /// The deepest key whose key or value covers `offset`.
    pub fn path_at(&self, offset: usize) -> Option<KeyPath> {
        let mut path = KeyPath::default();
        walk_table(self.tree.get_ref(), offset, &mut path, 0).then_some(path)
    }
}

/// `[[procedures.steps]]` before any `[[procedures]]`: TOML makes `procedures` a plain table
/// there and then refuses (or mis-reads) the real `[[procedures]]` that follows. Every parent
/// of an array of tables in a runbook is itself an array of tables, so this is always a mistake.
pub fn array_header_before_parent(text: &str) -> Option<(usize, String)> {
    let mut seen: Vec<String> = Vec::new();
    let mut offset = 0;
    let mut in_multiline = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        // Headers inside a multi-line string are text, not headers.
        if line.matches("\"\"\"").count() % 2 == 1 || line.matches("'''").count() % 2 == 1 {
            in_multiline = !in_multiline;
            continue;
        }
        let t = line.trim();
        if in_multiline || !t.starts_with("[[") {
            continue;
        }
        let Some(end) = t.find("]]") else { continue };
        let name = split_key(&t[2..end]).join(".");
        if let Some((parent, _)) = name.rsplit_once('.') {
            if !seen.iter().any(|s| s == parent) {
                let indent = line.len() - line.trim_start().len();
                return Some((
                    start + indent,
                    format!(
                        "[[{name}]] comes before any [[{parent}]]; write the [[{parent}]] it \
                         belongs to above it"
                    ),
                ));
            }
        }
        seen.push(name);
    }
    None
}

/// A syntax error inside a basic string value, said as what the author did: a `\` at the end
/// of a line meant to continue it, or a `"` inside the command that ends the string early.
fn string_hint(text: &str, at: usize) -> Option<(usize, String)> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prev_start = text[..line_start.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
    let basic_value = |line: &str| {
        let eq = line.find('=')?;
        let value = line[eq + 1..].trim_start();
        (value.starts_with('"') && !value.starts_with("\"\"\"")).then_some(eq)
    };
    for start in [prev_start, line_start] {
        let line = text[start..].lines().next().unwrap_or("");
        if basic_value(line).is_some() && line.trim_end().ends_with('\\') {
            let col = line.trim_end().len() - 1;
            return Some((
                start + col,
                "a \"…\" string cannot go on to the next line with \\; write a multi-line \
                 string \"\"\"…\"\"\" (a \\ at a line end there joins the lines) or '''…'''"
                    .to_string(),
            ));
        }
    }
    let line = text[line_start..].lines().next().unwrap_or("");
    let eq = basic_value(line)?;
    // The quotes that TOML takes as the value's: the opening one and the first unescaped one.
    let bytes = line.as_bytes();
    let open = line[eq..].find('"')? + eq;
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => break,
            _ => i += 1,
        }
    }
    let rest = line.get(i + 1..)?.trim();
    (rest.contains('"') && !rest.starts_with('#')).then(|| {
        (
            line_start + i,
            "this \" ends the string early; write the value as '''…''' so that it may hold \" \
             quotes, or escape each as \\\""
                .to_string(),
        )
    })
}

/// How deep `path_at` descends; the loader already refuses deeper nesting.
const MAX_WALK_DEPTH: usize = 64;

fn walk_table(t: &DeTable, offset: usize, path: &mut KeyPath, depth: usize) -> bool {
    if depth > MAX_WALK_DEPTH {
        return false;
    }
    for (k, v) in t.iter() {
        let ks = k.span();
        let vs = v.span();
        let in_key = ks.start <= offset && offset < ks.end.max(ks.start + 1);
        let in_value = vs.start <= offset && offset < vs.end.max(vs.start + 1);
        // Array-of-tables entries span only their header, so look inside them even when the
        // offset is past the value's own span.
        if in_key || in_value || matches!(v.get_ref(), DeValue::Array(_) | DeValue::Table(_)) {
            path.0.push(Seg::Key(k.get_ref().to_string()));
            if walk_value(v, offset, path, depth + 1) || in_key || in_value {
                return true;
            }
            path.0.pop();
        }
    }
    false
}

fn tables_with_span(
    t: &DeTable,
    span: &Range<usize>,
    path: &mut KeyPath,
    best: &mut Option<KeyPath>,
    depth: usize,
) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    for (k, v) in t.iter() {
        path.0.push(Seg::Key(k.get_ref().to_string()));
        span_in_value(v, span, path, best, depth + 1);
        path.0.pop();
    }
}

fn span_in_value(
    v: &Spanned<DeValue>,
    span: &Range<usize>,
    path: &mut KeyPath,
    best: &mut Option<KeyPath>,
    depth: usize,
) {
    match v.get_ref() {
        DeValue::Table(t) => {
            if v.span() == *span && best.as_ref().is_none_or(|b| b.0.len() < path.0.len()) {
                *best = Some(path.clone());
            }
            tables_with_span(t, span, path, best, depth + 1);
        }
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                path.0.push(Seg::Index(i));
                span_in_value(item, span, path, best, depth + 1);
                path.0.pop();
            }
        }
        _ => {}
    }
}

fn walk_value(v: &Spanned<DeValue>, offset: usize, path: &mut KeyPath, depth: usize) -> bool {
    if depth > MAX_WALK_DEPTH {
        return false;
    }
    match v.get_ref() {
        DeValue::Table(t) => walk_table(t, offset, path, depth + 1),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                path.0.push(Seg::Index(i));
                let s = item.span();
                let inside = s.start <= offset && offset < s.end.max(s.start + 1);
                if walk_value(item, offset, path, depth + 1) || inside {
                    return true;
                }
                path.0.pop();
            }
            false
        }
        _ => false,
    }
}

/// The key path of the statement at `offset`, read from the raw text without parsing it, so that
/// a syntax error or a binary byte can still be reported against the key it sits in. Table
/// headers (`[a]`, `[[a.b]]`) are followed to build the path with array indexes; a value that
/// spans lines (array, inline table, multi-line string) belongs to the key that opened it.
/// Best effort: `None` when the offset is not inside a statement.
pub fn key_in_raw_text(text: &str, offset: usize) -> Option<KeyPath> {
    let b = text.as_bytes();
    let end = offset.min(b.len());
    let mut i = 0;
    let mut depth = 0usize;
    let mut line_start = true;
    let mut table = KeyPath::default();
    let mut arrays: HashMap<Vec<String>, usize> = HashMap::new();
    let mut stmt: Option<KeyPath> = None;
    // A statement that starts exactly at the offset is read too: errors often point at a key.
    while i < end || (i == end && i < b.len() && line_start && depth == 0) {
        let c = b[i];
        if line_start && depth == 0 {
            if c == b' ' || c == b'\t' || c == b'\r' {
                i += 1;
                continue;
            }
            line_start = false;
            if c == b'\n' {
                line_start = true;
                i += 1;
                continue;
            }
            if c == b'[' {
                let array = b.get(i + 1) == Some(&b'[');
                let open = if array { 2 } else { 1 };
                let line_end = find_byte(b, i, b'\n');
                let close = if array { "]]" } else { "]" };
                let inner_end = text
                    .get(i + open..line_end)
                    .and_then(|rest| rest.find(close))
                    .map_or(line_end, |k| i + open + k);
                let name = split_key(&String::from_utf8_lossy(&b[i + open..inner_end]));
                if array {
                    *arrays.entry(name.clone()).or_insert(0) += 1;
                    arrays.retain(|k, _| !(k.len() > name.len() && k.starts_with(&name)));
                }
                table = header_path(&name, &arrays, array);
                stmt = Some(table.clone());
                i = line_end;
                continue;
            }
            if c != b'#' {
                let eq = key_end(b, i);
                let key = split_key(&String::from_utf8_lossy(&b[i..eq]));
                let valid = !key.is_empty()
                    && key.iter().all(|k| {
                        !k.is_empty() && !k.contains(['{', '}', '[', ']', ',', '\n', '#'])
                    });
                stmt = valid.then(|| {
                    let mut p = table.clone();
                    p.0.extend(key.into_iter().map(Seg::Key));
                    p
                });
                i = eq.max(i + 1);
                continue;
            }
        }
        match c {
            b'#' => i = find_byte(b, i, b'\n'),
            b'"' | b'\'' => i = skip_string(b, i),
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'\n' => {
                line_start = true;
                if depth == 0 {
                    stmt = None;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    stmt
}

/// Position of the first `byte` at or after `from`, or the end of the text.
fn find_byte(b: &[u8], from: usize, byte: u8) -> usize {
    b.get(from..).and_then(|r| r.iter().position(|&c| c == byte)).map_or(b.len(), |k| from + k)
}

/// End of the key of the statement starting at `from`: the `=` outside quotes, or, on a line
/// without one (`rpo 4h`), the first blank outside quotes, so the key is not the whole line.
fn key_end(b: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut blank: Option<usize> = None;
    let mut i = from;
    while let Some(&c) = b.get(i) {
        match (quote, c) {
            (_, b'\n') => break,
            (None, q @ (b'"' | b'\'')) => quote = Some(q),
            (Some(b'"'), b'\\') => i += 1,
            (Some(q), c) if c == q => quote = None,
            (None, b'=') => return i,
            (None, b' ' | b'\t') => blank = blank.or(Some(i)),
            _ => {}
        }
        i += 1;
    }
    blank.unwrap_or(i.min(b.len()))
}

/// Index just past the string starting at `from` (basic, literal, or either multi-line form).
/// An unterminated single-line string ends at the line end, as the TOML parser stops there.
fn skip_string(b: &[u8], from: usize) -> usize {
    let q = b[from];
    let triple = b.get(from..from + 3).is_some_and(|s| s.iter().all(|&c| c == q));
    let mut i = from + if triple { 3 } else { 1 };
    while let Some(&c) = b.get(i) {
        if q == b'"' && c == b'\\' {
            i += 2;
            continue;
        }
        if !triple && c == b'\n' {
            return i;
        }
        if c == q && (!triple || b.get(i..i + 3).is_some_and(|s| s.iter().all(|&x| x == q))) {
            let mut j = i + if triple { 3 } else { 1 };
            // A multi-line string may end with up to two extra quotes.
            while triple && b.get(j) == Some(&q) {
                j += 1;
            }
            return j;
        }
        i += 1;
    }
    b.len()
}

/// `a."b.c" . d` -> ["a", "b.c", "d"].
fn split_key(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in raw.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '.') => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// The path of a table header, with the current index of each array of tables on the way.
/// The last name of a plain `[table]` header names the table itself, never an array entry.
fn header_path(name: &[String], arrays: &HashMap<Vec<String>, usize>, array: bool) -> KeyPath {
    let mut p = KeyPath::default();
    for n in 1..=name.len() {
        p = p.key(&name[n - 1]);
        if n == name.len() && !array {
            break;
        }
        if let Some(&count) = arrays.get(&name[..n]) {
            p = p.index(count.saturating_sub(1));
        }
    }
    p
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

pub fn diag_at(
    file: &str,
    text: &str,
    offset: usize,
    key: Option<String>,
    msg: &str,
) -> Diagnostic {
    let (line, column) = line_col(text, offset);
    let key = key.map(|k| one_line(&k));
    Diagnostic { file: file.to_string(), line, column, key, message: one_line(msg) }
}

/// Messages quote the author's text, which may hold newlines or control characters; a
/// diagnostic is one line of output, so those are shown escaped. A quoted value may also be a
/// URI with a password (a config type error quotes it): credentials are redacted.
fn one_line(msg: &str) -> String {
    crate::target::redact_text(&crate::safe_text::visible_line(msg))
}

/// Where byte `pos` of the decoded text of a one-line basic string (`"…"` with escapes such as
/// `\"`) lies in its `raw` text, the quotes included; `None` for any other kind of string or
/// an escape this does not know.
fn escaped_offset(raw: &str, pos: usize) -> Option<usize> {
    let body = raw.strip_prefix('"').filter(|b| !b.starts_with("\"\""))?;
    let mut decoded = 0;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if decoded >= pos {
            return Some(1 + i);
        }
        match c {
            '"' | '\n' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                let (skip, len) = match e {
                    '"' | '\\' | 'n' | 't' | 'b' | 'f' | 'r' | 'e' => (0, 1),
                    'x' => (2, 1),
                    'u' => (4, 0),
                    'U' => (8, 0),
                    _ => return None,
                };
                let mut hex = String::new();
                for _ in 0..skip {
                    hex.push(chars.next()?.1);
                }
                decoded += if len > 0 {
                    u32::from_str_radix(if hex.is_empty() { "0" } else { &hex }, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .map_or(1, |c| if e == 'x' { c.len_utf8() } else { 1 })
                } else {
                    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?.len_utf8()
                };
            }
            c => decoded += c.len_utf8(),
        }
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_position_in_an_escaped_string_is_found_in_its_raw_text() {
        let raw = r#""a \"b\" {x} \u00e9{y}""#;
        // Decoded: a "b" {x} é{y}
        assert_eq!(&raw[escaped_offset(raw, 6).unwrap()..][..3], "{x}");
        assert_eq!(&raw[escaped_offset(raw, 12).unwrap()..][..3], "{y}");
        assert_eq!(escaped_offset("'lit'", 1), None);
        assert_eq!(escaped_offset(r#""""multi""""#, 1), None);
        assert_eq!(escaped_offset(r#""\q""#, 1), None);
    }

    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\nname = \"数据库\" x";
        let off = text.find('x').unwrap();
        assert_eq!(line_col(text, off), (2, 14));
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 10_000), (2, 15));
    }

    #[test]
    fn messages_stay_on_one_line() {
        let d = diag_at("f", "", 0, None, "id 'a\nb\tc\u{1b}' 数据库");
        assert_eq!(d.message, "id 'a\\nb\\tc\\u{1b}' 数据库");
    }

    #[test]
    fn finds_spans_and_paths_inside_arrays_of_tables() {
        let text = "[plan]\nname = \"x\"\n\n[[procedures]]\nid = \"p\"\n\n[[procedures.steps]]\nid = \"a\"\nowner = \"dba\"\n";
        let src = Source::parse("f.toml", text).unwrap();
        let path = crate::key_path!["procedures", 0, "steps", 0, "owner"];
        let d = src.at_path(&path, "bad owner");
        assert_eq!((d.line, d.column), (9, 9));
        assert_eq!(d.to_string(), "f.toml:9:9: procedures[0].steps[0].owner: bad owner");
        let off = text.find("dba").unwrap();
        assert_eq!(src.path_at(off), Some(path));
    }

    #[test]
    fn finds_keys_in_text_that_does_not_parse() {
        let text = "title = \"x\"\n[plan]\nname = \"x\nrto = 8h\n\n[[procedures]]\nid = \"a\"\n\
                    [[procedures.steps]]\nid = \"s\"\n[[procedures.steps]]\nowner = \"o\"\n\
                    owner = \"p\"\n[[procedures]]\n[[procedures.steps]]\nrows = [\n  [\"a\",\n\
                    \"b\"], # ]\n  x\n]\nbody = \"\"\"\n[not.a.header]\n\"\"\"\"\"\nlast = 1\n\n";
        let key_at = |needle: &str| {
            let off = text.find(needle).unwrap();
            key_in_raw_text(text, off).map(|p| p.to_string())
        };
        assert_eq!(key_at("title"), Some("title".into()));
        assert_eq!(key_at("x\nrto"), Some("plan.name".into()));
        assert_eq!(key_at("8h"), Some("plan.rto".into()));
        assert_eq!(key_at("owner = \"p\""), Some("procedures[0].steps[1].owner".into()));
        assert_eq!(key_at("\"b\""), Some("procedures[1].steps[0].rows".into()));
        assert_eq!(key_at("  x\n"), Some("procedures[1].steps[0].rows".into()));
        assert_eq!(key_at("[not"), Some("procedures[1].steps[0].body".into()));
        assert_eq!(key_at("last"), Some("procedures[1].steps[0].last".into()));
        let blank_line = text.find("\n\n[[procedures]]").unwrap() + 1;
        assert_eq!(key_in_raw_text(text, blank_line), None);
        assert_eq!(key_in_raw_text(text, text.len() + 5), None);
        assert_eq!(key_in_raw_text("", 0), None);
        assert_eq!(key_in_raw_text("[[a", 3).map(|p| p.to_string()), Some("a[0]".into()));
        let no_eq = "[plan]\nrpo 4h\n\"a b\" 4\n";
        let at = |n: &str| key_in_raw_text(no_eq, no_eq.find(n).unwrap()).map(|p| p.to_string());
        assert_eq!(at("4h"), Some("plan.rpo".into()));
        assert_eq!(at(" 4\n"), Some("plan.a b".into()));
        let clash = "[[a]]\n[a.b]\n[a]\n";
        let at = |n: &str| key_in_raw_text(clash, clash.rfind(n).unwrap()).map(|p| p.to_string());
        assert_eq!(at("[a.b]"), Some("a[0].b".into()));
        assert_eq!(at("[a]"), Some("a".into()));
    }
}

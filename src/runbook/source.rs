//! A loaded TOML text with the spans of its keys, so that any problem found after parsing can
//! be reported as `file:line:column` with the key it concerns.

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
                Err(diag_at(file, text, at, None, e.message().trim_end()))
            }
        }
    }

    /// A diagnostic at the value of `path`; falls back to the nearest existing parent.
    pub fn at_path(&self, path: &KeyPath, message: impl Into<String>) -> Diagnostic {
        let offset = self.span_of(path).map(|s| s.start).unwrap_or(0);
        diag_at(&self.file, self.text, offset, Some(path.to_string()), &message.into())
    }

    /// A diagnostic at a byte offset, naming the key found there.
    pub fn at_offset(&self, offset: usize, message: &str) -> Diagnostic {
        let key = self.path_at(offset).map(|p| p.to_string());
        diag_at(&self.file, self.text, offset, key, message)
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

    /// The deepest key whose key or value covers `offset`.
    pub fn path_at(&self, offset: usize) -> Option<KeyPath> {
        let mut path = KeyPath::default();
        walk_table(self.tree.get_ref(), offset, &mut path, 0).then_some(path)
    }
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
    Diagnostic { file: file.to_string(), line, column, key, message: msg.to_string() }
}

#[cfg(test)]
mod tests {
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
}

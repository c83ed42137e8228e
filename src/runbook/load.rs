//! Reading a runbook: size and encoding limits first, then TOML syntax, then the schema, then
//! the cross-references. Every failure is a located [`Diagnostic`]; no input panics.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::model::Runbook;
use super::source::{diag_at, Diagnostic, Source};
use super::validate;

/// Larger files are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Deeper bracket nesting is refused before parsing.
pub const MAX_NESTING: usize = 32;

/// The plan of `../shared/dr-plan.zh.md`, in its original Chinese, compiled into the binary.
pub const BUILTIN_ZH: &str = include_str!("../../runbooks/shopping-system.toml");
pub const BUILTIN_NAME: &str = "<built-in shopping-system.toml>";

/// A runbook together with the exact text it was read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub runbook: Runbook,
    pub text: String,
    pub origin: String,
}

impl Loaded {
    pub fn sha256(&self) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(self.text.as_bytes()))
    }
}

pub fn builtin() -> Result<Loaded, Vec<Diagnostic>> {
    from_text(BUILTIN_NAME, BUILTIN_ZH)
}

/// Read a runbook file, or the built-in one when `path` is `None`.
pub fn load(path: Option<&Path>) -> Result<Loaded, Vec<Diagnostic>> {
    match path {
        None => builtin(),
        Some(p) => {
            let name = p.display().to_string();
            let text = read_text(p, &name).map_err(|d| vec![d])?;
            from_text(&name, &text)
        }
    }
}

/// Read a file as UTF-8 text within the size limit.
pub fn read_text(path: &Path, name: &str) -> Result<String, Diagnostic> {
    let plain = |msg: String| Diagnostic {
        file: name.to_string(),
        line: 1,
        column: 1,
        key: None,
        message: msg,
    };
    let meta = std::fs::metadata(path).map_err(|e| plain(format!("cannot read file: {e}")))?;
    if meta.is_dir() {
        return Err(plain("is a directory, not a file".to_string()));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(plain(too_big(meta.len() as usize)));
    }
    let bytes = std::fs::read(path).map_err(|e| plain(format!("cannot read file: {e}")))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(plain(too_big(bytes.len())));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            Err(diag_at(
                name,
                &valid,
                at,
                None,
                &format!("binary data: byte {at} is not UTF-8 text"),
            ))
        }
    }
}

fn too_big(len: usize) -> String {
    format!("file is {len} bytes; a file of more than {MAX_FILE_BYTES} bytes (1 MiB) is refused")
}

/// Checks that apply to every TOML input (runbooks, themes, scenarios, config) before parsing.
pub fn precheck(name: &str, text: &str) -> Result<(), Diagnostic> {
    if text.len() > MAX_FILE_BYTES {
        return Err(diag_at(name, text, 0, None, &too_big(text.len())));
    }
    if text.trim().is_empty() {
        return Err(diag_at(name, text, 0, None, "file is empty"));
    }
    if let Some(at) = text.find(|c: char| c == '\0' || (c.is_control() && !"\t\n\r".contains(c))) {
        return Err(diag_at(
            name,
            text,
            at,
            None,
            "binary data: a control character is not TOML text",
        ));
    }
    if let Some(at) = too_deep(text) {
        return Err(diag_at(
            name,
            text,
            at,
            None,
            &format!("nesting deeper than {MAX_NESTING} levels"),
        ));
    }
    Ok(())
}

/// Offset where bracket nesting first exceeds the limit, skipping strings and comments.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = bytes[i..].starts_with(if q == b'"' { b"\"\"\"" } else { b"'''" });
                let step = if triple { 3 } else { 1 };
                i += step;
                while i < bytes.len() {
                    if q == b'"' && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == q && (!triple || bytes[i..].starts_with(&[q, q, q])) {
                        i += step - 1;
                        break;
                    }
                    if !triple && bytes[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Parse and schema-check any TOML document into `T`, with located errors.
pub fn parse_toml<T: DeserializeOwned>(name: &str, text: &str) -> Result<T, Diagnostic> {
    precheck(name, text)?;
    let source = Source::parse(name, text)?;
    toml::from_str::<T>(text).map_err(|e| {
        let at = e.span().map(|s| s.start).unwrap_or(0);
        source.at_offset(at, e.message().trim_end())
    })
}

pub fn from_text(name: &str, text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    let runbook: Runbook = parse_toml(name, text).map_err(|d| vec![d])?;
    let source = Source::parse(name, text).map_err(|d| vec![d])?;
    let problems = validate::validate(&runbook, &source);
    if problems.is_empty() {
        Ok(Loaded { runbook, text: text.to_string(), origin: name.to_string() })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings_and_comments() {
        assert_eq!(too_deep("a = \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\""), None);
        assert_eq!(too_deep("# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"), None);
        let deep = format!("a = {}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(too_deep(&deep), Some(4 + MAX_NESTING));
    }

    #[test]
    fn the_builtin_runbook_loads() {
        let loaded = builtin().map_err(|e| e.iter().map(|d| d.to_string()).collect::<Vec<_>>());
        assert!(loaded.is_ok(), "{loaded:?}");
    }
}

//! Reading a runbook: size and encoding limits first, then TOML syntax, then the schema, then
//! the cross-references. Every failure is a located [`Diagnostic`]; no input panics.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::model::{self, Runbook};
use super::source::{diag_at, key_in_raw_text, Diagnostic, KeyPath, Seg, Source};
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
    /// Valid but suspicious shapes, in file order; `check` prints them.
    pub warnings: Vec<Diagnostic>,
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

/// Read a regular file as UTF-8 text within the size limit. Every file a user names (runbook,
/// scenario, theme, config) is read through here.
pub fn read_text(path: &Path, name: &str) -> Result<String, Diagnostic> {
    let plain = |msg: String| Diagnostic {
        file: name.to_string(),
        line: 1,
        column: 1,
        key: None,
        message: msg,
    };
    // Regular files only, and never more than the limit read: `/dev/zero` or a FIFO would
    // otherwise be read without end.
    let bytes = crate::files::read_bounded(path, MAX_FILE_BYTES)
        .map_err(|e| plain(format!("cannot read file: {e}")))?;
    if bytes.len() > MAX_FILE_BYTES {
        let len = std::fs::metadata(path).map(|m| m.len() as usize).unwrap_or(bytes.len());
        return Err(plain(too_big(len.max(bytes.len()))));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let byte = e.as_bytes().get(at).copied().unwrap_or(0);
            let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            Err(diag_at(
                name,
                &valid,
                at,
                key_in_raw_text(&valid, at).map(|p| p.to_string()),
                &format!("binary data: byte {at} (0x{byte:02X}) is not UTF-8 text"),
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
    let key_at = |at: usize| key_in_raw_text(text, at).map(|p| p.to_string());
    if let Some((at, c)) =
        text.char_indices().find(|&(_, c)| c.is_control() && !"\t\n\r".contains(c))
    {
        let code = u32::from(c);
        return Err(diag_at(
            name,
            text,
            at,
            key_at(at),
            &format!("binary data: control character U+{code:04X} is not TOML text"),
        ));
    }
    if let Some(at) = too_deep(text) {
        return Err(diag_at(
            name,
            text,
            at,
            key_at(at),
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
    super::hidden_chars::check(&source)?;
    deserialize(&source)
}

fn deserialize<T: DeserializeOwned>(source: &Source) -> Result<T, Diagnostic> {
    toml::from_str::<T>(source.text).map_err(|e| schema_error(source, &e))
}

/// A serde error as a diagnostic in the words of TOML, naming the key it concerns.
fn schema_error(source: &Source, e: &toml::de::Error) -> Diagnostic {
    let span = e.span();
    let at = span.as_ref().map_or(0, |s| s.start);
    let raw = e.message().trim_end();
    // Without a span the error concerns the whole document: name no key rather than whichever
    // key happens to sit at offset 0.
    let path = span.as_ref().and_then(|s| source.path_at(s.start));
    let mut key = path.as_ref().map(|p| p.to_string());
    let mut message = toml_words(raw);
    if let Some(hint) = path.as_ref().and_then(|p| command_hint(p, raw)) {
        message = hint;
    } else if let Some(field) = quoted_after(raw, "missing field `") {
        // The span is the table that lacks the key; name the key itself.
        let table = span.as_ref().and_then(|s| source.table_with_span(s)).or(path);
        key = Some(table.unwrap_or_default().key(field).to_string());
        message = "required key is missing".to_string();
    } else if let Some(field) = quoted_after(raw, "unknown field `") {
        // The span of an unknown `[[header]]` covers its first entry; name the key, not `[0]`.
        if let Some(p) = &path {
            if let Some(cut) = p.0.iter().rposition(|s| *s == Seg::Key(field.to_string())) {
                key = Some(KeyPath(p.0[..=cut].to_vec()).to_string());
            }
        }
    }
    diag_at(&source.file, source.text, at, key, &message)
}

/// A command written as a plain string, where a `{ label, run }` table is expected.
fn command_hint(path: &KeyPath, raw: &str) -> Option<String> {
    if !raw.starts_with("invalid type: string") {
        return None;
    }
    let under_commands = path.0.iter().rev().take(2).any(|s| *s == Seg::Key("commands".into()));
    under_commands.then(|| {
        "a command is a table with a label, not a string: write { label = \"…\", run = \"…\" }"
            .to_string()
    })
}

/// After the first schema error, each section and each entry of an array section is read on
/// its own, so that one pass of `check` lists the first problem of every entry, in file order.
fn every_schema_error(source: &Source, first: Diagnostic) -> Vec<Diagnostic> {
    use toml::de::{DeValue, ValueDeserializer};
    type Value<'a> = toml::Spanned<DeValue<'a>>;
    fn one<T: DeserializeOwned>(source: &Source, v: &Value, out: &mut Vec<Diagnostic>) {
        if let Err(e) = T::deserialize(ValueDeserializer::from(v.clone())) {
            out.push(schema_error(source, &e));
        }
    }
    fn each<T: DeserializeOwned>(source: &Source, v: &Value, out: &mut Vec<Diagnostic>) {
        match v.get_ref() {
            DeValue::Array(items) => items.iter().for_each(|item| one::<T>(source, item, out)),
            _ => one::<Vec<T>>(source, v, out),
        }
    }
    let mut out = vec![first];
    for (key, v) in source.tree.get_ref().iter() {
        let out = &mut out;
        match key.get_ref().as_ref() {
            "plan" => one::<model::Plan>(source, v, out),
            "components" => each::<model::Component>(source, v, out),
            "services" => each::<model::Service>(source, v, out),
            "disaster-types" => each::<model::DisasterType>(source, v, out),
            "functions" => each::<model::BusinessFunction>(source, v, out),
            "roles" => each::<model::Role>(source, v, out),
            "contacts" => each::<model::Contact>(source, v, out),
            "backups" => each::<model::Backup>(source, v, out),
            "levels" => each::<model::Level>(source, v, out),
            "tracks" => each::<model::Track>(source, v, out),
            "procedures" => each::<model::Procedure>(source, v, out),
            "checklists" => each::<model::Checklist>(source, v, out),
            "notifications" => each::<model::NotificationStage>(source, v, out),
            "templates" => each::<model::Template>(source, v, out),
            "fields" => each::<model::TemplateField>(source, v, out),
            "forms" => one::<model::Forms>(source, v, out),
            "exercises" => each::<model::Exercise>(source, v, out),
            "references" => each::<model::Reference>(source, v, out),
            // Unknown keys and missing sections: the whole-document error names the first.
            _ => {}
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|d| seen.insert(d.to_string()));
    validate::in_file_order(&mut out);
    out
}

/// The text between `prefix` and the next backquote, if `message` starts with `prefix`.
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// Serde speaks of fields, maps, sequences and Rust integer types; a runbook author writes
/// keys, tables, arrays and numbers.
fn toml_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("unknown field `", "unknown key `"),
        ("unknown variant `", "unknown value `"),
        ("invalid type: map", "invalid type: table"),
        ("invalid type: sequence", "invalid type: array"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("expected a boolean", "expected true or false"),
        ("expected u8", "expected an integer from 0 to 255"),
        ("expected u16", "expected an integer from 0 to 65535"),
        ("expected u32", "expected an integer from 0 to 4294967295"),
        ("expected u64", "expected a non-negative integer"),
    ];
    let mut out = message.to_string();
    for (from, to) in WORDS {
        out = out.replace(from, to);
    }
    if let Some(at) = out.find("expected struct ") {
        out.truncate(at);
        out.push_str("expected a table");
    }
    out
}

/// Keys of the runbook that hold one table. Serde would accept an array in their place and
/// match its items to the struct's fields by position, which yields a message about the wrong
/// thing entirely ("invalid type: map, expected a string"); catch that shape first.
const SINGLE_TABLES: &[&str] =
    &["plan", "forms", "forms.record", "forms.report", "forms.test-report"];

fn single_tables(source: &Source) -> Result<(), Diagnostic> {
    for dotted in SINGLE_TABLES {
        let path = KeyPath(dotted.split('.').map(|k| Seg::Key(k.to_string())).collect());
        if source.is_array(&path) {
            return Err(source.at_path(
                &path,
                format!("must be a table, not an array: write [{dotted}], not [[{dotted}]]"),
            ));
        }
    }
    Ok(())
}

pub fn from_text(name: &str, text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    precheck(name, text).map_err(|d| vec![d])?;
    let source = Source::parse(name, text).map_err(|d| vec![d])?;
    super::hidden_chars::check(&source).map_err(|d| vec![d])?;
    single_tables(&source).map_err(|d| vec![d])?;
    let runbook: Runbook = match deserialize(&source) {
        Ok(rb) => rb,
        Err(first) => {
            // The table TOML made of a misplaced `[[a.b]]` explains every error after it.
            if let Some((at, message)) = super::source::array_header_before_parent(text) {
                return Err(vec![source.at_offset(at, &message)]);
            }
            return Err(every_schema_error(&source, first));
        }
    };
    let found = validate::validate(&runbook, &source);
    if found.errors.is_empty() {
        Ok(Loaded {
            runbook,
            text: text.to_string(),
            origin: name.to_string(),
            warnings: found.warnings,
        })
    } else {
        Err(found.errors)
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

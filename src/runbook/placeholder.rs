//! The one placeholder scanner: `{field-id}` in a §7.2 message template and `{name}` in a
//! step's command (format 2). Checking, listing and filling all read the same tokens, so what
//! `check` accepts is exactly what the console fills.
//!
//! The two kinds of text differ in what a brace that is not a placeholder means:
//!
//! - In a **message** every brace belongs to a placeholder: a `{` never closed on its line, a
//!   `}` without a `{` and braces around anything but an id (`{Expected Time}`) are mistakes.
//! - In a **command** braces are shell, awk and JSON syntax as often as placeholders, so only
//!   this shape is a placeholder: `{`, a lowercase ASCII letter, then lowercase letters, digits
//!   or `-` (at most 64 in all), `}`; where the `{` does not follow `$` or `{` and the `}` is
//!   not followed by `}`. Everything else is text as written: `${VAR}`, `${var}`, `$HOME`,
//!   `{ print $1 }`, `{}`, `{a,b}`, `{1..3}`, `[0-9]{3}`, `{"k": 1}`, `{{.Name}}`. To write a
//!   literal `{word}` in a command (awk's `{print}`), put a space inside: `{ print }`.

/// What kind of text is scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// A message template body: every brace must belong to a placeholder.
    Message,
    /// A step command's `run`: braces that do not form a placeholder are shell text.
    Command,
}

/// One placeholder in a text: the byte range of `{name}` and the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub at: usize,
    pub end: usize,
    pub name: String,
}

enum Token {
    Use(Use),
    /// A brace that is not a placeholder in a message: where, and why.
    Stray(usize, String),
}

/// The longest placeholder name, as for every id of a runbook.
const MAX_NAME: usize = 64;

fn is_field_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAME
        && !s.starts_with('-')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A command placeholder's name: an id that starts with a letter, so that `{3}` (a regex
/// count) or `{0}` (a format argument) stays text.
pub fn is_command_name(s: &str) -> bool {
    is_field_id(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

fn lex(text: &str, syntax: Syntax) -> Vec<Token> {
    match syntax {
        Syntax::Message => lex_message(text),
        Syntax::Command => lex_command(text),
    }
}

/// A placeholder lies on one line, so a '{' without a '}' before the next '{' or line end is
/// reported where it opens rather than swallowing the text up to a later '}'.
fn lex_message(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = text[from..].find(['{', '}']) {
        let at = from + rel;
        if text[at..].starts_with('}') {
            out.push(Token::Stray(at, "a '}' has no matching '{'".to_string()));
            from = at + 1;
            continue;
        }
        let after = &text[at + 1..];
        match after.find(['}', '{', '\n']) {
            Some(k) if after[k..].starts_with('}') => {
                let name = &after[..k];
                let end = at + 1 + k + 1;
                if is_field_id(name) {
                    out.push(Token::Use(Use { at, end, name: name.to_string() }));
                } else {
                    let why = format!("'{{{name}}}' is not a placeholder; write {{field-id}}");
                    out.push(Token::Stray(at, why));
                }
                from = end;
            }
            _ => {
                let shown: String = after
                    .chars()
                    .take_while(|c| !c.is_whitespace() && *c != '{')
                    .take(32)
                    .collect();
                let why = format!("'{{{shown}' is never closed; write {{field-id}}");
                out.push(Token::Stray(at, why));
                from = at + 1;
            }
        }
    }
    out
}

fn lex_command(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = text[from..].find('{') {
        let at = from + rel;
        from = at + 1;
        let before = at.checked_sub(1).map(|i| bytes[i]);
        if matches!(before, Some(b'$') | Some(b'{')) {
            continue;
        }
        let after = &text[at + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .unwrap_or(after.len());
        let name = &after[..len];
        let close = at + 1 + len;
        if bytes.get(close) != Some(&b'}') || bytes.get(close + 1) == Some(&b'}') {
            continue;
        }
        if is_command_name(name) {
            out.push(Token::Use(Use { at, end: close + 1, name: name.to_string() }));
            from = close + 1;
        }
    }
    out
}

/// Every placeholder of `text`, or the first brace of a message that is not one (its byte
/// offset and the problem). A command never has such a brace.
pub fn check(text: &str, syntax: Syntax) -> Result<Vec<Use>, (usize, String)> {
    let mut out = Vec::new();
    for t in lex(text, syntax) {
        match t {
            Token::Use(u) => out.push(u),
            Token::Stray(at, why) => return Err((at, why)),
        }
    }
    Ok(out)
}

/// The placeholders of `text`; in a message, braces that are not one are passed over.
pub fn uses(text: &str, syntax: Syntax) -> Vec<Use> {
    lex(text, syntax)
        .into_iter()
        .filter_map(|t| match t {
            Token::Use(u) => Some(u),
            Token::Stray(..) => None,
        })
        .collect()
}

/// The placeholder names of `text`, each once, in order of first use.
pub fn names(text: &str, syntax: Syntax) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for u in uses(text, syntax) {
        if !out.contains(&u.name) {
            out.push(u.name);
        }
    }
    out
}

/// `text` with every placeholder replaced by `value_for(name)`, in one pass: a value that
/// happens to hold `{x}` is never expanded again. Other text is kept exactly.
pub fn fill(text: &str, syntax: Syntax, mut value_for: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for u in uses(text, syntax) {
        out.push_str(&text[last..u.at]);
        out.push_str(&value_for(&u.name));
        last = u.end;
    }
    out.push_str(&text[last..]);
    out
}

/// A pattern as the runbook writes it, anchored so that it must match the whole value: the
/// author writes `ws-[0-9]+`, and `xws-1; rm -rf /` does not pass because a part matches.
pub fn compile(pattern: &str) -> Result<regex::Regex, String> {
    // A runbook is bounded (1 MiB); so is what one pattern may cost to build.
    let build = |p: &str| regex::RegexBuilder::new(p).size_limit(1 << 20).build();
    // Checked as written first: a fault is then named as the author would see it (`[a-` is
    // an unclosed class, not the bad range it becomes once `)$` is appended).
    build(pattern).and_then(|_| build(&format!("^(?:{pattern})$"))).map_err(|e| match e {
        // The crate's message draws the pattern with a caret under the fault; one line,
        // its last ("error: unclosed character class"), is what a diagnostic can hold.
        regex::Error::Syntax(text) => text
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("error: "))
            .unwrap_or("not a regular expression")
            .to_string(),
        regex::Error::CompiledTooBig(_) => "the pattern is too large".to_string(),
        other => other.to_string(),
    })
}

/// Why a value cannot fill a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueProblem {
    Empty,
    /// A control character or bidi override: a command is pasted into a shell, where it would
    /// do something other than what the screen shows.
    Hidden,
    /// The value does not match the placeholder's pattern (shown).
    NoMatch(String),
}

/// Whether `value` may fill `p` (`None`: it may). A pattern that does not compile (refused by
/// `check`) lets nothing through.
pub fn value_problem(p: &crate::runbook::model::Placeholder, value: &str) -> Option<ValueProblem> {
    if value.trim().is_empty() {
        return Some(ValueProblem::Empty);
    }
    if value.chars().any(crate::safe_text::is_hostile) {
        return Some(ValueProblem::Hidden);
    }
    let pattern = p.pattern.as_deref()?;
    match compile(pattern) {
        Ok(re) if re.is_match(value) => None,
        _ => Some(ValueProblem::NoMatch(pattern.to_string())),
    }
}

impl ValueProblem {
    pub fn message(&self, lang: crate::runbook::model::Lang) -> String {
        let m = crate::i18n::messages(lang);
        match self {
            ValueProblem::Empty => m.value_empty.to_string(),
            ValueProblem::Hidden => m.value_hidden.to_string(),
            ValueProblem::NoMatch(p) => crate::i18n::fill(m.value_no_match, &[("pattern", p)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(text: &str) -> Vec<String> {
        names(text, Syntax::Command)
    }

    #[test]
    fn message_placeholders_are_found_and_checked() {
        let m = |t: &str| check(t, Syntax::Message);
        assert_eq!(names("a {x} b {y-z} {x}", Syntax::Message), vec!["x", "y-z"]);
        assert!(m("a {x").is_err());
        assert!(m("a x}").is_err());
        assert!(m("a {X Y}").is_err());
        assert_eq!(m("ab {x\ncd {y}"), Err((3, "'{x' is never closed; write {field-id}".into())));
        let at: Vec<usize> = m("{a}{b} {a}").unwrap().iter().map(|u| u.at).collect();
        assert_eq!(at, vec![0, 3, 7]);
        assert_eq!(m("x }").unwrap_err().0, 2);
        assert_eq!(m("{}").unwrap_err().1, "'{}' is not a placeholder; write {field-id}");
        // A digit may start a message field id, as it may start any id.
        assert_eq!(names("{1st}", Syntax::Message), vec!["1st"]);
    }

    #[test]
    fn command_placeholders_are_lowercase_names_in_single_braces() {
        assert_eq!(
            cmd("mongorestore --nsInclude='acme.{collection}' /b/{backup-file}.gz"),
            vec!["collection", "backup-file"]
        );
        assert_eq!(cmd("{a}{b} {a}"), vec!["a", "b"]);
        assert_eq!(cmd("x={workspace-id},y"), vec!["workspace-id"]);
        // The shell's own braces.
        assert!(cmd("echo ${HOME} ${workspace_id} ${ws} $ws").is_empty());
        assert!(cmd("awk '{ print $1 }' f; find . -exec rm {} \\;").is_empty());
        assert!(cmd("cp f{,.bak}; echo {1..3} {a,b}").is_empty());
        assert!(cmd("grep -E '[0-9]{3}' x; printf '{0}'").is_empty());
        // JSON, templates of other tools, and upper case.
        assert!(cmd(r#"curl -d '{"id": 1, "x": {"y": 2}}'"#).is_empty());
        assert!(cmd("docker inspect -f '{{.State.Status}}' c; echo {{name}} {{x}").is_empty());
        assert!(cmd("echo {Name} {NAME} {-x} {a_b} {a.b}").is_empty());
        // Unclosed or stray braces are text, never an error.
        assert!(check("echo { ; echo } {x", Syntax::Command).unwrap().is_empty());
        // At most 64 characters, like every id.
        let long = format!("{{{}}}", "a".repeat(65));
        assert!(cmd(&long).is_empty());
        assert_eq!(cmd(&format!("{{{}}}", "a".repeat(64))).len(), 1);
    }

    #[test]
    fn filling_replaces_in_one_pass_and_keeps_the_rest_exactly() {
        let filled = fill("a {x} ${y} {{x}} {x}!", Syntax::Command, |n| format!("<{n}={{x}}>"));
        assert_eq!(filled, "a <x={x}> ${y} {{x}} <x={x}>!");
        let msg = fill("Dear {who}, {Bad Thing} {", Syntax::Message, |_| "V".into());
        assert_eq!(msg, "Dear V, {Bad Thing} {");
        let spans = uses("ab{cd}", Syntax::Command);
        assert_eq!(spans, vec![Use { at: 2, end: 6, name: "cd".into() }]);
    }
}

//! Service targets: `${env:NAME}` references and redaction of credentials.
//!
//! A target string from a runbook or the command line may carry secrets once expanded. Every
//! copy that leaves the process (screen, log, journal, record, `status` output) goes through
//! [`redact`] first.

use std::collections::HashMap;

/// Expand `${env:NAME}` references from `env`. An unset variable is an error naming it.
pub fn expand_with(target: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(target.len());
    let mut rest = target;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed \"${{\" in target \"{}\"", redact(target)))?;
        let inner = &after[..end];
        let name = inner.strip_prefix("env:").ok_or_else(|| {
            format!("\"${{{inner}}}\" is not a reference this tool knows; write ${{env:NAME}}")
        })?;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("\"{name}\" is not an environment variable name"));
        }
        let value = env(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("environment variable {name} is not set"))?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Expand from the process environment.
pub fn expand(target: &str) -> Result<String, String> {
    expand_with(target, &|name| std::env::var(name).ok())
}

/// Check the reference syntax without needing the variables to be set.
pub fn check_syntax(target: &str) -> Result<(), String> {
    expand_with(target, &|_| Some("x".to_string())).map(|_| ())
}

/// Whether a literal target (before expansion) holds a password inline.
pub fn has_inline_password(target: &str) -> bool {
    userinfo_span(target).is_some_and(|r| target[r].contains(':'))
}

/// Query options whose values are never secret and help an operator read a target.
const SAFE_QUERY_KEYS: &[&str] = &[
    "authsource",
    "authmechanism",
    "replicaset",
    "tls",
    "ssl",
    "connecttimeoutms",
    "serverselectiontimeoutms",
    "sockettimeoutms",
    "directconnection",
    "appname",
    "retrywrites",
    "readpreference",
    "w",
];

/// `target` with every place a secret can sit replaced by `****`: the whole userinfo
/// (`user:password@`, also in a malformed target without `//` or without a scheme), the value
/// of every query option not in a short list of harmless ones, and a fragment.
///
/// The userinfo ends at the last `@` that is followed by something host-like, so a password
/// holding `/`, `?`, `#` or `@` is hidden whole; an `@` in a path or query value can make it
/// hide more than the userinfo, never less.
pub fn redact(target: &str) -> String {
    let mut out = target.to_string();
    for r in secret_spans(target).into_iter().rev() {
        out.replace_range(r, "****");
    }
    out
}

/// The secret values of `target` that `redact` hides, longest first, for finding them quoted
/// anywhere else (an error message): the userinfo and its password part, and query and
/// fragment values of at least `MIN_BARE_SECRET` characters (shorter ones such as `1` or
/// `true` would blank out ordinary words of the message; inside a URI they are hidden anyway).
pub fn secret_values(target: &str) -> Vec<String> {
    let userinfo = userinfo_span(target);
    let mut out = Vec::new();
    for r in secret_spans(target) {
        let piece = &target[r.clone()];
        if Some(&r) == userinfo.as_ref() {
            if let Some((_, password)) = piece.split_once(':') {
                if !password.is_empty() {
                    out.push(password.to_string());
                }
            }
            out.push(piece.to_string());
            // A parser that ends the userinfo elsewhere (at a `/`, `?`, `#` or `@` of the
            // password) quotes a piece of it: "invalid server address admin:p#ss".
            for (d, _) in piece.match_indices(['/', '?', '#', '@']) {
                let (head, tail) = (&piece[..d], &piece[d + 1..]);
                let head_password = head.split_once(':').map(|(_, p)| p);
                for part in [Some(head), head_password, Some(tail)].into_iter().flatten() {
                    if part.chars().count() >= MIN_BARE_SECRET {
                        out.push(part.to_string());
                    }
                }
            }
        } else if piece.chars().count() >= MIN_BARE_SECRET {
            out.push(piece.to_string());
        }
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

const MIN_BARE_SECRET: usize = 4;

/// Free text (an error message, a config diagnostic) with every URI-like word redacted: a
/// word holding `://`, or `user:password@host` without a scheme.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ws = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
        out.push_str(&rest[..ws]);
        rest = &rest[ws..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        // Quotes and brackets around a URI are not part of it.
        let inner = word.trim_start_matches(['"', '\'', '<', '(', '[', '{', '`']);
        let lead = word.len() - inner.len();
        let inner = inner.trim_end_matches(['"', '\'', '>', ')', ']', '}', '`', ',', ';', '.']);
        if looks_like_uri(inner) {
            out.push_str(&word[..lead]);
            out.push_str(&redact(inner));
            out.push_str(&word[lead + inner.len()..]);
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out
}

fn looks_like_uri(word: &str) -> bool {
    word.contains("://") || userinfo_span(word).is_some_and(|r| word[r].contains(':'))
}

/// Byte ranges of the secrets in `s`, in order: userinfo, query values, fragment.
fn secret_spans(s: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut after_userinfo = 0;
    if let Some(r) = userinfo_span(s) {
        after_userinfo = r.end + 1;
        spans.push(r);
    }
    let rest = &s[after_userinfo..];
    let Some(q) = rest.find(['?', '#']) else { return spans };
    let mut pos = after_userinfo + q;
    if s[pos..].starts_with('?') {
        let query_end = s[pos..].find('#').map_or(s.len(), |h| pos + h);
        let mut at = pos + 1;
        for pair in s[pos + 1..query_end].split('&') {
            if let Some((k, v)) = pair.split_once('=') {
                let value_start = at + k.len() + 1;
                if !v.is_empty() && !SAFE_QUERY_KEYS.contains(&k.to_ascii_lowercase().as_str()) {
                    spans.push(value_start..value_start + v.len());
                }
            }
            at += pair.len() + 1;
        }
        pos = query_end;
    }
    if s[pos..].starts_with('#') && pos + 1 < s.len() {
        spans.push(pos + 1..s.len());
    }
    spans
}

/// The userinfo of `s`: from after `scheme://` (or `scheme:/`, or the start when there is no
/// scheme followed by `/`) to the last `@` that is followed by a host.
fn userinfo_span(s: &str) -> Option<std::ops::Range<usize>> {
    let at = s.char_indices().filter(|&(_, c)| c == '@').map(|(i, _)| i).rev().find(|&i| {
        let host = &s[i + 1..];
        let host = &host[..host.find(['/', '?', '#']).unwrap_or(host.len())];
        !host.is_empty() && host.chars().all(|c| c.is_alphanumeric() || ".-_:[],%".contains(c))
    })?;
    let start = match s[..at].find("://") {
        Some(i) => i + 3,
        None => scheme_with_slash(s).unwrap_or(0),
    };
    (start < at).then_some(start..at)
}

/// After `scheme:/` (and any further slashes) when `s` starts with one.
fn scheme_with_slash(s: &str) -> Option<usize> {
    let colon = s.find(':')?;
    let scheme = &s[..colon];
    let valid = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    let slashes = s[colon + 1..].len() - s[colon + 1..].trim_start_matches('/').len();
    (valid && slashes > 0).then_some(colon + 1 + slashes)
}

/// `--target ID=URL` overrides, later ones winning.
pub fn parse_overrides(raw: &[String]) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    for item in raw {
        let (id, url) = item
            .split_once('=')
            .ok_or_else(|| format!("--target \"{}\" must be ID=URL", redact(item)))?;
        if id.is_empty() || url.is_empty() {
            return Err(format!("--target \"{}\" must be ID=URL", redact(item)));
        }
        map.insert(id.to_string(), url.to_string());
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "MONGODB_URI").then(|| "mongodb://admin:s3cret@127.0.0.1:27017/shop".to_string())
    }

    #[test]
    fn expands_env_references() {
        assert_eq!(
            expand_with("${env:MONGODB_URI}", &env).unwrap(),
            "mongodb://admin:s3cret@127.0.0.1:27017/shop"
        );
        assert_eq!(expand_with("http://127.0.0.1:1/x", &env).unwrap(), "http://127.0.0.1:1/x");
        assert_eq!(
            expand_with("${env:API_URL}", &env).unwrap_err(),
            "environment variable API_URL is not set"
        );
        assert!(expand_with("${env:X", &env).unwrap_err().contains("unclosed"));
        assert!(expand_with("${file:/x}", &env).unwrap_err().contains("${env:NAME}"));
    }

    #[test]
    fn redacts_passwords_and_tokens() {
        let cases = [
            ("mongodb://admin:s3cret@127.0.0.1/shop", "mongodb://****@127.0.0.1/shop"),
            (
                "mongodb+srv://u:p%40ss@cluster.example/db?authSource=admin&password=zz",
                "mongodb+srv://****@cluster.example/db?authSource=admin&password=****",
            ),
            (
                "http://127.0.0.1:8080/health?token=abc&x=1",
                "http://127.0.0.1:8080/health?token=****&x=****",
            ),
            ("http://127.0.0.1:8080/health", "http://127.0.0.1:8080/health"),
            ("mongodb://admin@127.0.0.1/", "mongodb://****@127.0.0.1/"),
            // An '@' in the path hides more than the userinfo, never less.
            ("https://a:b@h/p@q", "https://****@q"),
            ("127.0.0.1:27017", "127.0.0.1:27017"),
            ("/usr/bin/yes", "/usr/bin/yes"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn passwords_with_delimiters_and_malformed_targets_stay_hidden() {
        let cases = [
            ("mongodb://admin:p#ss/w?rd@127.0.0.1:27017/db", "mongodb://****@127.0.0.1:27017/db"),
            ("mongodb://admin:a@b@127.0.0.1/db", "mongodb://****@127.0.0.1/db"),
            ("admin:pw@127.0.0.1:27017", "****@127.0.0.1:27017"),
            ("mongodb:/admin:pw@127.0.0.1:27017", "mongodb:/****@127.0.0.1:27017"),
            ("mongodb:admin:pw@127.0.0.1", "****@127.0.0.1"),
            (
                "mongodb://h:1/db?session=s1&pwd2=p2&replicaSet=rs0&tls=true#frag",
                "mongodb://h:1/db?session=****&pwd2=****&replicaSet=rs0&tls=true#****",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
        assert_eq!(
            secret_values("mongodb://admin:p#ss/wx@h/?token=t0ken&x=1"),
            ["admin:p#ss/wx", "admin:p#ss", "admin:p", "p#ss/wx", "ss/wx", "t0ken", "p#ss"]
        );
    }

    #[test]
    fn uris_in_free_text_are_redacted_and_the_rest_is_kept() {
        assert_eq!(
            redact_text("invalid type: string \"mongodb://u:pw@h/x?token=t\", expected a map"),
            "invalid type: string \"mongodb://****@h/x?token=****\", expected a map"
        );
        assert_eq!(
            redact_text("target admin:pw@127.0.0.1:1 refused"),
            "target ****@127.0.0.1:1 refused"
        );
        assert_eq!(redact_text("mail ops@example.com at 10:30"), "mail ops@example.com at 10:30");
    }

    #[test]
    fn detects_inline_passwords() {
        assert!(has_inline_password("mongodb://a:b@h/"));
        assert!(!has_inline_password("mongodb://a@h/"));
        assert!(!has_inline_password("${env:MONGODB_URI}"));
    }
}

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
    userinfo_range(target).is_some_and(|(_, colon, _)| colon.is_some())
}

/// Replace the password of `scheme://user:pass@host` and any secret-looking query option
/// (`password=`, `token=`, `secret=`, `key=`, ...) with `****`.
pub fn redact(uri: &str) -> String {
    let mut s = uri.to_string();
    if let Some((_, Some(colon), at)) = userinfo_range(&s) {
        s.replace_range(colon + 1..at, "****");
    }
    redact_query(&s)
}

/// (start of userinfo, position of ':' inside it, position of '@').
fn userinfo_range(s: &str) -> Option<(usize, Option<usize>, usize)> {
    let scheme_end = s.find("://")? + 3;
    let authority_end =
        s[scheme_end..].find(['/', '?', '#']).map(|i| scheme_end + i).unwrap_or(s.len());
    let at = s[scheme_end..authority_end].rfind('@')? + scheme_end;
    let colon = s[scheme_end..at].find(':').map(|i| scheme_end + i);
    Some((scheme_end, colon, at))
}

const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "token",
    "secret",
    "apikey",
    "api_key",
    "api-key",
    "key",
    "access_token",
    "auth",
    "authorization",
    "sig",
    "signature",
    "credential",
    "credentials",
];

fn redact_query(s: &str) -> String {
    let Some(q) = s.find('?') else { return s.to_string() };
    let (head, query) = s.split_at(q + 1);
    let (query, fragment) = match query.find('#') {
        Some(h) => query.split_at(h),
        None => (query, ""),
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if is_secret_key(k) && !v.is_empty() => format!("{k}=****"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{head}{}{fragment}", parts.join("&"))
}

fn is_secret_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|s| k == *s || k.ends_with(&format!("_{s}")) || k.contains("token"))
        || k.contains("secret")
        || k.contains("password")
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
            ("mongodb://admin:s3cret@127.0.0.1/shop", "mongodb://admin:****@127.0.0.1/shop"),
            (
                "mongodb+srv://u:p%40ss@cluster.example/db?authSource=admin&password=zz",
                "mongodb+srv://u:****@cluster.example/db?authSource=admin&password=****",
            ),
            (
                "http://127.0.0.1:8080/health?token=abc&x=1",
                "http://127.0.0.1:8080/health?token=****&x=1",
            ),
            ("http://127.0.0.1:8080/health", "http://127.0.0.1:8080/health"),
            ("mongodb://admin@127.0.0.1/", "mongodb://admin@127.0.0.1/"),
            ("https://a:b@h/p@q", "https://a:****@h/p@q"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn detects_inline_passwords() {
        assert!(has_inline_password("mongodb://a:b@h/"));
        assert!(!has_inline_password("mongodb://a@h/"));
        assert!(!has_inline_password("${env:MONGODB_URI}"));
    }
}

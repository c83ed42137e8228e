//! Keeps secrets of an expanded target out of every message a probe produces. Error texts of
//! drivers and programs may quote the URI or the password itself; `target::redact` only knows
//! where secrets sit inside a URI, so the secret values are also replaced wherever they appear.
//! One redaction: the places come from `target`, this module only finds them again.

use crate::target::{redact_text, secret_values};

/// `text` with the expanded target shown as `display`, every secret value (raw and
/// percent-decoded) replaced by `****`, and any other URI credentials redacted.
pub fn scrub(text: &str, target: &str, display: &str) -> String {
    let mut s = if target.is_empty() { text.to_string() } else { text.replace(target, display) };
    for secret in secret_values(target) {
        for form in [percent_decode(&secret), secret] {
            if !form.is_empty() {
                s = s.replace(&form, "****");
            }
        }
    }
    redact_text(&s)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::redact;

    const URI: &str =
        "mongodb://admin:S3cret%40Pw@127.0.0.1:1/db?authSource=admin&token=T0kenValue&x=1";

    #[test]
    fn scrubs_quoted_uris_and_bare_secrets() {
        let display = redact(URI);
        let msg = format!("failed to reach {URI}: auth as admin/S3cret@Pw with T0kenValue");
        let out = scrub(&msg, URI, &display);
        assert!(!out.contains("S3cret"), "{out}");
        assert!(!out.contains("T0kenValue"), "{out}");
        assert!(out.contains("mongodb://****@127.0.0.1"), "{out}");
    }
}

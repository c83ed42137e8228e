//! Plain words for durations and network errors, as an operator under stress reads them.

use std::error::Error;
use std::io;
use std::time::Duration;

/// A latency: fractions of a millisecond matter on a LAN, seconds matter on a bad day.
pub fn format_latency(d: Duration) -> String {
    let us = d.as_micros();
    if us < 10_000 {
        format!("{:.1}ms", us as f64 / 1000.0)
    } else {
        crate::duration_text::compact(d)
    }
}

/// Milliseconds for the sparkline history, saturating.
pub fn millis(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// The innermost I/O error of an error chain in plain words, if there is one.
pub fn io_cause(err: &(dyn Error + 'static)) -> Option<String> {
    let mut cur: Option<&(dyn Error + 'static)> = Some(err);
    let mut found = None;
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            found = Some(describe_io(io));
            // A wrapping io::Error hides its payload from `source()`; look inside it.
            if let Some(inner) = io.get_ref() {
                cur = Some(inner);
                continue;
            }
        }
        cur = e.source();
    }
    found
}

pub fn describe_io(e: &io::Error) -> String {
    use io::ErrorKind as K;
    match e.kind() {
        K::ConnectionRefused => "connection refused".into(),
        K::ConnectionReset => "connection reset by the server".into(),
        K::ConnectionAborted => "connection aborted".into(),
        K::UnexpectedEof => "connection closed by the server".into(),
        K::TimedOut => "timed out".into(),
        K::HostUnreachable => "host unreachable".into(),
        K::NetworkUnreachable => "network unreachable".into(),
        K::AddrNotAvailable => "address not available".into(),
        K::PermissionDenied => "permission denied".into(),
        K::NotFound => "not found".into(),
        _ => {
            let s = e.to_string();
            if s.contains("failed to lookup address") {
                return "host not found".into();
            }
            // "Connection refused (os error 111)" -> "connection refused"
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            lower_first(&s)
        }
    }
}

pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// At most `max` chars of the first non-blank line of `s`, control characters (terminal
/// escapes from another program's output) shown escaped (`safe_text`).
pub fn one_line(s: &str, max: usize) -> String {
    let line = s.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let line = crate::safe_text::visible_line(line);
    if line.chars().count() <= max {
        line.to_string()
    } else {
        let mut out: String = line.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        let ms = Duration::from_millis;
        assert_eq!(format_latency(Duration::from_micros(420)), "0.4ms");
        assert_eq!(format_latency(ms(35)), "35ms");
        assert_eq!(format_latency(ms(1500)), "1.5s");
    }

    #[test]
    fn io_errors_in_plain_words() {
        let e = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(describe_io(&e), "connection refused");
        let wrapped = io::Error::other(e);
        assert_eq!(io_cause(&wrapped).as_deref(), Some("connection refused"));
        assert_eq!(one_line("\n  first  \nsecond", 80), "first");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("a\x1b[2Jb", 80), "a\\u{1b}[2Jb");
    }
}

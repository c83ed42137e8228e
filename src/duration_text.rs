//! The one place a duration becomes text, for the screen, records, probes and the CLI.
//! Compact: every unit between the first and the last one shown is written, two digits after
//! the first (`4h00m17s`, never `4h17s`, which reads as four hours seventeen minutes); units
//! that are zero at the end are left out (`4h`, `1h30m`). Clock: `04:00:17`.

use std::time::Duration;

/// `4h00m17s`, `1h30m`, `45m`, `12s`, `0s`; under a minute with a fraction `1.2s`, under a
/// second `350ms`.
pub fn compact(d: Duration) -> String {
    let ms = d.as_millis();
    if ms > 0 && ms < 1000 {
        return format!("{ms}ms");
    }
    if ms < 60_000 && ms % 1000 != 0 {
        return format!("{:.1}s", d.as_secs_f64());
    }
    let secs = d.as_secs();
    let units = [(secs / 3600, 'h'), ((secs % 3600) / 60, 'm'), (secs % 60, 's')];
    let Some(first) = units.iter().position(|(n, _)| *n > 0) else {
        return "0s".to_string();
    };
    let last = units.iter().rposition(|(n, _)| *n > 0).unwrap_or(first);
    let mut out = String::new();
    for (i, (n, unit)) in units.iter().enumerate().take(last + 1).skip(first) {
        if i == first {
            out.push_str(&format!("{n}{unit}"));
        } else {
            out.push_str(&format!("{n:02}{unit}"));
        }
    }
    out
}

/// [`compact`] with a sign: `-1h02m`, `3h59m59s`, `0s`. Whole seconds.
pub fn signed(d: chrono::Duration) -> String {
    let neg = d < chrono::Duration::zero();
    let s = compact(Duration::from_secs(d.num_seconds().unsigned_abs()));
    if neg {
        format!("-{s}")
    } else {
        s
    }
}

/// `HH:MM:SS` (hours may pass 24), signed, for clocks that tick every second.
pub fn clock(d: chrono::Duration) -> String {
    let neg = d < chrono::Duration::zero();
    let s = d.num_seconds().unsigned_abs();
    format!("{}{:02}:{:02}:{:02}", if neg { "-" } else { "" }, s / 3600, (s % 3600) / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_unit_is_skipped_between_the_first_and_the_last() {
        let s = Duration::from_secs;
        let table = [
            (0, "0s"),
            (12, "12s"),
            (60, "1m"),
            (65, "1m05s"),
            (2700, "45m"),
            (3600, "1h"),
            (3617, "1h00m17s"),
            (4 * 3600 + 17, "4h00m17s"),
            (4 * 3600 + 38, "4h00m38s"),
            (5400, "1h30m"),
            (3720, "1h02m"),
            (14399, "3h59m59s"),
            (100 * 3600, "100h"),
        ];
        for (secs, want) in table {
            assert_eq!(compact(s(secs)), want, "{secs}s");
        }
        let ms = Duration::from_millis;
        assert_eq!(compact(ms(350)), "350ms");
        assert_eq!(compact(ms(1200)), "1.2s");
        assert_eq!(compact(ms(2000)), "2s");
        assert_eq!(compact(ms(90_400)), "1m30s");
    }

    #[test]
    fn signed_and_clock() {
        let c = chrono::Duration::seconds;
        assert_eq!(signed(c(-3720)), "-1h02m");
        assert_eq!(signed(c(4 * 3600 + 17)), "4h00m17s");
        assert_eq!(clock(c(4 * 3600 + 17)), "04:00:17");
        assert_eq!(clock(c(-17)), "-00:00:17");
        assert_eq!(clock(c(100 * 3600)), "100:00:00");
    }
}

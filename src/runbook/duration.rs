//! Durations written the way people write them: "4h", "30m", "1h30m".

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Dur(pub Duration);

impl Dur {
    pub fn as_secs(self) -> u64 {
        self.0.as_secs()
    }
}

/// Parse a human duration. Errors are plain sentences meant for `check` output.
pub fn parse(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("duration is empty; write it like \"4h\", \"30m\" or \"1h30m\"".into());
    }
    if t.starts_with('-') {
        return Err(format!("duration \"{text}\" is negative"));
    }
    let d = humantime::parse_duration(t).map_err(|e| match e {
        humantime::DurationError::UnknownUnit { unit, value, .. } if unit.is_empty() => {
            format!("duration \"{text}\" has no unit; write it like \"{value}s\", \"{value}m\" or \"{value}h\"")
        }
        humantime::DurationError::UnknownUnit { unit, .. } => format!(
            "duration \"{text}\" has an unknown unit \"{unit}\"; use s, m, h or d, like \"1h30m\""
        ),
        humantime::DurationError::NumberOverflow => format!("duration \"{text}\" is too long"),
        // humantime's other messages name byte offsets, which mean nothing to an author.
        _ => format!("\"{text}\" is not a duration; write it like \"4h\", \"30m\" or \"1h30m\""),
    })?;
    if d > MAX {
        return Err(format!(
            "duration \"{text}\" is over 10 years; no recovery plan counts that far (a typo?)"
        ));
    }
    Ok(d)
}

/// The longest duration a runbook may give: anything longer is a typo, and date arithmetic
/// with it could leave the calendar.
pub const MAX: Duration = Duration::from_secs(3653 * 24 * 3600);

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::duration_text::compact(self.0))
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string like \"4h\", \"30m\" or \"1h30m\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Dur, E> {
                parse(v).map(Dur).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Dur, E> {
                Err(E::custom(format!(
                    "duration {v} has no unit; write it as a string like \"{v}m\" or \"{v}h\""
                )))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Dur, E> {
                self.visit_i64(v as i64)
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::duration_text::compact(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_write() {
        let cases = [
            ("4h", 4 * 3600),
            ("30m", 1800),
            ("1h30m", 5400),
            ("1h 30m", 5400),
            ("24h", 86400),
            ("15s", 15),
        ];
        for (text, secs) in cases {
            assert_eq!(parse(text).map(|d| d.as_secs()), Ok(secs), "{text}");
        }
    }

    #[test]
    fn rejects_bad_durations() {
        assert_eq!(parse("-4h"), Err("duration \"-4h\" is negative".to_string()));
        assert!(parse("").unwrap_err().contains("empty"));
        assert!(parse("four hours").unwrap_err().contains("is not a duration"));
        assert_eq!(
            parse("4"),
            Err("duration \"4\" has no unit; write it like \"4s\", \"4m\" or \"4h\"".to_string())
        );
        assert!(parse("4 parsecs").unwrap_err().contains("unknown unit \"parsecs\""));
        assert!(parse("99999999999999999999h").unwrap_err().contains("too long"));
    }

    #[test]
    fn a_duration_written_back_reads_the_same() {
        for secs in [5400, 0, 3600, 61, 4 * 3600 + 17] {
            let d = Duration::from_secs(secs);
            assert_eq!(parse(&Dur(d).to_string()), Ok(d), "{secs}s");
        }
        assert_eq!(Dur(Duration::from_secs(61)).to_string(), "1m01s");
    }
}

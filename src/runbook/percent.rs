//! An availability target such as "99.9%", and the downtime budget it allows.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(pub f64);

/// The budget is reckoned over a 30-day month, as the plan's "43 minutes a month" is.
pub const MONTH: Duration = Duration::from_secs(30 * 24 * 3600);

impl Percent {
    /// Unplanned downtime allowed per month at this availability target.
    pub fn monthly_budget(self) -> Duration {
        let allowed = (100.0 - self.0) / 100.0;
        Duration::from_secs_f64(MONTH.as_secs_f64() * allowed)
    }
}

fn parse(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let number = t.strip_suffix('%').unwrap_or(t).trim();
    let v: f64 = number
        .parse()
        .map_err(|_| format!("\"{text}\" is not a percentage; write it like \"99.9%\""))?;
    check(v)
}

fn check(v: f64) -> Result<f64, String> {
    if v.is_finite() && v > 0.0 && v < 100.0 {
        Ok(v)
    } else {
        Err(format!("availability target {v}% must be above 0% and below 100%"))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Percent;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a percentage like \"99.9%\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Percent, E> {
                parse(v).map(Percent).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Percent, E> {
                check(v).map(Percent).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Percent, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Percent, E> {
                self.visit_f64(v as f64)
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_nines_allow_43_minutes_a_month() {
        let budget = Percent(99.9).monthly_budget();
        assert_eq!(budget.as_secs() / 60, 43);
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(parse("99.9%"), Ok(99.9));
        assert_eq!(parse("99.95"), Ok(99.95));
        assert!(parse("100%").is_err());
        assert!(parse("abc").is_err());
        assert!(parse("-1%").is_err());
    }
}

//! Time sources. The console never reads the wall clock directly: a session's clock is anchored
//! once and then advanced by a monotonic clock, so a jump of the host clock cannot bend a
//! countdown. Tests and snapshots use [`FakeClock`].

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

pub trait Clock: Send + Sync {
    /// Current time on this clock.
    fn now(&self) -> DateTime<Utc>;
    /// Milliseconds since this clock was created.
    fn mono_ms(&self) -> u64;
}

pub struct SystemClock {
    anchor: DateTime<Utc>,
    start: Instant,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock { anchor: Utc::now(), start: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = chrono::Duration::from_std(self.start.elapsed()).unwrap_or_default();
        self.anchor.checked_add_signed(elapsed).unwrap_or(self.anchor)
    }
    fn mono_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// A clock that moves only when told to.
#[derive(Clone)]
pub struct FakeClock {
    start: DateTime<Utc>,
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl FakeClock {
    pub fn at(t: DateTime<Utc>) -> FakeClock {
        FakeClock { start: t, now: Arc::new(Mutex::new(t)) }
    }
    pub fn advance(&self, d: chrono::Duration) {
        if let Ok(mut n) = self.now.lock() {
            *n = n.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC);
        }
    }
    pub fn set(&self, t: DateTime<Utc>) {
        if let Ok(mut n) = self.now.lock() {
            *n = t;
        }
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        self.now.lock().map(|n| *n).unwrap_or(self.start)
    }
    fn mono_ms(&self) -> u64 {
        u64::try_from((self.now() - self.start).num_milliseconds()).unwrap_or(0)
    }
}

/// A time the operator typed that cannot be used, worded in their language by `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeError {
    NotATime(String),
    InFuture(String),
    /// A local time skipped by a daylight-saving change.
    NoSuchLocalTime(String),
}

impl TimeError {
    pub fn message(&self, lang: crate::runbook::model::Lang) -> String {
        let m = crate::i18n::messages(lang);
        let (t, text) = match self {
            TimeError::NotATime(t) => (m.not_a_time, t),
            TimeError::InFuture(t) => (m.time_in_future, t),
            TimeError::NoSuchLocalTime(t) => (m.no_such_local_time, t),
        };
        crate::i18n::fill(t, &[("text", text)])
    }
}

/// In English, for the command line's flags (`--began-at`).
impl std::fmt::Display for TimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::runbook::model::Lang::En))
    }
}

/// Parse a T0 typed by the operator, in local time. "now", "14:05" (today, or yesterday if
/// that would be in the future), "2026-11-28 14:05", or RFC 3339. T0 may not be in the future.
pub fn parse_local_time(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, TimeError> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let parsed = if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        dt.with_timezone(&Utc)
    } else if let Ok(naive) = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S"))
    {
        local_to_utc(naive)?
    } else if let Ok(time) =
        NaiveTime::parse_from_str(t, "%H:%M").or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
    {
        let today: NaiveDate = now.with_timezone(&Local).date_naive();
        let candidate = local_to_utc(today.and_time(time))?;
        if candidate > now {
            let yesterday = today.pred_opt().ok_or_else(|| TimeError::NotATime(t.to_string()))?;
            local_to_utc(yesterday.and_time(time))?
        } else {
            candidate
        }
    } else {
        return Err(TimeError::NotATime(t.to_string()));
    };
    if parsed.signed_duration_since(now) > chrono::Duration::seconds(60) {
        return Err(TimeError::InFuture(t.to_string()));
    }
    Ok(parsed.min(now))
}

fn local_to_utc(naive: NaiveDateTime) -> Result<DateTime<Utc>, TimeError> {
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| TimeError::NoSuchLocalTime(naive.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t0_forms() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 18, 0, 0).unwrap();
        assert_eq!(parse_local_time("now", now).unwrap(), now);
        assert_eq!(parse_local_time("", now).unwrap(), now);
        assert_eq!(
            parse_local_time("2026-11-28T14:05:00Z", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 28, 14, 5, 0).unwrap()
        );
        assert!(parse_local_time("2030-01-01T00:00:00Z", now)
            .unwrap_err()
            .to_string()
            .contains("future"));
        assert!(parse_local_time("teatime", now).unwrap_err().to_string().contains("not a time"));
        let hm = parse_local_time("14:05", now).unwrap();
        assert!(hm <= now && now - hm < chrono::Duration::days(1));
    }
}

//! The result of one probe attempt, before debouncing.

use std::time::Duration;

use super::Health;
use crate::duration_text::compact;

#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// UP, DEGRADED or DOWN; never UNKNOWN.
    pub health: Health,
    pub latency: Option<Duration>,
    /// Plain words, already redacted.
    pub detail: String,
    pub notes: Vec<String>,
    /// The error as the driver or the OS gave it, for the log only (scrubbed there): `detail`
    /// is what an operator reads, this is what whoever investigates needs.
    pub raw: Option<String>,
}

impl Attempt {
    pub fn up(latency: Duration, detail: impl Into<String>) -> Self {
        Attempt {
            health: Health::Up,
            latency: Some(latency),
            detail: detail.into(),
            notes: vec![],
            raw: None,
        }
    }

    pub fn down(detail: impl Into<String>) -> Self {
        Attempt {
            health: Health::Down,
            latency: None,
            detail: detail.into(),
            notes: vec![],
            raw: None,
        }
    }

    pub fn timed_out(timeout: Duration) -> Self {
        Attempt::down(format!("timed out after {}", compact(timeout)))
    }

    pub fn with_raw(mut self, raw: Option<String>) -> Self {
        self.raw = raw;
        self
    }

    pub fn with_notes(mut self, notes: Vec<String>) -> Self {
        self.notes = notes;
        self
    }

    /// A healthy answer slower than `warn` is DEGRADED: the service works but users feel it.
    pub fn check_latency(mut self, warn: Option<Duration>) -> Self {
        if let (Health::Up, Some(lat), Some(warn)) = (self.health, self.latency, warn) {
            if lat > warn {
                self.health = Health::Degraded;
                self.detail = format!("slow: {} > {}", compact(lat), compact(warn));
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_answers_are_degraded() {
        let ms = Duration::from_millis;
        let a = Attempt::up(ms(1200), "HTTP 200").check_latency(Some(ms(1000)));
        assert_eq!(a.health, Health::Degraded);
        assert_eq!(a.detail, "slow: 1.2s > 1s");
        let a = Attempt::up(ms(900), "HTTP 200").check_latency(Some(ms(1000)));
        assert_eq!((a.health, a.detail.as_str()), (Health::Up, "HTTP 200"));
        let a = Attempt::down("connection refused").check_latency(Some(ms(1)));
        assert_eq!(a.health, Health::Down);
        assert_eq!(Attempt::timed_out(ms(2000)).detail, "timed out after 2s");
    }
}

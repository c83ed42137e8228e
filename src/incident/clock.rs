//! Time sources. The console never reads the wall clock directly: a session's clock is anchored
//! once and then advanced by a monotonic clock, so a jump of the host clock cannot bend a
//! countdown. Tests and snapshots use [`FakeClock`].

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Utc};

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
        self.anchor + elapsed
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
            *n += d;
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

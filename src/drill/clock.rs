//! The game clock of a drill: runs `speed` times faster than a base clock and can be paused.
//! The base clock's monotonic milliseconds stay the real elapsed time, so every event of a
//! drill carries both the game time (`at`) and the real time since start (`mono_ms`).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::incident::clock::Clock;

pub struct GameClock {
    base: Arc<dyn Clock>,
    anchor: DateTime<Utc>,
    speed: f64,
    state: Mutex<State>,
}

#[derive(Clone, Copy)]
struct State {
    /// Game milliseconds elapsed at `mark_ms` (real).
    game_ms: f64,
    mark_ms: u64,
    paused: bool,
}

impl GameClock {
    /// Starts now on the base clock, at the base clock's current time.
    pub fn new(base: Arc<dyn Clock>, speed: f64) -> GameClock {
        let anchor = base.now();
        let mark_ms = base.mono_ms();
        GameClock {
            base,
            anchor,
            speed,
            state: Mutex::new(State { game_ms: 0.0, mark_ms, paused: false }),
        }
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    fn game_ms(&self, st: &State) -> f64 {
        if st.paused {
            st.game_ms
        } else {
            let real = self.base.mono_ms().saturating_sub(st.mark_ms) as f64;
            st.game_ms + real * self.speed
        }
    }

    /// Game time since the clock started.
    pub fn game_elapsed(&self) -> chrono::Duration {
        let ms = self.state.lock().map(|st| self.game_ms(&st)).unwrap_or(0.0);
        chrono::Duration::try_milliseconds(ms as i64).unwrap_or(chrono::Duration::MAX)
    }

    /// Real time since the clock started.
    pub fn real_elapsed(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.base.mono_ms())
    }

    pub fn paused(&self) -> bool {
        self.state.lock().map(|st| st.paused).unwrap_or(false)
    }

    /// Pause or resume; returns whether the state changed.
    pub fn set_paused(&self, paused: bool) -> bool {
        let Ok(mut st) = self.state.lock() else { return false };
        if st.paused == paused {
            return false;
        }
        let now_game = self.game_ms(&st);
        *st = State { game_ms: now_game, mark_ms: self.base.mono_ms(), paused };
        true
    }
}

impl Clock for GameClock {
    fn now(&self) -> DateTime<Utc> {
        self.anchor + self.game_elapsed()
    }
    fn mono_ms(&self) -> u64 {
        self.base.mono_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::clock::FakeClock;
    use chrono::TimeZone;

    #[test]
    fn runs_faster_and_pauses() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).single().unwrap_or_default();
        let base = FakeClock::at(t);
        let g = GameClock::new(Arc::new(base.clone()), 120.0);
        base.advance(chrono::Duration::seconds(1));
        assert_eq!(g.now() - t, chrono::Duration::seconds(120));
        assert!(g.set_paused(true));
        base.advance(chrono::Duration::seconds(10));
        assert_eq!(g.now() - t, chrono::Duration::seconds(120));
        assert_eq!(g.mono_ms(), 11_000, "the real elapsed time keeps running");
        assert!(g.set_paused(false));
        assert!(!g.set_paused(false));
        base.advance(chrono::Duration::milliseconds(500));
        assert_eq!(g.now() - t, chrono::Duration::seconds(180));
    }
}

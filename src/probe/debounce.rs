//! Turns a stream of attempt results into a steady state, so one lost packet does not page
//! anyone and one lucky answer does not close an outage.
//!
//! Rules: the first result sets the state directly (an operator opening the console wants an
//! answer now, not after `fall` rounds). Going DOWN takes `fall` consecutive failures; leaving
//! DOWN takes `rise` consecutive successes. UP and DEGRADED are both "serving" and switch
//! at once: the latency is a fact worth showing immediately, not an outage.

use super::Health;

pub const DEFAULT_FALL: u32 = 2;
pub const DEFAULT_RISE: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debouncer {
    fall: u32,
    rise: u32,
    state: Health,
    fails: u32,
    oks: u32,
}

impl Debouncer {
    /// Thresholds below 1 are taken as 1.
    pub fn new(fall: u32, rise: u32) -> Self {
        Debouncer { fall: fall.max(1), rise: rise.max(1), state: Health::Unknown, fails: 0, oks: 0 }
    }

    pub fn state(&self) -> Health {
        self.state
    }

    /// Consecutive failed attempts so far.
    pub fn failures(&self) -> u32 {
        self.fails
    }

    /// Feed one attempt result (UNKNOWN is ignored). Returns `(from, to)` when the state
    /// changes.
    pub fn observe(&mut self, result: Health) -> Option<(Health, Health)> {
        let serving = match result {
            Health::Up | Health::Degraded => true,
            Health::Down => false,
            Health::Unknown => return None,
        };
        if serving {
            self.oks = self.oks.saturating_add(1);
            self.fails = 0;
        } else {
            self.fails = self.fails.saturating_add(1);
            self.oks = 0;
        }
        let next = match (self.state, serving) {
            (Health::Unknown, _) => result,
            (Health::Down, true) if self.oks >= self.rise => result,
            (Health::Down, _) => Health::Down,
            (_, true) => result,
            (_, false) if self.fails >= self.fall => Health::Down,
            (current, false) => current,
        };
        let from = self.state;
        self.state = next;
        (from != next).then_some((from, next))
    }

    /// Words for a state that is about to change but has not yet, e.g.
    /// "1 of 2 failures before DOWN".
    pub fn pending(&self) -> Option<String> {
        match self.state {
            Health::Up | Health::Degraded if self.fails > 0 => {
                Some(format!("{} of {} failures before DOWN", self.fails, self.fall))
            }
            Health::Down if self.oks > 0 => {
                Some(format!("{} of {} successes before UP", self.oks, self.rise))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Health::*;

    /// Feed `results` and return the state after each one.
    fn run(fall: u32, rise: u32, results: &[Health]) -> Vec<Health> {
        let mut d = Debouncer::new(fall, rise);
        results
            .iter()
            .map(|r| {
                d.observe(*r);
                d.state()
            })
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(u32, u32, &[Health], &[Health])] = &[
            // The first result sets the state directly, either way.
            (2, 2, &[Up], &[Up]),
            (2, 2, &[Down], &[Down]),
            (3, 3, &[Degraded], &[Degraded]),
            // fall = 2: one failure is not an outage, two are.
            (2, 2, &[Up, Down, Down], &[Up, Up, Down]),
            (2, 2, &[Up, Down, Up, Down], &[Up, Up, Up, Up]),
            // rise = 2: one success does not close an outage.
            (2, 2, &[Down, Up, Down, Up, Up], &[Down, Down, Down, Down, Up]),
            // Leaving DOWN lands on what the last attempt said.
            (2, 2, &[Down, Degraded, Degraded], &[Down, Down, Degraded]),
            (2, 2, &[Down, Up, Degraded], &[Down, Down, Degraded]),
            // UP and DEGRADED switch at once.
            (2, 2, &[Up, Degraded, Up], &[Up, Degraded, Up]),
            (2, 2, &[Degraded, Down, Down], &[Degraded, Degraded, Down]),
            // fall = rise = 1 follows every result.
            (1, 1, &[Up, Down, Up], &[Up, Down, Up]),
            // UNKNOWN results carry no information.
            (2, 2, &[Unknown, Up, Unknown, Down, Unknown, Down], &[Unknown, Up, Up, Up, Up, Down]),
            // Zero thresholds act as one.
            (0, 0, &[Up, Down], &[Up, Down]),
        ];
        for (fall, rise, results, want) in cases {
            assert_eq!(&run(*fall, *rise, results), want, "fall={fall} rise={rise} {results:?}");
        }
    }

    #[test]
    fn reports_transitions_and_pending_counts() {
        let mut d = Debouncer::new(2, 2);
        assert_eq!(d.observe(Up), Some((Unknown, Up)));
        assert_eq!(d.pending(), None);
        assert_eq!(d.observe(Down), None);
        assert_eq!(d.pending().as_deref(), Some("1 of 2 failures before DOWN"));
        assert_eq!(d.observe(Down), Some((Up, Down)));
        assert_eq!(d.failures(), 2);
        assert_eq!(d.observe(Up), None);
        assert_eq!(d.pending().as_deref(), Some("1 of 2 successes before UP"));
        assert_eq!(d.observe(Up), Some((Down, Up)));
        assert_eq!(d.observe(Up), None);
    }
}

//! RTO / RPO arithmetic: countdowns, colour thresholds, breaches and the availability budget.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::state::{FunctionTimer, Incident};

/// Where a countdown stands against its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Under half the budget used.
    Ok,
    /// 50% or more used.
    Warn,
    /// 80% or more used.
    Danger,
    /// Over budget and still running.
    Breached,
    /// Stopped inside the budget (function restored, or incident closed).
    Met,
    /// Stopped after the budget ran out.
    Missed,
    /// The incident ended (closed or withdrawn) with this function never restored: not met,
    /// whatever the clock said.
    NotRestored,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Countdown {
    pub budget: Duration,
    /// Time from T0 to now, or to the moment the clock stopped.
    pub elapsed: chrono::Duration,
    pub stopped: bool,
    pub phase: Phase,
}

impl Countdown {
    pub fn compute(
        t0: DateTime<Utc>,
        budget: Duration,
        stop: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Countdown {
        let end = stop.unwrap_or(now);
        let elapsed = (end - t0).max(chrono::Duration::zero());
        let budget_c = chrono::Duration::from_std(budget).unwrap_or(chrono::Duration::MAX);
        let frac = fraction(elapsed, budget);
        let phase = match (stop.is_some(), elapsed > budget_c) {
            (true, false) => Phase::Met,
            (true, true) => Phase::Missed,
            (false, true) => Phase::Breached,
            (false, false) if frac >= 0.8 => Phase::Danger,
            (false, false) if frac >= 0.5 => Phase::Warn,
            (false, false) => Phase::Ok,
        };
        Countdown { budget, elapsed, stopped: stop.is_some(), phase }
    }

    /// Budget minus elapsed; negative once breached.
    pub fn remaining(&self) -> chrono::Duration {
        let budget = chrono::Duration::from_std(self.budget).unwrap_or(chrono::Duration::MAX);
        budget.checked_sub(&self.elapsed).unwrap_or(chrono::Duration::MIN)
    }

    pub fn fraction(&self) -> f64 {
        fraction(self.elapsed, self.budget)
    }
}

fn fraction(elapsed: chrono::Duration, budget: Duration) -> f64 {
    if budget.is_zero() {
        return 1.0;
    }
    elapsed.num_milliseconds().max(0) as f64 / budget.as_millis() as f64
}

pub fn function_countdown(inc: &Incident, t: &FunctionTimer, now: DateTime<Utc>) -> Countdown {
    let stop = t.restored_at.or(inc.ended_at());
    let mut c = Countdown::compute(inc.decl.t0, t.budget, stop, now);
    if t.restored_at.is_none() && inc.ended_at().is_some() {
        c.phase = Phase::NotRestored;
    }
    c
}

/// The overall RTO runs until the incident ends; ended with a function still down, it was not
/// met, whatever the clock says (closing is not restoring).
pub fn overall_countdown(inc: &Incident, now: DateTime<Utc>) -> Option<Countdown> {
    inc.overall_budget.map(|b| {
        let mut c = Countdown::compute(inc.decl.t0, b, inc.ended_at(), now);
        let down = inc.timers.iter().any(|t| t.restored_at.is_none());
        if inc.ended_at().is_some() && down {
            c.phase = Phase::NotRestored;
        }
        c
    })
}

/// Timers that ran out and have no breach event yet: `Some(function)` or `None` for the
/// overall RTO. The caller turns each into a `TimerBreached` event.
pub fn breaches_due(inc: &Incident, now: DateTime<Utc>) -> Vec<(Option<String>, Duration)> {
    let mut due = Vec::new();
    for t in &inc.timers {
        let breached = t.breached_at.is_some() && !t.breach_withdrawn;
        if !breached && function_countdown(inc, t, now).phase == Phase::Breached {
            due.push((Some(t.id.clone()), t.budget));
        }
    }
    if inc.overall_breached_at.is_none() || inc.overall_breach_withdrawn {
        if let Some(c) = overall_countdown(inc, now) {
            if c.phase == Phase::Breached {
                due.push((None, c.budget));
            }
        }
    }
    due
}

/// Data-loss window: T0 minus the last good backup, against the RPO.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RpoStatus {
    pub rpo: Duration,
    /// `None` until a probe or the operator gave the last good backup time.
    pub window: Option<chrono::Duration>,
}

impl RpoStatus {
    pub fn met(&self) -> Option<bool> {
        let rpo = chrono::Duration::from_std(self.rpo).ok()?;
        self.window.map(|w| w <= rpo)
    }
}

pub fn rpo_status(inc: &Incident) -> RpoStatus {
    RpoStatus { rpo: inc.rpo, window: inc.backup_point.map(|b| inc.decl.t0 - b) }
}

/// Unplanned downtime this incident has used so far, against the monthly budget.
pub fn availability_used(inc: &Incident, now: DateTime<Utc>) -> chrono::Duration {
    if inc.overall_budget.is_none() {
        return chrono::Duration::zero();
    }
    let end = inc.ended_at().unwrap_or(now);
    (end - inc.decl.t0).max(chrono::Duration::zero())
}

/// `t` plus `d`, saturating at the end of the calendar instead of panicking: runbook and
/// scenario durations are input, and every deadline is computed through here.
pub fn after(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// [`after`] for a count of seconds.
pub fn after_secs(t: DateTime<Utc>, secs: u64) -> DateTime<Utc> {
    after(t, Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap()
    }

    fn at(secs: i64) -> DateTime<Utc> {
        t0() + chrono::Duration::seconds(secs)
    }

    /// (elapsed s, budget s, stopped at s, phase, remaining s)
    const TABLE: &[(i64, u64, Option<i64>, Phase, i64)] = &[
        (0, 100, None, Phase::Ok, 100),
        (49, 100, None, Phase::Ok, 51),
        (50, 100, None, Phase::Warn, 50),
        (79, 100, None, Phase::Warn, 21),
        (80, 100, None, Phase::Danger, 20),
        (100, 100, None, Phase::Danger, 0),
        (101, 100, None, Phase::Breached, -1),
        (3700, 3600, None, Phase::Breached, -100),
        (500, 100, Some(60), Phase::Met, 40),
        (500, 100, Some(100), Phase::Met, 0),
        (500, 100, Some(117), Phase::Missed, -17),
        // A clock stopped "before" T0 (a correction) counts as no time, not negative time.
        (500, 100, Some(-30), Phase::Met, 100),
        // Now before T0: nothing elapsed yet.
        (-60, 100, None, Phase::Ok, 100),
        // A zero budget is used up at once.
        (0, 0, None, Phase::Danger, 0),
    ];

    #[test]
    fn countdown_phases_and_remaining_time() {
        for &(now, budget, stop, phase, remaining) in TABLE {
            let c = Countdown::compute(t0(), Duration::from_secs(budget), stop.map(at), at(now));
            assert_eq!(c.phase, phase, "now {now} budget {budget} stop {stop:?}");
            assert_eq!(c.remaining().num_seconds(), remaining, "now {now} budget {budget}");
            assert_eq!(c.stopped, stop.is_some());
        }
    }

    #[test]
    fn deadlines_saturate_instead_of_panicking() {
        assert_eq!(after_secs(t0(), 60), at(60));
        assert_eq!(
            after(DateTime::<Utc>::MAX_UTC, Duration::from_secs(1)),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(after(t0(), Duration::MAX), DateTime::<Utc>::MAX_UTC);
    }
}

//! The health vocabulary shared with the console: states, per-service status, transitions.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many recent attempt latencies a status keeps for a sparkline.
pub const HISTORY_LEN: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Health {
    Up,
    Degraded,
    Down,
    Unknown,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Up => "UP",
            Health::Degraded => "DEGRADED",
            Health::Down => "DOWN",
            Health::Unknown => "UNKNOWN",
        }
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the console shows for one service. Every string in it is already redacted.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceStatus {
    pub id: String,
    /// The debounced state (see [`super::Debouncer`]).
    pub state: Health,
    /// Round-trip time of the latest attempt, when it succeeded.
    pub latency: Option<Duration>,
    /// The latest attempt in plain words, e.g. "connection refused".
    pub detail: String,
    /// Extra facts of the latest attempt: role, replica set, commands the server refused.
    pub notes: Vec<String>,
    pub checked_at: Option<DateTime<Utc>>,
    pub changed_at: Option<DateTime<Utc>>,
    /// Latency in ms of recent attempts (`None` = failed), oldest first, at most
    /// [`HISTORY_LEN`].
    pub history: VecDeque<Option<u32>>,
}

impl ServiceStatus {
    pub fn unknown(id: &str) -> Self {
        ServiceStatus {
            id: id.to_string(),
            state: Health::Unknown,
            latency: None,
            detail: "not checked yet".to_string(),
            notes: Vec::new(),
            checked_at: None,
            changed_at: None,
            history: VecDeque::new(),
        }
    }
}

/// A change of debounced state. The first result after start is a transition from UNKNOWN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    pub service: String,
    pub from: Health,
    pub to: Health,
    pub at: DateTime<Utc>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeUpdate {
    pub status: ServiceStatus,
    pub transition: Option<Transition>,
}

/// Every service DOWN at once: more likely the console's own host lost its network than the
/// whole shopping system failing together. One service alone says nothing about the host.
pub fn host_cut_off(statuses: &[ServiceStatus]) -> bool {
    if statuses.len() < 2 || !statuses.iter().all(|s| s.state == Health::Down) {
        return false;
    }
    // Independent outages drift apart in time; a cut-off host loses everything at once.
    let times: Vec<DateTime<Utc>> = statuses.iter().filter_map(|s| s.changed_at).collect();
    match (times.iter().min(), times.iter().max()) {
        (Some(first), Some(last)) => *last - *first <= SAME_MOMENT,
        _ => true,
    }
}

/// Transitions this close together count as one moment for [`host_cut_off`].
pub const SAME_MOMENT: chrono::Duration = chrono::Duration::seconds(30);

#[cfg(test)]
mod tests {
    use super::*;

    fn st(id: &str, state: Health) -> ServiceStatus {
        ServiceStatus { state, ..ServiceStatus::unknown(id) }
    }

    #[test]
    fn health_serializes_and_displays_upper_case() {
        for (h, s) in [
            (Health::Up, "UP"),
            (Health::Degraded, "DEGRADED"),
            (Health::Down, "DOWN"),
            (Health::Unknown, "UNKNOWN"),
        ] {
            assert_eq!(h.to_string(), s);
            assert_eq!(serde_json::to_string(&h).unwrap(), format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<Health>(&format!("\"{s}\"")).unwrap(), h);
        }
    }

    #[test]
    fn cut_off_needs_every_service_down() {
        assert!(!host_cut_off(&[]));
        assert!(!host_cut_off(&[st("a", Health::Down)]));
        assert!(host_cut_off(&[st("a", Health::Down), st("b", Health::Down)]));
        assert!(!host_cut_off(&[st("a", Health::Down), st("b", Health::Up)]));
        assert!(!host_cut_off(&[st("a", Health::Down), st("b", Health::Unknown)]));
        // Down at the same moment: cut off; an hour apart: two outages.
        let t = Utc::now();
        let at = |id: &str, secs: i64| ServiceStatus {
            changed_at: Some(t + chrono::Duration::seconds(secs)),
            ..st(id, Health::Down)
        };
        assert!(host_cut_off(&[at("a", 0), at("b", 5)]));
        assert!(!host_cut_off(&[at("a", 0), at("b", 3600)]));
    }
}

//! The declaration form: disaster type, level, affected functions, people, and T0.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::runbook::model::Runbook;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Type,
    Level,
    Functions,
    Reporter,
    Coordinator,
    Team,
    T0,
    Submit,
}

impl Field {
    pub const ORDER: [Field; 8] = [
        Field::Type,
        Field::Level,
        Field::Functions,
        Field::Reporter,
        Field::Coordinator,
        Field::Team,
        Field::T0,
        Field::Submit,
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeclareForm {
    pub field: Field,
    pub type_idx: usize,
    pub level: u8,
    /// Checked state per runbook function, in runbook order.
    pub functions: Vec<bool>,
    pub function_cursor: usize,
    pub reporter: String,
    pub coordinator: String,
    /// Checked state per runbook role, in runbook order.
    pub team: Vec<bool>,
    pub team_cursor: usize,
    pub t0: String,
    pub error: Option<String>,
}

impl DeclareForm {
    pub fn new(rb: &Runbook, reporter: &str) -> DeclareForm {
        let level = rb.levels.iter().map(|l| l.level).max().unwrap_or(1);
        let coordinator = rb
            .roles
            .iter()
            .find(|r| r.id == "coordinator")
            .or(rb.roles.first())
            .map(|r| r.person.clone())
            .unwrap_or_default();
        let mut form = DeclareForm {
            field: Field::Type,
            type_idx: 0,
            level,
            functions: vec![false; rb.functions.len()],
            function_cursor: 0,
            reporter: reporter.to_string(),
            coordinator,
            team: vec![true; rb.roles.len()],
            team_cursor: 0,
            t0: "now".to_string(),
            error: None,
        };
        form.level_changed(rb);
        form
    }

    /// A full DR affects everything; lower levels start with nothing ticked.
    pub fn level_changed(&mut self, rb: &Runbook) {
        let full = rb
            .track_for_level(self.level)
            .is_some_and(|t| t.kind == crate::runbook::model::TrackKind::Full);
        self.functions.iter_mut().for_each(|f| *f = full);
    }

    pub fn levels(rb: &Runbook) -> Vec<u8> {
        let mut v: Vec<u8> = rb.levels.iter().map(|l| l.level).collect();
        v.sort_unstable();
        v
    }
}

/// Parse a T0 typed by the operator, in local time. "now", "14:05" (today, or yesterday if
/// that would be in the future), "2026-11-28 14:05", or RFC 3339. T0 may not be in the future.
pub fn parse_t0(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
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
            local_to_utc((today - chrono::Duration::days(1)).and_time(time))?
        } else {
            candidate
        }
    } else {
        return Err(format!("\"{t}\" is not a time; write now, HH:MM or YYYY-MM-DD HH:MM"));
    };
    if parsed > now + chrono::Duration::seconds(60) {
        return Err(format!("\"{t}\" is in the future"));
    }
    Ok(parsed.min(now))
}

fn local_to_utc(naive: NaiveDateTime) -> Result<DateTime<Utc>, String> {
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| format!("{naive} does not exist in the local time zone"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t0_forms() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 18, 0, 0).unwrap();
        assert_eq!(parse_t0("now", now).unwrap(), now);
        assert_eq!(parse_t0("", now).unwrap(), now);
        assert_eq!(
            parse_t0("2026-11-28T14:05:00Z", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 28, 14, 5, 0).unwrap()
        );
        assert!(parse_t0("2030-01-01T00:00:00Z", now).unwrap_err().contains("future"));
        assert!(parse_t0("teatime", now).unwrap_err().contains("not a time"));
        let hm = parse_t0("14:05", now).unwrap();
        assert!(hm <= now && now - hm < chrono::Duration::days(1));
    }
}

//! `drconsole doctor`: whether this host can run the console well, found out before the
//! outage rather than during it. Each check says OK, WARN or FAIL and, when not OK, how to fix
//! it. The checks are plain functions of what they look at, so tests can feed them any host.

pub mod data;
pub mod mirror;
pub mod services;
pub mod terminal;

use serde::Serialize;

use crate::ui::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked, e.g. `terminal`, `data folder`, `service mongodb`.
    pub name: String,
    pub level: Level,
    /// What was found, in plain words. Never holds a secret.
    pub summary: String,
    /// What to do about it, when not OK.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The configuration, runbook or a target cannot be used: exit code 2, as `status` does.
    #[serde(skip)]
    pub config_error: bool,
}

impl Check {
    pub fn ok(name: &str, summary: impl Into<String>) -> Check {
        Check {
            name: name.to_string(),
            level: Level::Ok,
            summary: summary.into(),
            fix: None,
            config_error: false,
        }
    }

    pub fn warn(name: &str, summary: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { level: Level::Warn, fix: Some(fix.into()), ..Check::ok(name, summary) }
    }

    pub fn fail(name: &str, summary: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { level: Level::Fail, fix: Some(fix.into()), ..Check::ok(name, summary) }
    }

    /// Mark a failure as a configuration error (exit code 2).
    pub fn config(mut self) -> Check {
        self.config_error = true;
        self
    }
}

/// 0 when nothing failed (warnings allowed), 2 when the configuration, runbook or a target
/// cannot be used, else 1 when a check failed.
pub fn exit_code(checks: &[Check]) -> i32 {
    use crate::cmd::exit;
    if checks.iter().any(|c| c.level == Level::Fail && c.config_error) {
        exit::USAGE
    } else if checks.iter().any(|c| c.level == Level::Fail) {
        exit::FAILED
    } else {
        exit::OK
    }
}

fn count(checks: &[Check], level: Level) -> usize {
    checks.iter().filter(|c| c.level == level).count()
}

/// The table: one line per check (wrapped to 80 columns), the fix indented under it.
pub fn table(checks: &[Check], now: chrono::DateTime<chrono::Utc>) -> String {
    const WIDTH: usize = 80;
    const NAME: usize = 18;
    let indent = " ".repeat(6 + NAME);
    let mut out = format!("drconsole doctor — {}\n", now.format("%Y-%m-%d %H:%M:%S UTC"));
    let push_wrapped = |first: String, body: &str, out: &mut String| {
        let lines = wrap_words(&clean(body), WIDTH - indent.len());
        for (i, l) in lines.iter().enumerate() {
            out.push_str(if i == 0 { &first } else { &indent });
            out.push_str(l.trim_end());
            out.push('\n');
        }
    };
    for c in checks {
        let first = format!("{:<5} {} ", c.level.as_str(), text::fit(&clean(&c.name), NAME - 1));
        push_wrapped(first, &c.summary, &mut out);
        if let Some(fix) = &c.fix {
            push_wrapped(format!("{}fix: ", &indent[..indent.len() - 5]), fix, &mut out);
        }
    }
    out.push_str(&format!(
        "{} OK, {} WARN, {} FAIL\n",
        count(checks, Level::Ok),
        count(checks, Level::Warn),
        count(checks, Level::Fail)
    ));
    out
}

/// Greedy wrap at spaces (Latin words, paths and commands stay whole); a run without spaces
/// longer than a line (CJK text, a long path) is cut by display width.
fn wrap_words(s: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let need = if line.is_empty() { 0 } else { 1 } + text::width(word);
        if text::width(&line) + need <= max {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut parts = text::wrap(word, max);
        line = parts.pop().unwrap_or_default();
        lines.extend(parts);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Control characters from a host's environment (a TERM value, a server's error) are not sent
/// to the terminal as they are.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The `--json` document.
pub fn document(checks: &[Check], now: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    serde_json::json!({
        "checked_at": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "checks": checks,
        "ok": count(checks, Level::Ok),
        "warn": count(checks, Level::Warn),
        "fail": count(checks, Level::Fail),
        "exit_code": exit_code(checks),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn exit_codes_and_table_width() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z").unwrap().to_utc();
        let mut checks = vec![
            Check::ok("terminal", "120x40, TERM=xterm-256color"),
            Check::warn(
                "data folder",
                "/var/lib/drconsole is mode 0755: other users can read the incident journals",
                "chmod 700 /var/lib/drconsole",
            ),
        ];
        assert_eq!(exit_code(&checks), 0);
        checks.push(Check::fail("service api", "DOWN: connection refused", "check the API"));
        assert_eq!(exit_code(&checks), 1);
        checks.push(Check::fail("service db", "MONGODB_URI is not set", "export it").config());
        assert_eq!(exit_code(&checks), 2);
        let t = table(&checks, now);
        assert!(t.lines().all(|l| l.width() <= 80), "{t}");
        assert!(t.contains("WARN  data folder       /var/lib/drconsole is mode 0755"), "{t}");
        assert!(
            t.contains(&format!("\n{}fix: chmod 700 /var/lib/drconsole\n", " ".repeat(19))),
            "{t}"
        );
        assert!(t.ends_with("1 OK, 1 WARN, 2 FAIL\n"), "{t}");
        assert_eq!(
            wrap_words("use --theme high-contrast or --theme mono", 20),
            ["use --theme", "high-contrast or", "--theme mono"]
        );
        assert_eq!(wrap_words("数据库故障", 4), ["数据", "库故", "障"]);
        let doc = document(&checks, now);
        assert_eq!(doc["fail"], 2);
        assert_eq!(doc["checks"][1]["level"], "WARN");
        assert_eq!(doc["exit_code"], 2);
    }
}

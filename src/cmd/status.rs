//! `drconsole status [--json] [--watch N]`: probe every service once and report, for shells
//! and scripts. Exit 0 when every service is UP, 1 when any is not, 2 on a usage error.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::{exit, print_diagnostics};
use crate::config::ConfigFile;
use crate::probe::{self, format_latency, Health, Monitors, ResolvedService, ServiceStatus};
use crate::runbook;
use crate::ui::text;

/// The table never needs more than this many columns.
pub const WIDTH: usize = 80;

pub fn run(
    runbook_path: Option<&Path>,
    config: &ConfigFile,
    target_flags: &[String],
    json: bool,
    watch: Option<u64>,
) -> i32 {
    let loaded = match runbook::load(runbook_path) {
        Ok(l) => l,
        Err(d) => {
            print_diagnostics(&d);
            return exit::USAGE;
        }
    };
    let services = match probe::merge_overrides(&config.targets, target_flags)
        .and_then(|o| probe::resolve(&loaded.runbook.services, &o))
    {
        Ok(s) => s,
        Err(e) => {
            for line in e.lines() {
                errln!("error: {line}");
            }
            return exit::USAGE;
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            errln!("error: cannot start the async runtime: {e}");
            return exit::FAILED;
        }
    };
    let code = rt.block_on(rounds(services, json, watch.map(Duration::from_secs)));
    // Do not wait for leftovers (a DNS lookup or driver call past its deadline) to finish.
    rt.shutdown_background();
    code
}

async fn rounds(services: Vec<ResolvedService>, json: bool, watch: Option<Duration>) -> i32 {
    let mut monitors = Monitors::new(services);
    // Nothing known yet is not "all UP".
    let mut code = exit::FAILED;
    let mut first = true;
    loop {
        let statuses = tokio::select! {
            s = monitors.check_all() => s,
            _ = tokio::signal::ctrl_c() => return code,
        };
        let now = Utc::now();
        let rows: Vec<(&ResolvedService, &ServiceStatus)> =
            monitors.services().zip(statuses.iter()).collect();
        code = if all_up(&statuses) { exit::OK } else { exit::FAILED };
        match (json, watch.is_some()) {
            (true, false) => crate::out::print_json(&format!("{:#}", document(&rows, now))),
            (true, true) => crate::out::print_json(&document(&rows, now).to_string()),
            (false, _) => {
                if !first {
                    outln!();
                }
                out!("{}", table(&rows, now));
            }
        }
        first = false;
        let Some(every) = watch else { return code };
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = tokio::signal::ctrl_c() => return code,
        }
    }
}

fn all_up(statuses: &[ServiceStatus]) -> bool {
    statuses.iter().all(|s| s.state == Health::Up)
}

/// The `--json` document. Targets are the redacted ones.
pub fn document(rows: &[(&ResolvedService, &ServiceStatus)], now: DateTime<Utc>) -> Value {
    let services: Vec<Value> = rows
        .iter()
        .map(|(svc, st)| {
            json!({
                "id": st.id,
                "kind": svc.spec.kind.as_str(),
                "target": svc.display_target,
                "state": st.state,
                "latency_ms": st.latency.map(|d| (d.as_secs_f64() * 1e6).round() / 1e3),
                "detail": st.detail,
                "notes": st.notes,
            })
        })
        .collect();
    let statuses: Vec<ServiceStatus> = rows.iter().map(|(_, s)| (*s).clone()).collect();
    json!({
        "checked_at": now.to_rfc3339_opts(SecondsFormat::Millis, true),
        "services": services,
        "all_up": all_up(&statuses),
    })
}

const COL_SERVICE: usize = 12;
const COL_STATE: usize = 8;
const COL_LATENCY: usize = 8;
const NOTE_INDENT: &str = "    - ";

/// The table, every line at most [`WIDTH`] columns wide (measured in terminal cells).
pub fn table(rows: &[(&ResolvedService, &ServiceStatus)], now: DateTime<Utc>) -> String {
    let statuses: Vec<ServiceStatus> = rows.iter().map(|(_, s)| (*s).clone()).collect();
    let not_up = statuses.iter().filter(|s| s.state != Health::Up).count();
    let summary = if not_up == 0 {
        format!("all {} UP", statuses.len())
    } else {
        format!("{not_up} of {} not UP", statuses.len())
    };
    let mut out = String::new();
    push_line(&mut out, &format!("{} — {summary}", now.format("%Y-%m-%d %H:%M:%S UTC")));
    if probe::host_cut_off(&statuses) {
        push_line(
            &mut out,
            "every service is DOWN at once: this host's own network may be cut off",
        );
    }
    push_line(&mut out, &row("SERVICE", "STATE", "LATENCY", "DETAIL"));
    for (_, st) in rows {
        let latency = st.latency.map(format_latency).unwrap_or_else(|| "-".into());
        push_line(&mut out, &row(&st.id, st.state.as_str(), &latency, &st.detail));
        for note in &st.notes {
            push_line(&mut out, &format!("{NOTE_INDENT}{note}"));
        }
    }
    out
}

fn row(service: &str, state: &str, latency: &str, detail: &str) -> String {
    format!(
        "{} {} {}  {}",
        text::fit(service, COL_SERVICE),
        text::fit(state, COL_STATE),
        text::fit_right(latency, COL_LATENCY),
        detail
    )
}

/// One line of the table, cut by display width (never mid-character) to fit 80 columns.
fn push_line(out: &mut String, line: &str) {
    out.push_str(text::truncate(line, WIDTH).trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::duration::Dur;
    use crate::runbook::model::{Service, ServiceKind};
    use unicode_width::UnicodeWidthStr;

    fn svc(id: &str, target: &str) -> ResolvedService {
        let spec = Service {
            id: id.into(),
            name: id.into(),
            kind: ServiceKind::Mongodb,
            target: String::new(),
            interval: Dur(Duration::from_secs(15)),
            timeout: Dur(Duration::from_secs(5)),
            component: None,
            fall: None,
            rise: None,
            method: None,
            expect_status: vec![],
            body_contains: None,
            latency_warn: None,
            ca_file: None,
            args: vec![],
        };
        ResolvedService::new(spec, target.into())
    }

    #[test]
    fn document_and_table_from_statuses() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z").unwrap().to_utc();
        let db = svc("数据库主库很长的名字", "mongodb://u:pw@127.0.0.1:1/x");
        let mut up = ServiceStatus::unknown("数据库主库很长的名字");
        up.state = Health::Up;
        up.latency = Some(Duration::from_micros(1500));
        up.detail = "ping ok, primary of \"rs0\"".into();
        up.notes = vec!["members: ".to_string() + &"127.0.0.1:27017 SECONDARY, ".repeat(5)];
        let rows = [(&db, &up)];
        let doc = document(&rows, now);
        assert_eq!(doc["checked_at"], "2026-11-28T10:00:00.000Z");
        assert_eq!(doc["all_up"], true);
        let s = &doc["services"][0];
        assert_eq!(s["target"], "mongodb://****@127.0.0.1:1/x");
        assert_eq!(s["latency_ms"], 1.5);
        assert_eq!(s["state"], "UP");

        let t = table(&rows, now);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "2026-11-28 10:00:00 UTC — all 1 UP");
        assert_eq!(lines[2], "数据库主库…  UP          1.5ms  ping ok, primary of \"rs0\"");
        assert!(lines.iter().all(|l| l.width() <= WIDTH), "{t}");
        assert!(lines[3].ends_with('…'));
    }

    #[test]
    fn fits_by_display_width() {
        use text::{fit, fit_right, truncate};
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
        // Two-cell characters: never split, never overflow.
        assert_eq!(truncate("数据库服务", 6), "数据…");
        assert_eq!(truncate("数据库服务", 5), "数据…");
        assert!(truncate("数据库服务不可用", 7).width() <= 7);
        assert_eq!(fit("数据", 6), "数据  ");
        assert_eq!(fit_right("1ms", 5), "  1ms");
    }
}

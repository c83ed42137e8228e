//! Which writing consoles have an incident open now, from its journal's session events: a
//! session started and not ended. A console killed with -9 journals no end, so on this host a
//! session counts only while its process is alive; another host's processes cannot be asked,
//! and there the journal is taken at its word (until that host journals an interruption).

use std::collections::BTreeMap;

use super::{Actor, Event, EventKind};
use crate::runbook::model::Lang;

/// The writing consoles with the incident open, other than the process `me` on `host`,
/// oldest session first.
pub fn open_consoles<'a, E: std::borrow::Borrow<Event>>(
    events: &'a [E],
    host: &str,
    me: u32,
) -> Vec<&'a Actor> {
    let mut open: BTreeMap<(&str, u32), (usize, &Actor)> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        let e: &Event = e.borrow();
        let key = (e.who.host.as_str(), e.who.pid);
        match e.kind {
            EventKind::SessionStarted { .. } => {
                open.insert(key, (i, &e.who));
            }
            EventKind::SessionEnded { .. } => {
                open.remove(&key);
            }
            // Written by the session that found an earlier one on its host dead.
            EventKind::SessionInterrupted { .. } => {
                open.retain(|(h, pid), _| *h != key.0 || *pid == key.1);
            }
            _ => {}
        }
    }
    let mut out: Vec<(usize, &Actor)> = open
        .into_iter()
        .filter(|((h, pid), _)| !(*h == host && *pid == me))
        .filter(|((h, pid), _)| *h != host || alive(*pid))
        .map(|(_, v)| v)
        .collect();
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, a)| a).collect()
}

/// Whether `pid` is a running drconsole on this host (a pid reused by another program is not,
/// and neither is one killed but not yet reaped: a zombie).
pub fn alive(pid: u32) -> bool {
    let Some(p) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else {
        return false;
    };
    // Signal 0 sends nothing; it only asks whether the process exists (EPERM: it does).
    let exists =
        matches!(rustix::process::test_kill_process(p), Ok(()) | Err(rustix::io::Errno::PERM));
    if !exists {
        return false;
    }
    // "pid (comm) S ...": the state follows the last ')'.
    let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|st| st.rsplit_once(')').map(|(_, rest)| rest.trim_start().starts_with('Z')))
        .unwrap_or(false);
    if zombie {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(comm) => comm.trim_end().starts_with("drconsole"),
        Err(_) => true,
    }
}

/// How a console is named on screen: who, and on which terminal (and host, when not this one).
pub fn console_name(a: &Actor, host: &str, lang: Lang) -> String {
    let tty = a.short_tty();
    let place = match (tty, a.host == host) {
        (Some(t), true) => t.to_string(),
        (Some(t), false) => format!("{}:{t}", a.host),
        (None, true) => format!("pid {}", a.pid),
        (None, false) => format!("{} pid {}", a.host, a.pid),
    };
    // Without a terminal the place is a pid: "name (pid 7)" in any language.
    let t = if tty.is_some() { crate::i18n::messages(lang).console_on } else { "{name} ({place})" };
    crate::i18n::fill(t, &[("name", a.label()), ("place", &place)])
}

/// "also open by NAME on TTY", for the other writing consoles; `None` when there are none.
pub fn also_open_line(others: &[&Actor], host: &str, lang: Lang) -> Option<String> {
    if others.is_empty() {
        return None;
    }
    let names: Vec<String> = others.iter().map(|a| console_name(a, host, lang)).collect();
    Some(crate::i18n::fill(crate::i18n::messages(lang).also_open, &[("names", &names.join(", "))]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn ev(host: &str, pid: u32, kind: EventKind) -> Event {
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        Event {
            at: t,
            wall: t,
            mono_ms: 0,
            who: std::sync::Arc::new(Actor {
                user: format!("u{pid}"),
                host: host.to_string(),
                tty: Some(format!("/dev/pts/{pid}")),
                pid,
                name: None,
                ssh_client: None,
            }),
            resource: None,
            success: true,
            kind,
        }
    }

    fn started(host: &str, pid: u32) -> Event {
        ev(host, pid, EventKind::SessionStarted { resumed: true })
    }

    #[test]
    fn sessions_started_and_not_ended_of_live_processes_count() {
        let me = std::process::id();
        let host = "here";
        let t = chrono::Utc.with_ymd_and_hms(2026, 11, 28, 6, 0, 0).unwrap();
        let events = vec![
            started(host, me),
            // A process id that cannot be running.
            started(host, u32::MAX - 1),
            started("there", 7),
            started("there", 8),
            ev("there", 8, EventKind::SessionEnded { reason: "quit".into() }),
            started("gone", 9),
            ev("gone", 10, EventKind::SessionInterrupted { last_event_at: t }),
            started("gone", 10),
        ];
        let open = open_consoles(&events, host, me);
        let names: Vec<String> = open.iter().map(|a| console_name(a, host, Lang::En)).collect();
        assert_eq!(names, ["u7 on there:pts/7", "u10 on gone:pts/10"]);
        assert_eq!(console_name(open[0], "there", Lang::Zh), "u7 (pts/7)");
        // Seen from another process on this host, this one is open too.
        let other = open_consoles(&events, host, me.wrapping_add(1));
        assert_eq!(other.first().map(|a| a.pid), Some(me), "{other:?}");
        assert_eq!(
            also_open_line(&open[..1], host, Lang::En).as_deref(),
            Some("also open by u7 on there:pts/7")
        );
        assert_eq!(also_open_line(&[], host, Lang::En), None);
    }
}

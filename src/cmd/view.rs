//! `drconsole view`: the console's screen for an observer, read-only. On this host it follows
//! the incident's journal; with `--mongodb` it follows the operations MongoDB's mirror of a
//! journal on another host, checking the hash chain of every entry it receives. Either way it
//! writes nothing: no session event, no record, no cut of a torn tail. Also `note --mongodb`,
//! a note from another host through the mirror's inbox.

use std::sync::Arc;
use std::time::Duration;

use super::console::{runtime, theme_for};
use super::exit;
use super::incident::{load_runbook, local_tz, store};
use crate::app::{run, App, QuitReason};
use crate::cli::Global;
use crate::config::ConfigFile;
use crate::incident::clock::SystemClock;
use crate::incident::follow::{self, ViewSource, Viewer};
use crate::incident::{Actor, Event, EventKind, Incident};
use crate::mirror::{inbox, remote};
use crate::runbook::model::{Lang, Runbook};
use crate::runbook::Loaded;
use crate::store::Store;

/// How often an observer looks for new entries: well inside the second an observer may lag.
const LOCAL_POLL: Duration = Duration::from_millis(250);
/// How often an observer on another host asks the mirror.
const REMOTE_POLL: Duration = Duration::from_millis(500);

fn fail(msg: impl std::fmt::Display) -> i32 {
    errln!("error: {msg}");
    exit::USAGE
}

pub fn run(g: &Global, cfg: &ConfigFile, id: Option<&str>, mongodb: Option<&str>) -> i32 {
    if let Some(why) = run::refuse_reason() {
        return fail(why);
    }
    if let Some(Err(e)) = id.map(crate::store::validate_id) {
        return fail(e);
    }
    match mongodb {
        Some(uri) => view_remote(g, cfg, uri, id),
        None => {
            let store = match store(g) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let id = match store.resolve_any(id) {
                Ok(id) => id,
                Err(e) => return fail(e),
            };
            match open_local(&store, &id) {
                Ok(opened) => view_local(g, cfg, &id, opened, None),
                Err(e) => fail(e),
            }
        }
    }
}

/// An incident read from the data folder, read-only.
pub struct LocalIncident {
    loaded: Loaded,
    follower: follow::Follower,
    events: Vec<Event>,
    warnings: Vec<String>,
}

fn open_local(store: &Store, id: &str) -> Result<LocalIncident, String> {
    let dir = store.find_dir(id).ok_or_else(|| format!("no incident '{id}'"))?;
    let loaded = store.runbook(id)?;
    let (follower, events, warnings) = follow::open_incident(&dir)?;
    Ok(LocalIncident { loaded, follower, events, warnings })
}

/// Whether an incident is finished for good: closed or withdrawn, with no
/// post-recovery step left to work. `resume` opens such an incident read-only.
pub fn finished(rb: &Runbook, inc: &Incident) -> bool {
    (inc.withdrawn.is_some() || inc.closed_at.is_some()) && !inc.has_post_closing_work(rb)
}

/// For `resume` of an incident [`finished`] for good: it is shown read-only (nothing is
/// appended to its record), saying why.
pub fn resume_closed(g: &Global, cfg: &ConfigFile, store: &Store, id: &str) -> i32 {
    let opened = match open_local(store, id) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let m = crate::i18n::messages(lang_for(g, cfg, &opened.loaded));
    let inc = Incident::replay(&opened.loaded.runbook, &opened.events);
    let why = match inc.map(|i| (i.withdrawn.is_some(), i.closed_at.is_some())) {
        Some((true, _)) => m.view_withdrawn,
        Some((false, true)) => m.view_closed,
        // Not a state an incident leaves once in it; named rather than shown as open.
        _ => return fail(format!("{id}: its journal changed while it was opened; resume again")),
    };
    view_local(g, cfg, id, opened, Some(why.to_string()))
}

fn lang_for(g: &Global, cfg: &ConfigFile, loaded: &Loaded) -> Lang {
    g.lang.map(Into::into).or(cfg.lang).unwrap_or(loaded.runbook.plan.language)
}

/// The console's App for an observer: it has no journal to open, ever.
fn observer_app(g: &Global, cfg: &ConfigFile, loaded: Loaded) -> Result<App, i32> {
    let loaded = Arc::new(loaded);
    let lang = lang_for(g, cfg, &loaded);
    let theme = theme_for(g, cfg)?;
    let refuse: crate::incident::sink::SinkFactory =
        Box::new(|_| Err("read-only (view): nothing is declared here".to_string()));
    let mut app =
        App::new(loaded, lang, theme, Arc::new(SystemClock::new()), Actor::from_env(), refuse);
    app.tz = local_tz();
    Ok(app)
}

fn view_local(
    g: &Global,
    cfg: &ConfigFile,
    id: &str,
    opened: LocalIncident,
    why: Option<String>,
) -> i32 {
    let LocalIncident { loaded, follower, events, warnings } = opened;
    if let Some(why) = drill_in_progress(id, &events) {
        return fail(why);
    }
    let mut app = match observer_app(g, cfg, loaded) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let newest = events.last().map(|e| e.at);
    // Enter on a timeline entry shows its hash, read from this journal.
    let journal = follower.path().to_path_buf();
    let viewer = match Viewer::follow(follower, LOCAL_POLL) {
        Ok(v) => v,
        Err(e) => return fail(e),
    };
    if let Ok(mut s) = viewer.status.lock() {
        s.newest_at = newest;
    }
    if let Err(e) = app.attach_view(events, viewer, why) {
        return fail(e);
    }
    app.set_view_journal(journal);
    if !warnings.is_empty() {
        let now = app.now();
        app.view.flash(warnings.join("; "), true, now);
    }
    let rt = match runtime(1) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let outcome = rt.block_on(run::run(&mut app, None));
    rt.shutdown_timeout(Duration::from_millis(200));
    finish(&mut app, outcome, "the journal")
}

/// A drill still running cannot be watched: its game clock is not in the journal, so every
/// clock on screen would be wrong.
fn drill_in_progress(id: &str, events: &[Event]) -> Option<String> {
    let drill = matches!(events.first().map(|e| &e.kind),
        Some(EventKind::Declared(d)) if d.drill.is_some());
    let over = events.iter().any(|e| matches!(e.kind, EventKind::Closed));
    (drill && !over).then(|| {
        format!(
            "{id} is a drill in progress; its game clock is not in the journal, so it cannot be \
             watched. `drconsole record {id}` writes what it holds"
        )
    })
}

fn view_remote(g: &Global, cfg: &ConfigFile, uri: &str, id: Option<&str>) -> i32 {
    let Some(id) = id else {
        return fail("view --mongodb needs the incident id: drconsole view --mongodb URI ID");
    };
    let uri = match crate::target::expand(uri) {
        Ok(u) => u,
        Err(e) => return fail(format!("--mongodb: {e}")),
    };
    // The incident's runbook comes from the mirror; this one is used only if it is the same.
    let local = load_runbook(g, cfg).ok();
    let rt = match runtime(2) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let opened = match rt.block_on(remote::open(&uri, id, local)) {
        Ok(o) => o,
        Err(e) => {
            errln!("error: {e}");
            return exit::FAILED;
        }
    };
    let remote::Opened { loaded, events, warnings, follow } = opened;
    if let Some(why) = drill_in_progress(id, &events) {
        return fail(why);
    }
    let mut app = match observer_app(g, cfg, loaded) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let (viewer, feed) = follow::channel(ViewSource::Mirror);
    let newest = events.last().map(|e| e.at);
    feed.set(|s| {
        s.verified = follow.verified();
        s.head = follow.head();
        s.newest_at = newest;
    });
    if let Err(e) = app.attach_view(events, viewer, None) {
        return fail(e);
    }
    if !warnings.is_empty() {
        let now = app.now();
        app.view.flash(warnings.join("; "), true, now);
    }
    let outcome = rt.block_on(async {
        let _task = remote::spawn(follow, feed, REMOTE_POLL);
        run::run(&mut app, None).await
    });
    rt.shutdown_timeout(Duration::from_millis(200));
    finish(&mut app, outcome, "the operations MongoDB")
}

/// Say what was watched, how far the chain was checked; nothing is written.
fn finish(app: &mut App, outcome: std::io::Result<QuitReason>, source: &str) -> i32 {
    let reason = outcome.unwrap_or_else(|e| {
        errln!("error: terminal: {e}");
        QuitReason::TerminalLost
    });
    app.drain_outcomes();
    if reason == QuitReason::TerminalLost || reason == QuitReason::Hangup {
        return reason.exit_code();
    }
    if let Some(inc) = app.inc() {
        outln!(
            "viewed {} read-only from {source}: {} events, chain checked to head {}; nothing \
             was written",
            inc.id(),
            inc.events.len(),
            app.head().unwrap_or_default()
        );
    }
    reason.exit_code()
}

/// `drconsole note --mongodb URI ID TEXT`: the note goes into the mirror's inbox; the console
/// that owns the incident journals it. The id is `--incident` or the first word.
pub fn note_remote(uri: &str, incident: Option<&str>, text: &[String]) -> i32 {
    let (id, words) = match incident {
        Some(id) => (id.to_string(), text),
        None => match text.split_first() {
            Some((id, rest)) if !rest.is_empty() => (id.clone(), rest),
            _ => return fail("note --mongodb needs the incident id and the text: ID TEXT"),
        },
    };
    if let Err(e) = crate::store::validate_id(&id) {
        return fail(e);
    }
    let text = words.join(" ");
    let uri = match crate::target::expand(uri) {
        Ok(u) => u,
        Err(e) => return fail(format!("--mongodb: {e}")),
    };
    let actor = Actor::from_env();
    let name = std::env::var("DRCONSOLE_OPERATOR")
        .ok()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| actor.user.clone());
    let who = inbox::Author { name, login: actor.user, host: actor.host };
    let rt = match runtime(1) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    match rt.block_on(inbox::post(&uri, &id, &text, &who)) {
        Ok(posted) => {
            outln!("queued in the inbox of {id} (entry {})", posted.id);
            match posted.owner_seen {
                Some(at) => {
                    let ago = (chrono::Utc::now() - at).num_seconds().max(0);
                    outln!(
                        "the console that owns it last reported {ago}s ago; it journals the note \
                         and marks the entry taken"
                    );
                }
                None => outln!(
                    "no console has reported this incident yet; the note waits until its \
                     console runs with the mirror"
                ),
            }
            exit::OK
        }
        Err(e) if e.contains("is empty") || e.contains("bytes") => fail(e),
        Err(e) => {
            errln!("error: the note was not queued: {e}");
            exit::FAILED
        }
    }
}

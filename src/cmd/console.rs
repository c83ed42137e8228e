//! `drconsole` and `drconsole resume`: the full-screen console on a new or an open incident.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::incident::{load_runbook, local_tz, store};
use super::{exit, print_diagnostics};
use crate::app::crash::{self, CrashContext};
use crate::app::{run, App, QuitReason};
use crate::cli::Global;
use crate::config::{self, ConfigFile};
use crate::incident::clock::SystemClock;
use crate::incident::sink::EventSink;
use crate::incident::{Actor, EventKind, Incident};
use crate::probe::{self, ResolvedService};
use crate::runbook::Loaded;
use crate::store::Store;

/// How long quitting waits for the journal writer (a slow or locked disk) before the record.
pub const SETTLE: std::time::Duration = std::time::Duration::from_secs(60);

pub fn run(g: &Global, cfg: &ConfigFile) -> i32 {
    start(g, cfg, None)
}

pub fn resume(g: &Global, cfg: &ConfigFile, id: Option<&str>) -> i32 {
    if let Some(Err(e)) = id.map(crate::store::validate_id) {
        return fail(e);
    }
    start(g, cfg, Some(id.unwrap_or("")))
}

fn fail(msg: impl std::fmt::Display) -> i32 {
    errln!("error: {msg}");
    exit::USAGE
}

/// Services whose target resolves are probed; the others are shown with the reason they are
/// not (e.g. an unset `${env:MONGODB_URI}`) instead of stopping the console in an emergency.
fn resolve_each(
    loaded: &Loaded,
    overrides: &BTreeMap<String, String>,
) -> (Vec<ResolvedService>, Vec<(String, String)>) {
    let mut ok = Vec::new();
    let mut unresolved = Vec::new();
    for s in &loaded.runbook.services {
        let one: BTreeMap<String, String> =
            overrides.get(&s.id).map(|t| (s.id.clone(), t.clone())).into_iter().collect();
        match probe::resolve(std::slice::from_ref(s), &one) {
            Ok(mut r) => ok.append(&mut r),
            Err(e) => unresolved.push((s.id.clone(), e)),
        }
    }
    (ok, unresolved)
}

fn start(g: &Global, cfg: &ConfigFile, resume_id: Option<&str>) -> i32 {
    if let Some(why) = run::refuse_reason() {
        return fail(why);
    }
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // A resumed incident keeps the runbook it was declared under.
    let (loaded, resumed) = match resume_id {
        None => match load_runbook(g, cfg) {
            Ok(l) => (l, None),
            Err(code) => return code,
        },
        Some(want) => {
            let id = match store.resolve((!want.is_empty()).then_some(want)) {
                Ok(id) => id,
                Err(e) => return fail(e),
            };
            let loaded = match store.runbook(&id) {
                Ok(l) => l,
                Err(e) => return fail(e),
            };
            // A closed or withdrawn incident is only looked at: opening it for append would
            // write (a session event, a cut tail) into its record. So is a drill, refused. Both
            // are decided from the events of the one read of the journal, before any write; the
            // incident replayed for that is the one the console continues.
            let (mut finished, mut drill) = (false, false);
            let mut replayed = None;
            let opened = store.open_if(&id, |ev| {
                replayed = Incident::replay_owned(&loaded.runbook, ev.iter().cloned());
                finished = replayed
                    .as_ref()
                    .is_some_and(|inc| super::view::finished(&loaded.runbook, inc));
                drill = matches!(
                    ev.first().map(|e| &e.kind),
                    Some(EventKind::Declared(d)) if d.drill.is_some()
                );
                !finished && !drill
            });
            match opened {
                Ok(Some(o)) => (loaded, Some((o, replayed))),
                Ok(None) if finished => return super::view::resume_closed(g, cfg, &store, &id),
                // A drill's game clock and injects are not in the journal's control; a
                // resumed drill would run on the wall clock with no injects.
                Ok(None) => {
                    return fail(format!(
                        "{id} is a drill; drills cannot be resumed. `drconsole record {id}` \
                         writes its record; run the scenario again with `drconsole drill`"
                    ))
                }
                Err(e) => return fail(e),
            }
        }
    };
    let loaded = Arc::new(loaded);
    let lang = g.lang.map(Into::into).or(cfg.lang).unwrap_or(loaded.runbook.plan.language);
    let theme = match theme_for(g, cfg) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let overrides = match probe::merge_overrides(&cfg.targets, &g.targets) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    if let Some(bad) =
        overrides.keys().find(|id| !loaded.runbook.services.iter().any(|s| &s.id == *id))
    {
        return fail(format!("--target {bad}=...: the runbook has no service '{bad}'"));
    }
    let (services, unresolved) = resolve_each(&loaded, &overrides);
    let actor = Actor::from_env();
    let tz = local_tz();

    let mirror_uri = match cfg.journal.mongodb.as_deref().map(crate::target::expand) {
        None => None,
        Some(Ok(uri)) => Some(uri),
        Some(Err(e)) => return fail(format!("[journal] mongodb: {e}")),
    };
    let mirror_status: Arc<std::sync::Mutex<Option<crate::mirror::SharedStatus>>> = Arc::default();
    let on_create = {
        let (uri, slot) = (mirror_uri.clone(), mirror_status.clone());
        move |decl: &crate::incident::Declaration, dir: &std::path::Path| {
            if let Some(uri) = &uri {
                start_mirror(uri, &decl.incident_id, dir, &slot);
            }
        }
    };
    let factory = sink_factory(store.clone(), loaded.clone(), actor.clone(), tz, on_create);
    let mut app =
        App::new(loaded.clone(), lang, theme, Arc::new(SystemClock::new()), actor.clone(), factory);
    app.tz = tz;
    app.mirror = mirror_status.clone();
    if resumed.is_none() {
        // Never a silent default: the incidents already open are offered first.
        let listing = store.list();
        let open: Vec<(String, String)> = listing
            .incidents
            .iter()
            .filter(|s| !s.closed && !s.drill)
            .map(|s| (s.id.clone(), s.line(tz)))
            .collect();
        if let Some(form) = app.view.declare.as_mut() {
            form.choosing = !open.is_empty();
            form.open = open;
        }
    }
    for (id, why) in unresolved {
        if let Some(row) = app.view.health.iter_mut().find(|r| r.id == id) {
            row.detail = format!("not probed: {}", short_reason(&why));
        }
    }
    if let Some((opened, replayed)) = resumed {
        crash::register(CrashContext {
            store: store.clone(),
            sink: opened.sink.clone(),
            loaded: loaded.clone(),
            actor,
            tz,
        });
        let interrupted =
            crate::incident::state::interrupted_session(&opened.events, &app.stamper.actor.host);
        let attached = match replayed {
            Some(inc) => app.attach_replayed(inc, Box::new(opened.sink)),
            None => app.attach_owned(opened.events, Box::new(opened.sink)),
        };
        if let Err(e) = attached {
            return fail(e);
        }
        if let Some(inc) = app.inc() {
            tracing::info!(
                incident = %inc.id(),
                pid = std::process::id(),
                events = inc.events.len(),
                "session: resumed"
            );
        }
        if let Some(last_event_at) = interrupted {
            app.emit(EventKind::SessionInterrupted { last_event_at });
        }
        app.emit(EventKind::SessionStarted { resumed: true });
        if !opened.warnings.is_empty() {
            let now = app.now();
            app.view.flash(opened.warnings.join("; "), true, now);
        }
    }

    let rt = match runtime(2) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let outcome = rt.block_on(async {
        if let (Some(uri), Some(inc)) = (&mirror_uri, app.inc()) {
            if let Some(dir) = store.find_dir(inc.id()) {
                start_mirror(uri, inc.id(), &dir, &mirror_status);
            }
        }
        let (tx, rx) = tokio::sync::mpsc::channel(256);
        // Probes start after the first frame is queued; they never delay it.
        let _probes = probe::spawn(services, tx);
        let reason = run::run(&mut app, Some(rx)).await;
        flush_mirror(&mut app, &mirror_status).await;
        reason
    });
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    let reason = match outcome {
        Ok(reason) => reason,
        Err(e) => {
            errln!("error: terminal: {e}");
            QuitReason::TerminalLost
        }
    };
    finish(&mut app, &store, reason);
    crash::clear();
    if let (QuitReason::Switch, Some(id)) = (reason, app.switch_to.take()) {
        drop(app);
        return start(g, cfg, Some(&id));
    }
    reason.exit_code()
}

/// The theme asked for by `--theme`, else the config; exit code 2 with a located error.
pub fn theme_for(g: &Global, cfg: &ConfigFile) -> Result<crate::theme::Theme, i32> {
    let name = g.theme.as_deref().or(cfg.theme.as_deref());
    crate::theme::load(name, config::themes_dir().as_deref()).map_err(|d| {
        print_diagnostics(&[d]);
        exit::USAGE
    })
}

/// Opens a declared incident's journal in the store and registers it with the panic hook.
/// `on_create` runs once the incident's folder exists (e.g. to start the mirror).
pub fn sink_factory(
    store: Store,
    loaded: Arc<Loaded>,
    actor: Actor,
    tz: chrono::FixedOffset,
    on_create: impl Fn(&crate::incident::Declaration, &std::path::Path) + Send + 'static,
) -> crate::incident::sink::SinkFactory {
    Box::new(move |decl: &crate::incident::Declaration| {
        let (sink, dir) = store.create(decl, &loaded)?;
        tracing::info!(
            incident = %decl.incident_id,
            pid = std::process::id(),
            level = decl.level,
            dir = %dir.display(),
            "session: declared {}",
            decl.disaster_type
        );
        on_create(decl, &dir);
        crash::register(CrashContext {
            store: store.clone(),
            sink: sink.clone(),
            loaded: loaded.clone(),
            actor: actor.clone(),
            tz,
        });
        Ok(Box::new(sink) as Box<dyn EventSink>)
    })
}

pub fn runtime(workers: usize) -> Result<tokio::runtime::Runtime, i32> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| {
            errln!("error: cannot start the runtime: {e}");
            exit::FAILED
        })
}

/// Write the response record on every exit path and say where it is. Printing is skipped
/// when the terminal is gone.
fn finish(app: &mut App, store: &Store, reason: QuitReason) {
    // Everything the operator did is written before the record is: wait for the writer.
    let unsettled = (!app.settle(SETTLE)).then_some(app.view.pending);
    let Some(inc) = app.inc() else {
        tracing::info!(reason = %reason.as_str(), "session: ended before any declaration");
        return;
    };
    let head = app.head();
    let result = store.write_record(inc, &app.loaded.runbook, app.now(), app.tz, head.clone());
    match &result {
        Ok(paths) => tracing::info!(
            incident = %inc.id(),
            reason = %reason.as_str(),
            closed = inc.closed_at.is_some(),
            head = %head.as_deref().unwrap_or("-"),
            "session: ended; record {}",
            paths.first().map(|p| p.display().to_string()).unwrap_or_default()
        ),
        Err(e) => tracing::error!(
            incident = %inc.id(),
            reason = %reason.as_str(),
            "session: ended; the record could not be written: {e}"
        ),
    }
    if reason == QuitReason::TerminalLost || reason == QuitReason::Hangup {
        return;
    }
    if let Some(n) = unsettled {
        errln!(
            "error: {n} action(s) were still being written to the journal after {}s; they are \
             not in the record (the journal has everything that was reported saved)",
            SETTLE.as_secs()
        );
    }
    match result {
        Ok(paths) => {
            let state = if inc.closed_at.is_some() {
                "closed"
            } else {
                "still open; `drconsole resume` continues it"
            };
            outln!("incident {}: {state}", inc.id());
            for p in paths {
                outln!("record: {}", p.display());
            }
            outln!("journal head: {}", head.unwrap_or_default());
        }
        Err(e) => errln!("error: the record could not be written: {e}"),
    }
}

/// How long quitting waits for the mirror to take the session's last events.
const MIRROR_FLUSH: std::time::Duration = std::time::Duration::from_secs(3);

/// On quit, once the writer has everything: let the mirror send the last events (the
/// session's end), so observers on other hosts see them now, not when this console next runs.
async fn flush_mirror(app: &mut App, slot: &std::sync::Mutex<Option<crate::mirror::SharedStatus>>) {
    let Some(status) = slot.lock().ok().and_then(|s| s.clone()) else { return };
    if !app.settle(SETTLE) {
        return;
    }
    let upto = app.inc().map_or(0, |i| i.events.len() as u64);
    crate::mirror::flush(&status, upto, MIRROR_FLUSH).await;
}

/// Mirror the incident into the operations MongoDB, and take notes from its inbox. Runs
/// inside the console's runtime; the task ends with it.
fn start_mirror(
    uri: &str,
    id: &str,
    dir: &std::path::Path,
    slot: &std::sync::Mutex<Option<crate::mirror::SharedStatus>>,
) {
    // The journal (through its pointer), the runbook copy and the inbox of the folder.
    let (_task, status) = crate::mirror::spawn_incident(
        uri.to_string(),
        id.to_string(),
        dir.to_path_buf(),
        std::time::Duration::from_secs(1),
    );
    if let Ok(mut s) = slot.lock() {
        *s = Some(status);
    }
}

/// `service "mongodb": environment variable MONGODB_URI is not set` is too long for the pane:
/// keep what the operator must fix.
fn short_reason(why: &str) -> String {
    let plain = why.split_once("\": ").map(|(_, rest)| rest).unwrap_or(why);
    match plain.strip_prefix("environment variable ").and_then(|r| r.strip_suffix(" is not set")) {
        Some(var) => format!("${var} unset"),
        None => plain.to_string(),
    }
}

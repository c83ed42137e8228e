//! `drconsole drill SCENARIO [--speed N]` and `drconsole drill --list`: the same console as a
//! real incident (App, runbook, timers, journal), fed by a scenario on a fast game clock.

use std::path::Path;
use std::sync::Arc;

use super::exit;
use super::incident::{local_tz, store};
use crate::app::crash;
use crate::app::{run, App, QuitReason};
use crate::cli::Global;
use crate::config::ConfigFile;
use crate::drill::scenario::{self, Origin};
use crate::drill::session::ScoreInput;
use crate::drill::{builtin, scorecard, GameClock, LoadedScenario, Session};
use crate::incident::clock::{Clock, SystemClock};
use crate::incident::decide::DeclareRequest;
use crate::incident::event::DrillInfo;
use crate::incident::Actor;
use crate::store::Store;

/// Faster than this and a tick could not keep up with the injects of a scenario anyway.
pub const MAX_SPEED: f64 = 3600.0;

fn fail(msg: impl std::fmt::Display) -> i32 {
    errln!("error: {msg}");
    exit::USAGE
}

/// The shipped scenarios, one line each.
pub fn list() -> i32 {
    for (name, text) in builtin::SCENARIOS {
        let title = scenario::from_text(name, text, Origin::Shipped, None)
            .map(|s| s.file.scenario.title)
            .unwrap_or_else(|_| "(does not load)".to_string());
        outln!("{name:<26} {title}");
    }
    exit::OK
}

/// A scenario by path, else by shipped name. Returns it with the name recorded for it; the
/// error is one or more lines to print.
pub fn resolve(
    spec: &str,
    runbook: Option<&Path>,
) -> Result<(LoadedScenario, String), Vec<String>> {
    let lines = |d: Vec<crate::runbook::source::Diagnostic>| -> Vec<String> {
        d.iter().map(ToString::to_string).collect()
    };
    let path = Path::new(spec);
    if path.is_file() {
        return scenario::load(path, runbook).map(|s| (s, spec.to_string())).map_err(lines);
    }
    match builtin::find(spec) {
        Some((name, text)) => scenario::from_text(
            &format!("<built-in scenario {name}>"),
            text,
            Origin::Shipped,
            runbook,
        )
        .map(|s| (s, name.to_string()))
        .map_err(lines),
        None => {
            let names: Vec<&str> = builtin::SCENARIOS.iter().map(|(n, _)| *n).collect();
            Err(vec![format!(
                "'{spec}' is neither a scenario file nor a shipped scenario; one of: {}",
                names.join(", ")
            )])
        }
    }
}

/// The tick of a drill: often enough that an inject fires within a few game seconds of its
/// time, never more than 10 times a second (CPU), never less than once a second.
pub fn tick_for(speed: f64) -> std::time::Duration {
    let ms = (1000.0 / speed).clamp(100.0, 1000.0);
    std::time::Duration::from_millis(ms as u64)
}

/// The declaration a scenario makes: its type, level and functions, marked as a drill.
pub fn declaration(
    sc: &LoadedScenario,
    name: &str,
    speed: f64,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::incident::Declaration, String> {
    let s = &sc.file.scenario;
    let req = DeclareRequest {
        disaster_type: s.disaster_type.clone(),
        level: s.level,
        functions: s.functions.clone(),
        reporter: actor.user.clone(),
        coordinator: None,
        team: None,
        t0: "now".to_string(),
        force: false,
        confirmed: true,
        drill: Some(DrillInfo { scenario: name.to_string(), speed }),
    };
    let decl = crate::incident::decide::declaration(&sc.runbook, &req, now)
        .map_err(|r| r.message(crate::runbook::model::Lang::En))?;
    Ok(decl)
}

/// Build the scorecard of the app's drill and write it beside the drill's journal.
pub fn write_scorecard(
    input: ScoreInput,
    store: &Store,
    clock: &GameClock,
) -> Result<(scorecard::Scorecard, Vec<std::path::PathBuf>), String> {
    let ScoreInput { inc, session: s, now, tz } = input;
    let dir = store.find_dir(inc.id()).ok_or_else(|| format!("no drill '{}'", inc.id()))?;
    let card = scorecard::build(inc, &s.scenario, &s.name, now, tz, clock.real_elapsed());
    let mut paths = scorecard::write(&dir, &card, tz)?;
    let rb = &s.scenario.runbook.runbook;
    paths.push(crate::drill::scorecard_html::write(&dir, &card, inc, rb, now, tz)?);
    Ok((card, paths))
}

/// The scorecard input of the console's drill, if one runs.
fn score_input(app: &App) -> Result<ScoreInput<'_>, String> {
    match (app.inc(), app.drill.as_ref()) {
        (Some(inc), Some(session)) => Ok(ScoreInput { inc, session, now: app.now(), tz: app.tz }),
        _ => Err("no drill is running".to_string()),
    }
}

pub fn run(
    g: &Global,
    cfg: &ConfigFile,
    spec: Option<&str>,
    speed: f64,
    list_only: bool,
    no_pause_on_dialog: bool,
) -> i32 {
    if list_only {
        return list();
    }
    let Some(spec) = spec else { return fail("name a scenario, or use --list") };
    if !(speed > 0.0 && speed <= MAX_SPEED) {
        return fail(format!("--speed {speed}: give a number above 0 and at most {MAX_SPEED}"));
    }
    let (mut sc, name) = match resolve(spec, g.runbook.as_deref()) {
        Ok(x) => x,
        Err(lines) => {
            lines.iter().for_each(|l| errln!("error: {l}"));
            return exit::USAGE;
        }
    };
    if no_pause_on_dialog {
        sc.file.scenario.pause_on_dialog = false;
    }
    if let Some(why) = run::refuse_reason() {
        return fail(why);
    }
    let store = match store(g) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let loaded = Arc::new(sc.runbook.clone());
    let lang = g.lang.map(Into::into).or(cfg.lang).unwrap_or(loaded.runbook.plan.language);
    let theme = match super::console::theme_for(g, cfg) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let actor = Actor::from_env();
    let tz = local_tz();
    let clock = Arc::new(GameClock::new(Arc::new(SystemClock::new()), speed));
    // Stopped from the start: T0 is when the facilitator ends the briefing, not when the
    // journal was opened.
    clock.set_paused(true);

    let factory =
        super::console::sink_factory(store.clone(), loaded.clone(), actor.clone(), tz, |_, _| {});
    let mut app = App::new(loaded, lang, theme, clock.clone(), actor.clone(), factory);
    app.tz = tz;
    let decl = match declaration(&sc, &name, speed, &actor, clock.now()) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let mut session = Session::new(sc, &name, speed);
    session.clock = Some(clock.clone());
    let (w_store, w_clock) = (store.clone(), clock.clone());
    session.writer = Some(Box::new(move |input: ScoreInput| {
        write_scorecard(input, &w_store, &w_clock).map(|(_, paths)| paths)
    }));
    app.drill = Some(session);
    if let Err(e) = app.declare(decl) {
        return fail(e);
    }
    tracing::info!(scenario = %name, speed, "session: drill started");
    app.drill_start();
    // The clock stands while the facilitator reads the briefing out; Enter starts it.
    app.drill_briefing();

    let rt = match super::console::runtime(1) {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    let outcome = rt.block_on(run::run_with_tick(&mut app, None, tick_for(speed)));
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    let reason = match outcome {
        Ok(reason) => reason,
        Err(e) => {
            errln!("error: terminal: {e}");
            QuitReason::TerminalLost
        }
    };
    finish(&mut app, &store, &clock, reason);
    crash::clear();
    reason.exit_code()
}

/// The response record and the final scorecard, on every exit path.
fn finish(app: &mut App, store: &Store, clock: &GameClock, reason: QuitReason) {
    app.settle(super::console::SETTLE);
    let Some(inc) = app.inc() else { return };
    let record = store.write_record(inc, &app.loaded.runbook, app.now(), app.tz, app.head());
    let card = score_input(app).and_then(|input| write_scorecard(input, store, clock));
    tracing::info!(
        incident = %inc.id(),
        reason = %reason.as_str(),
        closed = inc.closed_at.is_some(),
        "session: drill ended"
    );
    if let Err(e) = &card {
        tracing::error!(incident = %inc.id(), "drill: the scorecard could not be written: {e}");
    }
    if reason == QuitReason::TerminalLost || reason == QuitReason::Hangup {
        return;
    }
    outln!("drill {}: {}", inc.id(), if inc.closed_at.is_some() { "closed" } else { "ended" });
    match record {
        Ok(paths) => paths.iter().for_each(|p| outln!("record: {}", p.display())),
        Err(e) => errln!("error: the record could not be written: {e}"),
    }
    match card {
        Ok((card, paths)) => {
            paths.iter().for_each(|p| outln!("scorecard: {}", p.display()));
            scorecard::summary_lines(&card).iter().for_each(|l| outln!("{l}"));
        }
        Err(e) => errln!("error: the scorecard could not be written: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drill_tick_follows_the_speed_within_bounds() {
        assert_eq!(tick_for(1.0), std::time::Duration::from_secs(1));
        assert_eq!(tick_for(0.5), std::time::Duration::from_secs(1));
        assert_eq!(tick_for(4.0), std::time::Duration::from_millis(250));
        assert_eq!(tick_for(120.0), std::time::Duration::from_millis(100));
        assert_eq!(tick_for(3600.0), std::time::Duration::from_millis(100));
    }
}

//! The panic path: restore the terminal, journal the panic, write the response record, then let
//! the previous hook report the panic. Everything here tolerates a dead terminal and a journal
//! that is locked by the panicking thread.

use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::{Duration, Instant};

use chrono::FixedOffset;

use crate::incident::clock::SystemClock;
use crate::incident::{Actor, EventKind, Incident, Stamper};
use crate::runbook::Loaded;
use crate::store::{JournalSink, Store};

pub struct CrashContext {
    pub store: Store,
    pub sink: JournalSink,
    pub loaded: std::sync::Arc<Loaded>,
    pub actor: Actor,
    pub tz: FixedOffset,
}

static CONTEXT: Mutex<Option<CrashContext>> = Mutex::new(None);

/// Tell the panic hook which incident to record.
pub fn register(ctx: CrashContext) {
    if let Ok(mut slot) = CONTEXT.lock() {
        *slot = Some(ctx);
    }
}

pub fn clear() {
    if let Ok(mut slot) = CONTEXT.lock() {
        *slot = None;
    }
}

/// Chain our hook in front of the current one (the standard one, which prints the panic and
/// ignores a stderr that is gone). Restoring the terminal here ignores errors: a dead terminal
/// must not turn a panic into an abort.
pub fn install_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        let _ = ratatui::try_restore();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let location =
            info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        record_panic(&format!("{message}{location}"));
        previous(info);
    }));
}

/// The lock, once another thread lets go of it (the journal writer in the middle of an append
/// and its fsync, which takes long on a busy disk); `None` after `WAIT`, since the panic may
/// have happened while this very thread held it, and never when it is poisoned.
fn lock_soon<T>(m: &Mutex<T>) -> Option<MutexGuard<'_, T>> {
    const WAIT: Duration = Duration::from_secs(2);
    let until = Instant::now() + WAIT;
    loop {
        match m.try_lock() {
            Ok(guard) => return Some(guard),
            Err(TryLockError::WouldBlock) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => return None,
        }
    }
}

fn record_panic(message: &str) {
    let Some(slot) = lock_soon(&CONTEXT) else { return };
    let Some(ctx) = slot.as_ref() else { return };
    let stamper =
        Stamper { clock: std::sync::Arc::new(SystemClock::new()), actor: ctx.actor.clone() };
    let ev = stamper.stamp(EventKind::Panic { message: message.to_string() });
    let journal_path = match lock_soon(&ctx.sink.journal) {
        Some(mut j) => {
            if let Ok(payload) = serde_json::to_value(&ev) {
                let _ = j.append(payload);
            }
            j.path().to_path_buf()
        }
        None => return,
    };
    let Ok((events, _)) = crate::store::read_events(&journal_path) else { return };
    let Some(inc) = Incident::replay(&ctx.loaded.runbook, &events) else { return };
    let head = crate::journal::verify(&journal_path).head;
    let _ =
        ctx.store.write_record(&inc, &ctx.loaded.runbook, stamper.clock.now(), ctx.tz, Some(head));
}

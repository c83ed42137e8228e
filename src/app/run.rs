//! The terminal loop: one `select!` over keys, signals, a one-second tick and (when wired)
//! probe results. It draws only when something changed; the clocks make that once a second.

use std::io::{self, IsTerminal};
use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream};
use crossterm::execute;
use futures::StreamExt;
use tokio::signal::unix::{signal, SignalKind};

use tokio::sync::mpsc;

use super::{App, QuitReason};
use crate::probe::ProbeUpdate;

/// The next probe result, or never when there are no probes (or they all stopped).
async fn recv(rx: &mut Option<mpsc::Receiver<ProbeUpdate>>) -> Option<ProbeUpdate> {
    match rx {
        Some(r) => match r.recv().await {
            Some(u) => Some(u),
            None => {
                *rx = None;
                std::future::pending().await
            }
        },
        None => std::future::pending().await,
    }
}

/// Why the full-screen mode cannot start here.
pub fn refuse_reason() -> Option<String> {
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return Some(
            "TERM=dumb: this terminal cannot show the full-screen console. Use the non-interactive \
             commands instead: `drconsole runbook show`, `drconsole check`, `drconsole --help`."
                .to_string(),
        );
    }
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Some(
            "the console needs a terminal on stdin and stdout; for scripts use the \
             non-interactive commands (`drconsole --help`)."
                .to_string(),
        );
    }
    None
}

/// The terminal is gone (SSH dropped): the tty reports a hang-up or an error.
fn tty_gone() -> bool {
    let mut fds = [
        libc::pollfd { fd: libc::STDIN_FILENO, events: libc::POLLIN, revents: 0 },
        libc::pollfd { fd: libc::STDOUT_FILENO, events: 0, revents: 0 },
    ];
    // SAFETY: fds is a valid array of pollfd for its length; timeout 0 never blocks.
    let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 0) };
    rc > 0 && fds.iter().any(|p| p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0)
}

/// Run the console until the operator quits, a signal arrives or the terminal goes away.
pub async fn run(
    app: &mut App,
    probes: Option<mpsc::Receiver<ProbeUpdate>>,
) -> io::Result<QuitReason> {
    run_with_tick(app, probes, Duration::from_secs(1)).await
}

/// The same loop with another tick: a drill on a fast game clock checks its injects more often
/// than once a second.
pub async fn run_with_tick(
    app: &mut App,
    probes: Option<mpsc::Receiver<ProbeUpdate>>,
    tick: Duration,
) -> io::Result<QuitReason> {
    // Raw mode, the alternate screen and ratatui's panic hook; then our own backend, which
    // sends far fewer bytes per frame than the default one (see `term`).
    drop(ratatui::try_init()?);
    let mut terminal = ratatui::Terminal::new(super::term::LeanBackend::new(io::stdout()))?;
    super::crash::install_hook();
    let _ = execute!(io::stdout(), crossterm::event::EnableBracketedPaste);
    let result = event_loop(app, &mut terminal, probes, tick).await;
    let _ = execute!(io::stdout(), crossterm::event::DisableBracketedPaste);
    // Dropping a ratatui Terminal shows the cursor and `eprintln!`s when that fails, which
    // panics once the terminal is gone (SSH dropped, tmux session killed). Show it here; when
    // that fails there is no terminal to restore, and the Terminal is forgotten, not dropped.
    if terminal.show_cursor().is_err() {
        tracing::info!("terminal: gone at exit; not restoring it");
        std::mem::forget(terminal);
    }
    let _ = ratatui::try_restore();
    result
}

async fn event_loop(
    app: &mut App,
    terminal: &mut ratatui::Terminal<super::term::LeanBackend<io::Stdout>>,
    mut probes: Option<mpsc::Receiver<ProbeUpdate>>,
    period: Duration,
) -> io::Result<QuitReason> {
    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigquit = signal(SignalKind::quit())?;
    loop {
        if let Some(reason) = app.quit {
            return Ok(reason);
        }
        if app.dirty {
            app.dirty = false;
            if terminal.draw(|f| app.render(f)).is_err() {
                app.end(QuitReason::TerminalLost);
                continue;
            }
            // Sequences for the terminal itself (OSC 52) bypass the frame buffer.
            for seq in app.view.outbox.drain(..) {
                use std::io::Write;
                let mut out = io::stdout();
                let _ = out.write_all(seq.as_bytes()).and_then(|()| out.flush());
            }
        }
        tokio::select! {
            ev = keys.next() => match ev {
                Some(Ok(TermEvent::Key(k))) => app.on_key(k),
                Some(Ok(TermEvent::Paste(s))) => app.on_paste(&s),
                Some(Ok(TermEvent::Resize(..))) => {
                    let _ = terminal.autoresize();
                    app.dirty = true;
                }
                Some(Ok(_)) => {}
                // EOF or EIO: the terminal is gone. Never retry on a dead tty.
                Some(Err(e)) => {
                    tracing::warn!("terminal: input failed ({e}); ending the session");
                    app.end(QuitReason::TerminalLost)
                }
                None => {
                    tracing::warn!("terminal: input closed; ending the session");
                    app.end(QuitReason::TerminalLost)
                }
            },
            _ = tick.tick() => {
                if tty_gone() {
                    tracing::warn!("terminal: hung up; ending the session");
                    app.end(QuitReason::TerminalLost);
                } else {
                    app.tick();
                }
            }
            Some(update) = recv(&mut probes) => app.on_probe(update),
            _ = sigint.recv() => signalled(app, QuitReason::Interrupt),
            _ = sigterm.recv() => signalled(app, QuitReason::Terminate),
            _ = sighup.recv() => signalled(app, QuitReason::Hangup),
            _ = sigquit.recv() => signalled(app, QuitReason::QuitSignal),
        }
    }
}

/// Every signal takes the same clean path as `q`; the log says which one it was.
fn signalled(app: &mut App, reason: QuitReason) {
    tracing::info!("signal: {} received; ending the session cleanly", reason.as_str());
    app.end(reason);
}

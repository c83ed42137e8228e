//! The terminal loop: one `select!` over keys, signals, a one-second tick, (when wired) probe
//! results, and tmux's answers to a copy. It draws only when something changed; the clocks make
//! that once a second.

use std::io::{self, IsTerminal};
use std::os::fd::AsFd;
use std::time::Duration;

use crossterm::event::Event as TermEvent;
use crossterm::execute;
use rustix::event::{PollFd, PollFlags};
use tokio::signal::unix::{signal, SignalKind};

use tokio::sync::mpsc;

use super::{App, QuitReason};
use crate::keymap;
use crate::probe::ProbeUpdate;

/// At most this many probe results waiting behind the first are taken before a frame is drawn.
const PROBE_RESULTS_PER_FRAME: usize = 64;

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

/// Hands up to `limit` values already waiting in `rx` to `each`, in order, without waiting for
/// more; how many it took. A closed channel is left to `recv`, which retires it.
fn take_waiting<T>(
    rx: &mut Option<mpsc::Receiver<T>>,
    limit: usize,
    mut each: impl FnMut(T),
) -> usize {
    let Some(rx) = rx.as_mut() else { return 0 };
    let mut taken = 0;
    while taken < limit {
        match rx.try_recv() {
            Ok(value) => each(value),
            Err(_) => break,
        }
        taken += 1;
    }
    taken
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
    let (stdin, stdout) = (io::stdin(), io::stdout());
    let mut fds = [
        PollFd::new(&stdin, PollFlags::IN),
        PollFd::from_borrowed_fd(stdout.as_fd(), PollFlags::empty()),
    ];
    let rc = rustix::event::poll(&mut fds, Some(&poll_timeout(0)));
    matches!(rc, Ok(n) if n > 0) && fds.iter().any(|p| p.revents().intersects(HANG_UP))
}

/// What poll(2) reports for a terminal that is gone: hung up, in error, or closed.
const HANG_UP: PollFlags = PollFlags::HUP.union(PollFlags::ERR).union(PollFlags::NVAL);

fn poll_timeout(ms: i32) -> rustix::event::Timespec {
    let ms = i64::from(ms.max(0));
    rustix::event::Timespec { tv_sec: ms / 1000, tv_nsec: ms % 1000 * 1_000_000 }
}

/// Terminal events, read on a thread of their own. When the tty hangs up, crossterm's reader
/// retries a read that keeps failing (EIO) or returning nothing, forever, inside one call: on
/// the loop's thread that froze the console, its signals and its clock, and the process never
/// ended. So this thread waits for input with its own `poll(2)`, which reports a hang-up, and
/// calls crossterm only when there is input to read; should a hang-up still slip in between,
/// crossterm can only hold this thread, and the loop notices the lost terminal itself (SIGHUP,
/// or `tty_gone` on the next tick). The thread ends when the loop drops the receiver.
type EventReader = (mpsc::Receiver<io::Result<TermEvent>>, std::thread::JoinHandle<()>);

fn spawn_event_reader() -> io::Result<EventReader> {
    let (tx, rx) = mpsc::channel(256);
    let handle =
        std::thread::Builder::new().name("terminal-events".into()).spawn(move || loop {
            if tx.is_closed() {
                return;
            }
            match stdin_ready(250) {
                Ready::Nothing => continue,
                Ready::Gone => {
                    let _ = tx.blocking_send(Err(io::ErrorKind::BrokenPipe.into()));
                    return;
                }
                Ready::Input => {}
            }
            // One read may hold several events (a paste, fast typing): hand on every one crossterm
            // has parsed before waiting on the tty again.
            let mut next = crossterm::event::read();
            loop {
                let failed = next.is_err();
                if tx.blocking_send(next).is_err() || failed {
                    return;
                }
                match crossterm::event::poll(Duration::ZERO) {
                    Ok(true) => next = crossterm::event::read(),
                    Ok(false) => break,
                    Err(e) => next = Err(e),
                }
            }
        })?;
    Ok((rx, handle))
}

enum Ready {
    Input,
    Gone,
    Nothing,
}

/// Wait up to `ms` for input on stdin.
fn stdin_ready(ms: i32) -> Ready {
    let stdin = io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    match rustix::event::poll(&mut fds, Some(&poll_timeout(ms))) {
        Ok(_) => {}
        Err(rustix::io::Errno::INTR) => return Ready::Nothing,
        Err(_) => return Ready::Gone,
    }
    let revents = fds[0].revents();
    if revents.intersects(HANG_UP) {
        Ready::Gone
    } else if revents.contains(PollFlags::IN) {
        Ready::Input
    } else {
        Ready::Nothing
    }
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
    // Raw mode and the alternate screen, then our own backend, which sends far fewer bytes per
    // frame than the default one (see `term`). Not `ratatui::try_init`: its panic hook reports
    // a failed restore with `eprintln!`, which panics again when the terminal is gone and
    // aborts the process; `crash::install_hook` restores the terminal quietly instead.
    crossterm::terminal::enable_raw_mode()?;
    execute!(io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    super::crash::install_hook();
    let mut terminal = ratatui::Terminal::new(super::term::LeanBackend::new(io::stdout()))?;
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
    let (mut keys, reader) = spawn_event_reader()?;
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigquit = signal(SignalKind::quit())?;
    // crossterm turns SIGWINCH into a resize event only while it waits on the tty itself, which
    // `spawn_event_reader` no longer lets it do: take the signal here.
    let mut sigwinch = signal(SignalKind::window_change())?;
    // tmux's answers to `load-buffer`, from tasks so that the loop never waits on tmux.
    let (tmux_tx, mut tmux_rx) = mpsc::unbounded_channel::<(String, Result<(), String>)>();
    loop {
        if let Some(reason) = app.quit {
            if reason == QuitReason::Switch {
                // Another console loop follows on this terminal: this reader must be gone
                // first, or it would take that loop's first keys (it sees its receiver closed
                // within one poll interval; the terminal is alive, so it does not hang).
                drop(keys);
                let _ = reader.join();
            }
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
        for text in app.view.to_tmux.drain(..) {
            let tx = tmux_tx.clone();
            tokio::spawn(async move {
                let result = crate::comms::tmux_buffer::load_buffer(text.clone()).await;
                let _ = tx.send((text, result));
            });
        }
        let wake = app.writer_wake();
        tokio::select! {
            // The journal writer finished something: show it saved (or why not).
            _ = async {
                match &wake {
                    Some(w) => w.notified().await,
                    None => std::future::pending().await,
                }
            } => app.drain_outcomes(),
            ev = keys.recv() => match ev {
                Some(Ok(TermEvent::Key(k))) => {
                    keymap::pressed(k, app.typing_text()).for_each(|k| app.on_key(k))
                }
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
            Some(update) = recv(&mut probes) => {
                app.on_probe(update);
                // A round of probes ends together (50 services timing out at once): the results
                // already waiting are taken before the next frame rather than one frame each,
                // so a key pressed during the round waits for one frame, not dozens. Bounded,
                // so keys and the clock still get their turn.
                take_waiting(&mut probes, PROBE_RESULTS_PER_FRAME, |u| app.on_probe(u));
            }
            Some((text, result)) = tmux_rx.recv() => app.on_tmux_buffer(text, result),
            _ = sigint.recv() => signalled(app, QuitReason::Interrupt),
            _ = sigterm.recv() => signalled(app, QuitReason::Terminate),
            _ = sighup.recv() => signalled(app, QuitReason::Hangup),
            _ = sigquit.recv() => signalled(app, QuitReason::QuitSignal),
            _ = sigwinch.recv() => {
                let _ = terminal.autoresize();
                app.dirty = true;
            }
        }
    }
}

/// Every signal takes the same clean path as `q`; the log says which one it was.
fn signalled(app: &mut App, reason: QuitReason) {
    tracing::info!("signal: {} received; ending the session cleanly", reason.as_str());
    app.end(reason);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel_with(
        values: std::ops::Range<u32>,
    ) -> (mpsc::Sender<u32>, Option<mpsc::Receiver<u32>>) {
        let (tx, rx) = mpsc::channel(256);
        for v in values {
            tx.try_send(v).unwrap();
        }
        (tx, Some(rx))
    }

    #[test]
    fn a_burst_is_taken_at_once_up_to_the_limit_in_order() {
        let (_tx, mut rx) = channel_with(0..100);
        let mut seen = Vec::new();
        assert_eq!(take_waiting(&mut rx, PROBE_RESULTS_PER_FRAME, |v| seen.push(v)), 64);
        assert_eq!(seen, (0..64).collect::<Vec<_>>());
        // The rest waits for the next turn of the loop, after keys and the clock had theirs.
        assert_eq!(take_waiting(&mut rx, PROBE_RESULTS_PER_FRAME, |v| seen.push(v)), 36);
        assert_eq!(seen, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn nothing_waiting_returns_at_once_and_a_closed_channel_gives_what_it_holds() {
        let (tx, mut rx) = channel_with(0..0);
        assert_eq!(take_waiting(&mut rx, 64, |_| panic!("nothing was sent")), 0);
        tx.try_send(7).unwrap();
        tx.try_send(8).unwrap();
        drop(tx);
        let mut seen = Vec::new();
        assert_eq!(take_waiting(&mut rx, 64, |v| seen.push(v)), 2);
        assert_eq!(seen, [7, 8]);
        assert_eq!(take_waiting(&mut rx, 64, |v| seen.push(v)), 0);
        assert!(rx.is_some(), "recv, not this, retires a closed channel");
        assert_eq!(take_waiting(&mut None::<mpsc::Receiver<u32>>, 64, |_: u32| {}), 0);
    }
}

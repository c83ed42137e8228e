//! The pty harness: runs the real binary in a pseudo-terminal this process owns and measures
//! what a person on a slow SSH link feels: bytes written to the terminal while idle, key
//! latency, start-up to the first full frame, peak RSS; plus journal append cost against a bare
//! `write` + `fdatasync` floor, and the same idle bytes for `htop` and `watch -n 1`.
//!
//! It takes minutes, so a plain `cargo bench` skips it. `scripts/bench` runs it as
//! `DRC_BENCH_PTY=1 cargo bench --bench pty` and reads the JSON lines it writes to
//! `$DRC_BENCH_OUT`. Only loopback addresses are used; every loop is bounded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::num::NonZeroU16;
use std::os::fd::FromRawFd;
use std::os::unix::fs::FileExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::json;

// ---------------------------------------------------------------------------------------------
// A pseudo-terminal we own.

struct Pty {
    master: File,
    child: Child,
    rx: Receiver<(Instant, Vec<u8>)>,
    parser: vt100::Parser,
    started: Instant,
    w: u16,
    h: u16,
    /// Every byte read, when recording (for BENCHMARKS.md's sample of a frame).
    raw: Option<Vec<u8>>,
}

fn spawn(mut cmd: Command, w: u16, h: u16) -> Pty {
    let mut master = 0;
    let mut slave = 0;
    let ws = libc::winsize { ws_row: h, ws_col: w, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: valid out-pointers; null name and termios are allowed.
    let rc = unsafe {
        libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &ws)
    };
    assert_eq!(rc, 0, "openpty failed");
    // SAFETY: openpty returned these descriptors; each File owns one duplicate.
    let (s0, s1, s2) = unsafe {
        (
            File::from_raw_fd(libc::dup(slave)),
            File::from_raw_fd(libc::dup(slave)),
            File::from_raw_fd(libc::dup(slave)),
        )
    };
    cmd.stdin(Stdio::from(s0)).stdout(Stdio::from(s1)).stderr(Stdio::from(s2));
    cmd.env("TERM", "xterm-256color").env_remove("COLUMNS").env_remove("LINES");
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY as _, 0);
            Ok(())
        });
    }
    let started = Instant::now();
    let child = cmd.spawn().expect("spawn under the pty");
    // SAFETY: our own descriptors; the child has its copies.
    unsafe {
        libc::close(slave);
    }
    // SAFETY: master is ours.
    let master = unsafe { File::from_raw_fd(master) };
    let mut reader = master.try_clone().expect("dup master");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 65536];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let parser = vt100::Parser::new(NonZeroU16::new(h).unwrap(), NonZeroU16::new(w).unwrap(), 0);
    Pty { master, child, rx, parser, started, w, h, raw: None }
}

impl Pty {
    /// The next chunk of output within `timeout`, fed to the screen model.
    fn next(&mut self, timeout: Duration) -> Option<(Instant, usize)> {
        match self.rx.recv_timeout(timeout) {
            Ok((t, bytes)) => {
                self.parser.process(&bytes);
                if let Some(raw) = self.raw.as_mut() {
                    raw.extend_from_slice(&bytes);
                }
                Some((t, bytes.len()))
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    fn row_text(&self, row: u16) -> String {
        let s = self.parser.screen();
        (0..self.w).filter_map(|c| s.cell(row, c).map(|x| x.contents().to_string())).collect()
    }

    /// Reads until `pred(screen)` holds; the time of the chunk that made it hold.
    fn wait_until(&mut self, limit: Duration, pred: impl Fn(&Pty) -> bool) -> Option<Instant> {
        let deadline = Instant::now() + limit;
        if pred(self) {
            return Some(Instant::now());
        }
        while Instant::now() < deadline {
            if let Some((t, _)) = self.next(Duration::from_millis(20)) {
                if pred(self) {
                    return Some(t);
                }
            }
        }
        None
    }

    /// Drain output for `d`, returning (time, bytes) of each chunk.
    fn collect_for(&mut self, d: Duration) -> Vec<(Instant, usize)> {
        let end = Instant::now() + d;
        let mut out = Vec::new();
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            if let Some(c) = self.next(left.min(Duration::from_millis(100))) {
                out.push(c);
            }
        }
        out
    }

    fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to the pty");
    }

    fn stop(mut self) {
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end {
            let _ = self.next(Duration::from_millis(20));
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A full frame of the console is on the screen: the header row and the footer row (drawn last
/// by ratatui's row-major diff) both carry text.
fn full_frame(p: &Pty) -> bool {
    !p.row_text(0).trim().is_empty() && !p.row_text(p.h - 1).trim().is_empty()
}

// ---------------------------------------------------------------------------------------------
// Loopback peers that accept and never answer.

struct Hung {
    ports: Vec<u16>,
}

fn hung_listeners(n: usize) -> Hung {
    let mut ports = Vec::new();
    for _ in 0..n {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        ports.push(l.local_addr().unwrap().port());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            // Bounded: a probe every second per service for the few minutes of a run.
            for s in l.incoming().take(100_000).flatten() {
                held.push(s);
            }
        });
    }
    Hung { ports }
}

/// The built-in runbook text plus services up to `total`, all probing the hung listeners; the
/// built-in three get their targets from the environment (`env_for`).
fn runbook_with_services(dir: &Path, total: usize, hung: &Hung) -> PathBuf {
    let base = include_str!("../runbooks/shopping-system.toml");
    let mut text = base.to_string();
    for i in 3..total {
        let port = hung.ports[i % hung.ports.len()];
        let (kind, target) = if i % 2 == 0 {
            ("tcp", format!("127.0.0.1:{port}"))
        } else {
            ("http", format!("http://127.0.0.1:{port}/health"))
        };
        text.push_str(&format!(
            "\n[[services]]\nid = \"bench-{i}\"\nname = \"Bench service {i}\"\nkind = \"{kind}\"\n\
             component = \"api\"\ntarget = \"{target}\"\ninterval = \"2s\"\ntimeout = \"1s\"\n"
        ));
    }
    let path = dir.join(format!("runbook-{total}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

fn env_for(cmd: &mut Command, hung: &Hung) {
    let p = |i: usize| hung.ports[i % hung.ports.len()];
    cmd.env("MONGODB_URI", format!("mongodb://127.0.0.1:{}/shop?directConnection=true", p(0)))
        .env("API_HEALTH_URL", format!("http://127.0.0.1:{}/health", p(1)))
        .env("FRONTEND_URL", format!("http://127.0.0.1:{}/", p(2)));
}

// ---------------------------------------------------------------------------------------------

struct Ctx {
    bin: PathBuf,
    work: PathBuf,
    out: File,
    idle_secs: u64,
}

impl Ctx {
    fn drconsole(&self, data: &Path) -> Command {
        let mut c = Command::new(&self.bin);
        c.arg("--data-dir").arg(data);
        c.env("HOME", &self.work).env("XDG_CONFIG_HOME", self.work.join("config"));
        c.env_remove("MONGODB_URI").env_remove("API_HEALTH_URL").env_remove("FRONTEND_URL");
        c.env_remove("DRCONSOLE_CONFIG").env_remove("DRCONSOLE_DATA");
        c
    }

    fn declare(&self, data: &Path, runbook: Option<&Path>) -> String {
        let mut c = self.drconsole(data);
        if let Some(r) = runbook {
            c.arg("--runbook").arg(r);
        }
        let out = c
            // Several incidents of one type in a minute: the bench means it (#12's guard asks).
            .args(["declare", "--type", "database-failure", "--level", "3", "--force"])
            .output()
            .expect("declare");
        assert!(out.status.success(), "declare: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn emit(&mut self, v: serde_json::Value) {
        eprintln!("{v}");
        writeln!(self.out, "{v}").unwrap();
    }
}

fn median(v: &mut [f64]) -> f64 {
    pct(v, 50.0)
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((p / 100.0) * (v.len() as f64 - 1.0)).round() as usize;
    v[i.min(v.len() - 1)]
}

// ---------------------------------------------------------------------------------------------
// Bytes to the terminal while idle.

/// Cursor-move bytes (`ESC [ r ; c H`) plus the changed cells' text: the least any program
/// must send to turn `prev` into `next`, ignoring colour changes.
fn min_bytes(prev: &vt100::Screen, next: &vt100::Screen, w: u16, h: u16) -> usize {
    let mut total = 0;
    for r in 0..h {
        let mut c = 0;
        while c < w {
            let same = |c| prev.cell(r, c) == next.cell(r, c);
            if same(c) {
                c += 1;
                continue;
            }
            total += format!("\x1b[{};{}H", r + 1, c + 1).len();
            while c < w && !same(c) {
                total += next.cell(r, c).map(|x| x.contents().len().max(1)).unwrap_or(1);
                c += 1;
            }
        }
    }
    total
}

struct Idle {
    bytes_per_sec: f64,
    per_sec_median: f64,
    min_per_sec: f64,
    frames: usize,
}

/// Let the program settle for `warm`, then count what it writes for `secs` seconds.
fn measure_idle(p: &mut Pty, warm: Duration, secs: u64) -> Idle {
    let _ = p.collect_for(warm);
    p.raw = Some(Vec::new());
    let start = Instant::now();
    let end = start + Duration::from_secs(secs);
    let mut per_sec = vec![0f64; secs as usize];
    let mut total = 0usize;
    let mut min_total = 0usize;
    let mut frames = 0usize;
    let mut last_frame = p.parser.screen().clone();
    let mut in_burst = false;
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match p.next(left.min(Duration::from_millis(40))) {
            Some((t, n)) => {
                total += n;
                let i = t.duration_since(start).as_secs() as usize;
                if let Some(s) = per_sec.get_mut(i) {
                    *s += n as f64;
                }
                in_burst = true;
            }
            None if in_burst => {
                // 40 ms of quiet: a frame is complete.
                let now = p.parser.screen().clone();
                min_total += min_bytes(&last_frame, &now, p.w, p.h);
                last_frame = now;
                frames += 1;
                in_burst = false;
            }
            None => {}
        }
    }
    Idle {
        bytes_per_sec: total as f64 / secs as f64,
        per_sec_median: median(&mut per_sec),
        min_per_sec: min_total as f64 / secs as f64,
        frames,
    }
}

fn idle_drconsole(ctx: &mut Ctx) {
    let data = ctx.work.join("idle");
    let id = ctx.declare(&data, None);
    let mut c = ctx.drconsole(&data);
    c.args(["resume", &id]);
    let mut p = spawn(c, 120, 40);
    let first = p.wait_until(Duration::from_secs(10), full_frame).expect("first frame");
    let first_ms = first.duration_since(p.started).as_secs_f64() * 1e3;
    let timers = count_timers(&p);
    let idle = measure_idle(&mut p, Duration::from_secs(3), ctx.idle_secs);
    let screen = p.parser.screen().contents();
    let p_raw = p.raw.take().unwrap_or_default();
    p.stop();
    ctx.emit(json!({
        "bench": "idle_bytes", "program": "drconsole", "size": "120x40", "secs": ctx.idle_secs,
        "bytes_per_sec": idle.bytes_per_sec, "per_sec_median": idle.per_sec_median,
        "min_bytes_per_sec": idle.min_per_sec, "frames": idle.frames,
        "ratio_to_min": idle.bytes_per_sec / idle.min_per_sec, "first_frame_ms": first_ms,
        "countdowns_seen": timers, "probes": "none (targets unset: 'not probed')",
    }));
    std::fs::write(ctx.work.join("idle-screen.txt"), screen).unwrap();
    std::fs::write(ctx.work.join("idle-raw.bin"), p_raw).unwrap();
}

/// Countdown rows on screen (`mm:ss` or `h:mm:ss` left), for the report.
fn count_timers(p: &Pty) -> usize {
    (0..p.h)
        .filter(|r| {
            let t = p.row_text(*r);
            t.char_indices()
                .any(|(i, ch)| ch == ':' && i > 70 && t[i + 1..].starts_with(char::is_numeric))
        })
        .count()
}

fn idle_other(ctx: &mut Ctx, name: &str, argv: &[&str]) {
    if Command::new("sh")
        .args(["-c", &format!("command -v {}", argv[0])])
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        ctx.emit(json!({"bench": "idle_bytes", "program": name, "error": "not installed"}));
        return;
    }
    let mut c = Command::new(argv[0]);
    c.args(&argv[1..]).env("HOME", &ctx.work);
    let mut p = spawn(c, 120, 40);
    let _ = p.wait_until(Duration::from_secs(10), |p| !p.row_text(0).trim().is_empty());
    let idle = measure_idle(&mut p, Duration::from_secs(3), ctx.idle_secs);
    // SAFETY: our own child.
    unsafe {
        libc::kill(p.child.id() as i32, libc::SIGTERM);
    }
    let _ = p.child.wait();
    ctx.emit(json!({
        "bench": "idle_bytes", "program": name, "size": "120x40", "secs": ctx.idle_secs,
        "bytes_per_sec": idle.bytes_per_sec, "per_sec_median": idle.per_sec_median,
        "min_bytes_per_sec": idle.min_per_sec, "frames": idle.frames, "argv": argv,
    }));
}

// ---------------------------------------------------------------------------------------------
// Key latency with 50 services probing hung loopback peers.

/// The selected step row: (row, text). The selection is drawn the same in every theme
/// (src/ui/mod.rs `select`): the marker `>` in the first column, in reverse video while its
/// pane has the focus (a row already reversed, like a breach, is un-reversed instead). The
/// steps pane has the focus here; another pane's selection (not reversed) is a fallback only.
fn selection(p: &Pty) -> Option<(u16, String)> {
    let s = p.parser.screen();
    let marked: Vec<(u16, bool)> = (1..p.h - 1)
        .filter_map(|r| {
            let c = s.cell(r, 0)?;
            (c.contents() == ">").then_some((r, c.inverse()))
        })
        .collect();
    let (r, _) = marked.iter().find(|(_, focused)| *focused).or(marked.first())?;
    Some((*r, p.row_text(*r).chars().take(60).collect()))
}

fn key_latency(ctx: &mut Ctx) {
    let hung = hung_listeners(50);
    let data = ctx.work.join("keys");
    let rb = runbook_with_services(&ctx.work, 50, &hung);
    let id = ctx.declare(&data, Some(&rb));
    let mut c = ctx.drconsole(&data);
    c.args(["resume", &id]);
    env_for(&mut c, &hung);
    let mut p = spawn(c, 120, 40);
    p.wait_until(Duration::from_secs(10), full_frame).expect("first frame");
    // Let the probes start and time out a first time.
    let _ = p.collect_for(Duration::from_secs(3));
    let mut lat = Vec::new();
    let mut timeouts = 0;
    for i in 0..200 {
        let before = selection(&p);
        let key: &[u8] = if i % 2 == 0 { b"j" } else { b"k" };
        let t0 = Instant::now();
        p.send(key);
        match p.wait_until(Duration::from_secs(2), |p| {
            selection(p) != before && selection(p).is_some()
        }) {
            Some(t) => lat.push(t.saturating_duration_since(t0).as_secs_f64() * 1e3),
            None => timeouts += 1,
        }
        // Human-ish spacing, varied so keys land at every phase of the tick and the probes.
        let _ = p.collect_for(Duration::from_millis(20 + (i * 37 % 60) as u64));
    }
    p.stop();
    let n = lat.len();
    ctx.emit(json!({
        "bench": "key_latency", "size": "120x40", "services": 50, "keys": 200, "measured": n,
        "timeouts": timeouts, "p50_ms": pct(&mut lat, 50.0), "p90_ms": pct(&mut lat, 90.0),
        "p99_ms": pct(&mut lat, 99.0), "max_ms": pct(&mut lat, 100.0),
    }));
}

// ---------------------------------------------------------------------------------------------
// Start-up to the first full frame (MongoDB client and 50 probes configured).

fn startup(ctx: &mut Ctx) {
    let hung = hung_listeners(50);
    let data = ctx.work.join("startup");
    let rb = runbook_with_services(&ctx.work, 50, &hung);
    let id = ctx.declare(&data, Some(&rb));
    let mut t = Vec::new();
    for _ in 0..15 {
        let mut c = ctx.drconsole(&data);
        c.args(["resume", &id]);
        env_for(&mut c, &hung);
        let mut p = spawn(c, 120, 40);
        if let Some(at) = p.wait_until(Duration::from_secs(10), full_frame) {
            t.push(at.duration_since(p.started).as_secs_f64() * 1e3);
        }
        p.stop();
    }
    let n = t.len();
    ctx.emit(json!({
        "bench": "startup", "runs": n, "median_ms": median(&mut t), "min_ms": pct(&mut t, 0.0),
        "max_ms": pct(&mut t, 100.0), "services": 50,
    }));
}

// ---------------------------------------------------------------------------------------------
// Journal: append + fsync through the real sink, against write + fdatasync of the same bytes.

/// The bench's event mix: a health change every third event, notes otherwise.
fn bench_event(i: usize) -> drconsole::incident::EventKind {
    use drconsole::incident::EventKind;
    if i % 3 == 0 {
        EventKind::HealthChanged {
            service: format!("bench-{}", 3 + i % 197),
            from: drconsole::probe::Health::Up,
            to: drconsole::probe::Health::Down,
            detail: "timed out after 1s".into(),
        }
    } else {
        EventKind::Note { text: format!("note {i}: restored the replica, checking orders") }
    }
}

fn stamper() -> drconsole::incident::Stamper {
    drconsole::incident::Stamper {
        clock: std::sync::Arc::new(drconsole::incident::clock::SystemClock::new()),
        actor: drconsole::incident::Actor::from_env(),
    }
}

fn journal(ctx: &mut Ctx) {
    use drconsole::incident::sink::EventSink;
    let hung = hung_listeners(200);
    let data = ctx.work.join("big");
    let rb = runbook_with_services(&ctx.work, 200, &hung);
    let id = ctx.declare(&data, Some(&rb));
    let store = drconsole::store::Store::new(data.clone());
    let mut sink = store.open(&id).expect("open journal").sink;
    let jpath = sink.journal.lock().unwrap().path().to_path_buf();
    let floor_path = jpath.with_file_name("floor.bin");
    let floor = File::create(&floor_path).unwrap();
    let jfile = File::open(&jpath).unwrap();
    let stamper = stamper();
    let mut app_t = Vec::new();
    let mut floor_t = Vec::new();
    let mut off = jfile.metadata().unwrap().len();
    let mut foff = 0u64;
    for i in 0..10_000 {
        let ev = stamper.stamp(bench_event(i));
        let t = Instant::now();
        sink.transact(&mut |_| Ok(vec![ev.clone()])).expect("append");
        app_t.push(t.elapsed().as_secs_f64() * 1e6);
        let end = jfile.metadata().unwrap().len();
        let mut line = vec![0u8; (end - off) as usize];
        jfile.read_exact_at(&mut line, off).unwrap();
        off = end;
        let t = Instant::now();
        floor.write_all_at(&line, foff).unwrap();
        floor.sync_data().unwrap();
        floor_t.push(t.elapsed().as_secs_f64() * 1e6);
        foff += line.len() as u64;
    }
    drop(sink);
    let _ = std::fs::remove_file(&floor_path);
    let (a50, a99) = (pct(&mut app_t, 50.0), pct(&mut app_t, 99.0));
    let (f50, f99) = (pct(&mut floor_t, 50.0), pct(&mut floor_t, 99.0));
    ctx.emit(json!({
        "bench": "journal_append", "events": 10_000, "p50_us": a50, "p99_us": a99,
        "floor_p50_us": f50, "floor_p99_us": f99, "ratio_p50": a50 / f50, "ratio_p99": a99 / f99,
        "journal_bytes": off,
    }));
    cli(ctx, &data, &id, &jpath, 10_000);
    // The same 200 services on a fresh incident: the comparison for resume and RSS.
    let fresh = ctx.declare(&data, Some(&rb));
    resume_first_frame(ctx, &data, &id, &fresh, &hung);
    let r10 = rss_of(ctx, &data, &id, &hung);
    let r0 = rss_of(ctx, &data, &fresh, &hung);
    // 100,000 events: written on a RAM disk when there is one (100,000 fsyncs on a busy disk
    // take many minutes and measure nothing here), then the folder is copied beside the others.
    let (data100, id100) = incident_with_events(ctx, &rb, 100_000, "big100k");
    let j100 = drconsole::store::Store::journal_path(&data100.join("incidents").join(&id100))
        .expect("journal path");
    cli(ctx, &data100, &id100, &j100, 100_000);
    let r100 = rss_of(ctx, &data100, &id100, &hung);
    ctx.emit(json!({
        "bench": "rss", "services": 200, "events": 10_000, "peak_rss_mb": r10.peak_mb,
        "rss_mb": r10.now_mb, "anon_mb": r10.anon_mb, "file_mb": r10.file_mb,
        "first_frame_ms": r10.first_ms,
        "fresh_peak_rss_mb": r0.peak_mb, "fresh_anon_mb": r0.anon_mb, "fresh_file_mb": r0.file_mb,
        "events_100k_peak_rss_mb": r100.peak_mb, "events_100k_anon_mb": r100.anon_mb,
        "events_100k_file_mb": r100.file_mb, "ratio_100k_to_10k": r100.peak_mb / r10.peak_mb,
    }));
}

/// An incident of runbook `rb` with `n` events (the bench's mix), appended through the real
/// sink, in `work/<name>`; returns its data folder and id.
fn incident_with_events(ctx: &mut Ctx, rb: &Path, n: usize, name: &str) -> (PathBuf, String) {
    use drconsole::incident::sink::EventSink;
    let shm = Path::new("/dev/shm");
    let scratch = if shm.is_dir() {
        shm.join(format!("drc-bench-{}", std::process::id()))
    } else {
        ctx.work.join("scratch")
    };
    let _ = std::fs::remove_dir_all(&scratch);
    let id = ctx.declare(&scratch, Some(rb));
    let store = drconsole::store::Store::new(scratch.clone());
    let mut sink = store.open(&id).expect("open journal").sink;
    let stamper = stamper();
    let t = Instant::now();
    for i in 0..n {
        let ev = stamper.stamp(bench_event(i));
        sink.transact(&mut |_| Ok(vec![ev.clone()])).expect("append");
    }
    drop(sink);
    eprintln!("{n} events written in {:.1} s", t.elapsed().as_secs_f64());
    let data = ctx.work.join(name);
    if scratch != data {
        let _ = std::fs::remove_dir_all(&data);
        let st = Command::new("cp").arg("-a").arg(&scratch).arg(&data).status().unwrap();
        assert!(st.success(), "copy the 100,000-event incident");
        let _ = std::fs::remove_dir_all(&scratch);
    }
    (data, id)
}

/// `record` and `report` of an incident through the CLI (read, verify, replay, render), each
/// beside the floor: `sha256sum` then `wc -l` of the same journal file, in turn, 7 rounds.
fn cli(ctx: &mut Ctx, data: &Path, id: &str, jpath: &Path, events: usize) {
    let bytes = std::fs::metadata(jpath).unwrap().len();
    let mut t = [Vec::new(), Vec::new(), Vec::new()];
    let time = |c: &mut Command| {
        c.stdout(Stdio::null()).stderr(Stdio::null());
        let s = Instant::now();
        let st = c.status().unwrap();
        assert!(st.success(), "{c:?} failed");
        s.elapsed().as_secs_f64() * 1e3
    };
    for round in 0..8 {
        let mut rec = ctx.drconsole(data);
        rec.args(["record", "--format", "md", id]);
        let mut rep = ctx.drconsole(data);
        rep.args(["report", id]);
        let floor = time(Command::new("sha256sum").arg(jpath))
            + time(Command::new("wc").arg("-l").arg(jpath));
        let (a, b) = (time(&mut rec), time(&mut rep));
        // The first round warms the page cache and the binary; it is not counted.
        if round > 0 {
            t[0].push(a);
            t[1].push(b);
            t[2].push(floor);
        }
    }
    let floor = median(&mut t[2]);
    for (i, what) in ["record", "report"].into_iter().enumerate() {
        let m = median(&mut t[i]);
        ctx.emit(json!({
            "bench": "cli", "command": what, "events": events, "journal_bytes": bytes,
            "median_ms": m, "floor_ms": floor, "ratio_to_floor": m / floor, "runs": t[i].len(),
            "floor": "sha256sum FILE; wc -l FILE",
        }));
    }
}

/// Before and after a change, in one run: the binary at `before` and the one under test, on the
/// same 10,000- and 100,000-event incidents, in turn (`DRC_BENCH_ONLY=compare
/// DRC_BIN_BEFORE=...`; not part of `scripts/bench`).
fn compare(ctx: &mut Ctx, before: &Path) {
    let hung = hung_listeners(200);
    let rb = runbook_with_services(&ctx.work, 200, &hung);
    let (data, id) = incident_with_events(ctx, &rb, 10_000, "compare10k");
    let (data100, id100) = incident_with_events(ctx, &rb, 100_000, "compare100k");
    let jpath = drconsole::store::Store::journal_path(&data.join("incidents").join(&id)).unwrap();
    let j100 =
        drconsole::store::Store::journal_path(&data100.join("incidents").join(&id100)).unwrap();
    let after = ctx.bin.clone();
    for (label, bin) in [("before", before.to_path_buf()), ("after", after.clone())] {
        ctx.bin = bin;
        eprintln!("== {label}: {}", ctx.bin.display());
        cli(ctx, &data, &id, &jpath, 10_000);
        cli(ctx, &data100, &id100, &j100, 100_000);
        let mut t = Vec::new();
        for _ in 0..11 {
            t.extend(first_frame_ms(ctx, &data, &id, &hung));
        }
        let r10 = rss_of(ctx, &data, &id, &hung);
        let r100 = rss_of(ctx, &data100, &id100, &hung);
        ctx.emit(json!({
            "bench": "compare", "binary": label, "resume_first_frame_ms": median(&mut t),
            "peak_rss_mb_10k": r10.peak_mb, "anon_mb_10k": r10.anon_mb,
            "peak_rss_mb_100k": r100.peak_mb, "anon_mb_100k": r100.anon_mb,
        }));
    }
    ctx.bin = after;
}

// ---------------------------------------------------------------------------------------------
// Resume: first frame of the 10,000-event incident against a fresh one, same services.

fn first_frame_ms(ctx: &Ctx, data: &Path, id: &str, hung: &Hung) -> Option<f64> {
    let mut c = ctx.drconsole(data);
    c.args(["resume", id]);
    env_for(&mut c, hung);
    let mut p = spawn(c, 120, 40);
    let at = p.wait_until(Duration::from_secs(20), full_frame);
    let ms = at.map(|t| t.duration_since(p.started).as_secs_f64() * 1e3);
    p.stop();
    ms
}

fn resume_first_frame(ctx: &mut Ctx, data: &Path, big: &str, fresh: &str, hung: &Hung) {
    let (mut b, mut f) = (Vec::new(), Vec::new());
    // Interleaved, so a busy moment of the machine weighs on both alike.
    for _ in 0..11 {
        b.extend(first_frame_ms(ctx, data, big, hung));
        f.extend(first_frame_ms(ctx, data, fresh, hung));
    }
    let (mb, mf) = (median(&mut b), median(&mut f));
    ctx.emit(json!({
        "bench": "resume", "services": 200, "events": 10_000, "runs": b.len(),
        "first_frame_ms": mb, "fresh_first_frame_ms": mf, "ratio": mb / mf,
        "min_ms": pct(&mut b, 0.0), "fresh_min_ms": pct(&mut f, 0.0),
    }));
}

// ---------------------------------------------------------------------------------------------
// Peak RSS: 200 services probing hung peers, resuming an incident.

struct Rss {
    peak_mb: f64,
    now_mb: f64,
    anon_mb: f64,
    file_mb: f64,
    first_ms: Option<f64>,
}

fn rss_of(ctx: &Ctx, data: &Path, id: &str, hung: &Hung) -> Rss {
    let mut c = ctx.drconsole(data);
    c.args(["resume", id]);
    env_for(&mut c, hung);
    let mut p = spawn(c, 120, 40);
    let first = p.wait_until(Duration::from_secs(30), full_frame);
    let first_ms = first.map(|t| t.duration_since(p.started).as_secs_f64() * 1e3);
    // Several probe rounds (2 s interval, 1 s timeout) against peers that never answer.
    let _ = p.collect_for(Duration::from_secs(8));
    let status = std::fs::read_to_string(format!("/proc/{}/status", p.child.id())).unwrap();
    let mb = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    let r = Rss {
        peak_mb: mb("VmHWM:"),
        now_mb: mb("VmRSS:"),
        anon_mb: mb("RssAnon:"),
        file_mb: mb("RssFile:"),
        first_ms,
    };
    eprintln!(
        "rss {id}: peak {:.1} MB, now {:.1} MB (anon {:.1}, file {:.1}), threads {}",
        r.peak_mb,
        r.now_mb,
        r.anon_mb,
        r.file_mb,
        status.lines().find(|l| l.starts_with("Threads:")).unwrap_or("?")
    );
    p.stop();
    r
}

// ---------------------------------------------------------------------------------------------
// Idle bytes with live probes: the MongoDB test server and two HTTP servers (one slow and
// flapping), every 5 s.

#[path = "../tests/common/servers.rs"]
mod servers;

/// The MongoDB wire-protocol test server of `package.json`, on a free loopback port.
fn jongodb() -> Option<(Child, String)> {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb");
    let mut child = Command::new(bin)
        .args(["--host=127.0.0.1", "--port=0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut out = std::io::BufReader::new(child.stdout.take()?);
    let mut line = String::new();
    for _ in 0..50 {
        line.clear();
        if std::io::BufRead::read_line(&mut out, &mut line).ok()? == 0 {
            break;
        }
        if let Some(uri) = line.trim().strip_prefix("JONGODB_URI=") {
            let uri = uri.to_string();
            // Keep reading its output so it never blocks on a full pipe.
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            return Some((child, uri));
        }
    }
    let _ = child.kill();
    None
}

fn idle_live(ctx: &mut Ctx) {
    let Some((mut mongo, uri)) = jongodb() else {
        ctx.emit(json!({"bench": "idle_live", "error": "jongodb not installed (npm ci)"}));
        return;
    };
    let api = servers::HttpServer::start(200, "ok", Duration::ZERO);
    let front = servers::HttpServer::start(200, "ok", Duration::from_millis(300));
    // The slow one flaps: fast, slow (above its latency warning), failing, in turn.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flapper = {
        let (front, stop) = (front.clone_handle(), stop.clone());
        std::thread::spawn(move || {
            let mut phase = 0u32;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let (status, delay) = match phase % 3 {
                    0 => (200, 300),
                    1 => (200, 2_500),
                    _ => (503, 800),
                };
                front.set_status(status);
                front.set_delay(Duration::from_millis(delay));
                phase += 1;
                for _ in 0..130 {
                    if stop.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        })
    };
    let rb_text = include_str!("../runbooks/shopping-system.toml")
        .replace("interval = \"15s\"", "interval = \"5s\"")
        .replace("interval = \"30s\"", "interval = \"5s\"");
    let rb = ctx.work.join("runbook-live.toml");
    std::fs::write(&rb, rb_text).unwrap();
    let data = ctx.work.join("idle-live");
    let id = ctx.declare(&data, Some(&rb));
    let mut c = ctx.drconsole(&data);
    c.args(["resume", &id])
        .env("MONGODB_URI", format!("{uri}?directConnection=true"))
        .env("API_HEALTH_URL", api.url())
        .env("FRONTEND_URL", front.url());
    let mut p = spawn(c, 120, 40);
    p.wait_until(Duration::from_secs(10), full_frame).expect("first frame");
    let idle = measure_idle(&mut p, Duration::from_secs(6), ctx.idle_secs);
    let screen = p.parser.screen().contents();
    p.stop();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = flapper.join();
    let _ = mongo.kill();
    let _ = mongo.wait();
    let events = drconsole::store::read_events(
        &drconsole::store::Store::journal_path(&data.join("incidents").join(&id)).unwrap(),
    )
    .map(|(e, _)| e.len())
    .unwrap_or(0);
    ctx.emit(json!({
        "bench": "idle_live", "size": "120x40", "secs": ctx.idle_secs, "services": 3,
        "interval_s": 5, "bytes_per_sec": idle.bytes_per_sec,
        "per_sec_median": idle.per_sec_median, "min_bytes_per_sec": idle.min_per_sec,
        "ratio_to_min": idle.bytes_per_sec / idle.min_per_sec, "frames": idle.frames,
        "journal_events": events,
        "probes": "mongodb (jongodb), http 200 at once, http flapping 0.3 s / 2.5 s / 503",
    }));
    std::fs::write(ctx.work.join("idle-live-screen.txt"), screen).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Keys on a slow disk: every fsync delayed 100 ms by the LD_PRELOAD shim of the tests.

fn shim(work: &Path) -> Option<PathBuf> {
    let so = work.join("slow_fsync.so");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/slow_fsync.c");
    let out = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(src)
        .arg("-ldl")
        .output()
        .ok()?;
    out.status.success().then_some(so)
}

fn keys_slow_disk(ctx: &mut Ctx) {
    let Some(so) = shim(&ctx.work) else {
        ctx.emit(json!({"bench": "keys_slow_disk", "error": "no C compiler (cc) for the shim"}));
        return;
    };
    let data = ctx.work.join("slow-disk");
    let id = ctx.declare(&data, None);
    let mut c = ctx.drconsole(&data);
    c.args(["resume", &id]).env("LD_PRELOAD", &so).env("DRC_TEST_FSYNC_DELAY_MS", "100");
    let mut p = spawn(c, 120, 40);
    p.wait_until(Duration::from_secs(10), full_frame).expect("first frame");
    let _ = p.collect_for(Duration::from_secs(1));
    let contents = |p: &Pty| p.parser.screen().contents();
    let (mut nav, mut note) = (Vec::new(), Vec::new());
    let mut timeouts = 0;
    let mut pending_seen = 0;
    let ms = |t: Option<Instant>, t0: Instant| {
        t.map(|t| t.saturating_duration_since(t0).as_secs_f64() * 1e3)
    };
    for round in 0..25 {
        // `n`, the text, Enter: each key until the screen shows what it did.
        let t0 = Instant::now();
        p.send(b"n");
        let opened = p.wait_until(Duration::from_secs(2), |p| contents(p).contains("Enter 保存"));
        match ms(opened, t0) {
            Some(v) => note.push(v),
            None => timeouts += 1,
        }
        let text = format!("slow {round:02}");
        for i in 1..=text.len() {
            let t0 = Instant::now();
            p.send(&text.as_bytes()[i - 1..i]);
            let typed = format!("{}▏", &text[..i]);
            match ms(p.wait_until(Duration::from_secs(2), |p| contents(p).contains(&typed)), t0) {
                Some(v) => note.push(v),
                None => timeouts += 1,
            }
        }
        let t0 = Instant::now();
        p.send(b"\r");
        let closed = p.wait_until(Duration::from_secs(2), |p| !contents(p).contains("Enter 保存"));
        match ms(closed, t0) {
            Some(v) => note.push(v),
            None => timeouts += 1,
        }
        if contents(&p).contains("保存中") {
            pending_seen += 1;
        }
        // j/k while the note waits for its fsync.
        for k in 0..4 {
            let before = selection(&p);
            let t0 = Instant::now();
            p.send(if k % 2 == 0 { b"j" } else { b"k" });
            let moved = p.wait_until(Duration::from_secs(2), |p| {
                selection(p) != before && selection(p).is_some()
            });
            match ms(moved, t0) {
                Some(v) => nav.push(v),
                None => timeouts += 1,
            }
            let _ = p.collect_for(Duration::from_millis(20 + (k * 23 % 40) as u64));
        }
    }
    let saved = p.wait_until(Duration::from_secs(30), |p| contents(p).contains("已保存")).is_some();
    // One more note on its own: how long until the timeline shows it (only durable events
    // are there): the shim's delay, proof that it was in force.
    let _ = p.collect_for(Duration::from_secs(1));
    p.send(b"n");
    let _ = p.wait_until(Duration::from_secs(2), |p| contents(p).contains("Enter 保存"));
    p.send(b"last");
    let _ = p.wait_until(Duration::from_secs(2), |p| contents(p).contains("last▏"));
    let t0 = Instant::now();
    p.send(b"\r");
    let durable_ms =
        ms(p.wait_until(Duration::from_secs(10), |p| contents(p).contains("备注: last")), t0);
    p.stop();
    let journal = drconsole::store::Store::journal_path(&data.join("incidents").join(&id)).unwrap();
    let notes = drconsole::store::read_events(&journal)
        .map(|(e, _)| {
            e.iter()
                .filter(|e| matches!(&e.kind, drconsole::incident::EventKind::Note { text } if text.starts_with("slow ")))
                .count()
        })
        .unwrap_or(0);
    ctx.emit(json!({
        "bench": "keys_slow_disk", "fsync_delay_ms": 100, "size": "120x40",
        "jk_keys": nav.len(), "jk_p50_ms": pct(&mut nav, 50.0), "jk_p99_ms": pct(&mut nav, 99.0),
        "jk_max_ms": pct(&mut nav, 100.0),
        "note_keys": note.len(), "note_p50_ms": pct(&mut note, 50.0),
        "note_p99_ms": pct(&mut note, 99.0), "note_max_ms": pct(&mut note, 100.0),
        "timeouts": timeouts, "notes_shown_pending": pending_seen, "saved_shown": saved,
        "notes_in_journal": notes, "notes_typed": 25, "last_note_saved_after_ms": durable_ms,
    }));
}

fn main() {
    if std::env::var_os("DRC_BENCH_PTY").is_none() {
        println!("pty harness skipped: it takes minutes; run scripts/bench");
        return;
    }
    let bin = std::env::var_os("DRC_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_drconsole")));
    let work = std::env::var_os("DRC_BENCH_WORK")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("drc-bench-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let out_path = std::env::var_os("DRC_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| work.join("results.jsonl"));
    let idle_secs =
        std::env::var("DRC_BENCH_IDLE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let only = std::env::var("DRC_BENCH_ONLY").unwrap_or_default();
    let want = |name: &str| only.is_empty() || only.split(',').any(|x| x == name);
    let out = File::create(&out_path).unwrap();
    let mut ctx = Ctx { bin, work, out, idle_secs };
    eprintln!("binary: {}", ctx.bin.display());
    if want("startup") {
        startup(&mut ctx);
    }
    if want("keys") {
        key_latency(&mut ctx);
    }
    if want("journal") {
        journal(&mut ctx);
    }
    if only.split(',').any(|x| x == "resume") {
        // While working on start-up: the resume and RSS figures alone, on an incident written
        // on a RAM disk.
        let hung = hung_listeners(200);
        let rb = runbook_with_services(&ctx.work, 200, &hung);
        let (data, id) = incident_with_events(&mut ctx, &rb, 10_000, "resume10k");
        let fresh = ctx.declare(&data, Some(&rb));
        resume_first_frame(&mut ctx, &data, &id, &fresh, &hung);
        let r10 = rss_of(&ctx, &data, &id, &hung);
        let r0 = rss_of(&ctx, &data, &fresh, &hung);
        eprintln!("rss 10k {:.1} MB, fresh {:.1} MB", r10.peak_mb, r0.peak_mb);
    }
    if let (true, Some(before)) = (
        only.split(',').any(|x| x == "compare"),
        std::env::var_os("DRC_BIN_BEFORE").map(PathBuf::from),
    ) {
        compare(&mut ctx, &before);
    }
    if want("slowdisk") {
        keys_slow_disk(&mut ctx);
    }
    if want("idle") {
        idle_drconsole(&mut ctx);
    }
    if want("idlelive") {
        idle_live(&mut ctx);
    }
    if want("others") {
        let script = ctx.work.join("health.sh");
        std::fs::write(&script, "#!/bin/sh\necho \"api UP  db UP  frontend UP\"\n").unwrap();
        let _ = Command::new("chmod").arg("+x").arg(&script).status();
        idle_other(&mut ctx, "htop", &["htop"]);
        let s = script.display().to_string();
        idle_other(&mut ctx, "watch -n 1", &["watch", "-n", "1", &s]);
    }
    println!("results: {}", out_path.display());
}

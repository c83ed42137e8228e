//! The HTML record of a 10,000-event incident: how big the page is (budget: under 2 MB), how
//! long drconsole takes to write it, and how long headless Chromium takes to load and lay it
//! out (budget: under 2 s). Not a test: it prints figures (and one JSON line to
//! `DRC_BENCH_OUT`) for `scripts/bench` to put in BENCHMARKS.md.
//!
//!     cargo bench --bench record_html
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/record_fixture.rs"]
mod record_fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EVENTS: usize = 10_000;
const RUNS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn chromium() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// CPU time (user + system) of every child process reaped so far, Chromium's helpers included
/// (each is reaped by its parent, whose total reaches us when we reap it).
fn children_cpu() -> Duration {
    // SAFETY: rusage is plain old data; getrusage only writes into it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid out pointer.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Wall time and CPU time of one headless Chromium run that loads `page`, lays it out and
/// prints its DOM (`--dump-dom` returns after the load event). A fresh profile, nothing from
/// the network. The CPU time hardly depends on what else the machine is doing.
fn chromium_run(bin: &Path, page: &Path, extra: &[&str]) -> (Duration, Duration) {
    let profile = tempfile::tempdir().unwrap();
    let cpu = children_cpu();
    let started = Instant::now();
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .expect("run chromium");
    let took = started.elapsed();
    assert!(out.status.success(), "chromium failed on {}", page.display());
    (took, children_cpu().saturating_sub(cpu))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing useful: run only
    // when benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let loaded = drconsole::runbook::load::builtin().unwrap();
    let b = record_fixture::long_incident(loaded, EVENTS);
    let inc = b.inc();
    let rb = &b.loaded.runbook;
    let now = drconsole::incident::clock::Clock::now(&b.clock);
    let tz = record_fixture::tz();

    let mut write_ms = Vec::new();
    let mut html = String::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let facts = drconsole::record::collect(inc, rb, now, tz, Some("0".repeat(64)));
        html = drconsole::record::html::page(&facts, inc, rb, tz);
        write_ms.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let bytes = html.len();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("record-10000-events.html");
    std::fs::write(&page, &html).unwrap();
    let empty = dir.join("empty.html");
    std::fs::write(&empty, "<!DOCTYPE html><html><body></body></html>").unwrap();
    println!(
        "html: {} events, {} bytes ({:.2} MB), written in {:.1} ms (median of {RUNS})",
        inc.events.len(),
        bytes,
        bytes as f64 / 1e6,
        median(write_ms.clone())
    );

    let mut row = serde_json::json!({
        "bench": "record_html",
        "events": inc.events.len(),
        "bytes": bytes,
        "write_ms": median(write_ms),
    });
    match chromium() {
        None => println!("chromium: not installed; no render figure"),
        Some(bin) => {
            // The first run warms the disk cache and fontconfig; it is not counted. The page
            // and an empty page alternate, so a busy moment of the machine hits both.
            chromium_run(&bin, &page, &["--dump-dom"]);
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let (mut load, mut load_cpu, mut base, mut base_cpu) = (vec![], vec![], vec![], vec![]);
            for _ in 0..RUNS {
                let (wall, cpu) = chromium_run(&bin, &page, &["--dump-dom"]);
                load.push(ms(wall));
                load_cpu.push(ms(cpu));
                let (wall, cpu) = chromium_run(&bin, &empty, &["--dump-dom"]);
                base.push(ms(wall));
                base_cpu.push(ms(cpu));
            }
            let shot = dir.join("record-10000-events.png");
            let screenshot: Vec<f64> = (0..RUNS)
                .map(|_| {
                    ms(chromium_run(
                        &bin,
                        &page,
                        &[&format!("--screenshot={}", shot.display()), "--window-size=1200,1500"],
                    )
                    .0)
                })
                .collect();
            let (load, base, screenshot) = (median(load), median(base), median(screenshot));
            let (load_cpu, base_cpu) = (median(load_cpu), median(base_cpu));
            println!(
                "chromium --dump-dom: {load:.0} ms wall, {load_cpu:.0} ms CPU (median of {RUNS}); \
                 an empty page: {base:.0} ms wall, {base_cpu:.0} ms CPU; --screenshot: \
                 {screenshot:.0} ms wall"
            );
            let load_avg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
            println!("load average during the runs: {}", load_avg.trim());
            row["chromium_dump_dom_ms"] = load.into();
            row["chromium_dump_dom_cpu_ms"] = load_cpu.into();
            row["chromium_empty_page_ms"] = base.into();
            row["chromium_empty_page_cpu_ms"] = base_cpu.into();
            row["chromium_screenshot_ms"] = screenshot.into();
            row["loadavg"] = load_avg.trim().into();
        }
    }
    if let Ok(out) = std::env::var("DRC_BENCH_OUT") {
        use std::io::Write;
        let mut f =
            std::fs::OpenOptions::new().create(true).append(true).open(out).expect("bench out");
        writeln!(f, "{row}").unwrap();
    }
    println!("{row}");
}

//! Headless Chromium from Debian, for tests that look at a page the way a person's browser
//! does. Nothing is fetched: every network feature Chromium has is switched off, and the pages
//! are local files.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser binary: `DRCONSOLE_TEST_CHROMIUM`, else `chromium` on PATH. `None` (with a
/// visible SKIPPED line) when absent and the run does not require it; a panic when
/// `DRCONSOLE_REQUIRE_TOOLS=1` (scripts/test installs it and sets that).
pub fn chromium(test: &str) -> Option<PathBuf> {
    if let Ok(b) = std::env::var("DRCONSOLE_TEST_CHROMIUM") {
        if !b.is_empty() {
            return Some(PathBuf::from(b));
        }
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        super::skip_unless_required(
            "DRCONSOLE_REQUIRE_TOOLS",
            test,
            "no chromium (run ./scripts/test, or apt-get install chromium)",
        );
    }
    found
}

/// Run Chromium headless on `page` with `extra` arguments; its stdout. A fresh profile each
/// time, no network, a generous deadline.
pub fn run(bin: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(bin)
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
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let deadline = crate::common::deadline(Duration::from_secs(120));
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

/// The page's DOM after parsing, as Chromium serializes it.
pub fn dump_dom(bin: &Path, page: &Path) -> String {
    let dom = run(bin, page, &["--dump-dom".to_string()]);
    assert!(dom.contains("</html>"), "chromium printed no DOM for {}: {dom:.200}", page.display());
    dom
}

/// A PNG of the page at `width`x`height`.
pub fn screenshot(bin: &Path, page: &Path, png: &Path, width: u32, height: u32) {
    let _ = std::fs::remove_file(png);
    run(
        bin,
        page,
        &[format!("--screenshot={}", png.display()), format!("--window-size={width},{height}")],
    );
    let bytes =
        std::fs::read(png).unwrap_or_else(|e| panic!("no screenshot {}: {e}", png.display()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG: {}", png.display());
}

/// How many times `needle` occurs in `hay`.
pub fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

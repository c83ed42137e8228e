//! Tests that need root: a small tmpfs for a really full disk, device nodes, a second local
//! user. In the README's test command (`scripts/test` sets `DRCONSOLE_REQUIRE_PRIVILEGED=1`)
//! a test that cannot run as intended fails; elsewhere it says plainly that it was skipped.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// `test` cannot run as intended because of `why`: a failure when the run requires privileged
/// tests, a visible `SKIPPED` line otherwise.
pub fn cannot_run(test: &str, why: &str) {
    super::skip_unless_required(
        "DRCONSOLE_REQUIRE_PRIVILEGED",
        test,
        &format!("{why} (run ./scripts/test as root: it mounts a tmpfs and creates a second user)"),
    );
}

/// A small tmpfs of our own, for a really full disk; unmounted on drop.
pub struct Tmpfs(pub PathBuf);

impl Tmpfs {
    /// `None` when it cannot be mounted (not root), after `cannot_run`.
    pub fn mount(test: &str, at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            cannot_run(test, "cannot mount a tmpfs here (needs root)");
        }
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

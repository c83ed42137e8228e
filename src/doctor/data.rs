//! The data folder: there (or creatable), ours, private, with room for a journal, and not on
//! the same file system as the folder the journal falls back to when its disk fails.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::Check;
use crate::store::MIN_FREE_BYTES;

const NAME: &str = "data folder";
/// Below this much free space a long incident (and its records) may not fit.
pub const WARN_FREE_BYTES: u64 = 100 * 1024 * 1024;

/// The folder itself, or the nearest ancestor that exists (where it would be created).
fn existing(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|p| p.exists()).map(Path::to_path_buf)
}

fn uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// access(2): with the real user id, as the operator who runs `doctor` would write.
fn writable(p: &Path) -> bool {
    use rustix::fs::Access;
    rustix::fs::access(p, Access::WRITE_OK | Access::EXEC_OK).is_ok()
}

/// Existence, owner and mode of the data folder.
pub fn folder(dir: &Path) -> Check {
    let shown = dir.display();
    let Ok(meta) = std::fs::metadata(dir) else {
        let Some(parent) = existing(dir) else {
            return Check::fail(NAME, format!("{shown} cannot be created"), "give --data-dir");
        };
        if !parent.is_dir() || !writable(&parent) {
            return Check::fail(
                NAME,
                format!("{shown} does not exist and {} is not writable", parent.display()),
                format!("mkdir -m 700 -p {shown} as a user who may, or give --data-dir"),
            );
        }
        return Check::warn(
            NAME,
            format!("{shown} does not exist yet; the first declare creates it (0700)"),
            format!("mkdir -m 700 -p {shown}  (so nothing is left to chance on the day)"),
        );
    };
    if !meta.is_dir() {
        return Check::fail(
            NAME,
            format!("{shown} is not a folder"),
            "remove it or give --data-dir",
        );
    }
    if meta.uid() != uid() {
        return Check::fail(
            NAME,
            format!("{shown} belongs to uid {}, not to you (uid {})", meta.uid(), uid()),
            format!("use a folder of your own (--data-dir), or chown {} {shown}", uid()),
        );
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o022 != 0 {
        return Check::fail(
            NAME,
            format!("{shown} is mode {mode:04o}: other users can change incident journals"),
            format!("chmod 700 {shown}"),
        );
    }
    if mode & 0o077 != 0 {
        return Check::warn(
            NAME,
            format!("{shown} is mode {mode:04o}: other users can read incident journals"),
            format!("chmod 700 {shown}"),
        );
    }
    if !writable(dir) {
        return Check::fail(NAME, format!("{shown} is not writable"), format!("chmod 700 {shown}"));
    }
    Check::ok(NAME, format!("{shown}, mode {mode:04o}, yours"))
}

/// Room for journals and records.
pub fn free_space(dir: &Path) -> Check {
    const NAME: &str = "free space";
    let Some(at) = existing(dir) else {
        return Check::fail(NAME, "no folder to measure", "give --data-dir");
    };
    match crate::journal::free_space(&at) {
        Err(e) => Check::warn(NAME, format!("cannot measure {}: {e}", at.display()), "df -h"),
        Ok(free) if free < MIN_FREE_BYTES => Check::fail(
            NAME,
            format!(
                "{} free on {}: declare refuses below {}",
                bytes(free),
                at.display(),
                bytes(MIN_FREE_BYTES)
            ),
            "free space, or use --data-dir on another disk",
        ),
        Ok(free) if free < WARN_FREE_BYTES => Check::warn(
            NAME,
            format!("only {} free on {}", bytes(free), at.display()),
            "free space, or use --data-dir on another disk",
        ),
        Ok(free) => Check::ok(NAME, format!("{} free", bytes(free))),
    }
}

/// Where a journal continues when its disk refuses writes (`store::fallback_dir`): under the
/// temporary folder. On the same file system, a full disk stops both.
pub fn fallback(dir: &Path, temp: &Path, runtime: Option<&Path>) -> Check {
    const NAME: &str = "journal fallback";
    let dev = |p: &Path| existing(p).and_then(|e| std::fs::metadata(e).ok()).map(|m| m.dev());
    let (Some(data_dev), Some(temp_dev)) = (dev(dir), dev(temp)) else {
        return Check::warn(
            NAME,
            format!("cannot tell which file system {} is on", temp.display()),
            "check that TMPDIR exists and is writable",
        );
    };
    if data_dev != temp_dev {
        return Check::ok(NAME, format!("{} is on another file system", temp.display()));
    }
    let other = runtime.filter(|r| r.is_dir() && dev(r).is_some_and(|d| d != data_dev));
    let fix = match other {
        Some(r) => format!("export TMPDIR={} (another file system) before starting", r.display()),
        None => "export TMPDIR to a folder on another file system (a tmpfs such as /dev/shm or \
                 $XDG_RUNTIME_DIR, or another disk) before starting"
            .to_string(),
    };
    Check::warn(
        NAME,
        format!(
            "{} is on the same file system as the data folder: a full or failing disk stops \
             the journal and its fallback together",
            temp.display()
        ),
        fix,
    )
}

/// The log file, if one was written.
pub fn log_file(dir: &Path) -> Check {
    const NAME: &str = "log file";
    let path = crate::log::path(dir);
    match std::fs::symlink_metadata(&path) {
        Err(_) => Check::ok(NAME, format!("{} (not written yet)", path.display())),
        Ok(m) if !m.is_file() => Check::fail(
            NAME,
            format!("{} is not a regular file; nothing is logged", path.display()),
            format!("remove {}", path.display()),
        ),
        Ok(m) if m.permissions().mode() & 0o077 != 0 => Check::warn(
            NAME,
            format!("{} is mode {:04o}", path.display(), m.permissions().mode() & 0o777),
            format!("chmod 600 {}", path.display()),
        ),
        Ok(m) => Check::ok(NAME, format!("{} ({})", path.display(), bytes(m.len()))),
    }
}

pub fn bytes(n: u64) -> String {
    const K: f64 = 1024.0;
    let f = n as f64;
    if f >= K * K * K {
        format!("{:.1} GiB", f / (K * K * K))
    } else if f >= K * K {
        format!("{:.1} MiB", f / (K * K))
    } else if f >= K {
        format!("{:.0} KiB", f / K)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Level;

    #[test]
    fn folder_levels() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("data");
        assert_eq!(folder(&d).level, Level::Warn, "missing but creatable");
        std::fs::create_dir(&d).unwrap();
        for (mode, level) in [(0o700, Level::Ok), (0o755, Level::Warn), (0o777, Level::Fail)] {
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(folder(&d).level, level, "{mode:o}");
        }
        std::fs::write(t.path().join("file"), "").unwrap();
        assert_eq!(folder(&t.path().join("file")).level, Level::Fail);
    }

    #[test]
    fn fallback_on_the_same_disk_is_a_warning() {
        let t = tempfile::tempdir().unwrap();
        let c = fallback(t.path(), t.path(), None);
        assert_eq!(c.level, Level::Warn);
        assert!(c.fix.unwrap().contains("TMPDIR"));
        // /proc is always another file system than a temporary folder.
        assert_eq!(fallback(t.path(), Path::new("/proc"), None).level, Level::Ok);
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(4 * 1024 * 1024), "4.0 MiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}

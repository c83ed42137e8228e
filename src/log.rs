//! The log file, `<data>/logs/drconsole.log`: what happened to probes, the mirror, the journal
//! and the session, for whoever investigates afterwards. Only this crate's events go there
//! (drivers and HTTP libraries stay quiet), and never to the terminal: the console owns it.
//!
//! The file is 0600 in a 0700 folder, and capped: past [`MAX_BYTES`] it is renamed to
//! `drconsole.log.1` (replacing the previous one) and a fresh file starts. Several processes
//! may log at once (the console and a `drconsole note` from another shell); each line is one
//! `O_APPEND` write, and a process that finds the file rotated under it reopens the new one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

pub const ENV_LEVEL: &str = "DRCONSOLE_LOG";
pub const DIR: &str = "logs";
pub const FILE: &str = "drconsole.log";
/// Past this size the file is rotated to `.1`: two files at most, about 10 MiB in all.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;

/// Where the log of a data folder is.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(DIR).join(FILE)
}

/// A level name as `--log-level` and `DRCONSOLE_LOG` take it.
pub fn parse_level(s: &str) -> Option<LevelFilter> {
    match s.trim().to_ascii_lowercase().as_str() {
        "off" => Some(LevelFilter::OFF),
        "error" => Some(LevelFilter::ERROR),
        "warn" | "warning" => Some(LevelFilter::WARN),
        "info" => Some(LevelFilter::INFO),
        "debug" => Some(LevelFilter::DEBUG),
        "trace" => Some(LevelFilter::TRACE),
        _ => None,
    }
}

/// The level to log at: the flag, else `DRCONSOLE_LOG`, else info. A bad variable is named in
/// the returned warning (printed before any full-screen mode starts) and info is used.
pub fn level(flag: Option<&str>) -> (LevelFilter, Option<String>) {
    if let Some(l) = flag.and_then(parse_level) {
        return (l, None);
    }
    match std::env::var(ENV_LEVEL) {
        Ok(v) if !v.trim().is_empty() => match parse_level(&v) {
            Some(l) => (l, None),
            None => (
                LevelFilter::INFO,
                Some(format!(
                    "{ENV_LEVEL}={v:?} is not a level (off, error, warn, info, debug, trace); \
                     logging at info"
                )),
            ),
        },
        _ => (LevelFilter::INFO, None),
    }
}

/// Send this crate's events at `level` to the log file of `data_dir`. The file is opened on
/// the first event, and only if the data folder already exists: logging never creates it
/// (`doctor` must see a missing folder as missing). Returns false if a global subscriber was
/// already set.
pub fn init(data_dir: Option<PathBuf>, level: LevelFilter) -> bool {
    let Some(data_dir) = data_dir else { return false };
    if level == LevelFilter::OFF {
        return false;
    }
    let writer = LogFile::new(data_dir);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .with_filter(Targets::new().with_target("drconsole", level));
    tracing_subscriber::registry().with(layer).try_init().is_ok()
}

/// The size-capped, lazily opened log file.
pub struct LogFile {
    data_dir: PathBuf,
    open: Mutex<Option<File>>,
}

impl LogFile {
    pub fn new(data_dir: PathBuf) -> LogFile {
        LogFile { data_dir, open: Mutex::new(None) }
    }

    /// Append one formatted event (one line).
    pub fn append(&self, line: &[u8]) -> io::Result<()> {
        let mut slot = self.open.lock().map_err(|_| io::Error::other("log lock poisoned"))?;
        let path = path(&self.data_dir);
        let current = match slot.take() {
            Some(f) if still_the_file(&f, &path) => f,
            _ => open_log(&self.data_dir)?,
        };
        let file = if current.metadata()?.len() + line.len() as u64 > MAX_BYTES {
            rotate(&path)?;
            open_log(&self.data_dir)?
        } else {
            current
        };
        let mut f = &file;
        f.write_all(line)?;
        *slot = Some(file);
        Ok(())
    }
}

/// Whether our open file is still the one at `path` (another process may have rotated it).
fn still_the_file(f: &File, path: &Path) -> bool {
    match (f.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

fn open_log(data_dir: &Path) -> io::Result<File> {
    if !data_dir.is_dir() {
        return Err(io::Error::new(io::ErrorKind::NotFound, "no data folder yet"));
    }
    let dir = data_dir.join(DIR);
    crate::journal::create_private_dirs(&dir)?;
    let path = dir.join(FILE);
    // O_NOFOLLOW: a symlink planted at the log's name must not redirect our writes.
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!("{} is not a regular file", path.display())));
    }
    if meta.permissions().mode() & 0o777 != 0o600 {
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

fn rotate(path: &Path) -> io::Result<()> {
    let mut old = path.as_os_str().to_os_string();
    old.push(".1");
    let old = PathBuf::from(old);
    // Never rename over anything but a regular file (or nothing).
    match fs::symlink_metadata(&old) {
        Ok(m) if !m.is_file() => {
            return Err(io::Error::other(format!("{} is not a regular file", old.display())))
        }
        _ => {}
    }
    fs::rename(path, &old)
}

impl<'a> MakeWriter<'a> for LogFile {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter { log: self, buf: Vec::new() }
    }
}

/// Collects one event's text and appends it in one write when dropped. A log that cannot be
/// written is silently skipped: logging must never disturb the console.
pub struct LineWriter<'a> {
    log: &'a LogFile,
    buf: Vec<u8>,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter<'_> {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            let _ = self.log.append(&self.buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_bad_ones_are_named() {
        assert_eq!(parse_level("DEBUG"), Some(LevelFilter::DEBUG));
        assert_eq!(parse_level("off"), Some(LevelFilter::OFF));
        assert_eq!(parse_level("loud"), None);
        assert_eq!(level(Some("trace")).0, LevelFilter::TRACE);
    }

    #[test]
    fn rotates_past_the_cap_and_keeps_0600() {
        let dir = tempfile::tempdir().unwrap();
        let log = LogFile::new(dir.path().to_path_buf());
        let line = vec![b'x'; 1024 * 1024];
        for _ in 0..6 {
            log.append(&line).unwrap();
        }
        let p = path(dir.path());
        let mut old = p.as_os_str().to_os_string();
        old.push(".1");
        assert_eq!(fs::metadata(&old).unwrap().len(), 5 * 1024 * 1024);
        assert_eq!(fs::metadata(&p).unwrap().len(), 1024 * 1024);
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        let logs = fs::metadata(dir.path().join(DIR)).unwrap();
        assert_eq!(logs.permissions().mode() & 0o777, 0o700);
    }

    #[test]
    fn never_creates_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("data");
        let log = LogFile::new(missing.clone());
        assert!(log.append(b"line\n").is_err());
        assert!(!missing.exists());
    }

    #[test]
    fn a_symlink_at_the_log_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(DIR)).unwrap();
        let target = dir.path().join("elsewhere");
        fs::write(&target, "").unwrap();
        std::os::unix::fs::symlink(&target, path(dir.path())).unwrap();
        let log = LogFile::new(dir.path().to_path_buf());
        assert!(log.append(b"line\n").is_err());
        assert_eq!(fs::read(&target).unwrap().len(), 0);
    }
}

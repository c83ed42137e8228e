//! File-system helpers with the durability and permission rules spelled out once.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rustix::fs::FlockOperation;

/// Parent directory of a file path; `.` for a bare file name.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes a directory entry (create, rename, unlink) durable.
pub fn fsync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Creates `dir` and any missing ancestors as 0700 whatever the umask, syncing each parent so
/// the new entries survive a power cut. Directories that already exist are left alone.
pub fn create_private_dirs(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut missing: Vec<PathBuf> = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        cur = d.parent();
    }
    for d in missing.iter().rev() {
        match DirBuilder::new().mode(0o700).create(d) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => continue,
            Err(e) => return Err(e),
        }
        // The umask may have removed bits from 0700; set it exactly.
        fs::set_permissions(d, fs::Permissions::from_mode(0o700))?;
        fsync_dir(parent_dir(d))?;
    }
    Ok(())
}

fn refuse(dir: &Path, why: String) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, format!("refusing {}: {why}", dir.display()))
}

/// The effective user id of this process.
pub fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Checks `dir` and every folder above it (symbolic links resolved) as ssh checks the path to
/// `authorized_keys`: each must belong to root or `owner` and be writable by no one else; a
/// sticky folder of root's (`/tmp`) is allowed, since no one may rename or delete what
/// another user made in it.
fn check_ancestry(dir: &Path, owner: u32) -> io::Result<()> {
    let real = fs::canonicalize(dir)?;
    let mut cur = Some(real.as_path());
    while let Some(d) = cur {
        let m = fs::metadata(d)?;
        let mode = m.mode();
        if m.uid() != 0 && m.uid() != owner {
            return Err(refuse(
                dir,
                format!("{} belongs to uid {}, not to uid {owner} or root", d.display(), m.uid()),
            ));
        }
        let sticky_roots = m.uid() == 0 && mode & 0o1000 != 0;
        if mode & 0o022 != 0 && !sticky_roots {
            return Err(refuse(
                dir,
                format!("{} is writable by other users (mode {:04o})", d.display(), mode & 0o7777),
            ));
        }
        cur = d.parent();
    }
    Ok(())
}

/// Checks that `dir` is a private folder of `owner`'s: owned by `owner`, mode 0700 (no access
/// for group or others), and reachable only through folders no one else can change (see
/// [`check_ancestry`]). A folder someone else made, or made open, is refused, as ssh refuses
/// a `~/.ssh` others can write to.
pub fn check_private_dir(dir: &Path, owner: u32) -> io::Result<()> {
    let real = fs::canonicalize(dir)?;
    let m = fs::metadata(&real)?;
    if !m.is_dir() {
        return Err(refuse(dir, "it is not a folder".to_string()));
    }
    if m.uid() != owner {
        return Err(refuse(dir, format!("it belongs to uid {}, not to uid {owner}", m.uid())));
    }
    if m.mode() & 0o077 != 0 {
        return Err(refuse(dir, format!("its mode is {:04o}; it must be 0700", m.mode() & 0o7777)));
    }
    check_ancestry(&real, owner)
}

/// Makes `dir` a private folder of this user's (see [`check_private_dir`]), creating what is
/// missing as 0700. What already exists is checked before anything is created in it.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    let me = euid();
    let mut existing = dir;
    while fs::symlink_metadata(existing).is_err() {
        match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => existing = p,
            _ => break,
        }
    }
    if existing != dir {
        check_ancestry(existing, me)?;
        create_private_dirs(dir)?;
    }
    check_private_dir(dir, me)
}

/// Creates a new file readable and writable by its owner only, whatever the umask.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(path)?;
    file.set_permissions(fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

/// Writes `bytes` durably to a new 0600 file `<path>.<tag>` (or `<path>.<tag>-<n>` if taken)
/// beside `path`; returns its path.
pub fn write_new_beside(path: &Path, tag: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let dir = parent_dir(path);
    let mut n = 0u32;
    loop {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(if n == 0 { format!(".{tag}") } else { format!(".{tag}-{n}") });
        let target = dir.join(name);
        match create_private_file(&target) {
            Ok(mut f) => {
                let written =
                    f.write_all(bytes).and_then(|()| f.sync_all()).and_then(|()| fsync_dir(dir));
                if written.is_err() {
                    let _ = fs::remove_file(&target);
                }
                return written.map(|()| target);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces `path` with `bytes` so that a reader (or a crash) sees the old file or the new
/// one, never a mix: temp file in the same directory, write, `sync_all`, rename, fsync the
/// directory. The new file is 0600. On failure the old file is untouched and the temp file
/// is removed.
///
/// Only a regular file or a missing path is replaced: renaming over a device, a FIFO or a
/// symbolic link would destroy it (as root, `/dev/null` became a regular file). Use
/// [`crate::files::write_out`] to write through to those.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "it is {}, not a regular file; refusing to replace it",
                    crate::files::kind_of(m.file_type())
                ),
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}-{n}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut f = create_private_file(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        fsync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp); // best effort: it may not exist or already be renamed
    }
    result
}

/// Bytes available to an unprivileged writer in the file system holding `dir`.
pub fn free_space(dir: &Path) -> io::Result<u64> {
    let st = rustix::fs::statvfs(dir)?;
    Ok(st.f_bavail.saturating_mul(st.f_frsize))
}

/// An exclusive `flock` held until drop. flock locks belong to the open file description, so
/// two `Journal`s on one path exclude each other even inside one process. The guard holds a
/// duplicate descriptor of the same description, so it borrows nothing from the journal.
pub struct FileLock {
    file: File,
}

impl FileLock {
    pub fn exclusive(file: &File) -> io::Result<Self> {
        let file = file.try_clone()?;
        loop {
            match rustix::fs::flock(&file, FlockOperation::LockExclusive) {
                Ok(()) => return Ok(FileLock { file }),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Explicitly: closing the guard's descriptor would not release the lock while the
        // journal's own descriptor keeps the description open.
        let _ = rustix::fs::flock(&self.file, FlockOperation::Unlock);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("record.md");
        fs::write(&p, b"old").unwrap();
        atomic_write(&p, b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left");
    }

    #[test]
    fn atomic_write_into_missing_dir_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        assert!(atomic_write(&dir.path().join("no/such/file"), b"x").is_err());
    }

    #[test]
    fn free_space_reports_something() {
        let dir = tempfile::tempdir().unwrap();
        assert!(free_space(dir.path()).unwrap() > 0);
        assert!(free_space(&dir.path().join("missing")).is_err());
    }

    #[test]
    fn atomic_write_refuses_to_replace_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t");
        fs::write(&target, b"keep").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = atomic_write(&link, b"x").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(&target).unwrap(), b"keep");
        assert!(atomic_write(dir.path(), b"x").is_err());
    }

    #[test]
    fn a_private_dir_must_be_ours_and_0700() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fallback/incident");
        ensure_private_dir(&fresh).unwrap();
        assert_eq!(fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o700);
        fs::set_permissions(&fresh, fs::Permissions::from_mode(0o755)).unwrap();
        let err = ensure_private_dir(&fresh).unwrap_err();
        assert!(err.to_string().contains("0755"), "{err}");
        let open = dir.path().join("open");
        fs::create_dir(&open).unwrap();
        fs::set_permissions(&open, fs::Permissions::from_mode(0o777)).unwrap();
        let err = ensure_private_dir(&open.join("x")).unwrap_err();
        assert!(err.to_string().contains("writable by other users"), "{err}");
        assert!(!open.join("x").exists(), "nothing is created in a folder that is refused");
        let err = check_private_dir(&fresh, euid() + 1).unwrap_err();
        assert!(err.to_string().contains("belongs to uid"), "{err}");
    }

    #[test]
    fn private_dirs_are_0700() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b/c");
        create_private_dirs(&deep).unwrap();
        for d in [dir.path().join("a"), dir.path().join("a/b"), deep] {
            assert_eq!(fs::metadata(&d).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }
}

//! The pointer file: which file a journal continues in after a fail-over.
//!
//! A continuation is found only through the pointer, never by looking for files with the right
//! name: another user could leave such a file in a shared temporary folder. The pointer lives
//! in the incident's own private folder and is written by the fail-over that made the
//! continuation.
//!
//! It is created at full size when the journal is, so that switching it later is an
//! overwrite in place that needs no new disk blocks: a fail-over usually happens because the
//! disk is full. Its first line is the path of the file the journal continues in, relative to
//! the pointer's folder when it is in that folder (so the folder can be copied elsewhere),
//! else absolute; the rest is padding.

use std::io::{self, ErrorKind};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::fs::{atomic_write, parent_dir};

/// Size of a pointer file; a path must fit in its first line.
pub const POINTER_BYTES: usize = 4096;

fn contents(pointer: &Path, target: &Path) -> io::Result<Vec<u8>> {
    let shown = if target.parent() == Some(parent_dir(pointer)) {
        target.file_name().map(Path::new).unwrap_or(target)
    } else {
        target
    };
    let bytes = shown.as_os_str().as_bytes();
    if bytes.contains(&b'\n') || bytes.len() >= POINTER_BYTES {
        return Err(io::Error::new(
            ErrorKind::InvalidInput,
            format!("{} cannot be named in a pointer file", target.display()),
        ));
    }
    let mut out = Vec::with_capacity(POINTER_BYTES);
    out.extend_from_slice(bytes);
    out.push(b'\n');
    out.resize(POINTER_BYTES, b' ');
    Ok(out)
}

/// Creates (or atomically replaces) the pointer at `pointer`, naming `target`, at full size.
pub fn create(pointer: &Path, target: &Path) -> io::Result<()> {
    atomic_write(pointer, &contents(pointer, target)?)
}

/// Points `pointer` at `target` durably: an overwrite in place of the full-size file when it
/// exists (no new blocks needed on a full disk), else a new file.
pub fn update(pointer: &Path, target: &Path) -> io::Result<()> {
    let bytes = contents(pointer, target)?;
    match crate::files::open_regular(pointer, true) {
        Ok(file) => {
            // The path fits in the first sector, which disks write whole.
            file.write_all_at(&bytes, 0)?;
            file.sync_data()
        }
        Err(e) if e.kind() == ErrorKind::NotFound => atomic_write(pointer, &bytes),
        Err(e) => Err(e),
    }
}

/// The file `pointer` names, `None` when there is no pointer.
pub fn read(pointer: &Path) -> io::Result<Option<PathBuf>> {
    let bytes = match crate::files::read_bounded(pointer, POINTER_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let bad = |why: &str| io::Error::new(ErrorKind::InvalidData, why.to_string());
    if bytes.len() > POINTER_BYTES {
        return Err(bad("it is larger than a pointer file"));
    }
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| bad("it does not name a file (no complete first line)"))?;
    let line = bytes.get(..end).unwrap_or_default();
    if line.is_empty() {
        return Err(bad("its first line is empty"));
    }
    let named = Path::new(std::ffi::OsStr::from_bytes(line));
    Ok(Some(if named.is_absolute() {
        named.to_path_buf()
    } else {
        parent_dir(pointer).join(named)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_pointer_round_trips_relative_and_absolute_and_keeps_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("journal.drj.current");
        assert_eq!(read(&p).unwrap(), None);
        create(&p, &dir.path().join("journal.drj")).unwrap();
        assert_eq!(read(&p).unwrap(), Some(dir.path().join("journal.drj")));
        assert!(fs::read(&p).unwrap().starts_with(b"journal.drj\n"), "relative in its folder");
        update(&p, Path::new("/elsewhere/journal.drj.cont-1")).unwrap();
        assert_eq!(read(&p).unwrap(), Some(PathBuf::from("/elsewhere/journal.drj.cont-1")));
        assert_eq!(fs::metadata(&p).unwrap().len(), POINTER_BYTES as u64);
        fs::write(&p, b"no newline").unwrap();
        assert!(read(&p).is_err());
    }
}

//! Reading and writing files a user names, on a host shared with other people: regular files
//! only (never a FIFO, a device or a link someone left at the path), reads bounded by a limit,
//! and output that goes through to a device or a pipe instead of replacing it.

use std::fs::{File, FileType, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// What a file type is, in words for an error message.
pub fn kind_of(ft: FileType) -> &'static str {
    if ft.is_file() {
        "a regular file"
    } else if ft.is_dir() {
        "a folder"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() {
        "a character device"
    } else if ft.is_block_device() {
        "a block device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

fn not_regular(ft: FileType) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {}, not a regular file", kind_of(ft)),
    )
}

/// Opens `path` for reading (and writing with `write`) only if it is a regular file. A
/// symbolic link is refused rather than followed, a FIFO never blocks the open, and the type
/// is checked on the opened descriptor, so a file swapped in after a check cannot slip by.
pub fn open_regular(path: &Path, write: bool) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .write(write)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a symbolic link, not a regular file",
            ),
            Some(libc::ENXIO) => io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a FIFO or a socket, not a regular file",
            ),
            _ => e,
        })?;
    let ft = file.metadata()?.file_type();
    if !ft.is_file() {
        return Err(not_regular(ft));
    }
    Ok(file)
}

/// At most `limit + 1` bytes of the regular file at `path`: one byte more than the limit, so
/// the caller can tell "too large" from "exactly at the limit" without ever holding more
/// (`/dev/zero` or a growing file would otherwise be read without end).
pub fn read_bounded(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = open_regular(path, false)?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Where [`write_out`] put the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Standard output (`-` or `/dev/stdout`).
    Stdout,
    /// A regular file, replaced atomically (or created).
    File,
    /// Written through to a character device or a FIFO, which is left in place.
    Through,
}

/// Writes `bytes` where a user asked (`--out`): `-` and `/dev/stdout` are standard output; a
/// regular file or a missing path is replaced atomically (0600); a character device or a FIFO
/// is written through and left as it is (`/dev/null` stays a device; a FIFO's reader gets the
/// bytes); anything else is refused, a symbolic link included: a link left in a shared folder
/// could point anywhere, so the real path must be given. Every write error is returned
/// (ENOSPC on `/dev/full`).
pub fn write_out(path: &Path, bytes: &[u8]) -> io::Result<Written> {
    if path == Path::new("-") || path == Path::new("/dev/stdout") {
        let mut out = io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        return Ok(Written::Stdout);
    }
    let ft = match std::fs::symlink_metadata(path) {
        Ok(m) => m.file_type(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            crate::journal::atomic_write(path, bytes)?;
            return Ok(Written::File);
        }
        Err(e) => return Err(e),
    };
    if ft.is_file() {
        crate::journal::atomic_write(path, bytes)?;
        return Ok(Written::File);
    }
    if !(ft.is_char_device() || ft.is_fifo()) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}; only a regular file, a character device or a FIFO is written{}",
                kind_of(ft),
                if ft.is_symlink() { " (give the path the link points to)" } else { "" }
            ),
        ));
    }
    // Blocking open: a FIFO waits for its reader, as `cat > fifo` does.
    let mut file = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NOCTTY)
        .open(path)?;
    let opened = file.metadata()?.file_type();
    if !(opened.is_char_device() || opened.is_fifo()) {
        // Swapped between the check and the open: a regular file is only ever replaced
        // atomically, never written over in place.
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it changed to {} while being opened", kind_of(opened)),
        ));
    }
    file.write_all(bytes)?;
    file.flush()?;
    Ok(Written::Through)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_bounded_stops_one_byte_past_the_limit() {
        let bytes = read_bounded(Path::new("/dev/zero"), 10);
        assert!(bytes.is_err(), "a device is refused, not read");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, vec![b'x'; 100]).unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap().len(), 11);
        assert_eq!(read_bounded(&p, 1000).unwrap().len(), 100);
    }

    #[test]
    fn open_regular_refuses_links_fifos_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t");
        std::fs::write(&target, b"x").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = open_regular(&link, false).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        let fifo = dir.path().join("p");
        let (cwd, mode) = (rustix::fs::CWD, rustix::fs::Mode::from_raw_mode(0o600));
        rustix::fs::mknodat(cwd, &fifo, rustix::fs::FileType::Fifo, mode, 0).unwrap();
        let err = open_regular(&fifo, true).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
        let err = open_regular(dir.path(), false).unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
        assert!(open_regular(&target, true).is_ok());
    }
}

//! Reading files that someone else may have laid out: a snapshot from a bug report, a ruleset
//! from the web, a project's `aidoctor.yaml`.
//!
//! Three things go wrong with such files. A FIFO (tar carries them) blocks `open` and `read`
//! forever; a device (`/dev/zero`) never ends; a symbolic link leads anywhere on the machine.
//! So a file is looked at before it is opened (`lstat`, or `stat` where the user named the
//! path and a link is theirs to give), opened without blocking and, inside a snapshot, without
//! following a link (`O_NONBLOCK | O_NOFOLLOW`), and looked at again once open (`fstat`): a
//! file swapped between the two looks is caught by the second. Reads stop one byte past the
//! cap, so a 2 GB sparse file costs one mebibyte.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Whether a link in the final component is the user's to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// A path typed by the user (`aidoctor check ./rules.yaml`): follow it, as a shell would.
    Follow,
    /// A path inside a snapshot: a snapshot never holds links, so one is refused.
    Refuse,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file: what it is instead ("a FIFO", "a symbolic link").
    NotRegular(&'static str),
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(what) => write!(f, "is {what}, not a regular file"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl From<ReadError> for io::Error {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Io(e) => e,
            ReadError::NotRegular(_) => io::Error::new(io::ErrorKind::InvalidData, e.to_string()),
        }
    }
}

/// What a directory entry is, in words, for errors.
pub fn kind_name(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_symlink() {
        return "a symbolic link";
    }
    if t.is_dir() {
        return "a directory";
    }
    if t.is_file() {
        return "a regular file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    "a special file"
}

/// Open `path` for reading only if it is a regular file, without ever blocking on it.
pub fn open_regular(path: &Path, links: Links) -> Result<File, ReadError> {
    let before = match links {
        Links::Follow => std::fs::metadata(path)?,
        Links::Refuse => std::fs::symlink_metadata(path)?,
    };
    if !before.is_file() {
        return Err(ReadError::NotRegular(kind_name(&before)));
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: a FIFO put in place after the look above opens at once instead of
        // waiting for a writer (and fstat below refuses it). It changes nothing for a regular
        // file. O_NOFOLLOW: a link put in place fails with ELOOP.
        let nofollow = if links == Links::Refuse {
            libc::O_NOFOLLOW
        } else {
            0
        };
        opts.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    let f = opts.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return ReadError::NotRegular("a symbolic link");
        }
        ReadError::from(e)
    })?;
    let after = f.metadata()?;
    if !after.is_file() {
        return Err(ReadError::NotRegular(kind_name(&after)));
    }
    Ok(f)
}

/// At most `cap` bytes of a regular file, and whether there was more.
pub fn read_capped(path: &Path, cap: u64, links: Links) -> Result<(Vec<u8>, bool), ReadError> {
    let f = open_regular(path, links)?;
    // The recorded length is only a hint (files under /proc say 0); never allocate from it.
    let mut buf = Vec::new();
    f.take(cap.saturating_add(1)).read_to_end(&mut buf)?;
    let over = buf.len() as u64 > cap;
    buf.truncate(cap as usize);
    Ok((buf, over))
}

/// A whole regular file of at most `cap` bytes; a bigger one is an error that says so.
pub fn read_whole(path: &Path, cap: u64, links: Links) -> io::Result<Vec<u8>> {
    match read_capped(path, cap, links)? {
        (_, true) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {}", size_words(cap)),
        )),
        (bytes, false) => Ok(bytes),
    }
}

/// `1 MiB`, `64 MiB`, `512 KiB`.
pub fn size_words(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// A relative path that stays below the directory it is joined to: no root, no drive, no
/// `..`, no `.`, nothing empty. What a snapshot may name.
pub fn is_plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && !rel.contains('\0')
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        && !rel.split('/').any(|c| c == "." || c == "..")
}

/// `dir/rel`, where every component below `dir` is a directory (never a link) except the
/// last, which is left to [`open_regular`] with [`Links::Refuse`]. `rel` must be
/// [`is_plain_relative`].
pub fn confined(dir: &Path, rel: &str) -> Result<PathBuf, ReadError> {
    if !is_plain_relative(rel) {
        return Err(ReadError::Io(io::Error::new(
            io::ErrorKind::NotFound,
            "not a path inside the snapshot",
        )));
    }
    let mut p = dir.to_path_buf();
    let mut parts = rel.split('/').filter(|c| !c.is_empty()).peekable();
    while let Some(part) = parts.next() {
        p.push(part);
        if parts.peek().is_some() {
            let m = std::fs::symlink_metadata(&p)?;
            if !m.is_dir() {
                return Err(if m.file_type().is_symlink() {
                    ReadError::NotRegular("a symbolic link")
                } else {
                    ReadError::Io(io::Error::new(io::ErrorKind::NotFound, "not a directory"))
                });
            }
        }
    }
    Ok(p)
}

/// Names of the entries of `dir/rel`, a real directory inside `dir` (no link on the way).
pub fn confined_dir(dir: &Path, rel: &str) -> Result<Vec<String>, ReadError> {
    let p = confined(dir, rel)?;
    let m = std::fs::symlink_metadata(&p)?;
    if !m.is_dir() {
        return Err(ReadError::NotRegular(kind_name(&m)));
    }
    Ok(std::fs::read_dir(&p)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect())
}

/// The first entry under `dir` that is neither a regular file nor a directory, with what it
/// is. The walk never follows a link, so it never leaves `dir`.
pub fn first_special(dir: &Path) -> io::Result<Option<(PathBuf, &'static str)>> {
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let m = std::fs::symlink_metadata(&p)?;
            if m.is_dir() {
                todo.push(p);
            } else if !m.is_file() {
                return Ok(Some((p, kind_name(&m))));
            }
        }
    }
    Ok(None)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn mkfifo(p: &Path) {
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }

    #[test]
    fn fifos_devices_and_links_are_refused_at_once() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("fifo");
        mkfifo(&fifo);
        let start = Instant::now();
        for links in [Links::Follow, Links::Refuse] {
            let e = read_capped(&fifo, 10, links).unwrap_err();
            assert_eq!(e.to_string(), "is a FIFO, not a regular file");
            let e = read_capped(Path::new("/dev/zero"), 10, links).unwrap_err();
            assert_eq!(e.to_string(), "is a device, not a regular file");
        }
        assert!(start.elapsed() < Duration::from_secs(5));
        let target = d.path().join("target");
        std::fs::write(&target, "secret").unwrap();
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(
            read_capped(&link, 10, Links::Refuse)
                .unwrap_err()
                .to_string(),
            "is a symbolic link, not a regular file"
        );
        assert_eq!(
            read_capped(&link, 10, Links::Follow).unwrap().0,
            b"secret".to_vec()
        );
        let e = read_capped(&d.path().join("nope"), 10, Links::Refuse).unwrap_err();
        assert!(e.is_not_found(), "{e}");
    }

    #[test]
    fn a_huge_sparse_file_costs_the_cap() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sparse");
        std::fs::File::create(&p).unwrap().set_len(2 << 30).unwrap();
        let (b, over) = read_capped(&p, 1024 * 1024, Links::Refuse).unwrap();
        assert_eq!(b.len(), 1024 * 1024);
        assert!(over);
        let e = read_whole(&p, 1024 * 1024, Links::Follow).unwrap_err();
        assert_eq!(e.to_string(), "larger than 1 MiB");
        std::fs::write(&p, "exact").unwrap();
        assert_eq!(read_whole(&p, 5, Links::Refuse).unwrap(), b"exact");
    }

    #[test]
    fn confinement_refuses_links_on_the_way_and_escapes() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("shadow"), "root:x").unwrap();
        std::fs::create_dir_all(d.path().join("files/etc")).unwrap();
        std::os::unix::fs::symlink(outside.path(), d.path().join("files/proc")).unwrap();
        let p = confined(d.path(), "files/etc/os-release").unwrap();
        assert_eq!(p, d.path().join("files/etc/os-release"));
        assert!(matches!(
            confined(d.path(), "files/proc/shadow"),
            Err(ReadError::NotRegular("a symbolic link"))
        ));
        assert!(confined_dir(d.path(), "files/proc").is_err());
        for bad in ["/etc/shadow", "../x", "files/../../x", "", "a/./b", "C:\\x"] {
            assert!(!is_plain_relative(bad), "{bad}");
            assert!(confined(d.path(), bad).is_err(), "{bad}");
        }
        assert!(is_plain_relative("commands/01-nvidia-smi.stdout"));
        assert_eq!(
            first_special(d.path()).unwrap(),
            Some((d.path().join("files/proc"), "a symbolic link"))
        );
        std::fs::remove_file(d.path().join("files/proc")).unwrap();
        assert_eq!(first_special(d.path()).unwrap(), None);
    }
}

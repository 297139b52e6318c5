//! Where results go. Standard output that a reader closed early (`aidoctor check | head -1`)
//! is a quiet stop, never an error and never a panic: the command still runs to its verdict
//! and exits with it, as ripgrep does.

use std::io::{self, Write};

/// A closed pipe: EPIPE on Unix; on Windows ERROR_BROKEN_PIPE (109) and ERROR_NO_DATA (232),
/// which std maps to `BrokenPipe`, and ERROR_PIPE_NOT_CONNECTED (233), which it does not.
pub fn is_closed_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
        || (cfg!(windows) && matches!(e.raw_os_error(), Some(109 | 232 | 233)))
}

/// A writer that, once its reader has gone, swallows the rest of the output.
pub struct QuietPipe<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> QuietPipe<W> {
    pub fn new(inner: W) -> QuietPipe<W> {
        QuietPipe {
            inner,
            closed: false,
        }
    }
    fn guard<T>(&mut self, r: io::Result<T>, done: T) -> io::Result<T> {
        match r {
            Err(e) if is_closed_pipe(&e) => {
                self.closed = true;
                Ok(done)
            }
            r => r,
        }
    }
}

impl<W: Write> Write for QuietPipe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.guard(r, buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.guard(r, ())
    }
}

/// Standard output, locked, stopping quietly on a closed pipe.
pub fn stdout() -> QuietPipe<io::StdoutLock<'static>> {
    QuietPipe::new(io::stdout().lock())
}

/// A line on standard error. Nothing to do if stderr itself is gone: never a panic
/// (`eprintln!` panics on a closed pipe).
pub fn note(msg: &str) {
    let _ = writeln!(io::stderr().lock(), "{msg}");
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Gone;
    impl Write for Gone {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_closed_pipe_is_a_quiet_stop() {
        let mut w = QuietPipe::new(Gone);
        assert!(writeln!(w, "one").is_ok());
        assert!(writeln!(w, "two").is_ok());
        assert!(w.flush().is_ok());
    }

    #[test]
    fn other_errors_still_count() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        assert!(writeln!(QuietPipe::new(Full), "x").is_err());
    }
}

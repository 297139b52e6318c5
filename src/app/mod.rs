//! The pipeline: host -> probes -> engine -> render. One function per command.

mod check;
mod facts;
mod fit;
pub mod output;
mod report;
mod rules;
mod summary;
mod targets;

use crate::cli::{Cli, Command, ProbeArgs};
use crate::host::Host;
use crate::host::live::LiveHost;
use crate::host::replay::{ReplayHost, SnapshotError};
use crate::probes::{self, Ctx, Gathered};
use crate::report::Exit;
use crate::rules::RulesetError;
use std::fmt;
use std::io;
use std::time::Duration;

/// Everything that ends a run with exit code 2.
#[derive(Debug)]
pub enum AppError {
    Io(String, io::Error),
    Snapshot(SnapshotError),
    Ruleset(Vec<RulesetError>),
    Usage(String),
}

impl AppError {
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, AppError::Io(_, e) if output::is_closed_pipe(e))
    }

    /// The message for standard error: through the redactor (a URL's credentials and a
    /// token in its query string stay off the screen and out of pasted logs) and made safe
    /// to print (it can quote a file or a server).
    pub fn message(&self) -> String {
        let m = crate::redact::Redactor::default().text(&self.to_string());
        crate::printable::text(&m).into_owned()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Io(what, e) => write!(f, "{what}: {e}"),
            AppError::Snapshot(e) => write!(f, "{e}"),
            AppError::Ruleset(errs) => {
                for (i, e) in errs.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            AppError::Usage(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for AppError {}

impl From<SnapshotError> for AppError {
    fn from(e: SnapshotError) -> Self {
        AppError::Snapshot(e)
    }
}

/// Writing to standard output (a closed pipe ends the run quietly).
pub(crate) fn out_err(e: io::Error) -> AppError {
    AppError::Io("cannot write output".into(), e)
}

pub fn run(cli: Cli) -> Result<Exit, AppError> {
    let p = &cli.probe;
    match cli.command {
        None => summary::run(p),
        Some(Command::Facts { format }) => facts::run(p, format),
        Some(Command::Snapshot { ref dir, no_redact }) => facts::snapshot(p, dir, no_redact),
        Some(Command::Check(ref args)) => check::run(p, args),
        Some(Command::Report(ref args)) => report::run(p, args),
        Some(Command::Fit(ref args)) => fit::run(p, args),
        Some(Command::Rules { ref command }) => rules::run(p, command),
        Some(Command::Completions { shell }) => {
            // clap_complete panics when its writer fails: generate into memory, then write.
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "aidoctor", &mut buf);
            write_out(&buf)
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut buf)
                .map_err(out_err)?;
            write_out(&buf)
        }
    }
}

fn write_out(bytes: &[u8]) -> Result<Exit, AppError> {
    use std::io::Write;
    let mut w = output::stdout();
    w.write_all(bytes)
        .and_then(|_| w.flush())
        .map_err(out_err)?;
    Ok(Exit::Ok)
}

/// What a command prints from a report: redacted (unless the user asked otherwise) and made
/// safe for a terminal, whatever the format.
pub(crate) fn shown(
    report: &crate::report::Report,
    redactor: Option<&crate::redact::Redactor>,
) -> crate::report::Report {
    match redactor {
        Some(r) => crate::printable::report(&r.report(report)),
        None => crate::printable::report(report),
    }
}

/// Today, as days since 1970-01-01: `AIDOCTOR_TODAY` (YYYY-MM-DD) when set (tests, and
/// reproducing a report), else the system clock.
pub(crate) fn today() -> i64 {
    if let Some(d) = std::env::var("AIDOCTOR_TODAY")
        .ok()
        .and_then(|v| crate::age::parse_date(&v))
    {
        return d;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .unwrap_or(0)
}

fn secs(s: f64, what: &str) -> Result<Duration, AppError> {
    if s.is_finite() && s > 0.0 && s <= 3600.0 {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(AppError::Usage(format!(
            "{what} must be a number of seconds between 0 and 3600, not {s}"
        )))
    }
}

/// The probe context from the command line.
pub(crate) fn ctx(p: &ProbeArgs) -> Result<Ctx, AppError> {
    Ok(Ctx {
        timeout: secs(p.timeout, "--timeout")?,
        python_timeout: secs(p.python_timeout, "--python-timeout")?,
    })
}

/// The machine to look at: live, or a snapshot with --replay.
pub(crate) fn host(p: &ProbeArgs) -> Result<Box<dyn Host>, AppError> {
    match &p.replay {
        Some(dir) => {
            let latency = p
                .replay_latency
                .as_deref()
                .map(crate::host::replay::Latency::parse)
                .transpose()
                .map_err(AppError::Usage)?;
            Ok(Box::new(ReplayHost::open(dir)?.with_latency(latency)))
        }
        None => Ok(Box::new(LiveHost::new())),
    }
}

/// What a command works from: the facts, and the redactor that learned this machine's names.
pub(crate) struct Probed {
    pub g: Gathered,
    pub redactor: crate::redact::Redactor,
}

/// Probe the machine (live or replayed) while, on another thread, the redactor learns the
/// machine's names and `side` runs (parsing rulesets): neither waits for the other.
pub(crate) fn gather_with<T: Send>(
    p: &ProbeArgs,
    side: impl FnOnce() -> T + Send,
) -> Result<(Probed, T), AppError> {
    let ctx = ctx(p)?;
    let host = host(p)?;
    let h: &dyn Host = host.as_ref();
    let (g, redactor, t) = std::thread::scope(|s| {
        let redactor = s.spawn(move || crate::redact::Redactor::from_host(h));
        let side = s.spawn(side);
        let g = probes::gather(h, &ctx, p.fast);
        let redactor = redactor
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        let t = side.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (g, redactor, t)
    });
    Ok((Probed { g, redactor }, t))
}

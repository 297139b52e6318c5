//! The pipeline: host -> probes -> engine -> render. One function per command.

mod check;
mod facts;
mod fit;
mod man;
pub mod output;
pub mod progress;
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
    let top = &cli.probe;
    let color = cli.color;
    let no_probe = |name: &str| {
        if top.any() {
            Err(AppError::Usage(format!(
                "--replay, --fast and the timeouts apply to facts, snapshot, check, report \
                 and the summary, not to `{name}`"
            )))
        } else {
            Ok(())
        }
    };
    match cli.command {
        None => summary::run(top, color, cli.strict, cli.quiet),
        Some(Command::Facts { ref probe, format }) => facts::run(&probe.or(top), color, format),
        Some(Command::Snapshot {
            ref probe,
            ref dir,
            no_redact,
        }) => facts::snapshot(&probe.or(top), dir, no_redact),
        Some(Command::Check(ref args)) => check::run(&args.probe.or(top), color, args),
        Some(Command::Report(ref args)) => report::run(&args.probe.or(top), args),
        Some(Command::Fit(ref args)) => fit::run(&args.probe.or(top), args),
        Some(Command::Rules { ref command }) => {
            no_probe("rules")?;
            rules::run(color, command)
        }
        Some(Command::Completions { shell }) => {
            no_probe("completions")?;
            // clap_complete panics when its writer fails: generate into memory, then write.
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "aidoctor", &mut buf);
            write_out(&buf)
        }
        Some(Command::Man {
            ref command,
            ref dir,
        }) => {
            no_probe("man")?;
            man::run(command, dir.as_deref())
        }
    }
}

pub(crate) fn write_out(bytes: &[u8]) -> Result<Exit, AppError> {
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

/// The probe context from the command line.
pub(crate) fn ctx(p: &ProbeArgs) -> Result<Ctx, AppError> {
    let d = Ctx::default();
    Ok(Ctx {
        timeout: p.timeout.unwrap_or(d.timeout),
        python_timeout: p.python_timeout.unwrap_or(d.python_timeout),
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
    gather_quietly(p, false, side)
}

/// [`gather_with`], with a progress line on a terminal unless `quiet`.
pub(crate) fn gather_quietly<T: Send>(
    p: &ProbeArgs,
    quiet: bool,
    side: impl FnOnce() -> T + Send,
) -> Result<(Probed, T), AppError> {
    let ctx = ctx(p)?;
    let host = host(p)?;
    let watched = progress::Watched::new(host.as_ref());
    let h: &dyn Host = if progress::wanted(quiet) {
        &watched
    } else {
        host.as_ref()
    };
    let (g, redactor, t) = std::thread::scope(|s| {
        let redactor = s.spawn(move || crate::redact::Redactor::from_host(h));
        let side = s.spawn(side);
        let g = if progress::wanted(quiet) {
            progress::show_while(&watched, || probes::gather(h, &ctx, p.fast))
        } else {
            probes::gather(h, &ctx, p.fast)
        };
        let redactor = redactor
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        let t = side.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (g, redactor, t)
    });
    Ok((Probed { g, redactor }, t))
}

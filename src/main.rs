use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = aidoctor::cli::Cli::parse();
    let code = match aidoctor::app::run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            aidoctor::app::output::note(&format!("aidoctor: error: {}", e.message()));
            ExitCode::from(aidoctor::report::Exit::Usage as u8)
        }
    };
    report_peak_rss();
    code
}

/// For bench/: the peak memory of this process alone (wait4's figure also counts the tools
/// it ran, e.g. docker). Reads this process's own /proc entry, not the machine's.
fn report_peak_rss() {
    if std::env::var_os("AIDOCTOR_PEAK_RSS").is_none() {
        return;
    }
    if let Ok(s) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = s.lines().find(|l| l.starts_with("VmHWM:"))
    {
        aidoctor::app::output::note(&format!(
            "aidoctor-peak-rss: {}",
            line.trim_start_matches("VmHWM:").trim()
        ));
    }
}

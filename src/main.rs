use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = aidoctor::cli::Cli::parse();
    match aidoctor::app::run(cli) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            if e.is_broken_pipe() {
                return ExitCode::SUCCESS;
            }
            eprintln!("aidoctor: error: {e}");
            ExitCode::from(aidoctor::report::Exit::Usage as u8)
        }
    }
}

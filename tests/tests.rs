//! One integration-test binary (faster to build and link than one per file).

#[path = "it/cli.rs"]
mod cli;
#[path = "it/fit.rs"]
mod fit;
#[path = "it/fixtures.rs"]
mod fixtures;
#[path = "it/hostile_cwd.rs"]
mod hostile_cwd;
#[cfg(unix)]
#[path = "it/hostile_input.rs"]
mod hostile_input;
#[path = "it/hostile_output.rs"]
mod hostile_output;
#[path = "it/install_script.rs"]
mod install_script;
#[path = "it/preflight.rs"]
mod preflight;
#[path = "it/readme.rs"]
mod readme;
#[path = "it/redaction.rs"]
mod redaction;
#[path = "it/remote.rs"]
mod remote;
#[path = "it/rules_cli.rs"]
mod rules_cli;
#[path = "it/rulesets.rs"]
mod rulesets;
#[cfg(unix)]
#[path = "it/signals.rs"]
mod signals;
// Fake tools are shell scripts with the executable bit: Unix only.
#[cfg(unix)]
#[path = "it/timeouts.rs"]
mod timeouts;

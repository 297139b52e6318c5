//! Command-line definitions (clap derive) — and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "aidoctor",
    version,
    about = "Will this AI project run on this machine? And if not, what exactly do I type to fix it?",
    long_about = "aidoctor looks at the GPU, drivers, CUDA/ROCm, WSL, Docker and Python/PyTorch, \
                  and checks them against the needs of ComfyUI, vLLM, Axolotl, llama.cpp, \
                  Open WebUI and the 7900 XTX on ROCm.\n\nWith no command: a one-screen summary \
                  of the machine and every built-in ruleset, exiting as `aidoctor check host` does.\n\n\
                  Exit codes: 0 no failure; 1 at least one failure (or a warning with --strict; \
                  `unknown` counts as a warning); 2 usage, snapshot or ruleset error.",
    after_help = "Examples:\n  aidoctor check vllm\n  aidoctor check vllm --quiet --format json\n  aidoctor report --ruleset comfyui --output report.md\n  aidoctor snapshot ./my-machine && aidoctor facts --replay ./my-machine"
)]
pub struct Cli {
    /// For the summary (no command): how to look at the machine.
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Summary: warnings (and unknowns) fail too, as with `check --strict`.
    #[arg(long)]
    pub strict: bool,
    /// Summary: only the rulesets with something wrong, and their fixes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Colors: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of every command that looks at the machine. They can be given before the
/// command too (`aidoctor --replay DIR check vllm`).
#[derive(Debug, Clone, Default, Args)]
pub struct ProbeArgs {
    /// Read a snapshot directory instead of the live machine.
    #[arg(long, value_name = "DIR")]
    pub replay: Option<PathBuf>,
    /// Skip the slow Python/PyTorch probe.
    #[arg(long)]
    pub fast: bool,
    /// Time limit for each external command: seconds (5, 2.5) or with a unit (500ms, 1m);
    /// at most 1h. [default: 5s]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true)]
    pub timeout: Option<Duration>,
    /// Time limit for the Python/PyTorch probe, as for --timeout. [default: 20s]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, allow_hyphen_values = true)]
    pub python_timeout: Option<Duration>,
    /// With --replay: make commands take time like real tools (benchmarks). Without a value,
    /// as long as they took at capture; or "nvidia-smi=300,docker info=100" (milliseconds).
    #[arg(long, hide = true, value_name = "SPEC", num_args = 0..=1, default_missing_value = "")]
    pub replay_latency: Option<String>,
}

impl ProbeArgs {
    /// These options, completed by the ones given before the command.
    pub fn or(&self, outer: &ProbeArgs) -> ProbeArgs {
        ProbeArgs {
            replay: self.replay.clone().or_else(|| outer.replay.clone()),
            fast: self.fast || outer.fast,
            timeout: self.timeout.or(outer.timeout),
            python_timeout: self.python_timeout.or(outer.python_timeout),
            replay_latency: self
                .replay_latency
                .clone()
                .or_else(|| outer.replay_latency.clone()),
        }
    }
    /// Whether any was given.
    pub fn any(&self) -> bool {
        self.replay.is_some()
            || self.fast
            || self.timeout.is_some()
            || self.python_timeout.is_some()
            || self.replay_latency.is_some()
    }
}

/// The longest time limit accepted.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// A duration as people type it: `5` and `2.5` are seconds; `500ms`, `2s`, `1.5m`, `1h`.
/// More than 0 (at least 1 ms) and at most an hour.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let examples = "e.g. 5, 2.5, 500ms, 1m";
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    if num.is_empty() && !t.starts_with('-') {
        return Err(format!("`{s}` is not a duration ({examples})"));
    }
    let scale = match unit.trim() {
        "" | "s" | "sec" | "secs" => 1.0,
        "ms" => 0.001,
        "m" | "min" | "mins" => 60.0,
        "h" => 3600.0,
        _ if t.starts_with('-') => {
            return Err(format!(
                "`{s}`: a time limit cannot be negative ({examples})"
            ));
        }
        u => {
            return Err(format!(
                "`{s}`: unknown unit `{u}` (use ms, s, m or h; {examples})"
            ));
        }
    };
    let plain_number =
        !num.is_empty() && num.matches('.').count() <= 1 && num.chars().any(|c| c.is_ascii_digit());
    let n: f64 = match num.parse() {
        Ok(n) if plain_number => n,
        _ => return Err(format!("`{s}` is not a duration ({examples})")),
    };
    let secs = n * scale;
    if secs == 0.0 {
        return Err(format!(
            "`{s}`: a time limit must be more than 0 ({examples})"
        ));
    }
    if secs < 0.001 {
        return Err(format!("`{s}`: too short; the shortest time limit is 1ms"));
    }
    if secs > MAX_TIMEOUT.as_secs_f64() {
        return Err(format!("`{s}`: too long; the longest time limit is 1h"));
    }
    Ok(Duration::from_millis((secs * 1000.0).round() as u64))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print what the probes found about this machine.
    Facts {
        #[command(flatten)]
        probe: ProbeArgs,
        /// text for people, json for programs (with how long each probe took).
        #[arg(long, value_enum, default_value_t = FactsFormat::Text)]
        format: FactsFormat,
    },
    /// Record everything the probes read into DIR (redacted), to attach to a bug report or
    /// replay with --replay.
    Snapshot {
        #[command(flatten)]
        probe: ProbeArgs,
        /// A new or empty directory to write the snapshot into.
        dir: PathBuf,
        /// Keep everything: host name, user name (also in home paths), GPU UUIDs and serial
        /// numbers, MAC and IP addresses, and secrets in the recorded files and tool output
        /// (tokens, API keys, passwords in URLs and settings).
        #[arg(long)]
        no_redact: bool,
    },
    /// Check the machine against rulesets: built-in names, files, or https:// URLs.
    Check(CheckArgs),
    /// A Markdown report to paste into a GitHub or GitLab issue (redacted).
    Report(ReportArgs),
    /// Will this model fit in VRAM here, and without the desktop? Reads the model's headers
    /// (.gguf, .safetensors, a model directory, a Hugging Face cache id, an Ollama name).
    Fit(FitArgs),
    /// List, lint and show rulesets.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Print shell completions.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): aidoctor(1), or the page of one command.
    Man {
        /// The command whose page to print (`check`, `rules list`, ...). Default: aidoctor(1).
        #[arg(value_name = "COMMAND", num_args = 0..=2)]
        command: Vec<String>,
        /// Write every page (aidoctor.1, aidoctor-check.1, ...) into DIR instead.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Built-in ruleset ids (`aidoctor rules list`), ruleset files (`-` for standard input),
    /// or https:// URLs (optionally pinned: URL#sha256=HEX). Default: host.
    pub targets: Vec<std::ffi::OsString>,
    /// Use the aidoctor.yaml or .aidoctor.yaml at the root of a project checkout.
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// text for people, markdown for a pull request or issue, json for programs
    /// (schema/report.schema.json), junit for CI.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Warnings (and unknowns) fail too.
    #[arg(long)]
    pub strict: bool,
    /// Print only what is wrong, with fixes.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Never fetch: use only the cached copy of remote rulesets.
    #[arg(long)]
    pub offline: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// A model to judge alongside the machine (`model.*` facts for rulesets, a row in reports).
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Also size this model (as `aidoctor fit MODEL`) and set the `model.*` facts.
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// Context length for --model's KV cache. Default: the model's own, else 8192.
    #[arg(long = "model-context", value_name = "N")]
    pub model_context: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct FitArgs {
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Model files, directories, Hugging Face ids (org/name) or Ollama names (name:tag).
    #[arg(required = true)]
    pub models: Vec<String>,
    /// Context length (KV cache cells). Default: the model's own, else 8192.
    #[arg(long, value_name = "N")]
    pub context: Option<u64>,
    /// KV cache type for K, as llama.cpp's --cache-type-k (f16, q8_0, q4_0, ...).
    #[arg(long, default_value = "f16")]
    pub cache_type_k: String,
    /// KV cache type for V, as llama.cpp's --cache-type-v.
    #[arg(long, default_value = "f16")]
    pub cache_type_v: String,
    /// Split over this many GPUs (tensor parallel).
    #[arg(long, default_value_t = 1)]
    pub gpus: u32,
    /// text for people, json for programs.
    #[arg(long, value_enum, default_value_t = FactsFormat::Text)]
    pub format: FactsFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub probe: ProbeArgs,
    /// Focus on the projects the issue is about: built-in ids, files or URLs, as for `check`.
    /// Default: every built-in ruleset.
    #[arg(value_name = "RULESET")]
    pub targets: Vec<std::ffi::OsString>,
    /// The same as a positional RULESET (repeatable).
    #[arg(long = "ruleset", value_name = "RULESET")]
    pub rulesets: Vec<std::ffi::OsString>,
    /// Focus on the project checked out in DIR (its aidoctor.yaml or .aidoctor.yaml).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// markdown to paste into an issue, json to attach.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Keep host name, user name, serials, UUIDs, addresses and secrets (says so in the report).
    #[arg(long)]
    pub no_redact: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Every built-in ruleset, with the date its facts were last checked.
    List,
    /// Check ruleset files for errors (reported on stderr, file:line:column; exit 2).
    Lint {
        /// Ruleset files (`-` reads standard input).
        #[arg(required = true, value_name = "FILES")]
        files: Vec<PathBuf>,
    },
    /// Print a ruleset, or one rule with its why, fix and source.
    Show {
        /// A built-in ruleset or rule id (`vllm`, `vllm/driver`), or a ruleset file.
        #[arg(value_name = "ID|FILE")]
        id: String,
        /// With a ruleset file: the rule of that file to show.
        #[arg(value_name = "RULE-ID")]
        rule: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FactsFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Markdown,
    Json,
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_people_type_them() {
        let ms = Duration::from_millis;
        for (s, d) in [
            ("5", ms(5000)),
            ("2.5", ms(2500)),
            (".5", ms(500)),
            ("500ms", ms(500)),
            ("2s", ms(2000)),
            ("1m", ms(60_000)),
            ("1.5 min", ms(90_000)),
            ("1h", ms(3_600_000)),
        ] {
            assert_eq!(parse_duration(s), Ok(d), "{s}");
        }
    }

    #[test]
    fn nonsense_durations_say_why() {
        for (s, why) in [
            ("0", "must be more than 0"),
            ("0ms", "must be more than 0"),
            ("-1", "cannot be negative"),
            ("1e-320", "unknown unit `e-320`"),
            ("inf", "is not a duration"),
            ("NaN", "is not a duration"),
            ("0.0001", "the shortest time limit is 1ms"),
            ("2h", "the longest time limit is 1h"),
            ("5 parsecs", "unknown unit"),
            ("", "is not a duration"),
            ("1.2.3", "is not a duration"),
        ] {
            let e = parse_duration(s).unwrap_err();
            assert!(e.contains(why), "{s}: {e}");
        }
    }
}

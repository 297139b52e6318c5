//! Command-line definitions (clap derive) — and nothing else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
    #[command(flatten)]
    pub probe: ProbeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of every command that looks at the machine.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// Read a snapshot directory instead of the live machine.
    #[arg(long, global = true, value_name = "DIR")]
    pub replay: Option<PathBuf>,
    /// Skip the slow Python/PyTorch probe.
    #[arg(long, global = true)]
    pub fast: bool,
    /// Time limit for each external command, in seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 5.0)]
    pub timeout: f64,
    /// Time limit for the Python/PyTorch probe, in seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 20.0)]
    pub python_timeout: f64,
    /// With --replay: make commands take time like real tools (benchmarks). Without a value,
    /// as long as they took at capture; or "nvidia-smi=300,docker info=100" (milliseconds).
    #[arg(long, global = true, hide = true, value_name = "SPEC", num_args = 0..=1, default_missing_value = "")]
    pub replay_latency: Option<String>,
    /// Colors: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
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
        #[arg(long, value_enum, default_value_t = FactsFormat::Text)]
        format: FactsFormat,
    },
    /// Record everything the probes read into DIR (redacted), to attach to a bug report or
    /// replay with --replay.
    Snapshot {
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
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Built-in ruleset ids (`aidoctor rules list`), ruleset files, or https:// URLs
    /// (optionally pinned: URL#sha256=HEX). Default: host.
    pub targets: Vec<String>,
    /// Use the aidoctor.yaml or .aidoctor.yaml at the root of a project checkout.
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
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
    #[arg(long, value_enum, default_value_t = FactsFormat::Text)]
    pub format: FactsFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Focus on the project the issue is about (repeatable). Default: every built-in ruleset.
    #[arg(long = "ruleset", value_name = "RULESET")]
    pub rulesets: Vec<String>,
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// Check ruleset files for errors.
    Lint {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a ruleset, or one rule with its why, fix and source.
    Show { id: String },
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

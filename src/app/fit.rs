//! `aidoctor fit MODEL...`: the models' sizes against this machine's GPUs.

use super::{AppError, Probed, gather_with, out_err};
use crate::cli::{FactsFormat, FitArgs, ModelArgs, ProbeArgs};
use crate::facts::Facts;
use crate::fit::estimate::{self, Options, Verdict};
use crate::fit::gguf;
use crate::report::Exit;
use std::io::Write;

fn cache_type(name: &str, flag: &str) -> Result<u32, AppError> {
    gguf::GGML_TYPES_LOWER
        .iter()
        .find(|t| t.1.eq_ignore_ascii_case(name))
        .map(|t| t.0)
        .ok_or_else(|| {
            let known: Vec<&str> = gguf::GGML_TYPES_LOWER.iter().map(|t| t.1).collect();
            AppError::Usage(format!(
                "{flag} {name}: not a KV cache type ({})",
                known.join(", ")
            ))
        })
}

pub fn run(p: &ProbeArgs, args: &FitArgs) -> Result<Exit, AppError> {
    let opts = Options {
        context: args.context,
        cache_k: cache_type(&args.cache_type_k, "--cache-type-k")?,
        cache_v: cache_type(&args.cache_type_v, "--cache-type-v")?,
        gpus: args.gpus.max(1),
    };
    // The models are this user's files, also when the machine is a replayed snapshot
    // ("would this model fit on that machine?").
    let h = crate::host::live::LiveHost::new();
    let mut models = Vec::new();
    for m in &args.models {
        models.push(crate::fit::load(&h, m).map_err(AppError::Usage)?);
    }
    let mut fast = p.clone();
    fast.fast = true;
    let (Probed { g, .. }, ()) = gather_with(&fast, || ())?;
    let reports: Vec<_> = models
        .iter()
        .map(|m| estimate::fit(m, &opts, &g.facts))
        .collect();
    let mut out = super::output::stdout();
    match args.format {
        FactsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &reports).map_err(|e| out_err(e.into()))?;
            writeln!(out).map_err(out_err)?;
        }
        FactsFormat::Text => {
            for r in &reports {
                estimate::render_text(r, &mut out).map_err(out_err)?;
            }
        }
    }
    let all_fit = reports
        .iter()
        .all(|r| r.gpus.iter().any(|g| g.verdict == Verdict::Fits));
    Ok(if all_fit { Exit::Ok } else { Exit::Problems })
}

/// `--model` on check and report: size the model and add its `model.*` facts.
pub fn add_model_facts(m: &ModelArgs, facts: &mut Facts) -> Result<(), AppError> {
    let Some(arg) = &m.model else {
        return Ok(());
    };
    let model =
        crate::fit::load(&crate::host::live::LiveHost::new(), arg).map_err(AppError::Usage)?;
    let opts = Options {
        context: m.model_context,
        ..Options::default()
    };
    let r = estimate::fit(&model, &opts, facts);
    estimate::to_facts(&r, facts);
    Ok(())
}

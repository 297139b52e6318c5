//! What a model needs in VRAM, term by term, and where it fits.
//!
//! - weights: the exact bytes of every tensor (GGUF: ggml block sizes; safetensors: offsets).
//! - KV cache, as llama.cpp allocates it (`llama_kv_cache`): per cell and layer one K row of
//!   `n_embd_k_gqa = n_head_kv x head_dim_k` elements and one V row of `n_embd_v_gqa`, each
//!   in its cache type (`--cache-type-k/-v`, f16 by default), so
//!   `cells x n_layer x (row(type_k, n_embd_k_gqa) + row(type_v, n_embd_v_gqa))`.
//! - runtime overhead: [`OVERHEAD_MIB`].

use super::gguf::row_bytes;
use super::{KvShape, Model};
use crate::facts::Facts;
use crate::probes::vram_tax::{self, GpuTax};
use serde::Serialize;

pub const MIB: u64 = 1024 * 1024;

/// CUDA context plus compute buffers. llama.cpp logs its compute buffers: 150 MiB (Phi-3
/// mini, n_ubatch 256, in the log the KV test cites), 304 MiB
/// (JamePeng/llama-cpp-python#1, a 7B at n_ubatch 512) and 233 / 237.5 MiB per GPU
/// (ggml-org/llama.cpp#11200, a 32B split over two); the CUDA context itself is not logged
/// and takes a few hundred MiB more. 512 MiB is the margin used here.
pub const OVERHEAD_MIB: u64 = 512;
pub const OVERHEAD_SOURCE: &str = "CUDA context + compute buffers (llama.cpp logs 150-304 MiB of \
                                   compute buffers; the context is not logged)";
pub const DEFAULT_CONTEXT: u64 = 8192;

#[derive(Debug, Clone)]
pub struct Options {
    pub context: Option<u64>,
    /// ggml type ids of the K and V cache.
    pub cache_k: u32,
    pub cache_v: u32,
    /// Tensor-parallel split over this many GPUs.
    pub gpus: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            context: None,
            cache_k: 1,
            cache_v: 1,
            gpus: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kv {
    pub cells: u64,
    pub context_source: &'static str,
    pub shape: KvShape,
    pub type_k: &'static str,
    pub type_v: &'static str,
    pub k_bytes: u64,
    pub v_bytes: u64,
}

/// K and V bytes for `cells` cells (llama.cpp's `K (f16): X MiB, V (f16): Y MiB`).
pub fn kv_bytes(shape: &KvShape, cells: u64, type_k: u32, type_v: u32) -> Option<(u64, u64)> {
    let per = |t: u32, n: u64| {
        row_bytes(t, n)?
            .checked_mul(cells)?
            .checked_mul(shape.n_layer)
    };
    Some((
        per(type_k, shape.n_embd_k_gqa())?,
        per(type_v, shape.n_embd_v_gqa())?,
    ))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Estimate {
    pub weights_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kv: Option<Kv>,
    /// Why there is no KV term (not an LLM, shape unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kv_note: Option<String>,
    pub overhead_bytes: u64,
    pub overhead_source: &'static str,
    pub total_bytes: u64,
}

pub fn estimate(m: &Model, o: &Options) -> Estimate {
    let weights = m.weight_bytes();
    let (cells, source) = match (o.context, m.context_train) {
        (Some(c), _) => (c, "--context"),
        (None, Some(c)) => (c, "the model's own context length"),
        (None, None) => (DEFAULT_CONTEXT, "default (the model states none)"),
    };
    // As llama.cpp names cache types: f16, q8_0.
    let name = |t: u32| {
        super::gguf::GGML_TYPES_LOWER
            .iter()
            .find(|x| x.0 == t)
            .map(|x| x.1)
            .unwrap_or("?")
    };
    let (kv, kv_note) = match &m.kv {
        Some(shape) => match kv_bytes(shape, cells, o.cache_k, o.cache_v) {
            Some((k, v)) => (
                Some(Kv {
                    cells,
                    context_source: source,
                    shape: *shape,
                    type_k: name(o.cache_k),
                    type_v: name(o.cache_v),
                    k_bytes: k,
                    v_bytes: v,
                }),
                None,
            ),
            None => (
                None,
                Some("the cache type does not divide the head dimensions".to_string()),
            ),
        },
        None => (
            None,
            Some(
                "no attention shape in the model's metadata (not an LLM, or no config.json)".into(),
            ),
        ),
    };
    let overhead = OVERHEAD_MIB * MIB;
    let kv_total = kv.as_ref().map(|k| k.k_bytes + k.v_bytes).unwrap_or(0);
    Estimate {
        weights_bytes: weights,
        total_bytes: weights + kv_total + overhead,
        kv,
        kv_note,
        overhead_bytes: overhead,
        overhead_source: OVERHEAD_SOURCE,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Fits,
    FitsWithoutDesktop,
    NeedsOffload,
    DoesNotFit,
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Fits => "fits",
            Verdict::FitsWithoutDesktop => "fits only without the desktop",
            Verdict::NeedsOffload => "needs offloading",
            Verdict::DoesNotFit => "does not fit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GpuFit {
    pub index: usize,
    pub name: String,
    pub total_mib: u64,
    pub free_mib: u64,
    pub desktop_mib: u64,
    /// What this GPU must hold (its share under `--gpus N`).
    pub need_mib: u64,
    pub verdict: Verdict,
    /// llama.cpp `-ngl`: repeating layers that fit now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ngl: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headless_fix: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alternative {
    pub kind: String,
    pub weights_bytes: u64,
    pub total_bytes: u64,
    pub fits_now: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FitReport {
    pub model: String,
    pub path: String,
    pub format: &'static str,
    pub estimate: Estimate,
    pub split_gpus: u32,
    pub gpus: Vec<GpuFit>,
    pub alternatives: Vec<Alternative>,
}

fn mib(b: u64) -> u64 {
    b.div_ceil(MIB)
}

/// Every compute GPU's verdict; under `--gpus N` the first N share the weights and KV.
pub fn fit(m: &Model, o: &Options, facts: &Facts) -> FitReport {
    let e = estimate(m, o);
    let cx = vram_tax::TaxContext::from_facts(facts);
    let n = u64::from(o.gpus.max(1));
    let shared = e.total_bytes - e.overhead_bytes;
    let need = shared.div_ceil(n) + e.overhead_bytes;
    let mut gpus = Vec::new();
    for (i, g) in facts.gpus.iter().enumerate() {
        if !vram_tax::is_compute_gpu(g) {
            continue;
        }
        let Some(total) = g.vram_total_mib else {
            continue;
        };
        let free = total.saturating_sub(g.vram_used_mib.unwrap_or(0));
        let tax = match vram_tax::gpu_tax(g, &cx) {
            Some(Ok(GpuTax { mib, .. })) => mib,
            _ => 0,
        };
        let verdict = if mib(need) <= free {
            Verdict::Fits
        } else if mib(need) <= free + tax {
            Verdict::FitsWithoutDesktop
        } else {
            Verdict::DoesNotFit
        };
        let mut ngl = None;
        let verdict = match verdict {
            Verdict::DoesNotFit if m.format == "gguf" && n == 1 => {
                let layers = offload_layers(m, &e, free);
                ngl = Some(layers);
                if layers > 0 {
                    Verdict::NeedsOffload
                } else {
                    Verdict::DoesNotFit
                }
            }
            v => v,
        };
        gpus.push(GpuFit {
            index: i,
            name: g.name.clone().unwrap_or_else(|| "GPU".into()),
            total_mib: total,
            free_mib: free,
            desktop_mib: tax,
            need_mib: mib(need),
            headless_fix: (verdict == Verdict::FitsWithoutDesktop)
                .then(|| vram_tax::headless_fix(&cx)),
            verdict,
            ngl,
        });
        if gpus.len() as u64 == n && n > 1 {
            break;
        }
    }
    let best_free = gpus.iter().map(|g| g.free_mib).max().unwrap_or(0);
    let alternatives = alternatives(m)
        .into_iter()
        .map(|(kind, w)| {
            let total = w + (e.total_bytes - e.weights_bytes);
            Alternative {
                fits_now: mib(total.saturating_sub(e.overhead_bytes).div_ceil(n) + e.overhead_bytes)
                    <= best_free,
                kind,
                weights_bytes: w,
                total_bytes: total,
            }
        })
        .collect();
    FitReport {
        model: m.name.clone(),
        path: m.path.clone(),
        format: m.format,
        estimate: e,
        split_gpus: o.gpus.max(1),
        gpus,
        alternatives,
    }
}

/// Repeating layers that fit in `free_mib` after the overhead and the non-repeating
/// weights (output, norms), each layer with its share of the KV cache.
fn offload_layers(m: &Model, e: &Estimate, free_mib: u64) -> u64 {
    let Some(n_layer) = m.kv.map(|k| k.n_layer).filter(|&n| n > 0) else {
        return 0;
    };
    let kv = e.kv.as_ref().map(|k| k.k_bytes + k.v_bytes).unwrap_or(0);
    let per_layer = (m.layer_bytes() + kv) / n_layer;
    let fixed = e.overhead_bytes + (m.weight_bytes() - m.layer_bytes());
    let avail = (free_mib * MIB).saturating_sub(fixed);
    if per_layer == 0 {
        return n_layer;
    }
    (avail / per_layer).min(n_layer)
}

/// The same model at smaller types, sized the same way: GGUF with every 2-D weight at a
/// ggml type (a real `_M` mix keeps a few tensors higher), safetensors at FP8.
pub fn alternatives(m: &Model) -> Vec<(String, u64)> {
    let now = m.weight_bytes();
    let mut out = Vec::new();
    if m.format == "gguf" {
        for kind in ["Q8_0", "Q6_K", "Q5_K", "Q4_K", "Q3_K", "Q2_K"] {
            let Some(id) = super::gguf::ggml_type_by_name(kind) else {
                continue;
            };
            let q8 = 8;
            let w: u64 = m
                .tensors
                .iter()
                .map(|t| {
                    if t.dims.len() < 2 {
                        return t.bytes;
                    }
                    let rows: u64 = t.dims[1..].iter().product();
                    let at = |ty: u32| row_bytes(ty, t.dims[0]).map(|r| r * rows);
                    at(id).or_else(|| at(q8)).unwrap_or(t.bytes).min(t.bytes)
                })
                .sum();
            if w < now {
                out.push((kind.to_string(), w));
            }
        }
    } else {
        let w: u64 = m
            .tensors
            .iter()
            .map(|t| {
                let wide = matches!(t.kind.as_str(), "F16" | "BF16" | "F32");
                if t.dims.len() >= 2 && wide {
                    t.dims.iter().product()
                } else {
                    t.bytes
                }
            })
            .sum();
        if w < now {
            out.push(("FP8 (F8_E4M3)".to_string(), w));
        }
    }
    out
}

pub fn render_text(r: &FitReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let e = &r.estimate;
    writeln!(out, "{} ({}, {})", r.model, r.format, r.path)?;
    writeln!(
        out,
        "  weights        {:>8} MiB  (exact, from the file's header)",
        mib(e.weights_bytes)
    )?;
    match &e.kv {
        Some(k) => writeln!(
            out,
            "  KV cache       {:>8} MiB  ({} cells [{}], {} layers, {} KV heads x {}/{} dims, K {} {} MiB + V {} {} MiB)",
            mib(k.k_bytes + k.v_bytes),
            k.cells,
            k.context_source,
            k.shape.n_layer,
            k.shape.n_head_kv,
            k.shape.head_dim_k,
            k.shape.head_dim_v,
            k.type_k,
            mib(k.k_bytes),
            k.type_v,
            mib(k.v_bytes)
        )?,
        None => writeln!(
            out,
            "  KV cache              -      ({})",
            e.kv_note.as_deref().unwrap_or("none")
        )?,
    }
    writeln!(
        out,
        "  overhead       {:>8} MiB  ({})",
        mib(e.overhead_bytes),
        e.overhead_source
    )?;
    writeln!(out, "  total          {:>8} MiB", mib(e.total_bytes))?;
    if r.split_gpus > 1 {
        writeln!(
            out,
            "  split over {} GPUs (tensor parallel): each holds 1/{} of weights and KV plus the overhead",
            r.split_gpus, r.split_gpus
        )?;
    }
    if r.gpus.is_empty() {
        writeln!(out, "  no compute GPU with a known VRAM size was found")?;
    }
    for g in &r.gpus {
        write!(
            out,
            "  GPU {} {}: {} ({} MiB needed, {} of {} MiB free",
            g.index,
            g.name,
            g.verdict.as_str(),
            g.need_mib,
            g.free_mib,
            g.total_mib
        )?;
        if g.desktop_mib > 0 {
            write!(out, ", {} more without the desktop", g.desktop_mib)?;
        }
        writeln!(out, ")")?;
        if let Some(n) = g.ngl {
            writeln!(
                out,
                "      llama.cpp: -ngl {n} (layers that fit on the GPU; the rest run on the CPU)"
            )?;
        }
        if let Some(h) = g.headless_fix {
            writeln!(out, "      how: {h}")?;
        }
    }
    if !r.alternatives.is_empty() {
        writeln!(
            out,
            "  smaller builds of the same model (every 2-D weight at that type; llama.cpp's _M/_S mixes keep a few tensors higher):"
        )?;
    }
    for a in &r.alternatives {
        writeln!(
            out,
            "    {:<14} {:>8} MiB total ({} MiB weights){}",
            a.kind,
            mib(a.total_bytes),
            mib(a.weights_bytes),
            if a.fits_now { ": fits now" } else { "" }
        )?;
    }
    Ok(())
}

/// The `model.*` facts a ruleset can test (`{fact: model.fits, equals: true}`): the first
/// model given, judged on its best GPU. Names in [`crate::facts::vocab::MODEL`].
pub fn to_facts(r: &FitReport, f: &mut Facts) {
    let e = &r.estimate;
    f.set("model.name", r.model.clone());
    f.set("model.format", r.format);
    f.set("model.weights_mib", mib(e.weights_bytes));
    if let Some(k) = &e.kv {
        f.set("model.kv_cache_mib", mib(k.k_bytes + k.v_bytes));
        f.set("model.context", k.cells);
    }
    f.set("model.overhead_mib", mib(e.overhead_bytes));
    f.set("model.total_mib", mib(e.total_bytes));
    let rank = |v: &Verdict| match v {
        Verdict::Fits => 0,
        Verdict::FitsWithoutDesktop => 1,
        Verdict::NeedsOffload => 2,
        Verdict::DoesNotFit => 3,
    };
    let best = r.gpus.iter().min_by_key(|g| rank(&g.verdict));
    let verdict = best
        .map(|g| g.verdict.clone())
        .unwrap_or(Verdict::DoesNotFit);
    f.set("model.fits", verdict == Verdict::Fits);
    f.set(
        "model.fits_without_desktop",
        matches!(verdict, Verdict::Fits | Verdict::FitsWithoutDesktop),
    );
    f.set(
        "model.verdict",
        match verdict {
            Verdict::Fits => "fits",
            Verdict::FitsWithoutDesktop => "fits_without_desktop",
            Verdict::NeedsOffload => "needs_offload",
            Verdict::DoesNotFit => "does_not_fit",
        },
    );
    if let Some(n) = best.and_then(|g| g.ngl) {
        f.set("model.ngl", n);
    }
}

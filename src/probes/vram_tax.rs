//! The VRAM tax: what the desktop holds on the GPUs compute uses, computed after all GPUs
//! are merged, and what going headless gives back.
//!
//! Two ways to measure it:
//! - **per process** (Linux): nvidia-smi's process list, or the kernel's DRM client stats
//!   for AMD and Intel (`drm_clients`); the desktop's processes are summed.
//! - **from the GPU's total use** (Windows WDDM, WSL2): the driver hides per-process memory
//!   ("Not available in WDDM driver model"), but not the GPU's used memory. With no compute
//!   process running, what is in use is what the desktop holds; with one, it is an upper
//!   bound. Inside WSL2 the holder is the Windows host's desktop, which nvidia-smi there
//!   does not list, and no WSL setting gives it back.
//!
//! There is no authoritative figure to compare with: knowledge.md §8 lists anecdotes from
//! ~74 MiB (Xorg + gnome-shell) to several GiB, and ComfyUI reserves 400 MB on Linux /
//! 600 MB on Windows for it (comfy/model_management.py).

use super::display::{basename, is_desktop_process};
use crate::facts::{Facts, Gpu, ProcessKind, Vendor};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxSource {
    PerProcess,
    GpuTotalUse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaxBound {
    Exact,
    /// Some holders could not be measured (unreadable processes, N/A entries).
    LowerBound,
    /// Compute processes use the GPU too; the desktop holds at most this.
    UpperBound,
}

impl TaxSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxSource::PerProcess => "per_process",
            TaxSource::GpuTotalUse => "gpu_total_use",
        }
    }
}

impl TaxBound {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxBound::Exact => "exact",
            TaxBound::LowerBound => "lower_bound",
            TaxBound::UpperBound => "upper_bound",
        }
    }
}

/// The tax on one GPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpuTax {
    pub mib: u64,
    /// Base names of the processes that hold it (those this machine lists).
    pub holders: Vec<String>,
    /// Listed compute processes (they make a total-use figure an upper bound).
    pub compute: Vec<String>,
    pub source: TaxSource,
    pub bound: TaxBound,
}

/// What the per-GPU computation needs from the other facts.
#[derive(Debug, Clone, Default)]
pub struct TaxContext {
    /// nvidia-smi ran, so an empty process list means none.
    pub nvidia_listed: bool,
    pub wsl: bool,
    pub windows: bool,
    /// The DRM client scan ran (AMD and Intel process lists are complete for this user).
    pub drm_scanned: bool,
    pub drm_unreadable: u64,
}

impl TaxContext {
    pub fn from_facts(facts: &Facts) -> TaxContext {
        TaxContext {
            nvidia_listed: facts.get("nvidia.error").is_none(),
            wsl: facts.get_u64("wsl.version") == Some(2),
            windows: facts.get_str("os.family") == Some("windows"),
            drm_scanned: facts.get_bool("drm_clients.scanned") == Some(true),
            drm_unreadable: facts
                .get_u64("drm_clients.unreadable_processes")
                .unwrap_or(0),
        }
    }
}

/// GPUs that models run on: discrete NVIDIA, AMD and Intel (not the iGPU driving a monitor).
pub fn is_compute_gpu(g: &Gpu) -> bool {
    match g.vendor {
        Vendor::Nvidia | Vendor::Amd => g.integrated != Some(true),
        Vendor::Intel => g.integrated == Some(false),
        Vendor::Apple | Vendor::Other => false,
    }
}

/// `None`: not a compute GPU, or nothing says what holds it. `Some(Err(holders))`: the
/// desktop holds memory here but neither measure is available.
pub fn gpu_tax(g: &Gpu, cx: &TaxContext) -> Option<Result<GpuTax, Vec<String>>> {
    if !is_compute_gpu(g) {
        return None;
    }
    let wddm = g
        .driver_model
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("wddm"))
        || cx.wsl
        || cx.windows;
    let mut holders: Vec<String> = Vec::new();
    let mut compute: Vec<String> = Vec::new();
    let mut mib = 0u64;
    let mut missing = false;
    // A PID is counted once per GPU: the same Xorg holds memory on each GPU it uses.
    let mut seen: BTreeSet<(Option<u32>, String)> = BTreeSet::new();
    for p in &g.processes {
        let base = basename(&p.name).to_string();
        if !seen.insert((p.pid, base.clone())) {
            continue;
        }
        if p.kind == ProcessKind::Compute {
            if !compute.contains(&base) {
                compute.push(base);
            }
            continue;
        }
        // Under WDDM every graphics process is the desktop's (Windows lists only those
        // with a window); on Linux only the desktop's own processes and browsers count.
        if !wddm && !is_desktop_process(&p.name) {
            continue;
        }
        match p.used_mib {
            Some(m) => mib = mib.saturating_add(m),
            None => missing = true,
        }
        if !holders.contains(&base) {
            holders.push(base);
        }
    }
    if wddm {
        return Some(match g.vram_used_mib {
            Some(used) => Ok(GpuTax {
                mib: used,
                bound: if compute.is_empty() {
                    TaxBound::Exact
                } else {
                    TaxBound::UpperBound
                },
                holders,
                compute,
                source: TaxSource::GpuTotalUse,
            }),
            None if g.processes.is_empty() => return None,
            None => Err(holders),
        });
    }
    let listed = match g.vendor {
        Vendor::Nvidia => cx.nvidia_listed,
        Vendor::Amd | Vendor::Intel => cx.drm_scanned,
        Vendor::Apple | Vendor::Other => false,
    };
    if !listed && g.processes.is_empty() {
        return None;
    }
    let unreadable = matches!(g.vendor, Vendor::Amd | Vendor::Intel) && cx.drm_unreadable > 0;
    Some(Ok(GpuTax {
        mib,
        holders,
        compute,
        source: TaxSource::PerProcess,
        bound: if missing || unreadable {
            TaxBound::LowerBound
        } else {
            TaxBound::Exact
        },
    }))
}

/// The tax of every GPU, in `facts.gpus` order.
pub fn taxes(facts: &Facts) -> Vec<Option<Result<GpuTax, Vec<String>>>> {
    let cx = TaxContext::from_facts(facts);
    facts.gpus.iter().map(|g| gpu_tax(g, &cx)).collect()
}

/// How to give the tax back, on this platform.
pub fn headless_fix(cx: &TaxContext) -> &'static str {
    if cx.wsl {
        "Nothing inside WSL gives it back and no .wslconfig setting does: the Windows host's \
         desktop holds it. On Windows, plug the monitors into the integrated GPU (motherboard \
         outputs), or run the machine headless and reach it over the network."
    } else if cx.windows {
        "Plug the monitors into the integrated GPU (motherboard outputs) so that dwm.exe \
         composites there, or run the machine headless and reach it over the network \
         (Remote Desktop renders without the discrete GPU's display)."
    } else {
        "Drive the display from the integrated GPU (motherboard outputs) or another GPU, or \
         boot without a desktop: `sudo systemctl set-default multi-user.target` and reboot \
         (undo with `sudo systemctl set-default graphical.target`); closing browsers gives \
         part of it back now."
    }
}

/// Computed after all GPUs are merged: the `display.*` tax facts.
pub fn derive(facts: &mut Facts) {
    let cx = TaxContext::from_facts(facts);
    let per_gpu = taxes(facts);
    let mut total = 0u64;
    let mut holders: Vec<String> = Vec::new();
    let mut compute: Vec<String> = Vec::new();
    let mut measured_any = false;
    let mut unmeasured = false;
    let mut source = TaxSource::PerProcess;
    let mut bound = TaxBound::Exact;
    let mut gpus_seen = 0;
    let add_names = |into: &mut Vec<String>, names: &[String]| {
        for n in names {
            if !into.contains(n) {
                into.push(n.clone());
            }
        }
    };
    for t in per_gpu.iter().flatten() {
        gpus_seen += 1;
        match t {
            Ok(t) => {
                measured_any = true;
                total = total.saturating_add(t.mib);
                add_names(&mut holders, &t.holders);
                add_names(&mut compute, &t.compute);
                if t.source == TaxSource::GpuTotalUse {
                    source = TaxSource::GpuTotalUse;
                }
                bound = bound.max(t.bound);
            }
            Err(h) => {
                unmeasured = true;
                add_names(&mut holders, h);
            }
        }
    }
    if gpus_seen == 0 {
        return;
    }
    // The desktop's own processes first (dwm.exe, Xorg), then the apps.
    holders.sort_by_key(|h| (!is_desktop_process(h), h.to_ascii_lowercase()));
    if unmeasured && bound == TaxBound::Exact {
        bound = TaxBound::LowerBound;
    }
    if !measured_any {
        facts.set_error(
            "display",
            "not_measurable",
            "the driver reports neither per-process VRAM nor the GPU's used memory here; \
             Task Manager's \"Dedicated GPU memory\" column shows it on Windows",
        );
        facts.set("display.tax_processes", holders);
        facts.set("display.tax_measured", false);
        return;
    }
    let summary = summary(total, &holders, &compute, source, bound, &cx);
    facts.set("display.vram_tax_mib", total);
    facts.set("display.tax_processes", holders);
    facts.set("display.tax_measured", !unmeasured);
    facts.set("display.tax_source", source.as_str());
    facts.set("display.tax_bound", bound.as_str());
    facts.set(
        "display.tax_holder",
        if cx.wsl { "windows_host" } else { "desktop" },
    );
    facts.set("display.tax_summary", summary);
    if cx.drm_unreadable > 0
        && facts
            .gpus
            .iter()
            .any(|g| is_compute_gpu(g) && matches!(g.vendor, Vendor::Amd | Vendor::Intel))
    {
        facts.set("display.tax_unreadable_processes", cx.drm_unreadable);
    }
    facts.set("display.headless_gain_mib", total);
    facts.set("display.headless_fix", headless_fix(&cx));
}

fn summary(
    total: u64,
    holders: &[String],
    compute: &[String],
    source: TaxSource,
    bound: TaxBound,
    cx: &TaxContext,
) -> String {
    let names = if holders.is_empty() {
        "no desktop process".to_string()
    } else {
        holders.join(", ")
    };
    let mut s = match source {
        TaxSource::GpuTotalUse if total == 0 => {
            "0 MiB in use on the GPU, measured from its total use: the desktop holds nothing \
             here (the display runs on another GPU)"
                .to_string()
        }
        TaxSource::PerProcess => {
            format!("{total} MiB held by the desktop ({names}), measured per process")
        }
        TaxSource::GpuTotalUse if cx.wsl => format!(
            "{total} MiB in use on the GPU, measured from its total use (WDDM hides \
             per-process memory): the Windows host's desktop holds it, which nvidia-smi \
             inside WSL does not list, and no WSL setting gives it back"
        ),
        TaxSource::GpuTotalUse => format!(
            "{total} MiB in use on the GPU with only graphics processes listed ({names}), \
             measured from its total use (WDDM hides per-process memory): held by the desktop"
        ),
    };
    match bound {
        TaxBound::Exact => {}
        TaxBound::UpperBound => s.push_str(&format!(
            "; an upper bound, because compute processes ({}) run too",
            compute.join(", ")
        )),
        TaxBound::LowerBound if cx.drm_unreadable > 0 => s.push_str(&format!(
            "; a lower bound: {} of other users could not be inspected (run as root to \
             count them)",
            match cx.drm_unreadable {
                1 => "1 process".to_string(),
                n => format!("{n} processes"),
            }
        )),
        TaxBound::LowerBound => s.push_str("; a lower bound: some processes report no memory"),
    }
    s
}

#[cfg(test)]
#[path = "vram_tax_tests.rs"]
mod tests;

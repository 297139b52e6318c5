//! `aidoctor facts`: the facts as a readable summary, grouped by area.

use super::style::Styler;
use crate::facts::{Facts, Gpu};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Areas in the order a person reads a machine; others follow alphabetically.
const AREA_ORDER: &[&str] = &[
    "os",
    "memory",
    "swap",
    "disk",
    "cpu",
    "wsl",
    "container",
    "gpu",
    "display",
    "nvidia",
    "cuda",
    "rocm",
    "docker",
    "nvidia_ctk",
    "python",
    "torch",
    "user",
    "updates",
];

pub use crate::facts::value_text;

pub fn render(facts: &Facts, s: &Styler, w: &mut dyn Write) -> io::Result<()> {
    let mut areas: BTreeMap<&str, Vec<(&str, &Value)>> = BTreeMap::new();
    for (k, v) in facts.values() {
        let (area, rest) = k.split_once('.').unwrap_or((k.as_str(), ""));
        areas.entry(area).or_default().push((rest, v));
    }
    let mut order: Vec<&str> = AREA_ORDER
        .iter()
        .copied()
        .filter(|a| areas.contains_key(a))
        .collect();
    order.extend(areas.keys().copied().filter(|a| !AREA_ORDER.contains(a)));

    let width = facts
        .values()
        .keys()
        .map(|k| k.split_once('.').map_or(k.len(), |(_, r)| r.len()))
        .max()
        .unwrap_or(10)
        .min(28);
    for area in order {
        writeln!(w, "{}", s.bold(area))?;
        for (key, v) in &areas[area] {
            let text = value_text(v);
            let shown = if key.starts_with("error") {
                s.red(&text)
            } else {
                text
            };
            writeln!(w, "  {:<width$}  {}", key, shown)?;
        }
    }
    writeln!(w, "{}", s.bold("gpus"))?;
    if facts.gpus.is_empty() {
        writeln!(w, "  (no GPU found)")?;
    }
    for (i, g) in facts.gpus.iter().enumerate() {
        writeln!(w, "  [{i}] {}", gpu_line(g))?;
        for p in &g.processes {
            let mem = p
                .used_mib
                .map(|m| format!("{m} MiB"))
                .unwrap_or_else(|| "memory n/a".into());
            let kind = serde_json::to_value(p.kind)
                .ok()
                .map(|v| value_text(&v))
                .unwrap_or_default();
            writeln!(
                w,
                "      {} {}",
                s.dim(&format!("{kind:<16}")),
                format_args!("{} ({mem})", p.name)
            )?;
        }
    }
    Ok(())
}

/// One line describing a GPU: name, VRAM, capability, ids.
pub fn gpu_line(g: &Gpu) -> String {
    let mut parts = vec![
        g.name
            .clone()
            .unwrap_or_else(|| format!("{} GPU", g.vendor.as_str())),
    ];
    match (g.vram_total_mib, g.vram_used_mib) {
        (Some(t), Some(u)) => parts.push(format!("{t} MiB ({u} used)")),
        (Some(t), None) => parts.push(format!("{t} MiB")),
        _ => {}
    }
    if let Some(cc) = &g.compute_capability {
        parts.push(format!("compute {cc}"));
    }
    if let Some(t) = &g.gfx_target {
        parts.push(t.clone());
    }
    if g.integrated == Some(true) {
        parts.push("integrated".into());
    }
    if let Some(m) = &g.driver_model {
        parts.push(m.clone());
    }
    if g.display_active == Some(true) {
        parts.push("drives a display".into());
    }
    let mut ids = Vec::new();
    if let Some(id) = &g.pci_id {
        ids.push(id.clone());
    }
    if let Some(a) = &g.pci_address {
        ids.push(a.clone());
    }
    if let Some(d) = &g.driver {
        ids.push(format!("driver {d}"));
    }
    if !ids.is_empty() {
        parts.push(format!("[{}]", ids.join(" ")));
    }
    parts.join(", ")
}

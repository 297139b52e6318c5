//! A Mac's GPUs: `system_profiler SPDisplaysDataType -json` (Apple silicon, and the Intel/AMD
//! GPUs of Intel Macs). Runs only on macOS.

use super::{Ctx, Probe};
use crate::facts::{Facts, Gpu, Vendor};
use crate::host::{Host, Platform};
use serde_json::Value;

pub static PROBE: Probe = Probe {
    name: "macos_gpu",
    summary: "A Mac's GPUs (model, cores, unified memory): system_profiler SPDisplaysDataType.",
    facts: crate::facts::vocab::MACOS_GPU,
    slow: false,
    run,
};

pub const ARGV: [&str; 3] = ["system_profiler", "SPDisplaysDataType", "-json"];

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    if host.platform() != Platform::Macos {
        return f;
    }
    // system_profiler gathers every data type's providers first and can take seconds on a
    // busy machine (more with many displays attached).
    let timeout = ctx.timeout * 3;
    let out = host.run(&ARGV, timeout);
    if out.spawn_error.is_some() {
        f.set_error(
            "macos_gpu",
            "not_found",
            "`system_profiler` could not be run (it lives in /usr/sbin)",
        );
        return f;
    }
    if out.timed_out {
        f.set_error(
            "macos_gpu",
            "timeout",
            format!(
                "`system_profiler SPDisplaysDataType -json` took longer than {} s",
                timeout.as_secs()
            ),
        );
        return f;
    }
    match parse_displays(&out.stdout_text()) {
        Ok(gpus) => f.gpus = gpus,
        Err(e) => f.set_error(
            "macos_gpu",
            "other",
            format!("{e}: {}", out.stderr_text().trim())
                .trim_end_matches(": ")
                .to_string(),
        ),
    }
    f
}

/// The GPUs of `system_profiler SPDisplaysDataType -json`, one per entry. Keys differ by
/// macOS release: the model is `sppci_model` (or `_name`, which macOS 11 printed as a
/// localisation key such as `kHW_AppleM1Item`); the vendor is `spdisplays_vendor`
/// (`sppci_vendor_Apple`, `Intel`, `AMD (0x1002)`) or its id.
pub fn parse_displays(text: &str) -> Result<Vec<Gpu>, String> {
    let v: Value = serde_json::from_str(text.trim())
        .map_err(|e| format!("system_profiler's JSON could not be read ({e})"))?;
    let items = v
        .get("SPDisplaysDataType")
        .and_then(Value::as_array)
        .ok_or("system_profiler's JSON has no SPDisplaysDataType list")?;
    Ok(items.iter().filter_map(gpu).collect())
}

fn gpu(item: &Value) -> Option<Gpu> {
    let s = |k: &str| {
        item.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let name = s("sppci_model").or(s("_name")).map(model_name)?;
    let vendor = s("spdisplays_vendor-id")
        .map(Vendor::from_pci)
        .filter(|v| *v != Vendor::Other)
        .or_else(|| s("spdisplays_vendor").and_then(vendor_from_text))
        .or_else(|| vendor_from_text(&name))
        .unwrap_or(Vendor::Other);
    let mut g = Gpu::new(vendor);
    g.cores = s("sppci_cores").and_then(|c| c.parse().ok());
    if vendor == Vendor::Apple {
        g.integrated = Some(true);
        g.unified_memory = Some(true);
    } else {
        g.integrated = s("sppci_bus").map(|b| b == "spdisplays_builtin");
        g.vram_total_mib = s("spdisplays_vram")
            .or(s("_spdisplays_vram"))
            .and_then(size_mib);
    }
    g.display_active = item
        .get("spdisplays_ndrvs")
        .and_then(Value::as_array)
        .map(|d| !d.is_empty());
    g.name = Some(name);
    Some(g)
}

/// `kHW_AppleM1Item` -> `Apple M1`; a printed name is kept.
fn model_name(raw: &str) -> String {
    let Some(key) = raw
        .strip_prefix("kHW_")
        .and_then(|k| k.strip_suffix("Item"))
    else {
        return raw.to_string();
    };
    let mut out = String::new();
    for (i, c) in key.char_indices() {
        // A word starts at an upper-case letter after a lower-case one ("AppleM1": "Apple M1").
        let prev = key[..i].chars().next_back();
        if i > 0 && c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_ascii_lowercase()) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn vendor_from_text(t: &str) -> Option<Vendor> {
    let t = t.to_ascii_lowercase();
    if t.contains("apple") {
        Some(Vendor::Apple)
    } else if t.contains("intel") {
        Some(Vendor::Intel)
    } else if t.contains("amd") || t.contains("ati") || t.contains("radeon") {
        Some(Vendor::Amd)
    } else if t.contains("nvidia") {
        Some(Vendor::Nvidia)
    } else {
        None
    }
}

/// "1536 MB", "8 GB" -> MiB.
fn size_mib(t: &str) -> Option<u64> {
    let mut w = t.split_whitespace();
    let n: u64 = w.next()?.parse().ok()?;
    match w.next()?.to_ascii_uppercase().as_str() {
        "MB" => Some(n),
        "GB" => Some(n * 1024),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;
    use crate::testutil::sample;

    /// The stored copies of these outputs stop inside the first display; this closes the
    /// JSON (drop the dangling comma, close the display, the list, the GPU, the list, the
    /// object) and adds nothing else.
    fn closed(truncated: &str) -> String {
        format!(
            "{}\n        }}\n      ]\n    }}\n  ]\n}}\n",
            truncated.trim_end().trim_end_matches(',')
        )
    }

    #[test]
    fn apple_silicon_new_keys() {
        let t = sample("macos/system-profiler-displays-json-m3pro-3displays-truncated.txt");
        let gpus = parse_displays(&closed(&t)).unwrap();
        assert_eq!(gpus.len(), 1);
        let g = &gpus[0];
        assert_eq!(g.vendor, Vendor::Apple);
        assert_eq!(g.name.as_deref(), Some("Apple M3 Pro"));
        assert_eq!(g.integrated, Some(true));
        assert_eq!(g.unified_memory, Some(true));
        assert_eq!(g.display_active, Some(true));
        // The copy holds no sppci_cores line: the count is absent, not guessed.
        assert_eq!(g.cores, None);
    }

    #[test]
    fn apple_silicon_macos11_keys() {
        let t = sample("macos/system-profiler-displays-json-m1-2021-old-keys-truncated.txt");
        let gpus = parse_displays(&closed(&t)).unwrap();
        assert_eq!(gpus[0].vendor, Vendor::Apple);
        assert_eq!(gpus[0].name.as_deref(), Some("Apple M1"));
    }

    #[test]
    fn cores_vram_and_intel_macs() {
        let j = r#"{"SPDisplaysDataType":[
          {"_name":"kHW_IntelIris6100Item","sppci_model":"Intel Iris Graphics 6100","sppci_bus":"spdisplays_builtin","spdisplays_vendor":"Intel","spdisplays_vram_shared":"1536 MB"},
          {"_name":"AMD Radeon Pro 5500M","sppci_model":"AMD Radeon Pro 5500M","sppci_bus":"spdisplays_pcie","spdisplays_vendor":"sppci_vendor_amd","spdisplays_vram":"8 GB","spdisplays_ndrvs":[]},
          {"_name":"Apple M1 Pro","sppci_model":"Apple M1 Pro","sppci_cores":"16","spdisplays_vendor":"sppci_vendor_Apple"}]}"#;
        let g = parse_displays(j).unwrap();
        assert_eq!(g[0].vendor, Vendor::Intel);
        assert_eq!(g[0].integrated, Some(true));
        assert_eq!(g[1].vendor, Vendor::Amd);
        assert_eq!(g[1].vram_total_mib, Some(8192));
        assert_eq!(g[1].display_active, Some(false));
        assert_eq!(g[2].cores, Some(16));
        assert_eq!(g[2].vendor, Vendor::Apple);
    }

    #[test]
    fn failures_are_facts() {
        let mac = || FakeHost::new().platform(Platform::Macos);
        // The verbatim truncated copy is exactly what a cut-off output looks like.
        let t = sample("macos/system-profiler-displays-json-m3pro-3displays-truncated.txt");
        let f = run(&mac().cmd(&ARGV, t), &Ctx::default());
        assert_eq!(f.get_str("macos_gpu.error"), Some("other"));
        assert!(f.gpus.is_empty());
        let f = run(&mac(), &Ctx::default());
        assert_eq!(f.get_str("macos_gpu.error"), Some("not_found"));
        let f = run(&mac().cmd_timeout(&ARGV), &Ctx::default());
        assert_eq!(f.get_str("macos_gpu.error"), Some("timeout"));
        // Not a Mac: nothing asked, nothing said.
        let f = run(&FakeHost::new(), &Ctx::default());
        assert_eq!(f, Facts::new());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let _ = parse_displays(&s);
            let _ = model_name(&s);
            let _ = size_mib(&s);
        }
    }
}

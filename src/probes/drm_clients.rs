//! VRAM per process on AMD and Intel GPUs (Linux): the kernel's DRM client usage stats.
//!
//! Every open DRM file has `/proc/<pid>/fdinfo/<fd>` with `drm-driver`, `drm-pdev` (the GPU's
//! PCI address), `drm-client-id` and memory per region (kernel
//! Documentation/gpu/drm-usage-stats.rst): `drm-total-<region>` / `drm-resident-<region>`
//! since Linux 6.2's common helper, and amdgpu's older `drm-memory-vram`. The VRAM regions are
//! `vram` (amdgpu), `vram0`, `vram1`... (xe) and `local0`... (i915 on discrete cards). This is
//! what nvtop and amdgpu_top show. NVIDIA GPUs are left to nvidia-smi.

use super::{Ctx, Probe};
use crate::facts::{Facts, Gpu, GpuProcess, ProcessKind, Vendor, normalize_pci_address};
use crate::host::{DrmFdinfoScan, Host, Platform};
use std::collections::{BTreeMap, BTreeSet};

pub static PROBE: Probe = Probe {
    name: "drm_clients",
    summary: "VRAM per process on AMD and Intel GPUs, from DRM fdinfo (/proc/<pid>/fdinfo).",
    facts: crate::facts::vocab::DRM_CLIENTS,
    slow: false,
    run,
};

fn run(host: &dyn Host, _ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    if host.platform() != Platform::Linux {
        return f;
    }
    match host.drm_fdinfo() {
        Ok(scan) => from_scan(&scan, &mut f),
        Err(e) => {
            let code = match e.kind() {
                std::io::ErrorKind::NotFound => "not_found",
                std::io::ErrorKind::PermissionDenied => "permission_denied",
                _ => "other",
            };
            f.set_error(
                "drm_clients",
                code,
                format!("cannot read the DRM clients in /proc: {e}"),
            );
        }
    }
    f
}

/// One open DRM file, as its fdinfo describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrmClient {
    pub driver: String,
    pub pdev: Option<String>,
    pub client_id: Option<u64>,
    /// VRAM held, in bytes; `None` when the driver reports no VRAM region (an iGPU).
    pub vram_bytes: Option<u64>,
}

/// Parse one fdinfo file; `None` when it is not a DRM file (no `drm-driver`).
pub fn parse_fdinfo(text: &str) -> Option<DrmClient> {
    let mut c = DrmClient::default();
    let mut driver = None;
    // Per VRAM region: (resident, total, legacy drm-memory).
    let mut regions: BTreeMap<&str, [Option<u64>; 3]> = BTreeMap::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "drm-driver" if !value.is_empty() => driver = Some(value.to_string()),
            "drm-pdev" if !value.is_empty() => c.pdev = Some(value.to_string()),
            "drm-client-id" => c.client_id = value.parse().ok(),
            _ => {
                for (slot, prefix) in ["drm-resident-", "drm-total-", "drm-memory-"]
                    .iter()
                    .enumerate()
                {
                    if let Some(region) = key.strip_prefix(prefix)
                        && is_vram_region(region)
                        && let Some(bytes) = parse_bytes(value)
                    {
                        regions.entry(region).or_default()[slot] = Some(bytes);
                    }
                }
            }
        }
    }
    c.driver = driver?;
    if !regions.is_empty() {
        // Resident is what sits in VRAM now; total and the legacy key are the fallbacks.
        c.vram_bytes = Some(
            regions
                .values()
                .filter_map(|[r, t, m]| r.or(*t).or(*m))
                .fold(0u64, u64::saturating_add),
        );
    }
    Some(c)
}

/// `vram`, `vram0`, `local1` are device memory; `gtt`, `cpu`, `system`, `stolen-local0` not.
fn is_vram_region(region: &str) -> bool {
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    region
        .strip_prefix("vram")
        .or_else(|| region.strip_prefix("local").filter(|n| !n.is_empty()))
        .is_some_and(digits)
}

/// `<uint> [KiB|MiB]`, bytes when no unit is given.
pub fn parse_bytes(value: &str) -> Option<u64> {
    let mut parts = value.split_whitespace();
    let n: u64 = parts.next()?.parse().ok()?;
    let mul = match parts.next() {
        None => 1,
        Some("KiB") => 1024,
        Some("MiB") => 1024 * 1024,
        Some("GiB") => 1024 * 1024 * 1024,
        Some(_) => return None,
    };
    Some(n.saturating_mul(mul))
}

fn vendor_of(driver: &str) -> Option<Vendor> {
    match driver {
        "amdgpu" | "radeon" => Some(Vendor::Amd),
        "i915" | "xe" => Some(Vendor::Intel),
        // nvidia-smi lists NVIDIA's processes with their memory; other drivers (panfrost,
        // msm, v3d, amdxdna NPUs) have no VRAM of their own.
        _ => None,
    }
}

/// Group the clients by GPU (drm-pdev) and process, counting each DRM client once: a
/// duplicated or passed fd carries the same drm-client-id (the first PID seen keeps it).
pub fn from_scan(scan: &DrmFdinfoScan, f: &mut Facts) {
    // How many processes were looked at moves from run to run; that the scan ran does not.
    f.set("drm_clients.scanned", true);
    f.set(
        "drm_clients.unreadable_processes",
        u64::from(scan.unreadable),
    );
    f.set("drm_clients.truncated", scan.truncated);
    let mut seen: BTreeSet<(String, u64)> = BTreeSet::new();
    // pdev -> (vendor, driver, pid -> (comm, bytes))
    type PerPid = BTreeMap<u32, (String, u64)>;
    let mut gpus: BTreeMap<String, (Vendor, String, PerPid)> = BTreeMap::new();
    for fd in &scan.fds {
        let Some(c) = parse_fdinfo(&fd.fdinfo) else {
            continue;
        };
        let (Some(vendor), Some(pdev)) = (
            vendor_of(&c.driver),
            c.pdev.as_deref().and_then(normalize_pci_address),
        ) else {
            continue;
        };
        if let Some(id) = c.client_id
            && !seen.insert((pdev.clone(), id))
        {
            continue;
        }
        let entry = gpus
            .entry(pdev)
            .or_insert_with(|| (vendor, c.driver.clone(), BTreeMap::new()));
        let p = entry
            .2
            .entry(fd.pid)
            .or_insert_with(|| (fd.comm.clone(), 0));
        p.1 = p.1.saturating_add(c.vram_bytes.unwrap_or(0));
    }
    for (pdev, (vendor, driver, procs)) in gpus {
        let mut g = Gpu::new(vendor);
        g.pci_address = Some(pdev);
        g.driver = Some(driver);
        g.processes = procs
            .into_iter()
            .map(|(pid, (comm, bytes))| GpuProcess {
                pid: Some(pid),
                kind: if super::display::is_desktop_process(&comm) {
                    ProcessKind::Graphics
                } else {
                    // fdinfo does not tell compute from graphics.
                    ProcessKind::Both
                },
                name: comm,
                used_mib: Some(bytes / (1024 * 1024)),
            })
            .collect();
        f.gpus.push(g);
    }
}

#[cfg(test)]
#[path = "drm_clients_tests.rs"]
mod tests;

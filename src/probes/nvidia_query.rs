//! `nvidia-smi -q`: the indented "Key : value" report.
//!
//! The layout has held since the 3xx drivers, but fields come and go between generations
//! (no `CUDA Version` before 410, no `MIG Mode` before 450, `KMD Version` / `CUDA UMD
//! Version` from 610 with the old lines marked deprecated) and Windows/WSL2 print different
//! values (WDDM, no per-process memory). So the parser tracks the section path by
//! indentation and matches the few paths it needs, ignoring everything else; a field it does
//! not find stays `None`.

use crate::facts::{GpuProcess, PcieLink, ProcessKind, normalize_pci_address};

/// What `nvidia-smi -q` says about the driver and each physical GPU.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NvidiaQuery {
    /// As printed ("535.104.05"); from `KMD Version` on 610+.
    pub driver_version: Option<String>,
    /// The highest CUDA the driver supports ("12.2"); absent before driver 410.
    pub cuda_version: Option<String>,
    /// The `Attached GPUs` count.
    pub attached_gpus: Option<u32>,
    /// One per `GPU 00000000:01:00.0` section, in nvidia-smi index order. MIG devices are
    /// subsections of their GPU, not entries here.
    pub gpus: Vec<QueryGpu>,
}

/// One `GPU <bus id>` section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryGpu {
    pub name: Option<String>,
    /// "10de:2684", from `PCI > Device Id` (0x268410DE: device id then vendor id).
    pub pci_id: Option<String>,
    /// "0000:01:00.0", from the section header (or `PCI > Bus Id`).
    pub pci_address: Option<String>,
    pub vram_total_mib: Option<u64>,
    pub vram_used_mib: Option<u64>,
    pub display_active: Option<bool>,
    /// A monitor is plugged in (not necessarily driven); 530+ only.
    pub display_attached: Option<bool>,
    /// "WDDM", "TCC" or "MCDM" (Windows and WSL2); `None` where it is N/A (Linux).
    pub driver_model: Option<String>,
    /// "Enabled" / "Disabled"; `None` on GPUs without MIG.
    pub mig_mode: Option<String>,
    pub pcie_link: PcieLink,
    pub processes: Vec<GpuProcess>,
}

/// Parse `nvidia-smi -q` text. Never panics; unknown or unreadable values become `None`.
pub fn parse_query(text: &str) -> NvidiaQuery {
    let mut q = NvidiaQuery::default();
    let mut kmd_version = None;
    let mut umd_version = None;
    // Open sections inside the current GPU: (indent, name).
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut in_gpu = false;

    for raw in text.lines() {
        let line = raw.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let content = line.trim_start();
        while path.last().is_some_and(|(i, _)| *i >= indent) {
            path.pop();
        }
        let kv = split_key_value(content);

        if indent == 0 {
            path.clear();
            match kv {
                Some((key, value)) => {
                    in_gpu = false;
                    match key {
                        "Driver Version" => q.driver_version = value.and_then(version_only),
                        "KMD Version" => kmd_version = value.and_then(version_only),
                        "CUDA Version" => q.cuda_version = value.and_then(version_only),
                        "CUDA UMD Version" => umd_version = value.and_then(version_only),
                        "Attached GPUs" => q.attached_gpus = value.and_then(|v| v.parse().ok()),
                        _ => {}
                    }
                }
                None => {
                    // "GPU 00000000:01:00.0" opens a GPU; anything else (the NVSMI LOG banner,
                    // "Unable to determine the device handle for GPU..." lines) closes it.
                    in_gpu = false;
                    if let Some(addr) = content.strip_prefix("GPU ") {
                        in_gpu = true;
                        q.gpus.push(QueryGpu {
                            pci_address: normalize_pci_address(addr),
                            ..QueryGpu::default()
                        });
                    }
                }
            }
            continue;
        }
        let Some(gpu) = q.gpus.last_mut().filter(|_| in_gpu) else {
            continue;
        };
        match kv {
            None => path.push((indent, content.to_string())),
            Some((key, value)) => {
                let sections: Vec<&str> = path.iter().map(|(_, n)| n.as_str()).collect();
                apply_field(gpu, &sections, key, value);
            }
        }
    }
    // 610+ marks the old header lines deprecated; the new ones are authoritative.
    if kmd_version.is_some() {
        q.driver_version = kmd_version;
    }
    if umd_version.is_some() {
        q.cuda_version = umd_version;
    }
    q
}

/// One "Key : value" line inside a GPU section, located by its enclosing sections.
fn apply_field(gpu: &mut QueryGpu, sections: &[&str], key: &str, value: Option<&str>) {
    match (sections, key) {
        ([], "Product Name") => gpu.name = value.map(str::to_string),
        ([], "Display Active") => gpu.display_active = value.and_then(parse_bool),
        ([], "Display Attached") => gpu.display_attached = value.and_then(parse_bool),
        (["MIG Mode"], "Current") => gpu.mig_mode = value.map(str::to_string),
        (["Driver Model"], "Current") => gpu.driver_model = value.map(str::to_ascii_uppercase),
        (["PCI"], "Device Id") => gpu.pci_id = value.and_then(pci_id_from_device_id),
        (["PCI"], "Bus Id") if gpu.pci_address.is_none() => {
            gpu.pci_address = value.and_then(normalize_pci_address);
        }
        (["PCI", "GPU Link Info", "PCIe Generation"], "Current") => {
            gpu.pcie_link.generation = value.and_then(parse_link_number)
        }
        (["PCI", "GPU Link Info", "PCIe Generation"], "Max") => {
            gpu.pcie_link.max_generation = value.and_then(parse_link_number)
        }
        (["PCI", "GPU Link Info", "Link Width"], "Current") => {
            gpu.pcie_link.width = value.and_then(parse_link_number)
        }
        (["PCI", "GPU Link Info", "Link Width"], "Max") => {
            gpu.pcie_link.max_width = value.and_then(parse_link_number)
        }
        (["FB Memory Usage"], "Total") => gpu.vram_total_mib = value.and_then(parse_mib),
        (["FB Memory Usage"], "Used") => gpu.vram_used_mib = value.and_then(parse_mib),
        (["Processes"], "Process ID") => gpu.processes.push(GpuProcess {
            pid: value.and_then(|v| v.parse().ok()),
            name: String::new(),
            kind: ProcessKind::Compute,
            used_mib: None,
        }),
        (["Processes"], "Type") => {
            if let Some(p) = gpu.processes.last_mut() {
                match value.and_then(process_kind) {
                    Some(k) => p.kind = k,
                    // A type we cannot read: the entry says nothing reliable, drop it.
                    None => {
                        gpu.processes.pop();
                    }
                }
            }
        }
        (["Processes"], "Name") => {
            if let Some(p) = gpu.processes.last_mut() {
                p.name = value.unwrap_or_default().to_string();
            }
        }
        (["Processes"], "Used GPU Memory") => {
            if let Some(p) = gpu.processes.last_mut() {
                p.used_mib = value.and_then(parse_mib);
            }
        }
        _ => {}
    }
}

/// "Key      : value" -> (key, value), `None` value for the ways nvidia-smi says "unknown".
/// The separator is the first colon after a space: keys never hold one, values often do
/// (bus ids, times, `C:\Windows\...`), and the GPU header `GPU 00000000:01:00.0` has none.
fn split_key_value(content: &str) -> Option<(&str, Option<&str>)> {
    let bytes = content.as_bytes();
    let pos = (1..bytes.len()).find(|&i| bytes[i] == b':' && bytes[i - 1] == b' ')?;
    let key = content.get(..pos)?.trim();
    let value = content.get(pos + 1..)?.trim();
    if key.is_empty() {
        return None;
    }
    Some((key, known(value)))
}

/// `None` for the placeholders nvidia-smi prints instead of a value.
pub(crate) fn known(value: &str) -> Option<&str> {
    let v = value.trim();
    let bare = v
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(v)
        .trim();
    let lower = bare.to_ascii_lowercase();
    let placeholder = bare.is_empty()
        || matches!(
            lower.as_str(),
            "n/a"
                | "err!"
                | "unknown error"
                | "not supported"
                | "insufficient permissions"
                | "requested functionality has been deprecated"
                | "gpu is lost"
                | "gpu requires reset"
        )
        || lower.starts_with("not available");
    (!placeholder).then_some(bare)
}

/// "610.57.04 [Deprecated; will be removed in CUDA 14.0. ...]" -> "610.57.04".
fn version_only(value: &str) -> Option<String> {
    let v = value.split(" [").next().unwrap_or(value).trim();
    (!v.is_empty() && v.starts_with(|c: char| c.is_ascii_digit())).then(|| v.to_string())
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "enabled" | "yes" | "on" | "true" => Some(true),
        "disabled" | "no" | "off" | "false" => Some(false),
        _ => None,
    }
}

/// "81559 MiB" -> 81559. Very old drivers wrote "MB" for the same unit.
pub(crate) fn parse_mib(value: &str) -> Option<u64> {
    let mut parts = value.split_whitespace();
    let n: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        None | Some("MiB") | Some("MB") => Some(n),
        Some("GiB") | Some("GB") => n.checked_mul(1024),
        _ => None,
    }
}

/// PCIe generation "4" or link width "16x".
fn parse_link_number(value: &str) -> Option<u32> {
    let n: u32 = value.trim_end_matches(['x', 'X']).trim().parse().ok()?;
    (n > 0 && n <= 64).then_some(n)
}

/// "0x268410DE" (device id in the high half, vendor id in the low) -> "10de:2684".
fn pci_id_from_device_id(value: &str) -> Option<String> {
    let hex = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))?;
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let (device, vendor) = hex.split_at(4);
    Some(format!(
        "{}:{}",
        vendor.to_ascii_lowercase(),
        device.to_ascii_lowercase()
    ))
}

/// "C", "G", "C+G" (and MPS "M", "M+C").
fn process_kind(value: &str) -> Option<ProcessKind> {
    let v = value.to_ascii_uppercase();
    let graphics = v.contains('G');
    let compute = v.contains('C') || v.contains('M');
    match (compute, graphics) {
        (true, true) => Some(ProcessKind::Both),
        (false, true) => Some(ProcessKind::Graphics),
        (true, false) => Some(ProcessKind::Compute),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{sample, samples_in};

    fn q(file: &str) -> NvidiaQuery {
        parse_query(&sample(&format!("nvidia-smi-q/{file}")))
    }

    fn link(g: Option<u32>, w: Option<u32>, mg: Option<u32>, mw: Option<u32>) -> PcieLink {
        PcieLink {
            generation: g,
            width: w,
            max_generation: mg,
            max_width: mw,
        }
    }

    #[test]
    fn h100_datacenter_590() {
        let r = q("h100-80gb-590.48.01-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("590.48.01"));
        assert_eq!(r.cuda_version.as_deref(), Some("13.1"));
        assert_eq!(r.attached_gpus, Some(1));
        assert_eq!(r.gpus.len(), 1);
        let g = &r.gpus[0];
        assert_eq!(g.name.as_deref(), Some("NVIDIA H100 80GB HBM3"));
        assert_eq!(g.pci_id.as_deref(), Some("10de:2330"));
        assert_eq!(g.pci_address.as_deref(), Some("0000:00:09.0"));
        assert_eq!(g.vram_total_mib, Some(81559));
        assert_eq!(g.vram_used_mib, Some(0));
        assert_eq!(g.display_active, Some(false));
        assert_eq!(g.display_attached, Some(true));
        assert_eq!(g.driver_model, None);
        assert_eq!(g.mig_mode.as_deref(), Some("Disabled"));
        assert_eq!(g.pcie_link, link(Some(5), Some(16), Some(5), Some(16)));
        assert!(g.processes.is_empty());
    }

    #[test]
    fn h100_mig_devices_are_not_gpus() {
        let r = q("h100-mig-590.48.01-truncated-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("590.48.01"));
        assert_eq!(r.gpus.len(), 1, "4 MIG devices, 1 physical GPU");
        let g = &r.gpus[0];
        assert_eq!(g.mig_mode.as_deref(), Some("Enabled"));
        assert_eq!(g.pci_id.as_deref(), Some("10de:2330"));
        // The copy stops before the GPU's own FB Memory Usage: the MIG devices' shared
        // memory (40448 MiB, ...) must not stand in for it.
        assert_eq!(g.vram_total_mib, None);
        assert_eq!(g.vram_used_mib, None);
        assert_eq!(g.pcie_link, link(Some(5), Some(16), Some(5), Some(16)));
    }

    #[test]
    fn driver_610_prefers_kmd_and_umd_lines() {
        let r = q("rtx2080super-610.57.04-kmd-header-gnome-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("610.57.04"));
        assert_eq!(r.cuda_version.as_deref(), Some("13.3"));
        let g = &r.gpus[0];
        assert_eq!(g.name.as_deref(), Some("NVIDIA GeForce RTX 2080 SUPER"));
        assert_eq!(g.pci_id.as_deref(), Some("10de:1e81"));
        assert_eq!(g.pci_address.as_deref(), Some("0000:0c:00.0"));
        assert_eq!((g.vram_total_mib, g.vram_used_mib), (Some(8192), Some(211)));
        assert_eq!(g.display_active, Some(false));
        assert_eq!(g.display_attached, Some(true));
        assert_eq!(g.driver_model, None);
        assert_eq!(g.mig_mode, None);
        assert_eq!(g.pcie_link, link(Some(1), Some(16), Some(3), Some(16)));
        let procs: Vec<_> = g
            .processes
            .iter()
            .map(|p| (p.pid, p.name.as_str(), p.kind, p.used_mib))
            .collect();
        assert_eq!(
            procs,
            vec![
                (
                    Some(1720),
                    "/usr/bin/gnome-shell",
                    ProcessKind::Graphics,
                    Some(173)
                ),
                (
                    Some(4556),
                    "/usr/bin/Xwayland",
                    ProcessKind::Graphics,
                    Some(3)
                ),
            ]
        );
    }

    #[test]
    fn windows_wddm_with_dwm() {
        let r = q("rtx2080super-591.86-win11-wddm-dwm-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("591.86"));
        assert_eq!(r.cuda_version.as_deref(), Some("13.1"));
        let g = &r.gpus[0];
        assert_eq!(g.driver_model.as_deref(), Some("WDDM"));
        assert_eq!((g.vram_total_mib, g.vram_used_mib), (Some(8192), Some(702)));
        assert_eq!(g.pcie_link, link(Some(3), Some(16), Some(3), Some(16)));
        assert_eq!(g.processes.len(), 10);
        let dwm = &g.processes[0];
        assert_eq!(dwm.pid, Some(2056));
        assert_eq!(dwm.name, r"C:\Windows\System32\dwm.exe");
        assert_eq!(dwm.kind, ProcessKind::Both);
        assert_eq!(dwm.used_mib, None, "WDDM: not available");
        assert!(g.processes.iter().all(|p| p.used_mib.is_none()));
        assert_eq!(
            g.processes[9].name,
            r"C:\Windows\ImmersiveControlPanel\SystemSettings.exe"
        );
    }

    #[test]
    fn wsl2_wddm_laptop() {
        let r = q("rtx4070laptop-wsl2-566.36-wddm-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("566.36"));
        assert_eq!(r.cuda_version.as_deref(), Some("12.7"));
        let g = &r.gpus[0];
        assert_eq!(
            g.name.as_deref(),
            Some("NVIDIA GeForce RTX 4070 Laptop GPU")
        );
        assert_eq!(g.pci_id.as_deref(), Some("10de:2860"));
        assert_eq!(g.driver_model.as_deref(), Some("WDDM"));
        assert_eq!((g.vram_total_mib, g.vram_used_mib), (Some(8188), Some(0)));
        assert_eq!(g.display_active, Some(false));
        assert_eq!(g.display_attached, None, "no such line before 530");
        assert_eq!(g.pcie_link, link(Some(4), Some(8), Some(4), Some(8)));
        assert!(g.processes.is_empty(), "Processes : None");
    }

    #[test]
    fn driver_396_has_no_cuda_line() {
        let r = q("gtx1080-396.54-no-cuda-header-truncated-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("396.54"));
        assert_eq!(r.cuda_version, None);
        let g = &r.gpus[0];
        assert_eq!(g.name.as_deref(), Some("GeForce GTX 1080"));
        assert_eq!(g.display_active, Some(true));
        assert_eq!(g.mig_mode, None);
        assert_eq!(g.pci_address.as_deref(), Some("0000:01:00.0"));
        assert_eq!(g.vram_total_mib, None, "truncated before FB Memory Usage");
    }

    #[test]
    fn driver_440_and_450_consumer_cards() {
        let r = q("gtx1650-440.82-truncated-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("440.82"));
        assert_eq!(r.cuda_version.as_deref(), Some("10.2"));
        assert_eq!(r.gpus[0].name.as_deref(), Some("GeForce GTX 1650"));
        assert_eq!(r.gpus[0].display_active, Some(false));

        let r = q("gtx780-450.66-ubuntu2004-truncated-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("450.66"));
        assert_eq!(r.cuda_version.as_deref(), Some("11.0"));
        let g = &r.gpus[0];
        assert_eq!(g.name.as_deref(), Some("GeForce GTX 780"));
        assert_eq!(g.display_active, None, "Display Active : N/A");
        assert_eq!(g.mig_mode, None, "MIG Mode Current : N/A");
    }

    #[test]
    fn every_sample_yields_a_driver_and_gpus() {
        let all = samples_in("nvidia-smi-q");
        assert!(all.len() >= 10, "{} samples", all.len());
        for (file, text) in all {
            let r = parse_query(&text);
            assert!(r.driver_version.is_some(), "{file}");
            assert!(!r.gpus.is_empty(), "{file}");
            assert_eq!(
                r.attached_gpus,
                Some(r.gpus.len() as u32),
                "{file}: every attached GPU has one section"
            );
        }
    }

    /// Two GPUs, and a line nvidia-smi prints for a GPU it cannot open, between them (the
    /// real single-GPU sample, its GPU section repeated under another bus id).
    #[test]
    fn several_gpus_and_an_unreadable_one() {
        let text = sample("nvidia-smi-q/rtx2080super-610.57.04-kmd-header-gnome-q.txt");
        let (head, section) = text.split_once("GPU 00000000:0C:00.0\n").unwrap();
        let second = section.replace("00000000:0C:00.0", "00000000:0D:00.0");
        let text = format!(
            "{head}GPU 00000000:0C:00.0\n{section}Unable to determine the device handle for \
             GPU0: 0000:0B:00.0: Unknown Error\nGPU 00000000:0D:00.0\n{second}"
        );
        let r = parse_query(&text);
        assert_eq!(r.gpus.len(), 2);
        assert_eq!(r.gpus[0].pci_address.as_deref(), Some("0000:0c:00.0"));
        assert_eq!(r.gpus[1].pci_address.as_deref(), Some("0000:0d:00.0"));
        assert_eq!(r.gpus[1].processes.len(), 2);
        assert_eq!(r.gpus[1].vram_total_mib, Some(8192));
    }

    #[test]
    fn unknown_error_name_is_absent_not_garbage() {
        let r = q("gtx-unknown-name-375.26-truncated-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("375.26"));
        assert_eq!(r.cuda_version, None);
        let g = &r.gpus[0];
        assert_eq!(g.name, None, "Product Name : Unknown Error");
        assert_eq!(g.pci_address.as_deref(), Some("0000:4b:00.0"));
        assert_eq!(g.display_active, Some(true));
    }

    #[test]
    fn azure_k80_with_a_32_bit_pci_domain() {
        let r = q("tesla-k80-azure-396.37-truncated-q.txt");
        assert_eq!(r.driver_version.as_deref(), Some("396.37"));
        assert_eq!(r.gpus.len(), 1);
        let g = &r.gpus[0];
        assert_eq!(g.name.as_deref(), Some("Tesla K80"));
        // Hyper-V's domain 3E3F8E05 does not fit the 16-bit domain of a PCI address:
        // better no address than a wrong one.
        assert_eq!(g.pci_address, None);
        assert_eq!(g.display_active, Some(false));
    }

    #[test]
    fn placeholders_are_none() {
        for v in [
            "N/A",
            "[N/A]",
            "ERR!",
            "Unknown Error",
            "[Unknown Error]",
            "Requested functionality has been deprecated",
            "Not available in WDDM driver model",
            "[Not Supported]",
            "",
        ] {
            assert_eq!(known(v), None, "{v}");
        }
        assert_eq!(known("16x"), Some("16x"));
        let text = "Driver Version : ERR!\nAttached GPUs : N/A\nGPU 0000:01:00.0\n    \
                    FB Memory Usage\n        Total : ERR!\n        Used : [N/A]\n    \
                    Display Active : Unknown Error\n";
        let r = parse_query(text);
        assert_eq!(r.driver_version, None);
        assert_eq!(r.attached_gpus, None);
        let g = &r.gpus[0];
        assert_eq!((g.vram_total_mib, g.vram_used_mib), (None, None));
        assert_eq!(g.display_active, None);
    }

    #[test]
    fn value_parsers() {
        assert_eq!(
            pci_id_from_device_id("0x268410DE").as_deref(),
            Some("10de:2684")
        );
        assert_eq!(pci_id_from_device_id("0x2684"), None);
        assert_eq!(pci_id_from_device_id("0xZZ8410DE"), None);
        assert_eq!(parse_mib("24564 MiB"), Some(24564));
        assert_eq!(parse_mib("12 KB/s"), None);
        assert_eq!(parse_link_number("16x"), Some(16));
        assert_eq!(parse_link_number("0"), None);
        assert_eq!(process_kind("C+G"), Some(ProcessKind::Both));
        assert_eq!(process_kind("M+C"), Some(ProcessKind::Compute));
        assert_eq!(process_kind("?"), None);
    }
}

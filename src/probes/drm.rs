//! GPUs without vendor tools: /sys/class/drm/card*/device and DRM connectors.
//!
//! Every GPU with a kernel driver shows up here, whatever the vendor and whether or not
//! nvidia-smi or ROCm is installed. The connectors (`cardN-DP-1/status`) say which GPU drives
//! a display: the `display_active` source for AMD and Intel.

use super::rocm::amd_ids;
use super::{Ctx, MAX_GPUS, Probe};
use crate::facts::{Facts, Gpu, PcieLink, Vendor, normalize_pci_address};
use crate::host::{Host, Platform};
use std::collections::{HashMap, HashSet};

pub static PROBE: Probe = Probe {
    name: "drm",
    summary: "GPUs without vendor tools: /sys/class/drm/card*/device and DRM connectors.",
    facts: crate::facts::vocab::DRM,
    slow: false,
    run,
};

const DRM: &str = "/sys/class/drm";

fn run(host: &dyn Host, _ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    // sysfs is Linux only; on Windows and macOS the vendor tools are the only source.
    if host.platform() != Platform::Linux {
        return f;
    }
    let names = match host.read_dir(DRM) {
        Ok(n) => n,
        Err(e) => {
            let code = match e.kind() {
                std::io::ErrorKind::NotFound => "not_found",
                std::io::ErrorKind::PermissionDenied => "permission_denied",
                _ => "other",
            };
            f.set_error("drm", code, format!("cannot list {DRM}: {e}"));
            return f;
        }
    };
    // Cards in number order, at most MAX_GPUS of them; connectors indexed by card (one pass).
    let mut cards: Vec<(u32, &str)> = names
        .iter()
        .filter_map(|n| card_number(n).map(|k| (k, n.as_str())))
        .collect();
    cards.sort_unstable();
    if cards.len() > MAX_GPUS {
        f.set(
            "drm.truncated",
            format!(
                "{} DRM cards listed, only the first {MAX_GPUS} read",
                cards.len()
            ),
        );
        cards.truncate(MAX_GPUS);
    }
    let mut connectors: HashMap<&str, Vec<&str>> = HashMap::new();
    for n in &names {
        if let Some(card) = connector_card(n) {
            connectors.entry(card).or_default().push(n.as_str());
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    // The system's pci.ids knows devices newer than the embedded copy (read once).
    let mut pci_db: Option<Option<String>> = None;
    for (_, card) in cards {
        let Some(mut sysfs) = read_card(host, card) else {
            continue;
        };
        sysfs.connectors = connectors
            .get(card)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|c| {
                host.read_text(&format!("{DRM}/{c}/status"))
                    .and_then(|s| parse_connector_status(&s))
            })
            .collect();
        let mut gpu = sysfs.to_gpu();
        let refined = gpu.vendor == Vendor::Amd
            && sysfs
                .device
                .and_then(|d| amd_ids::lookup(d, sysfs.revision))
                .is_some();
        if let (Some(v), Some(d), false) = (sysfs.vendor, sysfs.device, refined) {
            let db = pci_db.get_or_insert_with(|| super::pci_names::system_db(host));
            if let Some(n) = db
                .as_deref()
                .and_then(|t| super::pci_names::lookup_in(t, v, d))
            {
                gpu.name = Some(super::pci_names::marketing(gpu.vendor, &n));
            }
        }
        let dup = gpu
            .pci_address
            .as_ref()
            .is_some_and(|a| !seen.insert(a.clone()));
        if !dup {
            f.gpus.push(gpu);
        }
    }
    f
}

/// "card0" → 0; "card0-DP-1", "renderD128", "version" → None.
fn card_number(name: &str) -> Option<u32> {
    let n = name.strip_prefix("card")?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .then(|| n.parse().ok())
        .flatten()
}

/// "card1-DP-1" → "card1".
fn connector_card(name: &str) -> Option<&str> {
    let (card, connector) = name.split_once('-')?;
    (card_number(card).is_some() && !connector.is_empty()).then_some(card)
}

/// What sysfs says about one `cardN`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrmCard {
    pub uevent: Uevent,
    pub vendor: Option<u16>,
    pub device: Option<u16>,
    pub revision: Option<u8>,
    /// PCI class, e.g. 0x030000 (VGA), 0x038000 (display controller), 0x030200 (3D).
    pub class: Option<u32>,
    pub vram_total_mib: Option<u64>,
    pub vram_used_mib: Option<u64>,
    pub link: PcieLink,
    /// One entry per connector directory: its `status` (`None` when unreadable).
    pub connectors: Vec<Option<bool>>,
}

fn read_card(host: &dyn Host, card: &str) -> Option<DrmCard> {
    let dev = format!("{DRM}/{card}/device");
    let read = |leaf: &str| host.read_text(&format!("{dev}/{leaf}"));
    let uevent = read("uevent").map(|t| parse_uevent(&t)).unwrap_or_default();
    let c = DrmCard {
        vendor: read("vendor")
            .and_then(|s| amd_ids::parse_hex_u16(&s))
            .or(uevent.vendor),
        device: read("device")
            .and_then(|s| amd_ids::parse_hex_u16(&s))
            .or(uevent.device),
        revision: read("revision").and_then(|s| parse_hex_u8(&s)),
        class: read("class").and_then(|s| parse_hex_u32(&s)),
        vram_total_mib: read("mem_info_vram_total").and_then(|s| bytes_to_mib(&s)),
        vram_used_mib: read("mem_info_vram_used").and_then(|s| bytes_to_mib(&s)),
        link: PcieLink {
            generation: read("current_link_speed").and_then(|s| parse_link_speed(&s)),
            width: read("current_link_width").and_then(|s| parse_link_width(&s)),
            max_generation: read("max_link_speed").and_then(|s| parse_link_speed(&s)),
            max_width: read("max_link_width").and_then(|s| parse_link_width(&s)),
        },
        uevent,
        connectors: Vec::new(),
    };
    // Not a PCI display device (simpledrm, vkms, a non-display function): not a GPU here.
    let display_class = c.class.is_none_or(|k| k >> 16 == 0x03);
    (c.vendor.is_some() && display_class).then_some(c)
}

impl DrmCard {
    pub fn to_gpu(&self) -> Gpu {
        let vendor_id = self.vendor.unwrap_or(0);
        let vendor = Vendor::from_pci(&format!("{vendor_id:04x}"));
        let mut g = Gpu::new(vendor);
        g.pci_id = self.device.map(|d| format!("{vendor_id:04x}:{d:04x}"));
        g.pci_address = self.uevent.slot.as_deref().and_then(normalize_pci_address);
        g.driver = self.uevent.driver.clone();
        g.vram_total_mib = self.vram_total_mib;
        g.vram_used_mib = self.vram_used_mib;
        if self.link != PcieLink::default() {
            g.pcie_link = Some(self.link.clone());
        }
        let amd = match (vendor, self.device) {
            (Vendor::Amd, Some(d)) => amd_ids::lookup(d, self.revision),
            _ => None,
        };
        // AMD: the revision table first (pci.ids cannot tell an RX 7900 XTX from an XT);
        // otherwise the PCI ID database (embedded here; `run` prefers the system's copy).
        let pci_name = || {
            self.device
                .and_then(|d| super::pci_names::name(None, vendor_id, d))
        };
        g.name = match vendor {
            // A device the revision table knows keeps its answer (no name when the revision
            // is needed, or for APUs, whose names follow the CPU).
            Vendor::Amd if amd.is_some() => amd.and_then(|i| i.name).map(str::to_string),
            Vendor::Intel => pci_name().or_else(|| Some("Intel GPU".to_string())),
            _ => pci_name(),
        };
        g.gfx_target = amd.map(|i| i.gfx.to_string());
        g.integrated = self.integrated(vendor, amd, g.pci_address.as_deref());
        g.display_active = display_active(&self.connectors);
        g
    }

    /// Conservative: say "integrated" only on strong evidence.
    /// - Intel: the iGPU always sits on the root bus (0000:00:02.0); Arc cards sit behind a
    ///   PCIe switch on another bus.
    /// - AMD: a known APU device id; or, for ids the table lacks, at most 512 MiB of "VRAM"
    ///   (an APU's BIOS carve-out; amdgpu-driven discrete cards all have more). A known
    ///   discrete id is not integrated; an unknown id with more VRAM stays unknown (an APU's
    ///   carve-out can be set to several GiB).
    /// - NVIDIA: PCI GPUs are discrete (Tegra/Jetson GPUs are not PCI devices).
    fn integrated(
        &self,
        vendor: Vendor,
        amd: Option<amd_ids::AmdGpuInfo>,
        addr: Option<&str>,
    ) -> Option<bool> {
        match vendor {
            Vendor::Intel => addr.map(|a| a.get(5..7) == Some("00")),
            Vendor::Amd => match amd {
                Some(i) => Some(i.apu),
                None => self.vram_total_mib.filter(|&v| v <= 512).map(|_| true),
            },
            Vendor::Nvidia => Some(false),
            Vendor::Apple | Vendor::Other => None,
        }
    }
}

/// Any connector connected → true; connectors and none connected → false; no connector
/// (compute cards, render-only drivers) or none readable → unknown.
fn display_active(connectors: &[Option<bool>]) -> Option<bool> {
    if connectors.contains(&Some(true)) {
        Some(true)
    } else if connectors.iter().any(Option::is_some) {
        Some(false)
    } else {
        None
    }
}

/// `device/uevent`: `DRIVER=amdgpu`, `PCI_ID=1002:73BF` (upper-case hex),
/// `PCI_SLOT_NAME=0000:0c:00.0`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uevent {
    pub driver: Option<String>,
    pub vendor: Option<u16>,
    pub device: Option<u16>,
    pub slot: Option<String>,
}

pub fn parse_uevent(text: &str) -> Uevent {
    let mut u = Uevent::default();
    for line in text.lines() {
        let Some((k, v)) = line.trim().split_once('=') else {
            continue;
        };
        let v = v.trim();
        match k {
            "DRIVER" if !v.is_empty() => u.driver = Some(v.to_string()),
            "PCI_ID" => {
                if let Some((ven, dev)) = v.split_once(':') {
                    u.vendor = amd_ids::parse_hex_u16(ven);
                    u.device = amd_ids::parse_hex_u16(dev);
                }
            }
            "PCI_SLOT_NAME" if !v.is_empty() => u.slot = Some(v.to_string()),
            _ => {}
        }
    }
    u
}

/// "16.0 GT/s PCIe" → 4. Older kernels print "8 GT/s" or "5.0 GT/s"; "Unknown" → None.
pub fn parse_link_speed(text: &str) -> Option<u32> {
    let t = text.trim();
    let num = t.split_whitespace().next()?;
    if !t.contains("GT/s") {
        return None;
    }
    let gts: f64 = num.parse().ok()?;
    // PCIe 1.0..6.0 transfer rates.
    [
        (2.5, 1),
        (5.0, 2),
        (8.0, 3),
        (16.0, 4),
        (32.0, 5),
        (64.0, 6),
    ]
    .iter()
    .find(|(rate, _)| (gts - rate).abs() < 0.01)
    .map(|&(_, generation)| generation)
}

/// "16" → 16; "x8" → 8; 0 or garbage → None.
pub fn parse_link_width(text: &str) -> Option<u32> {
    let t = text.trim();
    let t = t.strip_prefix('x').unwrap_or(t);
    t.parse::<u32>().ok().filter(|&w| w > 0 && w <= 32)
}

/// A connector's `status`: "connected" → true, "disconnected"/"unknown" → false.
pub fn parse_connector_status(text: &str) -> Option<bool> {
    match text.trim() {
        "connected" => Some(true),
        "disconnected" | "unknown" => Some(false),
        _ => None,
    }
}

fn parse_hex_u8(s: &str) -> Option<u8> {
    let s = s.trim();
    let s = s.strip_prefix("0x").unwrap_or(s);
    u8::from_str_radix(s, 16).ok()
}

fn parse_hex_u32(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = s.strip_prefix("0x").unwrap_or(s);
    u32::from_str_radix(s, 16).ok()
}

fn bytes_to_mib(s: &str) -> Option<u64> {
    s.trim().parse::<u64>().ok().map(|b| b / (1024 * 1024))
}

#[cfg(test)]
#[path = "drm_tests.rs"]
mod tests;

//! The KFD topology: `/sys/class/kfd/kfd/topology/nodes/N/properties`, one `key value` per
//! line, written by the amdgpu kernel driver whether or not ROCm user space is installed.
//! It is where the GPU's own gfx target lives (rocminfo's `Name:` follows
//! HSA_OVERRIDE_GFX_VERSION; the kernel does not).

use super::amd_ids;

/// One KFD node as the kernel describes it. CPU nodes have `simd_count == 0`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KfdNode {
    /// The N of `nodes/N` (the HSA node id rocminfo prints as `Node:`).
    pub id: u32,
    pub simd_count: u64,
    pub cpu_cores_count: u64,
    /// PCI vendor id, decimal in the file (4098 = 0x1002).
    pub vendor_id: Option<u32>,
    pub device_id: Option<u32>,
    /// bus << 8 | device << 3 | function.
    pub location_id: Option<u32>,
    /// PCI domain (newer kernels only).
    pub domain: Option<u32>,
    /// major·10000 + minor·100 + stepping (absent on old kernels).
    pub gfx_target_version: Option<u32>,
    /// Bytes of VRAM; 0 on APUs and on MI200/MI300 (memory is reported elsewhere).
    pub local_mem_size: Option<u64>,
    pub drm_render_minor: Option<u32>,
    /// Contents of `nodes/N/name` ("gfx900" on some kernels, "ip discovery" or empty on others).
    pub name: Option<String>,
}

impl KfdNode {
    pub fn is_gpu(&self) -> bool {
        self.simd_count > 0
    }

    /// The GPU's own gfx target: from `gfx_target_version`, else from the device id, else
    /// from the `name` file when it holds one.
    pub fn gfx_target(&self) -> Option<String> {
        if let Some(g) = self.gfx_target_version.and_then(decode_gfx_target_version) {
            return Some(g);
        }
        if let Some(info) = self
            .device_id
            .and_then(amd_device)
            .and_then(|d| amd_ids::lookup(d, None))
        {
            return Some(info.gfx.to_string());
        }
        self.name
            .as_deref()
            .map(str::trim)
            .filter(|n| is_gfx_name(n))
            .map(str::to_string)
    }

    /// "0000:2d:00.0" from `domain` and `location_id`.
    pub fn pci_address(&self) -> Option<String> {
        let loc = self.location_id.filter(|&l| l != 0)?;
        Some(pci_address_from_bdf(self.domain.unwrap_or(0), loc))
    }

    pub fn vram_mib(&self) -> Option<u64> {
        self.local_mem_size
            .filter(|&b| b > 0)
            .map(|b| b / (1024 * 1024))
    }

    /// Vendor 0x1002 (or no vendor key: every KFD GPU is AMD's).
    pub fn is_amd(&self) -> bool {
        self.vendor_id.is_none_or(|v| v == 0x1002)
    }

    pub fn device_id_u16(&self) -> Option<u16> {
        self.device_id.and_then(amd_device)
    }
}

fn amd_device(id: u32) -> Option<u16> {
    u16::try_from(id).ok().filter(|&d| d != 0)
}

fn is_gfx_name(s: &str) -> bool {
    s.strip_prefix("gfx")
        .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_hexdigit()))
}

/// "bus<<8 | dev<<3 | fn" (what KFD's `location_id` and rocminfo's BDFID hold) as an address.
pub fn pci_address_from_bdf(domain: u32, bdf: u32) -> String {
    let bus = (bdf >> 8) & 0xff;
    let dev = (bdf >> 3) & 0x1f;
    let func = bdf & 0x7;
    format!("{:04x}:{bus:02x}:{dev:02x}.{func:x}", domain & 0xffff)
}

/// 90010 → gfx90a, 110000 → gfx1100, 100301 → gfx1031: major·10000 + minor·100 + stepping,
/// with minor and stepping written as one hex digit each (as LLVM names targets).
pub fn decode_gfx_target_version(v: u32) -> Option<String> {
    let major = v / 10000;
    let minor = (v / 100) % 100;
    let stepping = v % 100;
    if major == 0 || minor > 15 || stepping > 15 {
        return None;
    }
    Some(format!("gfx{major}{minor:x}{stepping:x}"))
}

/// Parse one `properties` file. Unknown keys and malformed lines are ignored.
pub fn parse_kfd_properties(id: u32, text: &str, name: Option<&str>) -> KfdNode {
    let mut n = KfdNode {
        id,
        name: name
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        ..Default::default()
    };
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(key), Some(value), None) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(value) = value.parse::<u64>() else {
            continue;
        };
        let small = u32::try_from(value).ok();
        match key {
            "simd_count" => n.simd_count = value,
            "cpu_cores_count" => n.cpu_cores_count = value,
            "vendor_id" => n.vendor_id = small,
            "device_id" => n.device_id = small,
            "location_id" => n.location_id = small,
            "domain" => n.domain = small,
            "gfx_target_version" => n.gfx_target_version = small.filter(|&v| v != 0),
            "local_mem_size" => n.local_mem_size = Some(value),
            "drm_render_minor" => n.drm_render_minor = small,
            _ => {}
        }
    }
    n
}

/// Split a `head`-style bundle (`==> path <==` then the file) into (path, contents): how the
/// sysfs samples under tests/samples are stored.
#[cfg(test)]
pub(crate) fn head_files(text: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(path) = line
            .strip_prefix("==> ")
            .and_then(|r| r.strip_suffix(" <=="))
        {
            files.push((path.to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    // head separates files with one blank line; sysfs files end with a newline.
    for (_, body) in &mut files {
        let trimmed = body.trim_end_matches('\n').len();
        body.truncate(trimmed);
        if !body.is_empty() {
            body.push('\n');
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::sample;

    #[test]
    fn gfx_target_version_decodes_with_hex_stepping() {
        assert_eq!(decode_gfx_target_version(90010).as_deref(), Some("gfx90a"));
        assert_eq!(
            decode_gfx_target_version(110000).as_deref(),
            Some("gfx1100")
        );
        assert_eq!(
            decode_gfx_target_version(100301).as_deref(),
            Some("gfx1031")
        );
        assert_eq!(decode_gfx_target_version(90402).as_deref(), Some("gfx942"));
        assert_eq!(decode_gfx_target_version(90012).as_deref(), Some("gfx90c"));
        assert_eq!(
            decode_gfx_target_version(120001).as_deref(),
            Some("gfx1201")
        );
        assert_eq!(decode_gfx_target_version(0), None);
        assert_eq!(decode_gfx_target_version(91600), None);
    }

    #[test]
    fn pci_address_from_location_id() {
        assert_eq!(pci_address_from_bdf(0, 11520), "0000:2d:00.0");
        assert_eq!(pci_address_from_bdf(0, 6400), "0000:19:00.0");
        assert_eq!(pci_address_from_bdf(1, 0x0309), "0001:03:01.1");
    }

    #[test]
    fn legacy_kernel_sample_without_gfx_target_version() {
        let files = head_files(&sample("kfd-topology/vega10-mi25-legacy-kernel.txt"));
        assert_eq!(files.len(), 6);
        let props: Vec<KfdNode> = files
            .iter()
            .filter(|(p, _)| p.ends_with("/properties"))
            .enumerate()
            .map(|(i, (_, t))| parse_kfd_properties(i as u32, t, Some("")))
            .collect();
        assert_eq!(props.len(), 3);
        let cpu = &props[0];
        assert!(!cpu.is_gpu());
        assert_eq!(cpu.cpu_cores_count, 20);
        let gpu = &props[1];
        assert!(gpu.is_gpu());
        assert_eq!(gpu.simd_count, 256);
        assert_eq!(gpu.vendor_id, Some(4098));
        assert!(gpu.is_amd());
        assert_eq!(gpu.device_id, Some(26720));
        assert_eq!(gpu.gfx_target_version, None);
        // No gfx_target_version key: the gfx target comes from the device id 0x6860.
        assert_eq!(gpu.gfx_target().as_deref(), Some("gfx900"));
        assert_eq!(gpu.vram_mib(), Some(16368));
        assert_eq!(gpu.pci_address().as_deref(), Some("0000:19:00.0"));
        assert_eq!(gpu.drm_render_minor, Some(128));
        assert_eq!(gpu.name, None);
        assert_eq!(props[2].drm_render_minor, Some(129));
    }

    #[test]
    fn phoenix_apu_sample() {
        let files = head_files(&sample("kfd-topology/phoenix-apu-gfx1103-node1.txt"));
        assert_eq!(files.len(), 1);
        let n = parse_kfd_properties(1, &files[0].1, None);
        assert!(n.is_gpu());
        assert_eq!(n.simd_count, 24);
        assert_eq!(n.gfx_target_version, Some(110003));
        assert_eq!(n.gfx_target().as_deref(), Some("gfx1103"));
        assert_eq!(n.device_id_u16(), Some(0x15bf));
        assert_eq!(n.pci_address().as_deref(), Some("0000:64:00.0"));
        assert_eq!(n.local_mem_size, Some(0));
        assert_eq!(n.vram_mib(), None);
    }

    #[test]
    fn modern_properties_with_gfx_target_version_and_zero_local_mem() {
        // Key/value shape of an MI300X node on a 6.x kernel (values typed from the format,
        // trimmed to the keys we read).
        let text = "cpu_cores_count 0\nsimd_count 1216\nvendor_id 4098\ndevice_id 29857\n\
                    location_id 3072\ndomain 0\ngfx_target_version 90402\nlocal_mem_size 0\n\
                    drm_render_minor 128\n";
        let n = parse_kfd_properties(2, text, Some("ip discovery\n"));
        assert!(n.is_gpu());
        assert_eq!(n.gfx_target().as_deref(), Some("gfx942"));
        assert_eq!(n.vram_mib(), None);
        assert_eq!(n.pci_address().as_deref(), Some("0000:0c:00.0"));
        assert_eq!(n.name.as_deref(), Some("ip discovery"));
    }

    #[test]
    fn gfx_from_name_file_only_when_it_is_a_target() {
        let n = parse_kfd_properties(1, "simd_count 4\n", Some("gfx803\n"));
        assert_eq!(n.gfx_target().as_deref(), Some("gfx803"));
        let n = parse_kfd_properties(1, "simd_count 4\n", Some("ip discovery"));
        assert_eq!(n.gfx_target(), None);
    }

    #[test]
    fn malformed_lines_are_ignored() {
        let n = parse_kfd_properties(0, "simd_count\nsimd_count x\nsimd_count 1 2\n\n", None);
        assert_eq!(n.simd_count, 0);
        assert_eq!(n.pci_address(), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*", id in 0u32..100) {
            let n = parse_kfd_properties(id, &s, Some(&s));
            let _ = (n.gfx_target(), n.pci_address(), n.vram_mib());
        }
        #[test]
        fn decode_never_panics(v in proptest::num::u32::ANY) {
            let _ = decode_gfx_target_version(v);
        }
    }
}

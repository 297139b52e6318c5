//! AMD PCI device id (+ revision) → marketing name, LLVM gfx target, APU or not.
//!
//! Why a table: the KFD topology and sysfs give only numbers, rocm-smi 5.6 prints `0x744c`
//! instead of a name, and rocminfo's `Name:` lies when HSA_OVERRIDE_GFX_VERSION is set. The
//! GPU's own gfx target has to come from its device id.
//!
//! Sources (facts only): pci.ids 2026.08.22 and libdrm `data/amdgpu.ids` (commit 15cdcfe) for
//! ids and revisions; ROCm gpu-arch-specs for gfx targets (collected in knowledge.md §3b/§3d).
//! The same device id covers several products told apart by the PCI revision
//! (0x744c: C8 = RX 7900 XTX, CC = RX 7900 XT, CE = RX 7900 GRE); without the revision such a
//! device gets its gfx target but no name.

/// What the table knows about one device id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmdGpuInfo {
    /// Marketing name without the "AMD " prefix; `None` when the revision is needed and unknown.
    pub name: Option<&'static str>,
    pub gfx: &'static str,
    /// An APU's integrated GPU (shares system memory).
    pub apu: bool,
}

struct Entry {
    device: u16,
    /// `None`: the name holds for every revision of this device.
    revision: Option<u8>,
    name: Option<&'static str>,
    gfx: &'static str,
    apu: bool,
}

const fn dgpu(device: u16, revision: Option<u8>, name: &'static str, gfx: &'static str) -> Entry {
    Entry {
        device,
        revision,
        name: Some(name),
        gfx,
        apu: false,
    }
}

/// A device id whose products differ by revision in ways the table does not record.
const fn family(device: u16, gfx: &'static str) -> Entry {
    Entry {
        device,
        revision: None,
        name: None,
        gfx,
        apu: false,
    }
}

/// APU graphics: names vary by CPU SKU (rocminfo's Marketing Name says which), so none here.
const fn apu(device: u16, gfx: &'static str) -> Entry {
    Entry {
        device,
        revision: None,
        name: None,
        gfx,
        apu: true,
    }
}

#[rustfmt::skip]
const TABLE: &[Entry] = &[
    // RDNA3 Navi 31 (gfx1100)
    dgpu(0x744c, Some(0xc8), "Radeon RX 7900 XTX", "gfx1100"),
    dgpu(0x744c, Some(0xcc), "Radeon RX 7900 XT", "gfx1100"),
    dgpu(0x744c, Some(0xce), "Radeon RX 7900 GRE", "gfx1100"),
    dgpu(0x744c, Some(0xcf), "Radeon RX 7900M", "gfx1100"),
    dgpu(0x7448, None, "Radeon PRO W7900", "gfx1100"),
    dgpu(0x744a, None, "Radeon PRO W7900 Dual Slot", "gfx1100"),
    dgpu(0x745e, None, "Radeon PRO W7800", "gfx1100"),
    dgpu(0x7449, None, "Radeon PRO W7800 48GB", "gfx1100"),
    // RDNA3 Navi 32 (gfx1101)
    dgpu(0x747e, Some(0xc8), "Radeon RX 7800 XT", "gfx1101"),
    dgpu(0x747e, Some(0xff), "Radeon RX 7700 XT", "gfx1101"),
    dgpu(0x747e, Some(0xdb), "Radeon RX 7700", "gfx1101"),
    dgpu(0x747e, Some(0xd8), "Radeon RX 7800M", "gfx1101"),
    dgpu(0x7470, None, "Radeon PRO W7700", "gfx1101"),
    dgpu(0x7460, None, "Radeon PRO V710", "gfx1101"),
    dgpu(0x7461, None, "Radeon PRO V710", "gfx1101"),
    // RDNA3 Navi 33 (gfx1102)
    dgpu(0x7480, Some(0xcf), "Radeon RX 7600", "gfx1102"),
    dgpu(0x7480, Some(0xc0), "Radeon RX 7600 XT", "gfx1102"),
    dgpu(0x7480, Some(0xc2), "Radeon RX 7650 GRE", "gfx1102"),
    dgpu(0x7480, Some(0x00), "Radeon PRO W7600", "gfx1102"),
    dgpu(0x7480, Some(0xc1), "Radeon RX 7700S", "gfx1102"),
    dgpu(0x7480, Some(0xc3), "Radeon RX 7600S", "gfx1102"),
    dgpu(0x7480, Some(0xc7), "Radeon RX 7600M XT", "gfx1102"),
    dgpu(0x7489, None, "Radeon PRO W7500", "gfx1102"),
    family(0x7483, "gfx1102"),
    family(0x7499, "gfx1102"),
    // RDNA2 Navi 21 (gfx1030)
    dgpu(0x73bf, Some(0xc0), "Radeon RX 6900 XT", "gfx1030"),
    dgpu(0x73bf, Some(0xc1), "Radeon RX 6800 XT", "gfx1030"),
    dgpu(0x73bf, Some(0xc3), "Radeon RX 6800", "gfx1030"),
    dgpu(0x73af, None, "Radeon RX 6900 XT", "gfx1030"),
    dgpu(0x73a5, None, "Radeon RX 6950 XT", "gfx1030"),
    dgpu(0x73a3, None, "Radeon PRO W6800", "gfx1030"),
    dgpu(0x73a1, None, "Radeon PRO V620", "gfx1030"),
    // RDNA2 Navi 22 (gfx1031)
    dgpu(0x73df, Some(0xc1), "Radeon RX 6700 XT", "gfx1031"),
    dgpu(0x73df, Some(0xc5), "Radeon RX 6700 XT", "gfx1031"),
    dgpu(0x73df, Some(0xc0), "Radeon RX 6750 XT", "gfx1031"),
    dgpu(0x73df, Some(0xdf), "Radeon RX 6700", "gfx1031"),
    dgpu(0x73df, Some(0xff), "Radeon RX 6700", "gfx1031"),
    dgpu(0x73df, Some(0xd5), "Radeon RX 6750 GRE 12GB", "gfx1031"),
    dgpu(0x73df, Some(0xe5), "Radeon RX 6750 GRE 12GB", "gfx1031"),
    // RDNA2 Navi 23 (gfx1032)
    dgpu(0x73ff, Some(0xc7), "Radeon RX 6600", "gfx1032"),
    dgpu(0x73ff, Some(0xc1), "Radeon RX 6600 XT", "gfx1032"),
    dgpu(0x73ef, Some(0xc1), "Radeon RX 6650 XT", "gfx1032"),
    dgpu(0x73e3, None, "Radeon PRO W6600", "gfx1032"),
    // RDNA2 Navi 24 (gfx1034)
    family(0x743f, "gfx1034"),
    dgpu(0x7422, None, "Radeon PRO W6400", "gfx1034"),
    // RDNA1 Navi 10 / 14 (gfx1010 / gfx1012)
    family(0x731f, "gfx1010"),
    family(0x7340, "gfx1012"),
    // RDNA4 Navi 48 (gfx1201) / Navi 44 (gfx1200)
    dgpu(0x7550, Some(0xc0), "Radeon RX 9070 XT", "gfx1201"),
    dgpu(0x7550, Some(0xc3), "Radeon RX 9070", "gfx1201"),
    dgpu(0x7550, Some(0xc2), "Radeon RX 9070 GRE", "gfx1201"),
    dgpu(0x7551, None, "Radeon AI PRO R9700", "gfx1201"),
    dgpu(0x7590, Some(0xc0), "Radeon RX 9060 XT", "gfx1200"),
    dgpu(0x7590, Some(0xc7), "Radeon RX 9060", "gfx1200"),
    // GCN5 Vega 10 (gfx900): RX Vega 56/64, Instinct MI25 share ids across revisions
    family(0x6860, "gfx900"),
    family(0x6861, "gfx900"),
    family(0x6863, "gfx900"),
    family(0x687f, "gfx900"),
    // GCN5.1 Vega 20 (gfx906)
    family(0x66a1, "gfx906"),
    dgpu(0x66af, None, "Radeon VII", "gfx906"),
    // CDNA1..4
    dgpu(0x738c, None, "Instinct MI100", "gfx908"),
    dgpu(0x740f, None, "Instinct MI210", "gfx90a"),
    family(0x740c, "gfx90a"),
    dgpu(0x7408, None, "Instinct MI250X", "gfx90a"),
    dgpu(0x74a1, None, "Instinct MI300X", "gfx942"),
    dgpu(0x74a0, None, "Instinct MI300A", "gfx942"),
    dgpu(0x74a5, None, "Instinct MI325X", "gfx942"),
    dgpu(0x75a0, None, "Instinct MI350X", "gfx950"),
    dgpu(0x75a3, None, "Instinct MI355X", "gfx950"),
    // APUs (integrated graphics)
    apu(0x15dd, "gfx902"), // Raven Ridge
    apu(0x15d8, "gfx902"), // Picasso
    apu(0x1636, "gfx90c"), // Renoir
    apu(0x1638, "gfx90c"), // Cezanne
    apu(0x164c, "gfx90c"), // Lucienne
    apu(0x163f, "gfx1033"), // Van Gogh (Steam Deck)
    apu(0x1681, "gfx1035"), // Rembrandt
    apu(0x164e, "gfx1036"), // Raphael (Ryzen 7000 desktop iGPU)
    apu(0x13c0, "gfx1036"), // Granite Ridge (Ryzen 9000 desktop iGPU)
    apu(0x1506, "gfx1037"), // Mendocino
    apu(0x15bf, "gfx1103"), // Phoenix1
    apu(0x15c8, "gfx1103"), // Phoenix2
    apu(0x1900, "gfx1103"), // HawkPoint1
    apu(0x1901, "gfx1103"), // HawkPoint2
    apu(0x150e, "gfx1150"), // Strix Point
    apu(0x1586, "gfx1151"), // Strix Halo
    apu(0x1114, "gfx1152"), // Krackan
];

/// Look up an AMD device id; `revision` (the PCI revision byte) picks the product where one
/// device id covers several.
pub fn lookup(device: u16, revision: Option<u8>) -> Option<AmdGpuInfo> {
    let mut entries = TABLE.iter().filter(|e| e.device == device).peekable();
    let first = entries.peek()?;
    let (gfx, apu) = (first.gfx, first.apu);
    let entries: Vec<&Entry> = entries.collect();
    let exact = revision.and_then(|r| {
        entries
            .iter()
            .find(|e| e.revision == Some(r))
            .and_then(|e| e.name)
    });
    // Without a matching revision, a name is only certain when the device has a single one.
    let any_revision = entries
        .iter()
        .find(|e| e.revision.is_none())
        .and_then(|e| e.name)
        .filter(|_| entries.len() == 1);
    Some(AmdGpuInfo {
        name: exact.or(any_revision),
        gfx,
        apu,
    })
}

/// Parse a PCI id as sysfs and tools print it: "0x744c", "744C", "29772" is NOT accepted
/// (decimal ids are parsed by the caller that knows the base).
pub fn parse_hex_u16(s: &str) -> Option<u16> {
    let s = s.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    u16::from_str_radix(s, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navi31_revision_picks_the_product() {
        let xtx = lookup(0x744c, Some(0xc8)).unwrap();
        assert_eq!(xtx.name, Some("Radeon RX 7900 XTX"));
        assert_eq!(xtx.gfx, "gfx1100");
        assert!(!xtx.apu);
        assert_eq!(
            lookup(0x744c, Some(0xcc)).unwrap().name,
            Some("Radeon RX 7900 XT")
        );
        assert_eq!(
            lookup(0x744c, Some(0xce)).unwrap().name,
            Some("Radeon RX 7900 GRE")
        );
    }

    #[test]
    fn without_revision_an_ambiguous_id_has_gfx_but_no_name() {
        let i = lookup(0x744c, None).unwrap();
        assert_eq!(i.name, None);
        assert_eq!(i.gfx, "gfx1100");
        // An unknown revision is no better than none.
        assert_eq!(lookup(0x744c, Some(0x01)).unwrap().name, None);
    }

    #[test]
    fn single_product_ids_are_named_without_revision() {
        assert_eq!(lookup(0x74a1, None).unwrap().name, Some("Instinct MI300X"));
        assert_eq!(lookup(0x738c, None).unwrap().gfx, "gfx908");
        assert_eq!(lookup(0x740f, None).unwrap().gfx, "gfx90a");
        assert_eq!(lookup(0x75a0, None).unwrap().gfx, "gfx950");
    }

    #[test]
    fn gfx_targets_of_the_families_rocm_users_meet() {
        for (id, gfx) in [
            (0x73df, "gfx1031"),
            (0x73bf, "gfx1030"),
            (0x747e, "gfx1101"),
            (0x7480, "gfx1102"),
            (0x7550, "gfx1201"),
            (0x7590, "gfx1200"),
            (0x740c, "gfx90a"),
            (0x6860, "gfx900"),
            (0x66a1, "gfx906"),
            (0x15bf, "gfx1103"),
        ] {
            assert_eq!(lookup(id, None).map(|i| i.gfx), Some(gfx), "{id:#x}");
        }
        assert_eq!(
            lookup(0x73df, Some(0xc1)).unwrap().name,
            Some("Radeon RX 6700 XT")
        );
        assert_eq!(lookup(0x1234, None), None);
    }

    #[test]
    fn apus_are_marked() {
        assert!(lookup(0x15bf, None).unwrap().apu);
        assert!(lookup(0x1586, None).unwrap().apu);
        assert!(!lookup(0x73bf, None).unwrap().apu);
    }

    #[test]
    fn hex_ids_parse_in_the_shapes_sysfs_prints() {
        assert_eq!(parse_hex_u16("0x744c\n"), Some(0x744c));
        assert_eq!(parse_hex_u16("73BF"), Some(0x73bf));
        assert_eq!(parse_hex_u16("0x"), None);
        assert_eq!(parse_hex_u16("0x12345"), None);
        assert_eq!(parse_hex_u16("zz"), None);
    }
}

//! Tests of the drm probe over the sysfs samples (head-format bundles fed to a FakeHost).

use super::*;
use crate::host::fake::FakeHost;
use crate::probes::rocm::kfd::head_files;
use crate::testutil::{sample, samples_in};

const RX6900XT: &str = "sysfs-drm/amd-rx6900xt-dgpu.txt";
const RTX4080: &str = "sysfs-drm/nvidia-rtx4080-card1.txt";

fn host_from(bundle: &str) -> FakeHost {
    let mut host = FakeHost::new();
    for (path, body) in head_files(bundle) {
        host = host.file(&path, body);
    }
    host
}

fn gpus(host: &FakeHost) -> Vec<Gpu> {
    run(host, &Ctx::default()).gpus
}

#[test]
fn uevent_of_the_rx6900xt_sample() {
    let files = head_files(&sample(RX6900XT));
    let (_, body) = files.iter().find(|(p, _)| p.ends_with("/uevent")).unwrap();
    let u = parse_uevent(body);
    assert_eq!(u.driver.as_deref(), Some("amdgpu"));
    assert_eq!(u.vendor, Some(0x1002));
    assert_eq!(u.device, Some(0x73bf));
    assert_eq!(u.slot.as_deref(), Some("0000:0c:00.0"));
}

#[test]
fn rx6900xt_dgpu_sample() {
    let g = gpus(&host_from(&sample(RX6900XT)));
    assert_eq!(g.len(), 1);
    let g = &g[0];
    assert_eq!(g.vendor, Vendor::Amd);
    // No `device` file in the fixture: the id comes from uevent's upper-case PCI_ID.
    assert_eq!(g.pci_id.as_deref(), Some("1002:73bf"));
    assert_eq!(g.pci_address.as_deref(), Some("0000:0c:00.0"));
    assert_eq!(g.driver.as_deref(), Some("amdgpu"));
    assert_eq!(g.vram_total_mib, Some(16368));
    assert_eq!(g.vram_used_mib, None);
    assert_eq!(g.gfx_target.as_deref(), Some("gfx1030"));
    // 0x73bf is RX 6900 XT, 6800 XT or 6800 depending on the revision, which is not there.
    assert_eq!(g.name, None);
    assert_eq!(g.integrated, Some(false));
    assert_eq!(g.display_active, None);
    assert_eq!(g.pcie_link, None);
}

#[test]
fn rx6900xt_with_revision_and_connectors() {
    let host = host_from(&sample(RX6900XT))
        .file("/sys/class/drm/card0/device/revision", "0xc0\n")
        .file(
            "/sys/class/drm/card0/device/mem_info_vram_used",
            "1073741824\n",
        )
        .file(
            "/sys/class/drm/card0/device/current_link_speed",
            "16.0 GT/s PCIe\n",
        )
        .file("/sys/class/drm/card0/device/current_link_width", "16\n")
        .file(
            "/sys/class/drm/card0/device/max_link_speed",
            "16.0 GT/s PCIe\n",
        )
        .file("/sys/class/drm/card0/device/max_link_width", "16\n")
        .file("/sys/class/drm/card0-DP-1/status", "connected\n")
        .file("/sys/class/drm/card0-HDMI-A-1/status", "disconnected\n")
        .path("/sys/class/drm/renderD128", true, true, true);
    let g = gpus(&host);
    assert_eq!(g.len(), 1);
    let g = &g[0];
    assert_eq!(g.name.as_deref(), Some("Radeon RX 6900 XT"));
    assert_eq!(g.vram_used_mib, Some(1024));
    assert_eq!(g.display_active, Some(true));
    let link = g.pcie_link.as_ref().unwrap();
    assert_eq!(
        (
            link.generation,
            link.width,
            link.max_generation,
            link.max_width
        ),
        (Some(4), Some(16), Some(4), Some(16))
    );
}

#[test]
fn rtx4080_sample_has_no_vram_in_sysfs() {
    let g = gpus(&host_from(&sample(RTX4080)));
    assert_eq!(g.len(), 1);
    let g = &g[0];
    assert_eq!(g.vendor, Vendor::Nvidia);
    assert_eq!(g.pci_id.as_deref(), Some("10de:2704"));
    assert_eq!(g.pci_address.as_deref(), Some("0000:09:00.0"));
    assert_eq!(g.driver.as_deref(), Some("nvidia"));
    assert_eq!(g.vram_total_mib, None);
    // pci.ids names it (nvidia-smi's name wins when both are there).
    assert_eq!(g.name.as_deref(), Some("NVIDIA GeForce RTX 4080"));
    assert_eq!(g.gfx_target, None);
    assert_eq!(g.integrated, Some(false));
    let link = g.pcie_link.as_ref().unwrap();
    // Idle link trained down to 5.0 GT/s = gen 2.
    assert_eq!((link.generation, link.width), (Some(2), Some(16)));
    assert_eq!(link.max_generation, None);
}

#[test]
fn every_sysfs_sample_gives_one_addressed_gpu() {
    let all = samples_in("sysfs-drm");
    assert!(all.len() >= 2);
    for (file, text) in all {
        let g = gpus(&host_from(&text));
        assert_eq!(g.len(), 1, "{file}");
        assert!(g[0].pci_address.is_some(), "{file}");
        assert!(g[0].pci_id.is_some(), "{file}");
        assert_ne!(g[0].vendor, Vendor::Other, "{file}");
    }
}

#[test]
fn laptop_intel_igpu_drives_the_panel_nvidia_dgpu_has_no_connectors() {
    let host = FakeHost::new()
        .file(
            "/sys/class/drm/card0/device/uevent",
            "DRIVER=i915\nPCI_CLASS=30000\nPCI_ID=8086:A7A0\nPCI_SLOT_NAME=0000:00:02.0\n",
        )
        .file("/sys/class/drm/card0/device/vendor", "0x8086\n")
        .file("/sys/class/drm/card0/device/device", "0xa7a0\n")
        .file("/sys/class/drm/card0/device/class", "0x030000\n")
        .file("/sys/class/drm/card0-eDP-1/status", "connected\n")
        .file("/sys/class/drm/card0-HDMI-A-1/status", "disconnected\n")
        .file(
            "/sys/class/drm/card1/device/uevent",
            "DRIVER=nvidia\nPCI_ID=10DE:28E0\nPCI_SLOT_NAME=0000:01:00.0\n",
        )
        .file("/sys/class/drm/card1/device/vendor", "0x10de\n")
        .file("/sys/class/drm/card1/device/class", "0x030200\n");
    let g = gpus(&host);
    assert_eq!(g.len(), 2);
    assert_eq!(g[0].vendor, Vendor::Intel);
    // From the PCI ID database, not a hand-written list.
    assert_eq!(g[0].name.as_deref(), Some("Intel Iris Xe Graphics"));
    assert_eq!(g[0].integrated, Some(true));
    assert_eq!(g[0].display_active, Some(true));
    assert_eq!(g[1].vendor, Vendor::Nvidia);
    assert_eq!(g[1].pci_id.as_deref(), Some("10de:28e0"));
    assert_eq!(g[1].display_active, None);
}

#[test]
fn intel_arc_is_discrete_and_named() {
    let host = FakeHost::new()
        .file(
            "/sys/class/drm/card1/device/uevent",
            "DRIVER=xe\nPCI_ID=8086:E20B\nPCI_SLOT_NAME=0000:03:00.0\n",
        )
        .file("/sys/class/drm/card1-DP-2/status", "disconnected\n");
    let g = gpus(&host);
    assert_eq!(g[0].name.as_deref(), Some("Intel Arc B580"));
    assert_eq!(g[0].integrated, Some(false));
    assert_eq!(g[0].display_active, Some(false));
}

#[test]
fn amd_apus_are_integrated() {
    let apu = |id: &str, vram: &str| {
        FakeHost::new()
            .file(
                "/sys/class/drm/card0/device/uevent",
                format!("DRIVER=amdgpu\nPCI_ID=1002:{id}\nPCI_SLOT_NAME=0000:c5:00.0\n"),
            )
            .file("/sys/class/drm/card0/device/mem_info_vram_total", vram)
    };
    // Known Phoenix APU id, even with a large BIOS carve-out.
    let g = gpus(&apu("15BF", "4294967296\n"));
    assert_eq!(g[0].integrated, Some(true));
    assert_eq!(g[0].gfx_target.as_deref(), Some("gfx1103"));
    // Unknown id with a 512 MiB carve-out.
    assert_eq!(gpus(&apu("1999", "536870912\n"))[0].integrated, Some(true));
    // Unknown id with more memory: unknown, not a guess.
    assert_eq!(gpus(&apu("1999", "8589934592\n"))[0].integrated, None);
}

#[test]
fn non_pci_and_non_display_cards_are_skipped() {
    let host = FakeHost::new()
        .file(
            "/sys/class/drm/card0/device/uevent",
            "DRIVER=simple-framebuffer\n",
        )
        .file(
            "/sys/class/drm/card1/device/uevent",
            "DRIVER=foo\nPCI_ID=1234:0001\nPCI_SLOT_NAME=0000:05:00.0\n",
        )
        .file("/sys/class/drm/card1/device/class", "0x0c0330\n")
        .file("/sys/class/drm/version", "drm 1.1.0 20060810\n");
    assert!(gpus(&host).is_empty());
    assert_eq!(run(&host, &Ctx::default()).get("drm.error"), None);
}

#[test]
fn unlistable_drm_is_an_error_on_linux_only() {
    let f = run(&FakeHost::new(), &Ctx::default());
    assert_eq!(f.get_str("drm.error"), Some("not_found"));
    assert!(
        f.get_str("drm.error_message")
            .unwrap()
            .contains("/sys/class/drm")
    );
    let f = run(
        &FakeHost::new().platform(Platform::Windows),
        &Ctx::default(),
    );
    assert_eq!(f.get("drm.error"), None);
    assert!(f.gpus.is_empty());
}

#[test]
fn every_fact_set_is_declared() {
    for host in [FakeHost::new(), host_from(&sample(RX6900XT))] {
        for name in run(&host, &Ctx::default()).values().keys() {
            assert!(PROBE.facts.contains(&name.as_str()), "{name}");
        }
    }
}

#[test]
fn link_speeds_and_widths() {
    for (s, generation) in [
        ("2.5 GT/s PCIe", 1),
        ("5.0 GT/s PCIe", 2),
        ("8.0 GT/s PCIe", 3),
        ("16.0 GT/s PCIe\n", 4),
        ("32.0 GT/s PCIe", 5),
        ("64.0 GT/s PCIe", 6),
        ("8 GT/s", 3),
        ("5 GT/s", 2),
    ] {
        assert_eq!(parse_link_speed(s), Some(generation), "{s}");
    }
    assert_eq!(parse_link_speed("Unknown"), None);
    assert_eq!(parse_link_speed("Unknown speed"), None);
    assert_eq!(parse_link_speed("3.0 GT/s PCIe"), None);
    assert_eq!(parse_link_width("16\n"), Some(16));
    assert_eq!(parse_link_width("x8"), Some(8));
    assert_eq!(parse_link_width("0"), None);
    assert_eq!(parse_link_width("255"), None);
}

#[test]
fn connector_names_and_statuses() {
    assert_eq!(card_number("card0"), Some(0));
    assert_eq!(card_number("card12"), Some(12));
    assert_eq!(card_number("card0-DP-1"), None);
    assert_eq!(card_number("renderD128"), None);
    assert_eq!(card_number("card"), None);
    assert_eq!(connector_card("card1-DP-1"), Some("card1"));
    assert_eq!(connector_card("card0-eDP-1"), Some("card0"));
    assert_eq!(connector_card("card0-HDMI-A-1"), Some("card0"));
    assert_eq!(connector_card("card0-"), None);
    assert_eq!(connector_card("renderD128"), None);
    assert_eq!(parse_connector_status("connected\n"), Some(true));
    assert_eq!(parse_connector_status("disconnected"), Some(false));
    assert_eq!(parse_connector_status("unknown"), Some(false));
    assert_eq!(parse_connector_status(""), None);
    assert_eq!(display_active(&[]), None);
    assert_eq!(display_active(&[None]), None);
    assert_eq!(display_active(&[Some(false), None]), Some(false));
    assert_eq!(display_active(&[Some(false), Some(true)]), Some(true));
}

#[test]
fn truncated_samples_never_panic() {
    for (_, text) in samples_in("sysfs-drm") {
        let step = (text.len() / 61).max(1);
        for i in (0..text.len()).step_by(step) {
            if text.is_char_boundary(i) {
                let _ = gpus(&host_from(&text[..i]));
            }
        }
    }
}

proptest::proptest! {
    #[test]
    fn sysfs_parsers_never_panic(s in "\\PC*") {
        let _ = parse_uevent(&s);
        let _ = parse_link_speed(&s);
        let _ = parse_link_width(&s);
        let _ = parse_connector_status(&s);
        let _ = (card_number(&s), connector_card(&s));
        let _ = (parse_hex_u8(&s), parse_hex_u32(&s), bytes_to_mib(&s));
    }

    #[test]
    fn any_card_files_never_panic(uevent in "\\PC*", vendor in "\\PC*", vram in "\\PC*", speed in "\\PC*") {
        let host = FakeHost::new()
            .file("/sys/class/drm/card0/device/uevent", uevent)
            .file("/sys/class/drm/card0/device/vendor", vendor)
            .file("/sys/class/drm/card0/device/mem_info_vram_total", vram)
            .file("/sys/class/drm/card0/device/current_link_speed", speed);
        let _ = gpus(&host);
    }
}

#[test]
fn phoenix_apu_sample_is_integrated() {
    let g = gpus(&host_from(&sample("sysfs-drm/amd-phoenix-apu-card1.txt")));
    assert_eq!(g.len(), 1);
    let g = &g[0];
    assert_eq!(g.vendor, Vendor::Amd);
    assert_eq!(g.pci_id.as_deref(), Some("1002:15bf"));
    assert_eq!(g.pci_address.as_deref(), Some("0000:64:00.0"));
    assert_eq!(g.gfx_target.as_deref(), Some("gfx1103"));
    assert_eq!(g.integrated, Some(true));
    assert_eq!(g.vram_total_mib, None);
    assert_eq!(g.name, None);
}

#[test]
fn intel_samples_igpu_on_root_bus_arc_elsewhere() {
    let igpu = gpus(&host_from(&sample(
        "sysfs-drm/intel-cometlake-igpu-card0.txt",
    )));
    assert_eq!(igpu.len(), 1);
    assert_eq!(igpu[0].vendor, Vendor::Intel);
    assert_eq!(igpu[0].pci_id.as_deref(), Some("8086:9b41"));
    assert_eq!(igpu[0].driver.as_deref(), Some("i915"));
    assert_eq!(igpu[0].name.as_deref(), Some("Intel UHD Graphics"));
    assert_eq!(igpu[0].integrated, Some(true));
    let arc = gpus(&host_from(&sample("sysfs-drm/intel-arc-b580-xe-card1.txt")));
    assert_eq!(arc[0].name.as_deref(), Some("Intel Arc B580"));
    assert_eq!(arc[0].driver.as_deref(), Some("xe"));
    assert_eq!(arc[0].pci_address.as_deref(), Some("0000:0b:00.0"));
    assert_eq!(arc[0].integrated, Some(false));
}

/// rocm and drm observe the same card: gather() merges them into one GPU by PCI address,
/// the runtime's name and VRAM with the connectors' display_active.
#[test]
fn rocm_and_drm_merge_into_one_gpu() {
    let host = FakeHost::new()
        .cmd(
            &["rocminfo"],
            sample("rocminfo/rx7900xtx-rocm6.3.1-ryzen5900x.txt"),
        )
        .path("/dev/kfd", true, true, true)
        .file(
            "/sys/class/drm/card1/device/uevent",
            "DRIVER=amdgpu\nPCI_ID=1002:744C\nPCI_SLOT_NAME=0000:2d:00.0\n",
        )
        .file("/sys/class/drm/card1/device/revision", "0xc8\n")
        .file(
            "/sys/class/drm/card1/device/mem_info_vram_total",
            "25753026560\n",
        )
        .file(
            "/sys/class/drm/card1/device/mem_info_vram_used",
            "1262485504\n",
        )
        .file("/sys/class/drm/card1-DP-1/status", "connected\n");
    let facts = crate::probes::gather(&host, &Ctx::default(), true).facts;
    let amd: Vec<&Gpu> = facts
        .gpus
        .iter()
        .filter(|g| g.vendor == Vendor::Amd)
        .collect();
    assert_eq!(amd.len(), 1);
    let g = amd[0];
    assert_eq!(g.name.as_deref(), Some("Radeon RX 7900 XTX"));
    assert_eq!(g.gfx_target.as_deref(), Some("gfx1100"));
    assert_eq!(g.vram_total_mib, Some(24560));
    assert_eq!(g.vram_used_mib, Some(1204));
    assert_eq!(g.display_active, Some(true));
    assert_eq!(g.index, Some(0));
    assert_eq!(g.integrated, Some(false));
}

/// A listing with 20,000 cards (a hostile or broken snapshot): only MAX_GPUS are read, and
/// the facts say so.
#[test]
fn twenty_thousand_cards_are_capped_and_noted() {
    let mut host = FakeHost::new();
    for i in 0..20_000u32 {
        let slot = format!("{:04x}:{:02x}:00.0", i / 256, i % 256);
        host = host.file(
            &format!("/sys/class/drm/card{i}/device/uevent"),
            format!("DRIVER=amdgpu\nPCI_ID=1002:73BF\nPCI_SLOT_NAME={slot}\n"),
        );
        host = host.file(
            &format!("/sys/class/drm/card{i}-DP-1/status"),
            "connected\n",
        );
    }
    let f = run(&host, &Ctx::default());
    assert_eq!(f.gpus.len(), MAX_GPUS);
    // Cards in number order: card0..card63, not card0, card1, card10, card100, ...
    assert_eq!(f.gpus[10].pci_address.as_deref(), Some("0000:0a:00.0"));
    assert_eq!(f.gpus[63].pci_address.as_deref(), Some("0000:3f:00.0"));
    assert!(f.gpus.iter().all(|g| g.display_active == Some(true)));
    assert_eq!(
        f.get_str("drm.truncated"),
        Some("20000 DRM cards listed, only the first 64 read")
    );
}

#[test]
fn a_few_cards_are_not_noted_as_truncated() {
    let f = run(&host_from(&sample(RX6900XT)), &Ctx::default());
    assert_eq!(f.gpus.len(), 1);
    assert_eq!(f.get("drm.truncated"), None);
}

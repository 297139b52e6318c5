use super::*;
use crate::host::fake::FakeHost;
use crate::testutil::sample;

const KIB: u64 = 1024;

#[test]
fn amdgpu_legacy_keys() {
    let c = parse_fdinfo(&sample("drm-fdinfo/amdgpu-legacy-drm-memory-vram.txt")).unwrap();
    assert_eq!(c.driver, "amdgpu");
    assert_eq!(c.pdev.as_deref(), Some("0000:08:00.0"));
    assert_eq!(c.client_id, Some(217));
    // GTT and CPU are system memory, not VRAM.
    assert_eq!(c.vram_bytes, Some(2068 * KIB));
}

#[test]
fn amdgpu_common_keys_count_once() {
    let c = parse_fdinfo(&sample("drm-fdinfo/amdgpu-drm-total-resident.txt")).unwrap();
    assert_eq!(c.pdev.as_deref(), Some("0000:04:00.0"));
    assert_eq!(c.client_id, Some(4));
    // drm-resident-vram, drm-total-vram and drm-memory-vram are one figure, not three.
    assert_eq!(c.vram_bytes, Some(44564 * KIB));
}

#[test]
fn xe_vram0() {
    let c = parse_fdinfo(&sample("drm-fdinfo/xe-vram0.txt")).unwrap();
    assert_eq!(c.driver, "xe");
    assert_eq!(c.pdev.as_deref(), Some("0000:03:00.0"));
    assert_eq!(c.client_id, Some(3));
    assert_eq!(c.vram_bytes, Some(23992 * KIB));
}

#[test]
fn resident_wins_over_total_and_regions_add_up() {
    let text = "drm-driver:\txe\ndrm-pdev:\t0000:03:00.0\ndrm-client-id:\t9\n\
                drm-total-vram0:\t8 MiB\ndrm-resident-vram0:\t4 MiB\n\
                drm-total-vram1:\t1048576\ndrm-resident-stolen-local0:\t64 MiB\n\
                drm-resident-local0:\t2 MiB\ndrm-resident-system0:\t100 MiB\n";
    let c = parse_fdinfo(text).unwrap();
    // vram0 resident 4 MiB + vram1 total 1 MiB (bytes, no unit) + local0 2 MiB.
    assert_eq!(c.vram_bytes, Some(7 * 1024 * KIB));
    // An integrated GPU reports no VRAM region: unknown, not zero.
    let igpu = parse_fdinfo("drm-driver: i915\ndrm-total-system0: 8 MiB\n").unwrap();
    assert_eq!(igpu.vram_bytes, None);
    // Not a DRM file.
    assert_eq!(parse_fdinfo("pos:\t0\nflags:\t02\nmnt_id:\t10\n"), None);
    assert_eq!(parse_bytes("12 bananas"), None);
    assert_eq!(parse_bytes("3 KiB"), Some(3 * KIB));
}

#[test]
fn per_gpu_per_process_with_shared_clients_once() {
    let amd_old = sample("drm-fdinfo/amdgpu-legacy-drm-memory-vram.txt");
    let amd_new = sample("drm-fdinfo/amdgpu-drm-total-resident.txt");
    let xe = sample("drm-fdinfo/xe-vram0.txt");
    let host = FakeHost::new()
        .drm_fd(2217, 99, "gnome-shell", &amd_old)
        // The same DRM client through a second fd (dup) and a second process (fd passing).
        .drm_fd(2217, 100, "gnome-shell", &amd_old)
        .drm_fd(3000, 7, "Xwayland", &amd_old)
        .drm_fd(4100, 12, "python3", &amd_new)
        .drm_fd(5000, 5, "firefox", &xe)
        .drm_fd(
            6000,
            3,
            "panfrost-app",
            "drm-driver: panfrost\ndrm-total-memory: 5 MiB\n",
        );
    let mut scan = host.drm_fdinfo.clone().unwrap();
    scan.processes = 412;
    scan.unreadable = 57;
    let f = run(&host.drm_scan(scan), &Ctx::default());
    assert_eq!(f.get_bool("drm_clients.scanned"), Some(true));
    assert_eq!(f.get_u64("drm_clients.unreadable_processes"), Some(57));
    assert_eq!(f.gpus.len(), 3, "{:?}", f.gpus);
    let by = |addr: &str| {
        f.gpus
            .iter()
            .find(|g| g.pci_address.as_deref() == Some(addr))
            .unwrap()
    };
    let g = by("0000:08:00.0");
    assert_eq!(g.vendor, Vendor::Amd);
    assert_eq!(g.processes.len(), 1);
    assert_eq!(g.processes[0].name, "gnome-shell");
    assert_eq!(g.processes[0].kind, ProcessKind::Graphics);
    assert_eq!(g.processes[0].used_mib, Some(2));
    let g = by("0000:04:00.0");
    assert_eq!(g.processes[0].name, "python3");
    assert_eq!(g.processes[0].kind, ProcessKind::Both);
    assert_eq!(g.processes[0].used_mib, Some(43));
    let g = by("0000:03:00.0");
    assert_eq!(g.vendor, Vendor::Intel);
    assert_eq!(g.driver.as_deref(), Some("xe"));
    assert_eq!(g.processes[0].used_mib, Some(23));
}

#[test]
fn not_recorded_is_an_error_fact_and_not_linux_is_silent() {
    let f = run(&FakeHost::new(), &Ctx::default());
    assert_eq!(f.get_str("drm_clients.error"), Some("not_found"));
    let f = run(
        &FakeHost::new().platform(Platform::Windows),
        &Ctx::default(),
    );
    assert!(f.get("drm_clients.error").is_none());
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC*") {
        let _ = parse_fdinfo(&s);
        let _ = parse_bytes(&s);
    }
}

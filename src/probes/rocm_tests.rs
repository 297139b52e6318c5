//! Tests of the rocm probe: rocminfo samples, error samples, KFD joins, the probe over FakeHosts.

use super::kfd::head_files;
use super::*;
use crate::host::fake::FakeHost;
use crate::testutil::{sample, samples_in};

const XTX: &str = "rocminfo/rx7900xtx-rocm6.3.1-ryzen5900x.txt";
const VEGA20: &str = "rocminfo/vega20-x8-epyc-rocm2.x-2019.txt";

#[test]
fn rx7900xtx_rocm631() {
    let i = parse_rocminfo(&sample(XTX));
    assert_eq!(i.kfd_loaded, Some(true));
    assert_eq!(i.kfd_module_version.as_deref(), Some("6.10.5"));
    assert_eq!(i.runtime_version.as_deref(), Some("1.14"));
    assert_eq!(i.kfd_open_error, None);
    assert_eq!(i.cpu_agents, 1);
    assert_eq!(i.gpus.len(), 1);
    let g = &i.gpus[0];
    assert_eq!(g.name.as_deref(), Some("gfx1100"));
    assert_eq!(g.marketing_name.as_deref(), Some("Radeon RX 7900 XTX"));
    assert_eq!(g.chip_id, Some(0x744c));
    assert_eq!(g.compute_units, Some(96));
    assert_eq!(g.uuid.as_deref(), Some("GPU-69e905a91bab9202"));
    assert_eq!(g.node, Some(1));
    assert_eq!(g.bdfid, Some(11520));
    assert_eq!(g.pci_address().as_deref(), Some("0000:2d:00.0"));
    assert_eq!(g.vram_mib, Some(24560));
}

#[test]
fn vega20_x8_old_format_with_ansi() {
    let i = parse_rocminfo(&sample(VEGA20));
    assert_eq!(i.kfd_loaded, Some(true));
    assert_eq!(i.kfd_module_version, None);
    assert_eq!(i.runtime_version.as_deref(), Some("1.1"));
    assert_eq!(i.cpu_agents, 4);
    assert_eq!(i.gpus.len(), 8);
    // The ANSI escapes are gone from what we keep.
    assert_eq!(i.preamble[1], "test is member of video group");
    for g in &i.gpus {
        assert_eq!(g.name.as_deref(), Some("gfx906"));
        assert_eq!(g.marketing_name.as_deref(), Some("Vega 20"));
        assert_eq!(g.chip_id, Some(0x66a1));
        assert_eq!(g.compute_units, Some(60));
        assert_eq!(g.uuid, None);
        assert_eq!(g.vram_mib, Some(32752));
    }
    let addrs: Vec<String> = i.gpus.iter().filter_map(|g| g.pci_address()).collect();
    assert_eq!(
        addrs,
        [
            "0000:07:00.0",
            "0000:0a:00.0",
            "0000:2a:00.0",
            "0000:2d:00.0",
            "0000:45:00.0",
            "0000:48:00.0",
            "0000:65:00.0",
            "0000:68:00.0"
        ]
    );
    let nodes: Vec<u32> = i.gpus.iter().filter_map(|g| g.node).collect();
    assert_eq!(nodes, (4..12).collect::<Vec<u32>>());
}

#[test]
fn every_rocminfo_sample_yields_complete_gpus() {
    let all = samples_in("rocminfo");
    assert!(all.len() >= 2);
    for (file, text) in all {
        let i = parse_rocminfo(&text);
        assert!(!i.gpus.is_empty(), "{file}");
        assert!(i.cpu_agents >= 1, "{file}");
        for g in &i.gpus {
            assert!(
                g.name.as_deref().is_some_and(|n| n.starts_with("gfx")),
                "{file}"
            );
            assert!(g.marketing_name.is_some(), "{file}");
            assert!(g.chip_id.is_some_and(|c| c > 0), "{file}");
            assert!(g.vram_mib.is_some_and(|v| v > 1024), "{file}");
            assert!(g.pci_address().is_some(), "{file}");
        }
    }
}

fn ok(stdout: &str) -> CommandOutput {
    CommandOutput {
        exit: Some(0),
        stdout: stdout.as_bytes().to_vec(),
        ..Default::default()
    }
}

fn failed(stdout: &str) -> CommandOutput {
    CommandOutput {
        exit: Some(1),
        stdout: stdout.as_bytes().to_vec(),
        ..Default::default()
    }
}

#[test]
fn kfd_cannot_allocate_memory_mi100() {
    let text = sample("errors/rocminfo-kfd-cannot-allocate-mi100.txt");
    let i = parse_rocminfo(&text);
    assert_eq!(i.kfd_loaded, Some(true));
    assert_eq!(i.kfd_open_error.as_deref(), Some("Cannot allocate memory"));
    assert!(i.gpus.is_empty());
    let (code, msg) = classify(&failed(&text), &i, &Ctx::default()).unwrap();
    assert_eq!(code, "kfd_unavailable");
    assert!(msg.contains("Unable to open /dev/kfd read-write: Cannot allocate memory"));
    assert!(msg.contains("root is member of render group"));
}

#[test]
fn kfd_cannot_allocate_unsupported_gcn1_with_hsa_failure() {
    let text = sample("errors/rocminfo-kfd-cannot-allocate-unsupported-gcn1.txt");
    let i = parse_rocminfo(&text);
    assert_eq!(i.kfd_open_error.as_deref(), Some("Cannot allocate memory"));
    assert_eq!(
        i.hsa_error.as_deref(),
        Some("hsa api call failure at: /src/rocminfo/rocminfo.cc:1142")
    );
    let (code, msg) = classify(&failed(&text), &i, &Ctx::default()).unwrap();
    assert_eq!(code, "kfd_unavailable");
    assert!(msg.contains("HSA_STATUS_ERROR_OUT_OF_RESOURCES"));
}

#[test]
fn kfd_invalid_argument_in_docker() {
    let text = sample("errors/rocminfo-kfd-invalid-argument-docker.txt");
    let i = parse_rocminfo(&text);
    assert_eq!(i.kfd_module_version.as_deref(), Some("6.7.0"));
    assert_eq!(i.kfd_open_error.as_deref(), Some("Invalid argument"));
    let (code, msg) = classify(&failed(&text), &i, &Ctx::default()).unwrap();
    assert_eq!(code, "kfd_unavailable");
    assert!(msg.starts_with("ROCk module version 6.7.0 is loaded\nUnable to open /dev/kfd"));
}

#[test]
fn kfd_permission_denied_and_module_not_loaded() {
    let text = "ROCk module is loaded\nUnable to open /dev/kfd read-write: Permission denied\n\
                alice is not member of \"render\" group, the default DRM access group.\n";
    let i = parse_rocminfo(text);
    let (code, _) = classify(&failed(text), &i, &Ctx::default()).unwrap();
    assert_eq!(code, "kfd_permission");

    let text = "ROCk module is NOT loaded, possibly no GPU devices\n";
    let i = parse_rocminfo(text);
    assert_eq!(i.kfd_loaded, Some(false));
    let (code, msg) = classify(&failed(text), &i, &Ctx::default()).unwrap();
    assert_eq!(code, "kfd_unavailable");
    assert_eq!(msg, "ROCk module is NOT loaded, possibly no GPU devices");
}

#[test]
fn a_healthy_run_is_no_error() {
    let text = sample(XTX);
    let i = parse_rocminfo(&text);
    assert_eq!(classify(&ok(&text), &i, &Ctx::default()), None);
}

#[test]
fn rocm_version_file() {
    assert_eq!(parse_rocm_version("6.3.1-48\n").as_deref(), Some("6.3.1"));
    assert_eq!(parse_rocm_version("5.7.0\n").as_deref(), Some("5.7.0"));
    assert_eq!(
        parse_rocm_version("\n7.2.0-43+abc\n").as_deref(),
        Some("7.2.0")
    );
    assert_eq!(parse_rocm_version("garbage"), None);
    assert_eq!(parse_rocm_version(""), None);
}

const RX6700XT: &str = "rocminfo/rx6700xt-gfx1031-rocm5.7-arch.txt";

/// The real RX 6700 XT output as the runtime prints it under HSA_OVERRIDE_GFX_VERSION=10.3.0:
/// only the agent's `Name:` changes to gfx1030 (Marketing Name and Chip ID stay, as seen in
/// users' pastes of overridden systems).
fn rocminfo_6700xt_overridden() -> String {
    let real = sample(RX6700XT);
    let overridden = real.replacen(
        "  Name:                    gfx1031 ",
        "  Name:                    gfx1030 ",
        1,
    );
    assert_ne!(real, overridden);
    overridden
}

#[test]
fn rx6700xt_gfx1031_sample() {
    let i = parse_rocminfo(&sample(RX6700XT));
    assert_eq!(i.kfd_loaded, Some(true));
    assert_eq!(i.runtime_version.as_deref(), Some("1.1"));
    assert_eq!(i.cpu_agents, 1);
    assert_eq!(i.gpus.len(), 1);
    let g = &i.gpus[0];
    assert_eq!(g.name.as_deref(), Some("gfx1031"));
    assert_eq!(g.marketing_name.as_deref(), Some("AMD Radeon RX 6700 XT"));
    assert_eq!(g.chip_id, Some(0x73df));
    assert_eq!(g.compute_units, Some(40));
    assert_eq!(g.uuid.as_deref(), Some("GPU-XX"));
    assert_eq!(g.pci_address().as_deref(), Some("0000:28:00.0"));
    assert_eq!(g.vram_mib, Some(12272));
}

fn kfd_props(location: u32, device: u32, gfx: Option<u32>, mem: u64) -> String {
    let mut s = format!(
        "cpu_cores_count 0\nsimd_count 80\nvendor_id 4098\ndevice_id {device}\n\
         location_id {location}\ndomain 0\nlocal_mem_size {mem}\n"
    );
    if let Some(g) = gfx {
        s.push_str(&format!("gfx_target_version {g}\n"));
    }
    s
}

fn healthy_linux() -> FakeHost {
    FakeHost::new()
        .file("/opt/rocm/.info/version", "6.3.1-48\n")
        .path("/dev/kfd", true, true, true)
        .path("/dev/dri/card0", true, true, true)
        .path("/dev/dri/renderD128", true, true, true)
        .file(
            "/sys/class/kfd/kfd/topology/nodes/0/properties",
            "cpu_cores_count 24\nsimd_count 0\n",
        )
}

#[test]
fn probe_rx7900xtx_joins_kfd_and_rocminfo() {
    let host = healthy_linux()
        .cmd(&["rocminfo"], sample(XTX))
        .file(
            "/sys/class/kfd/kfd/topology/nodes/1/properties",
            kfd_props(11520, 29772, Some(110000), 25753026560),
        )
        .file("/sys/class/kfd/kfd/topology/nodes/1/name", "ip discovery\n");
    let f = run(&host, &Ctx::default());
    assert_eq!(f.get_str("rocm.version"), Some("6.3.1"));
    assert_eq!(f.get_bool("rocm.kfd_accessible"), Some(true));
    assert_eq!(f.get_bool("rocm.render_accessible"), Some(true));
    assert_eq!(f.get_str("rocm.kernel_driver_version"), Some("6.10.5"));
    assert_eq!(f.get_str("rocm.runtime_version"), Some("1.14"));
    assert_eq!(f.get("rocm.error"), None);
    assert_eq!(f.get("rocm.hsa_override_gfx_version"), None);
    assert_eq!(f.gpus.len(), 1);
    let g = &f.gpus[0];
    assert_eq!(g.vendor, Vendor::Amd);
    assert_eq!(g.name.as_deref(), Some("Radeon RX 7900 XTX"));
    assert_eq!(g.gfx_target.as_deref(), Some("gfx1100"));
    assert_eq!(g.vram_total_mib, Some(24560));
    assert_eq!(g.pci_address.as_deref(), Some("0000:2d:00.0"));
    assert_eq!(g.pci_id.as_deref(), Some("1002:744c"));
    assert_eq!(g.index, Some(0));
    assert_eq!(g.driver.as_deref(), Some("amdgpu"));
    assert_eq!(g.integrated, Some(false));
}

#[test]
fn hsa_override_does_not_change_the_gfx_target() {
    let host = healthy_linux()
        .env("HSA_OVERRIDE_GFX_VERSION", "10.3.0")
        .cmd(&["rocminfo"], rocminfo_6700xt_overridden())
        .file(
            "/sys/class/kfd/kfd/topology/nodes/1/properties",
            kfd_props(10240, 29663, Some(100301), 12868124672),
        );
    let f = run(&host, &Ctx::default());
    assert_eq!(f.get_str("rocm.hsa_override_gfx_version"), Some("10.3.0"));
    assert_eq!(
        f.get("rocm.runtime_gfx_targets"),
        Some(&serde_json::json!(["gfx1030"]))
    );
    assert_eq!(f.gpus.len(), 1);
    let g = &f.gpus[0];
    assert_eq!(g.gfx_target.as_deref(), Some("gfx1031"));
    assert_eq!(g.name.as_deref(), Some("AMD Radeon RX 6700 XT"));
    assert_eq!(g.vram_total_mib, Some(12272));
    assert_eq!(g.pci_address.as_deref(), Some("0000:28:00.0"));
}

#[test]
fn hsa_override_without_kfd_falls_back_to_the_device_id() {
    let host = FakeHost::new()
        .env("HSA_OVERRIDE_GFX_VERSION", "10.3.0")
        .cmd(&["rocminfo"], rocminfo_6700xt_overridden());
    let f = run(&host, &Ctx::default());
    let g = &f.gpus[0];
    assert_eq!(g.gfx_target.as_deref(), Some("gfx1031"));
    assert_eq!(g.vram_total_mib, Some(12272));
    assert_eq!(g.pci_id.as_deref(), Some("1002:73df"));
    // Unknown device id and an override: no gfx target rather than the runtime's lie.
    let agent = RocmAgent {
        name: Some("gfx1030".into()),
        chip_id: Some(0x1234),
        ..Default::default()
    };
    assert_eq!(
        build_gpus(&[], std::slice::from_ref(&agent), true)[0].gfx_target,
        None
    );
    assert_eq!(
        build_gpus(&[], &[agent], false)[0].gfx_target.as_deref(),
        Some("gfx1030")
    );
}

#[test]
fn vega20_x8_without_kfd_gives_eight_gpus() {
    let host = FakeHost::new().cmd(&["rocminfo"], sample(VEGA20));
    let f = run(&host, &Ctx::default());
    assert_eq!(f.gpus.len(), 8);
    assert!(
        f.gpus
            .iter()
            .all(|g| g.gfx_target.as_deref() == Some("gfx906"))
    );
    assert!(f.gpus.iter().all(|g| g.vram_total_mib == Some(32752)));
    let idx: Vec<u32> = f.gpus.iter().filter_map(|g| g.index).collect();
    assert_eq!(idx, (0..8).collect::<Vec<u32>>());
    assert_eq!(f.get_bool("rocm.kfd_accessible"), Some(false));
    assert_eq!(f.get_bool("rocm.render_accessible"), Some(false));
}

#[test]
fn kfd_only_legacy_kernel_sample() {
    let mut host = FakeHost::new().path("/dev/kfd", true, true, false);
    for (path, body) in head_files(&sample("kfd-topology/vega10-mi25-legacy-kernel.txt")) {
        host = host.file(&path, body);
    }
    let f = run(&host, &Ctx::default());
    // Driver present, ROCm user space absent: no version, no error, GPUs from the kernel.
    assert_eq!(f.get("rocm.version"), None);
    assert_eq!(f.get("rocm.error"), None);
    assert_eq!(f.get_bool("rocm.kfd_accessible"), Some(false));
    // Node 2 is a copy of node 1 (same PCI address): one physical GPU.
    assert_eq!(f.gpus.len(), 1);
    let g = &f.gpus[0];
    assert_eq!(g.gfx_target.as_deref(), Some("gfx900"));
    assert_eq!(g.vram_total_mib, Some(16368));
    assert_eq!(g.pci_address.as_deref(), Some("0000:19:00.0"));
    assert_eq!(g.pci_id.as_deref(), Some("1002:6860"));
    assert_eq!(g.name, None);
}

#[test]
fn nothing_amd_is_not_installed() {
    let f = run(&FakeHost::new(), &Ctx::default());
    assert_eq!(f.get_str("rocm.error"), Some("not_installed"));
    assert_eq!(f.get("rocm.kfd_accessible"), None);
    assert!(f.gpus.is_empty());
}

#[test]
fn rocminfo_timeout_and_fallback_path() {
    let host = healthy_linux().cmd_timeout(&[ROCMINFO_FALLBACK]).path(
        ROCMINFO_FALLBACK,
        true,
        true,
        false,
    );
    // cmd_timeout put "/opt/rocm/bin/rocminfo" on PATH under its full name, not "rocminfo".
    assert!(host.which("rocminfo").is_none());
    let f = run(&host, &Ctx::default());
    assert_eq!(f.get_str("rocm.error"), Some("timeout"));
    assert!(f.get_str("rocm.error_message").unwrap().contains("5 s"));
}

#[test]
fn permission_denied_on_kfd() {
    let out = "ROCk module is loaded\nUnable to open /dev/kfd read-write: Permission denied\n\
               bob is not member of \"render\" group\n";
    let host = FakeHost::new()
        .path("/dev/kfd", true, false, false)
        .path("/dev/dri/renderD128", true, false, false)
        .cmd_exit(&["rocminfo"], 1, out, "");
    let f = run(&host, &Ctx::default());
    assert_eq!(f.get_str("rocm.error"), Some("kfd_permission"));
    assert!(
        f.get_str("rocm.error_message")
            .unwrap()
            .contains("Permission denied")
    );
    assert_eq!(f.get_bool("rocm.kfd_accessible"), Some(false));
    assert_eq!(f.get_bool("rocm.render_accessible"), Some(false));
    assert!(f.gpus.is_empty());
}

#[test]
fn one_unwritable_render_node_spoils_render_access() {
    let host = healthy_linux().path("/dev/dri/renderD129", true, true, false);
    let f = run(&host, &Ctx::default());
    assert_eq!(f.get_bool("rocm.render_accessible"), Some(false));
}

#[test]
fn kernel_driver_version_prefers_the_module_file() {
    let host = healthy_linux()
        .file("/sys/module/amdgpu/version", "6.12.12\n")
        .cmd(&["rocminfo"], sample(XTX));
    let f = run(&host, &Ctx::default());
    assert_eq!(f.get_str("rocm.kernel_driver_version"), Some("6.12.12"));
}

#[test]
fn windows_reports_only_the_override() {
    let host = FakeHost::new()
        .platform(Platform::Windows)
        .env("HSA_OVERRIDE_GFX_VERSION", "11.0.0");
    let f = run(&host, &Ctx::default());
    assert_eq!(f.get_str("rocm.hsa_override_gfx_version"), Some("11.0.0"));
    assert_eq!(f.get("rocm.error"), None);
}

#[test]
fn every_fact_set_is_declared() {
    let host = healthy_linux()
        .env("HSA_OVERRIDE_GFX_VERSION", "10.3.0")
        .cmd(&["rocminfo"], rocminfo_6700xt_overridden());
    for f in [
        run(&host, &Ctx::default()),
        run(&FakeHost::new(), &Ctx::default()),
    ] {
        for name in f.values().keys() {
            assert!(PROBE.facts.contains(&name.as_str()), "{name}");
        }
    }
}

fn truncations(s: &str) -> Vec<&str> {
    let step = (s.len() / 97).max(1);
    (0..s.len())
        .step_by(step)
        .filter(|&i| s.is_char_boundary(i))
        .map(|i| &s[..i])
        .collect()
}

#[test]
fn truncated_samples_never_panic() {
    let mut all = samples_in("rocminfo");
    for e in [
        "errors/rocminfo-kfd-cannot-allocate-mi100.txt",
        "errors/rocminfo-kfd-cannot-allocate-unsupported-gcn1.txt",
        "errors/rocminfo-kfd-invalid-argument-docker.txt",
    ] {
        all.push((e.to_string(), sample(e)));
    }
    for (_, text) in &all {
        for t in truncations(text) {
            let i = parse_rocminfo(t);
            let _ = classify(&failed(t), &i, &Ctx::default());
            let _ = build_gpus(&[], &i.gpus, true);
        }
    }
}

proptest::proptest! {
    #[test]
    fn rocminfo_parser_never_panics(s in "\\PC*") {
        let i = parse_rocminfo(&s);
        let _ = build_gpus(&[], &i.gpus, false);
        let _ = parse_rocm_version(&s);
    }

    #[test]
    fn rocminfo_like_lines_never_panic(
        lines in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("Agent 1".to_string()),
                proptest::strategy::Just("  Device Type: GPU".to_string()),
                proptest::strategy::Just("Segment: GLOBAL".to_string()),
                "  (Name|Chip ID|BDFID|Size|Node|Compute Unit|Uuid): [0-9a-z()x ]{0,20}",
                "\\PC{0,30}",
            ],
            0..40,
        )
    ) {
        let i = parse_rocminfo(&lines.join("\n"));
        let _ = build_gpus(&[], &i.gpus, true);
    }
}

#[test]
fn mi25_truncated_sample_with_empty_uuid_and_isa_names() {
    let i = parse_rocminfo(&sample("rocminfo/mi25-x7-threadripper-pro-truncated.txt"));
    assert_eq!(i.kfd_loaded, Some(true));
    assert_eq!(i.runtime_version.as_deref(), Some("1.1"));
    assert_eq!(i.cpu_agents, 1);
    assert_eq!(i.gpus.len(), 1);
    let g = &i.gpus[0];
    // The ISA block's `Name: amdgcn-amd-amdhsa--gfx900:xnack-` must not replace the agent name.
    assert_eq!(g.name.as_deref(), Some("gfx900"));
    assert_eq!(g.marketing_name.as_deref(), Some("Radeon Instinct MI25"));
    assert_eq!(g.chip_id, Some(0x6860));
    assert_eq!(g.compute_units, Some(64));
    assert_eq!(g.uuid, None);
    assert_eq!(g.node, Some(1));
    assert_eq!(g.pci_address().as_deref(), Some("0000:63:00.0"));
    assert_eq!(g.vram_mib, Some(16368));
}

#[test]
fn kfd_only_phoenix_apu_sample() {
    let mut host = FakeHost::new().path("/dev/kfd", true, true, true);
    for (path, body) in head_files(&sample("kfd-topology/phoenix-apu-gfx1103-node1.txt")) {
        host = host.file(&path, body);
    }
    let f = run(&host, &Ctx::default());
    assert_eq!(f.get("rocm.error"), None);
    assert_eq!(f.get_bool("rocm.kfd_accessible"), Some(true));
    assert_eq!(f.gpus.len(), 1);
    let g = &f.gpus[0];
    assert_eq!(g.gfx_target.as_deref(), Some("gfx1103"));
    assert_eq!(g.pci_id.as_deref(), Some("1002:15bf"));
    assert_eq!(g.pci_address.as_deref(), Some("0000:64:00.0"));
    // local_mem_size 0 on an APU: no VRAM figure rather than 0.
    assert_eq!(g.vram_total_mib, None);
    assert_eq!(g.integrated, Some(true));
}

#[test]
fn a_paste_that_starts_at_an_agent_still_parses() {
    // Users often paste only the GPU agent; keep the real sample's lines from "Agent 2" on.
    let full = sample(XTX);
    let start = full.find("*******                  \nAgent 2").unwrap();
    let i = parse_rocminfo(&full[start..]);
    assert!(i.preamble.is_empty());
    assert_eq!(i.gpus.len(), 1);
    assert_eq!(
        i.gpus[0].marketing_name.as_deref(),
        Some("Radeon RX 7900 XTX")
    );
    let i = parse_rocminfo(&full[start + 26..]);
    assert_eq!(i.gpus.len(), 1);
    assert_eq!(i.gpus[0].chip_id, Some(0x744c));
}

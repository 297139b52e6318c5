use super::derive::derive_with;
use super::*;
use crate::facts::{Facts, Gpu, Vendor};

#[test]
fn embedded_knowledge_is_valid() {
    let k = load(FILES).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(k.cuda().releases.len() > 20);
    assert!(!k.pytorch().cuda_builds.is_empty());
}

#[test]
fn bad_rows_are_located() {
    let bad = FILES
        .iter()
        .map(|(p, t)| {
            if p.ends_with("rocm.yaml") {
                (
                    *p,
                    t.replacen("checked: 2026-12-01,", "checked: yesterday,", 1),
                )
            } else {
                (*p, t.to_string())
            }
        })
        .collect::<Vec<_>>();
    let files: Vec<(&str, &str)> = bad.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let errs = load(&files).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = errs[0].to_string();
    assert!(e.starts_with("knowledge/rocm.yaml:"), "{e}");
    assert!(e.contains("is not a date"), "{e}");
    assert!(errs[0].line.is_some() && errs[0].column.is_some());

    let files = [("knowledge/cuda.yaml", "checked: 2026-12-01\nreleses: []\n")];
    let errs = load(&files).unwrap_err();
    assert!(
        errs[0].to_string().contains("knowledge/cuda.yaml:2:"),
        "{errs:?}"
    );
}

#[test]
fn the_cuda_a_driver_runs() {
    let k = get();
    // Drivers before 410 print no CUDA version: NVIDIA's table still says.
    assert_eq!(k.driver_cuda("390.157", false), Some("9.1"));
    assert_eq!(k.driver_cuda("390.25", false), Some("9.0"));
    assert_eq!(k.driver_cuda("396.54", false), Some("9.2"));
    assert_eq!(k.driver_cuda("470.256.02", false), Some("11.4"));
    assert_eq!(k.driver_cuda("535.104.05", false), Some("12.2"));
    assert_eq!(k.driver_cuda("580.95.05", false), Some("13.0"));
    assert_eq!(k.driver_cuda("391.35", true), Some("9.1"));
    assert_eq!(k.driver_cuda("340.108", false), None);
}

#[test]
fn compute_capability_by_chip_and_by_name() {
    let k = get();
    let by_pci =
        |id: &str| compute_capability(k, None, derive::pci_device_name(id)).unwrap_or_default();
    // Kepler and Fermi GeForce cards, whose drivers cannot answer the compute_cap query.
    assert_eq!(by_pci("10de:1184"), "3.0"); // GTX 770
    assert_eq!(by_pci("10de:0fc1"), "3.0"); // GT 640 (GK107)
    assert_eq!(by_pci("10de:1287"), "3.5"); // GT 730 (GK208B)
    assert_eq!(by_pci("10de:0de1"), "2.1"); // GT 430
    assert_eq!(by_pci("10de:2b85"), "12.0"); // RTX 5090
    assert_eq!(by_pci("10de:2330"), "9.0"); // H100 SXM5
    let cases = [
        ("NVIDIA GeForce RTX 5090", "12.0"),
        ("NVIDIA GeForce RTX 5060 Ti", "12.0"),
        ("NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "12.0"),
        ("NVIDIA B200", "10.0"),
        ("NVIDIA GB200", "10.0"),
        ("NVIDIA H100 80GB HBM3", "9.0"),
        ("NVIDIA H200", "9.0"),
        ("NVIDIA GH200 480GB", "9.0"),
        ("NVIDIA GeForce RTX 4090", "8.9"),
        ("NVIDIA GeForce RTX 4070 Laptop GPU", "8.9"),
        ("NVIDIA RTX 6000 Ada Generation", "8.9"),
        ("NVIDIA L40S", "8.9"),
        ("NVIDIA L4", "8.9"),
        ("NVIDIA A100-SXM4-80GB", "8.0"),
        ("NVIDIA A10G", "8.6"),
        ("NVIDIA RTX A6000", "8.6"),
        ("NVIDIA GeForce RTX 3060 Laptop GPU", "8.6"),
        ("Quadro RTX 6000", "7.5"),
        ("NVIDIA TITAN RTX", "7.5"),
        ("Tesla T4", "7.5"),
        ("NVIDIA GeForce RTX 2080 SUPER", "7.5"),
        ("NVIDIA GeForce GTX 1650 Ti with Max-Q Design", "7.5"),
        ("Tesla V100-SXM2-16GB", "7.0"),
        ("NVIDIA TITAN V", "7.0"),
        ("Tesla P100-PCIE-16GB", "6.0"),
        ("Tesla P40", "6.1"),
        ("TITAN X (Pascal)", "6.1"),
        ("Quadro P400", "6.1"),
        ("NVIDIA GeForce GTX 1080 Ti", "6.1"),
        ("GeForce GTX TITAN X", "5.2"),
        ("GeForce GTX 970", "5.2"),
        ("GeForce GTX 960M", "5.0"),
        ("GeForce GTX 980M", "5.2"),
        ("Tesla M60", "5.2"),
        ("Tesla K80", "3.7"),
        ("Tesla K40m", "3.5"),
        ("GeForce GTX TITAN Black", "3.5"),
        ("GeForce GTX 780", "3.5"),
        ("GeForce GTX 770", "3.0"),
        ("GeForce GTX 750 Ti", "5.0"),
        ("GeForce GTX 580", "2.0"),
        ("GeForce GTX 560 Ti", "2.1"),
        ("Quadro K4000", "3.0"),
        ("Quadro K2200", "5.0"),
        ("Tesla M2090", "2.0"),
        ("NVIDIA Jetson AGX Orin", "8.7"),
    ];
    for (name, cc) in cases {
        assert_eq!(
            compute_capability(k, Some(name), None).as_deref(),
            Some(cc),
            "{name}"
        );
    }
    // Names shared by boards of different chips are left to the chip.
    for name in ["", "GeForce GT 640", "GeForce GT 730", "Radeon RX 7900 XTX"] {
        assert_eq!(compute_capability(k, Some(name), None), None, "{name}");
    }
}

fn nvidia(name: &str, pci: &str) -> Gpu {
    let mut g = Gpu::new(Vendor::Nvidia);
    g.name = Some(name.into());
    g.pci_id = Some(pci.into());
    g
}

fn derived(facts: &mut Facts) {
    derive_with(get(), facts);
}

#[test]
fn fermi_on_a_390_driver() {
    let mut f = Facts::new();
    f.set("nvidia.driver_version", "390.157");
    f.gpus.push(nvidia("GeForce GTX 560 Ti", "10de:1200"));
    derived(&mut f);
    assert_eq!(f.get_str("nvidia.driver_cuda"), Some("9.1"));
    assert_eq!(
        f.get_str("nvidia.driver_cuda_source"),
        Some("driver version")
    );
    assert_eq!(f.get_u64("nvidia.driver_branch"), Some(390));
    let g = &f.gpus[0];
    assert_eq!(g.compute_capability.as_deref(), Some("2.1"));
    assert_eq!(g.architecture.as_deref(), Some("fermi"));
    assert_eq!(g.torch_newest_build.as_deref(), Some("none"));
    assert_eq!(g.torch_newest, None);
    assert_eq!(f.get_str("torch.suggested_build"), Some("none"));
}

#[test]
fn kepler_on_470_without_pytorch() {
    let mut f = Facts::new();
    f.set("nvidia.driver_version", "470.256.02");
    f.set("nvidia.cuda_version", "11.4");
    f.gpus.push(nvidia("NVIDIA GeForce GTX 770", "10de:1184"));
    derived(&mut f);
    let g = &f.gpus[0];
    assert_eq!(g.architecture.as_deref(), Some("kepler"));
    // No PyTorch build in the table has sm_30 kernels.
    assert_eq!(g.torch_newest_build.as_deref(), Some("none"));
    assert_eq!(g.torch_kernels, None);
    // A K80 (3.7) still has cu118 up to 2.7, which this driver runs (CUDA 11).
    let mut f = Facts::new();
    f.set("nvidia.cuda_version", "11.4");
    f.gpus.push(nvidia("Tesla K80", "10de:102d"));
    derived(&mut f);
    assert_eq!(f.gpus[0].torch_newest.as_deref(), Some("2.7"));
    assert_eq!(f.gpus[0].torch_newest_build.as_deref(), Some("cu118"));
}

#[test]
fn pytorch_kernels_by_build_and_by_arch_list() {
    let torch = |version: &str, cuda: &str, gpu: Gpu, driver: &str| {
        let mut f = Facts::new();
        f.set("nvidia.cuda_version", driver);
        f.set("torch.version", version);
        f.set("torch.cuda", cuda);
        f.gpus.push(gpu);
        derived(&mut f);
        f
    };
    // cu128 (2.8+) dropped sm_50/sm_60: a GTX 1080 has no kernels.
    let f = torch(
        "2.8.0+cu128",
        "12.8",
        nvidia("NVIDIA GeForce GTX 1080", "10de:1b80"),
        "12.8",
    );
    assert_eq!(f.gpus[0].torch_kernels, Some(false));
    assert_eq!(f.get_bool("torch.driver_runs_cuda"), Some(true));
    assert_eq!(f.get_str("torch.suggested_build"), Some("cu126"));
    assert_eq!(
        f.get_str("torch.suggested_install"),
        Some(
            "pip install \"torch<2.15\" torchvision torchaudio --index-url https://download.pytorch.org/whl/cu126"
        )
    );
    // cu126 has no Blackwell kernels and no PTX.
    let f = torch(
        "2.7.1+cu126",
        "12.6",
        nvidia("NVIDIA GeForce RTX 5090", "10de:2b85"),
        "13.0",
    );
    assert_eq!(f.gpus[0].torch_kernels, Some(false));
    assert_eq!(f.get_str("torch.suggested_build"), Some("cu130"));
    // Volta runs cu128 (sm_70 kept) but not cu130.
    let f = torch(
        "2.9.0+cu130",
        "13.0",
        nvidia("Tesla V100-SXM2-16GB", "10de:1db1"),
        "12.9",
    );
    assert_eq!(f.gpus[0].torch_kernels, Some(false));
    assert_eq!(f.get_bool("torch.driver_runs_cuda"), Some(false));
    assert_eq!(f.get_str("torch.suggested_build"), Some("cu126"));
    // An RTX 4090 with cu130: kernels, driver runs it.
    let f = torch(
        "2.11.0+cu130",
        "13.0",
        nvidia("NVIDIA GeForce RTX 4090", "10de:2684"),
        "13.0",
    );
    assert_eq!(f.gpus[0].torch_kernels, Some(true));
    // torch's own list wins (a custom build for sm_61 only).
    let mut f = Facts::new();
    f.set("torch.version", "2.8.0+cu128");
    f.set("torch.cuda", "12.8");
    f.set("torch.arch_list", serde_json::json!(["sm_61"]));
    f.gpus.push(nvidia("NVIDIA GeForce GTX 1080", "10de:1b80"));
    derived(&mut f);
    assert_eq!(f.gpus[0].torch_kernels, Some(true));
    // PTX runs on later GPUs.
    let mut f = Facts::new();
    f.set("torch.version", "2.9.0");
    f.set(
        "torch.arch_list",
        serde_json::json!(["sm_90", "compute_90"]),
    );
    f.gpus.push(nvidia("NVIDIA GeForce RTX 5090", "10de:2b85"));
    derived(&mut f);
    assert_eq!(f.gpus[0].torch_kernels, Some(true));
}

#[test]
fn rocm_native_targets_and_kernels() {
    let mut f = Facts::new();
    f.set("rocm.version", "7.2.1");
    f.set("os.kernel", "7.0.0-14-generic");
    f.set("rocm.hsa_override_gfx_version", "11.0.0");
    f.set("torch.version", "2.9.1+rocm6.4");
    f.set("torch.hip", "6.4.43482");
    f.set("torch.arch_list", serde_json::json!(["gfx1030", "gfx1100"]));
    let mut g = Gpu::new(Vendor::Amd);
    g.gfx_target = Some("gfx1101".into());
    f.gpus.push(g);
    let mut g = Gpu::new(Vendor::Amd);
    g.gfx_target = Some("gfx1102".into());
    f.gpus.push(g);
    derived(&mut f);
    assert_eq!(f.gpus[0].rocm_native, Some(true));
    assert_eq!(f.gpus[1].rocm_native, Some(false));
    // With the override, gfx1102 runs as gfx1100, which this torch has.
    assert_eq!(f.gpus[1].torch_kernels, Some(true));
    assert_eq!(f.get_str("rocm.max_kernel"), Some("6.17"));
    assert_eq!(f.get_bool("rocm.kernel_supported"), Some(false));
}

#[test]
fn vllm_wheel_cuda_variant() {
    let run = |v: &str| {
        let mut f = Facts::new();
        f.set("nvidia.cuda_version", "12.9");
        f.set("vllm.version", v);
        derived(&mut f);
        (
            f.get_str("vllm.cuda").map(str::to_string),
            f.get_bool("vllm.driver_runs_cuda"),
        )
    };
    assert_eq!(run("0.20.1"), (Some("13.0".into()), Some(false)));
    assert_eq!(run("0.20.1+cu129"), (Some("12.9".into()), Some(true)));
    assert_eq!(run("0.11.0"), (Some("12".into()), Some(true)));
}

#[test]
fn nvcc_against_torch() {
    let mut f = Facts::new();
    f.set("cuda.toolkit_version", "12.4.131");
    f.set("torch.cuda", "13.0");
    derived(&mut f);
    assert_eq!(f.get_bool("cuda.toolkit_matches_torch"), Some(false));
    assert_eq!(f.get_u64("torch.cuda_major"), Some(13));
}

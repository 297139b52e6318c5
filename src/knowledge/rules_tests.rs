//! The built-in rules that read derived facts, on machines described in a few facts.

use super::derive::derive_with;
use super::get;
use crate::facts::{Facts, Gpu, Vendor};

/// (outcome, fix) of rule `id` on these facts, after the knowledge stage.
fn run(mut f: Facts, id: &str) -> (String, String) {
    derive_with(get(), &mut f);
    let ruleset = id.split('/').next().unwrap_or_default();
    let rs = crate::rules::load::builtin_one(ruleset).expect("built-in ruleset");
    let report = crate::rules::evaluate(&rs, &f, "test");
    let r = report
        .results
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"));
    (
        r.outcome.as_str().to_string(),
        r.fix.clone().unwrap_or_default(),
    )
}

fn nvidia(name: &str, pci: &str, cc: &str) -> Gpu {
    let mut g = Gpu::new(Vendor::Nvidia);
    g.name = Some(name.into());
    g.pci_id = Some(pci.into());
    g.compute_capability = Some(cc.into());
    g
}

fn linux(driver: &str, cuda: &str) -> Facts {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("nvidia.driver_version", driver);
    f.set("nvidia.cuda_version", cuda);
    f
}

fn torch(f: &mut Facts, version: &str, cuda: &str) {
    f.set("python.version", "3.12.3");
    f.set("torch.version", version);
    f.set("torch.cuda", cuda);
    f.set("torch.gpu_available", true);
}

#[test]
fn blackwell_with_a_cu126_torch_fails_everywhere() {
    for id in [
        "host/torch-has-kernels",
        "comfyui/torch-has-kernels",
        "vllm/torch-has-kernels",
        "axolotl/torch-has-kernels",
    ] {
        let mut f = linux("580.95.05", "13.0");
        torch(&mut f, "2.7.1+cu126", "12.6");
        f.gpus
            .push(nvidia("NVIDIA GeForce RTX 5090", "10de:2b85", "12.0"));
        let (outcome, fix) = run(f, id);
        assert_eq!(outcome, "fail", "{id}");
        assert!(fix.contains("whl/cu130"), "{id}: {fix}");
    }
}

#[test]
fn pascal_with_cu128_and_volta_with_torch_2_15_fail() {
    let mut f = linux("575.57.08", "12.9");
    torch(&mut f, "2.8.0+cu128", "12.8");
    f.gpus
        .push(nvidia("NVIDIA GeForce GTX 1080", "10de:1b80", "6.1"));
    let (outcome, fix) = run(f, "comfyui/torch-has-kernels");
    assert_eq!(outcome, "fail");
    assert!(
        fix.contains("\"torch<2.15\"") && fix.contains("whl/cu126"),
        "{fix}"
    );

    let mut f = linux("580.95.05", "13.0");
    torch(&mut f, "2.15.0+cu130", "13.0");
    f.gpus
        .push(nvidia("Tesla V100-SXM2-16GB", "10de:1db1", "7.0"));
    let (outcome, fix) = run(f, "host/torch-has-kernels");
    assert_eq!(outcome, "fail");
    assert!(fix.contains("whl/cu126"), "{fix}");

    // Turing on cu126 has kernels: ComfyUI's cu130 advice is a warning, not a failure.
    let mut f = linux("580.95.05", "13.0");
    torch(&mut f, "2.7.1+cu126", "12.6");
    f.gpus
        .push(nvidia("NVIDIA GeForce RTX 2080 SUPER", "10de:1e81", "7.5"));
    assert_eq!(run(f.clone(), "comfyui/torch-has-kernels").0, "pass");
    assert_eq!(run(f, "comfyui/torch-cu130-on-rtx20-and-newer").0, "warn");
}

#[test]
fn the_installed_vllm_wheel_against_the_driver() {
    let mut f = linux("575.57.08", "12.9");
    f.set("vllm.version", "0.20.1");
    f.gpus
        .push(nvidia("NVIDIA GeForce RTX 4090", "10de:2684", "8.9"));
    let (outcome, fix) = run(f.clone(), "vllm/installed-wheel-cuda");
    assert_eq!(outcome, "fail");
    assert!(fix.contains("cu129"), "{fix}");
    f.set("vllm.version", "0.20.1+cu129");
    assert_eq!(run(f.clone(), "vllm/installed-wheel-cuda").0, "pass");
    // The default build is CUDA 13.0 since v0.20.0: a 575 driver gets the cu129 advice.
    let (outcome, fix) = run(f, "vllm/driver-supports-cuda-13");
    assert_eq!(outcome, "warn");
    assert!(fix.contains("--torch-backend=cu129"), "{fix}");
}

#[test]
fn vllm_python_range_is_3_10_to_3_14() {
    let mut f = Facts::new();
    f.set("python.version", "3.14.0");
    assert_eq!(run(f.clone(), "vllm/python-version").0, "pass");
    f.set("python.version", "3.15.0");
    assert_eq!(run(f, "vllm/python-version").0, "fail");
}

#[test]
fn a_fermi_card_on_a_390_driver_fails_vllm() {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("nvidia.driver_version", "390.157");
    let mut g = Gpu::new(Vendor::Nvidia);
    g.name = Some("GeForce GTX 560 Ti".into());
    g.pci_id = Some("10de:1200".into());
    f.gpus.push(g);
    assert_eq!(run(f.clone(), "vllm/driver-supports-cuda-12").0, "fail");
    assert_eq!(run(f.clone(), "vllm/nvidia-compute-capability").0, "fail");
    assert_eq!(run(f, "axolotl/gpu-runs-supported-torch").0, "fail");
}

#[test]
fn windows_cpu_torch_on_nvidia() {
    let mut f = Facts::new();
    f.set("os.family", "windows");
    f.set("nvidia.driver_version", "591.86");
    f.set("nvidia.cuda_version", "13.1");
    f.set("torch.version", "2.9.0+cpu");
    f.gpus
        .push(nvidia("NVIDIA GeForce RTX 2080 SUPER", "10de:1e81", "7.5"));
    let (outcome, fix) = run(f, "host/windows-torch-cpu-only");
    assert_eq!(outcome, "fail");
    assert!(
        fix.contains("--index-url https://download.pytorch.org/whl/cu130"),
        "{fix}"
    );
}

#[test]
fn nvcc_of_another_major_than_torch() {
    let mut f = linux("580.95.05", "13.0");
    torch(&mut f, "2.9.0+cu130", "13.0");
    f.set("cuda.toolkit_version", "12.4.131");
    assert_eq!(run(f.clone(), "host/nvcc-matches-torch").0, "warn");
    f.set("cuda.toolkit_version", "13.0.88");
    assert_eq!(run(f, "host/nvcc-matches-torch").0, "pass");
}

fn amd(gfx: &str) -> Gpu {
    let mut g = Gpu::new(Vendor::Amd);
    g.gfx_target = Some(gfx.into());
    g
}

#[test]
fn hsa_override_on_a_natively_supported_target() {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("rocm.version", "7.2.1");
    f.set("rocm.hsa_override_gfx_version", "11.0.0");
    f.gpus.push(amd("gfx1101"));
    assert_eq!(run(f.clone(), "host/hsa-override-not-needed").0, "warn");
    // gfx1101 is native from ROCm 6.4: no override advice there.
    f.set("rocm.version", "6.4.1");
    assert_eq!(run(f.clone(), "host/hsa-override-rdna3").0, "skip");
    // gfx1031 needs it on 7.2.
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("rocm.version", "7.2.1");
    f.set("rocm.hsa_override_gfx_version", "10.3.0");
    f.gpus.push(amd("gfx1031"));
    assert_eq!(run(f, "host/hsa-override-not-needed").0, "pass");
}

#[test]
fn rocm_against_the_kernel() {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("rocm.version", "7.2.1");
    f.set("os.kernel", "7.0.0-15-generic");
    f.gpus.push(amd("gfx1100"));
    let (outcome, fix) = run(f.clone(), "host/rocm-supports-kernel");
    assert_eq!(outcome, "warn");
    assert!(fix.contains("7.14"), "{fix}");
    f.set("rocm.version", "7.14.0");
    assert_eq!(run(f, "host/rocm-supports-kernel").0, "pass");
}

#[test]
fn docker_gpu_containers_with_the_systemd_cgroup_driver() {
    let mut f = linux("580.95.05", "13.0");
    f.gpus
        .push(nvidia("NVIDIA GeForce RTX 4090", "10de:2684", "8.9"));
    f.set("docker.gpu_runtime", true);
    f.set("docker.desktop", false);
    f.set("docker.cgroup_driver", "systemd");
    f.set("docker.cdi_devices", serde_json::json!([]));
    let (outcome, fix) = run(f.clone(), "host/docker-gpu-cgroup-systemd");
    assert_eq!(outcome, "warn");
    assert!(fix.contains("nvidia.com/gpu=all"), "{fix}");
    f.set(
        "docker.cdi_devices",
        serde_json::json!(["nvidia.com/gpu=0", "nvidia.com/gpu=all"]),
    );
    assert_eq!(run(f.clone(), "host/docker-gpu-cgroup-systemd").0, "pass");
    f.set("docker.cgroup_driver", "cgroupfs");
    f.set("docker.cdi_devices", serde_json::json!([]));
    assert_eq!(run(f, "host/docker-gpu-cgroup-systemd").0, "pass");
}

#[test]
fn secure_boot_refusing_the_nvidia_module() {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("secureboot.enabled", true);
    f.set("nvidia.error", "driver_not_loaded");
    f.set("kernel_log.nvidia_module_rejected", true);
    let mut g = Gpu::new(Vendor::Nvidia);
    g.pci_id = Some("10de:2684".into());
    f.gpus.push(g);
    let (outcome, fix) = run(f.clone(), "host/secure-boot-nvidia-module");
    assert_eq!(outcome, "fail");
    assert!(fix.contains("Enroll MOK"), "{fix}");
    f.set("kernel_log.nvidia_module_rejected", false);
    assert_eq!(run(f.clone(), "host/secure-boot-nvidia-module").0, "pass");
    f.set("secureboot.enabled", false);
    f.set("kernel_log.nvidia_module_rejected", true);
    assert_eq!(run(f.clone(), "host/secure-boot-nvidia-module").0, "pass");
    // A driver that answers: not asked.
    let mut f = f;
    f.set("nvidia.driver_version", "580.95.05");
    let mut g = Facts::new();
    for (k, v) in f.values() {
        if k != "nvidia.error" {
            g.set(k, v.clone());
        }
    }
    g.gpus = f.gpus.clone();
    assert_eq!(run(g, "host/secure-boot-nvidia-module").0, "skip");
}

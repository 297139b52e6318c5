//! The binary over every recorded machine in `fixtures/`: each fixture is replayed with
//! `aidoctor facts --replay DIR --format json` and the facts it exists to show are asserted.
//!
//! The expected values are the truth of each machine as its real outputs state it (see each
//! fixture's `notes:`), not what today's probes happen to print. Broken snapshots under
//! `tests/broken-snapshots/` check the located error (path:line:col, exit 2).

use aidoctor::facts::Facts;
use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with every variable that could change its output removed (bat's approach).
fn aidoctor() -> Command {
    let mut cmd = Command::cargo_bin("aidoctor").expect("binary built");
    for var in [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "TERM",
        "COLUMNS",
        "AIDOCTOR_REPLAY",
        "AIDOCTOR_TIMEOUT",
        "AIDOCTOR_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.current_dir(root());
    cmd
}

/// A replayed machine: the JSON document and its flattened facts.
struct Machine {
    name: String,
    json: Value,
    facts: Facts,
}

impl Machine {
    fn load(name: &str) -> Machine {
        let dir = root().join("fixtures").join(name);
        let out = aidoctor()
            .args(["facts", "--replay"])
            .arg(&dir)
            .args(["--format", "json"])
            .output()
            .expect("run aidoctor");
        assert!(
            out.status.success(),
            "{name}: exit {:?}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: stdout is not JSON: {e}"));
        let facts = Facts::from_json(&json);
        Machine {
            name: name.to_string(),
            json,
            facts,
        }
    }

    fn str(&self, fact: &str) -> &str {
        self.facts
            .get_str(fact)
            .unwrap_or_else(|| panic!("{}: fact {fact} missing or not a string", self.name))
    }

    fn u64(&self, fact: &str) -> u64 {
        self.facts
            .get_u64(fact)
            .unwrap_or_else(|| panic!("{}: fact {fact} missing or not a number", self.name))
    }

    fn bool(&self, fact: &str) -> bool {
        self.facts
            .get_bool(fact)
            .unwrap_or_else(|| panic!("{}: fact {fact} missing or not a bool", self.name))
    }

    fn absent(&self, fact: &str) {
        assert!(
            self.facts.get(fact).is_none(),
            "{}: fact {fact} should be absent, is {:?}",
            self.name,
            self.facts.get(fact)
        );
    }

    fn array_has(&self, fact: &str, item: &str) -> bool {
        match self.facts.get(fact) {
            Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(item)),
            other => panic!("{}: fact {fact} is not an array: {other:?}", self.name),
        }
    }

    fn gpus(&self) -> &Vec<Value> {
        match &self.json["gpus"] {
            Value::Array(a) => a,
            other => panic!("{}: gpus is not an array: {other}", self.name),
        }
    }

    /// The only GPU of a one-GPU machine.
    fn gpu(&self) -> &Value {
        let g = self.gpus();
        assert_eq!(g.len(), 1, "{}: expected one GPU, got {g:#?}", self.name);
        &g[0]
    }

    fn gpu_count(&self) -> u64 {
        self.u64("gpu.count")
    }
}

fn gstr<'a>(gpu: &'a Value, field: &str) -> &'a str {
    gpu[field]
        .as_str()
        .unwrap_or_else(|| panic!("gpu field {field} missing in {gpu:#}"))
}

fn gu64(gpu: &Value, field: &str) -> u64 {
    gpu[field]
        .as_u64()
        .unwrap_or_else(|| panic!("gpu field {field} missing in {gpu:#}"))
}

fn gbool(gpu: &Value, field: &str) -> bool {
    gpu[field]
        .as_bool()
        .unwrap_or_else(|| panic!("gpu field {field} missing in {gpu:#}"))
}

/// The process of that name (the path's last component, `/` or `\` separated).
fn process<'a>(gpu: &'a Value, name: &str) -> &'a Value {
    gpu["processes"]
        .as_array()
        .and_then(|ps| {
            ps.iter().find(|p| {
                p["name"]
                    .as_str()
                    .is_some_and(|n| n.rsplit(['/', '\\']).next() == Some(name))
            })
        })
        .unwrap_or_else(|| panic!("no process {name} in {gpu:#}"))
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures/ exists")
        .flatten()
        .filter(|e| e.path().join("snapshot.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_fixture_replays_and_cites_its_sources() {
    let names = fixture_names();
    assert!(
        names.len() >= 10,
        "only {} fixtures: {names:?}",
        names.len()
    );
    for name in &names {
        let m = Machine::load(name);
        assert!(m.json.is_object(), "{name}: facts are not an object");
        let yaml =
            std::fs::read_to_string(root().join("fixtures").join(name).join("snapshot.yaml"))
                .expect("snapshot.yaml readable");
        // Every fixture says where its outputs came from and what was composed.
        assert!(yaml.contains("notes:"), "{name}: no notes");
        assert!(yaml.contains("REAL"), "{name}: notes cite no real source");
        assert!(
            yaml.contains("COMPOSED"),
            "{name}: notes do not say what was composed"
        );
    }
}

#[test]
fn every_fixture_is_listed_in_the_readme() {
    let readme = std::fs::read_to_string(root().join("fixtures/README.md")).expect("README");
    for name in fixture_names() {
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} not in fixtures/README.md"
        );
    }
}

#[test]
fn ubuntu_rtx4090() {
    let m = Machine::load("ubuntu-rtx4090");
    assert_eq!(m.str("os.family"), "linux");
    assert_eq!(m.str("os.id"), "ubuntu");
    assert_eq!(m.str("os.version"), "22.04");
    assert_eq!(m.str("os.kernel"), "5.15.0-130-generic");
    m.absent("wsl.version");
    assert_eq!(m.u64("memory.total_mib"), 32765220 / 1024);
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "nvidia");
    assert_eq!(gstr(g, "name"), "NVIDIA GeForce RTX 4090");
    assert_eq!(gstr(g, "pci_id"), "10de:2684");
    assert_eq!(gstr(g, "pci_address"), "0000:01:00.0");
    assert_eq!(gu64(g, "vram_total_mib"), 24564);
    assert_eq!(gu64(g, "vram_used_mib"), 609);
    // Not printed (the query is not recorded): from the table by model.
    assert_eq!(gstr(g, "compute_capability"), "8.9");
    assert!(gbool(g, "display_active"));
    let xorg = process(g, "Xorg");
    assert_eq!(xorg["type"], "graphics");
    assert_eq!(xorg["used_mib"], 290);
    assert_eq!(process(g, "gnome-shell")["used_mib"], 110);
    // The paste has no NVSMI LOG header and no /proc/driver/nvidia/version is recorded.
    m.absent("nvidia.driver_version");
    m.absent("nvidia.cuda_version");
    assert_eq!(m.str("display.server"), "x11");
    let tax = m.u64("display.vram_tax_mib");
    assert!((400..=609).contains(&tax), "vram tax {tax}");
    assert_eq!(m.str("docker.error"), "not_installed");
    assert!(m.str("cpu.model").contains("i9-9900K"));
    assert_eq!(m.u64("cpu.cores"), 8);
    assert_eq!(m.u64("cpu.threads"), 16);
    assert!(m.bool("cpu.avx2"));
    assert!(!m.bool("cpu.avx512"));
    assert!(m.array_has("user.groups", "sudo"));
}

#[test]
fn laptop_display_gpu() {
    let m = Machine::load("laptop-display-gpu");
    assert_eq!(m.str("os.family"), "linux");
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "nvidia");
    assert_eq!(gstr(g, "name"), "NVIDIA GeForce GTX 1070");
    assert_eq!(gstr(g, "pci_id"), "10de:1b81");
    assert_eq!(gstr(g, "pci_address"), "0000:27:00.0");
    assert_eq!(gu64(g, "vram_total_mib"), 8192);
    assert_eq!(gu64(g, "vram_used_mib"), 289);
    assert_eq!(gstr(g, "compute_capability"), "6.1");
    assert!(gbool(g, "display_active"));
    assert_eq!(process(g, "Xorg")["used_mib"], 84);
    assert_eq!(process(g, "gnome-shell")["type"], "graphics");
    assert_eq!(m.str("display.server"), "x11");
    // Xorg 84 + gnome-shell 107 at least; VS Code's gpu-process (94) is graphics too.
    let tax = m.u64("display.vram_tax_mib");
    assert!((191..=289).contains(&tax), "vram tax {tax}");
    assert!(
        m.array_has("display.tax_processes", "Xorg")
            || m.array_has("display.tax_processes", "/usr/lib/xorg/Xorg")
    );
    assert!(m.str("cpu.model").contains("Ryzen 7 1700"));
    assert_eq!(m.u64("cpu.threads"), 16);
    assert!(m.bool("cpu.avx2"));
    assert!(!m.bool("cpu.avx512"));
}

#[test]
fn wsl2_nvidia() {
    let m = Machine::load("wsl2-nvidia");
    assert_eq!(m.str("os.family"), "linux");
    assert_eq!(m.u64("wsl.version"), 2);
    assert!(m.bool("wsl.gpu_paravirtualization"));
    assert!(m.bool("wsl.cwd_on_windows_drive"));
    assert_eq!(m.str("wsl.distro"), "Ubuntu");
    // The Windows driver, as WSL's nvidia-smi reports it.
    assert_eq!(m.str("nvidia.driver_version"), "566.36");
    assert_eq!(m.str("nvidia.cuda_version"), "12.7");
    m.absent("nvidia.error");
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "nvidia");
    assert_eq!(gstr(g, "name"), "NVIDIA GeForce RTX 4070 Laptop GPU");
    assert_eq!(gstr(g, "pci_id"), "10de:2860");
    assert_eq!(gu64(g, "vram_total_mib"), 8188);
    assert_eq!(gstr(g, "driver_model"), "WDDM");
    assert_eq!(gstr(g, "compute_capability"), "8.9");
    assert!(!gbool(g, "display_active"));
    assert_eq!(g["processes"], Value::Array(vec![]));
    // 0 MiB in use: the laptop's display runs on the iGPU; whatever there is would be the
    // Windows host's desktop's.
    assert_eq!(m.u64("display.vram_tax_mib"), 0);
    assert_eq!(m.str("display.tax_source"), "gpu_total_use");
    assert_eq!(m.str("display.tax_holder"), "windows_host");
    assert!(
        m.str("display.headless_fix")
            .starts_with("Nothing inside WSL")
    );
    // Through interop: the Windows host's update policy is what reboots a WSL job.
    assert_eq!(m.str("updates.mechanism"), "windows-update");
    assert!(m.bool("updates.auto_reboot"));
}

#[test]
fn wsl1() {
    let m = Machine::load("wsl1");
    assert_eq!(m.str("os.family"), "linux");
    assert_eq!(m.u64("wsl.version"), 1);
    assert!(!m.bool("wsl.gpu_paravirtualization"));
    assert!(!m.bool("wsl.cwd_on_windows_drive"));
    assert_eq!(m.str("os.kernel"), "3.4.0-Microsoft");
    assert_eq!(m.gpu_count(), 0);
    assert!(m.gpus().is_empty());
    assert_eq!(m.str("nvidia.error"), "not_installed");
    // Build 14393 predates WSL interop: reg.exe cannot be run, so the answer is unknown.
    m.absent("updates.auto_reboot");
}

#[test]
fn macbook_m1() {
    let m = Machine::load("macbook-m1");
    assert_eq!(m.str("os.family"), "macos");
    assert_eq!(m.str("os.version"), "14.0");
    assert_eq!(m.str("os.pretty_name"), "macOS 14.0 (23A344)");
    assert!(!m.bool("os.rosetta"));
    assert_eq!(m.str("cpu.model"), "Apple M1");
    assert_eq!(m.u64("cpu.cores"), 8);
    assert_eq!(m.u64("memory.total_mib"), 8192);
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "apple");
    assert_eq!(gstr(g, "name"), "Apple M1");
    assert!(gbool(g, "integrated") && gbool(g, "unified_memory"));
    // Unified memory: the GPU's memory is the machine's 8 GB.
    assert_eq!(gu64(g, "vram_total_mib"), 8192);
    assert!(m.bool("torch.mps_built") && m.bool("torch.mps_available"));
    m.absent("macos_gpu.error");
    // The summary says which backend this PyTorch runs on: MPS, not "CPU".
    let out = aidoctor()
        .args(["--color", "never", "--replay"])
        .arg(root().join("fixtures/macbook-m1"))
        .output()
        .expect("run aidoctor");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PyTorch 2.5.1 (MPS)"), "{text}");
}

#[test]
fn windows11_nvidia() {
    let m = Machine::load("windows11-nvidia");
    assert_eq!(m.str("os.family"), "windows");
    assert!(
        m.str("os.version").starts_with("10.0.22621"),
        "{}",
        m.str("os.version")
    );
    m.absent("wsl.version");
    assert_eq!(m.str("nvidia.driver_version"), "591.86");
    assert_eq!(m.str("nvidia.cuda_version"), "13.1");
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "nvidia");
    assert_eq!(gstr(g, "name"), "NVIDIA GeForce RTX 2080 SUPER");
    assert_eq!(gstr(g, "pci_id"), "10de:1e81");
    assert_eq!(gstr(g, "pci_address"), "0000:0c:00.0");
    assert_eq!(gu64(g, "vram_total_mib"), 8192);
    assert_eq!(gu64(g, "vram_used_mib"), 702);
    assert_eq!(gstr(g, "driver_model"), "WDDM");
    assert_eq!(gstr(g, "compute_capability"), "7.5");
    let dwm = process(g, "dwm.exe");
    assert_eq!(dwm["type"], "compute+graphics");
    // "Not available in WDDM driver model": unknown, not zero.
    assert!(dwm.get("used_mib").is_none_or(Value::is_null), "{dwm}");
    assert_eq!(g["processes"].as_array().map(Vec::len), Some(10));
    // The tax, from the GPU's total use: 702 MiB used with only graphics processes listed.
    assert_eq!(m.u64("display.vram_tax_mib"), 702);
    assert_eq!(m.str("display.tax_source"), "gpu_total_use");
    assert_eq!(m.str("display.tax_bound"), "exact");
    assert_eq!(m.str("display.tax_holder"), "desktop");
    assert!(m.array_has("display.tax_processes", "dwm.exe"));
    assert!(m.array_has("display.tax_processes", "explorer.exe"));
    assert_eq!(m.u64("display.headless_gain_mib"), 702);
    // No Windows Update policy key: Windows restarts by itself outside active hours.
    assert_eq!(m.str("updates.mechanism"), "windows-update");
    assert!(m.bool("updates.auto_reboot"));
    // The version from the registry (Windows 11 keeps "Windows 10" in ProductName), memory
    // from GlobalMemoryStatusEx, as recorded.
    assert_eq!(
        m.str("os.pretty_name"),
        "Windows 11 Pro 22H2 (build 22621.1105)"
    );
    assert_eq!(m.u64("os.build"), 22621);
    assert_eq!(m.u64("memory.total_mib"), 32768);
    // WSL seen from Windows: real wsl.exe outputs, decoded and parsed.
    assert!(m.bool("wsl_windows.installed"));
    assert_eq!(m.str("wsl_windows.package_version"), "1.2.5.0");
    assert_eq!(m.str("wsl_windows.default_distro"), "Ubuntu");
    assert_eq!(m.u64("wsl_windows.default_version"), 2);
    assert_eq!(m.u64("wsl_windows.distro_count"), 4);
    assert_eq!(m.str("wsl_windows.wsl1_distros"), "Legacy, Ubuntu-18.04");
    assert_eq!(m.u64("wsl_windows.memory_limit_mib"), 8192);
    assert!(m.bool("wsl_windows.nvidia_wsl_libs"));
}

#[test]
fn rx7900xtx_rocm6() {
    let m = Machine::load("rx7900xtx-rocm6");
    assert_eq!(m.str("os.family"), "linux");
    assert!(
        m.str("rocm.version").starts_with("6.3.1"),
        "{}",
        m.str("rocm.version")
    );
    assert!(m.bool("rocm.kfd_accessible"));
    assert!(m.bool("rocm.render_accessible"));
    m.absent("rocm.hsa_override_gfx_version");
    m.absent("rocm.error");
    assert!(m.array_has("user.groups", "render"));
    assert!(m.array_has("user.groups", "video"));
    // One physical GPU, merged across sysfs, KFD and rocminfo by PCI address.
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "amd");
    assert!(
        gstr(g, "name").contains("RX 7900 XTX"),
        "{}",
        gstr(g, "name")
    );
    assert_eq!(gstr(g, "pci_id"), "1002:744c");
    assert_eq!(gstr(g, "pci_address"), "0000:2d:00.0");
    assert_eq!(gstr(g, "gfx_target"), "gfx1100");
    assert_eq!(gu64(g, "vram_total_mib"), 24560);
    assert!(gbool(g, "display_active"));
    assert!(m.str("cpu.model").contains("Ryzen 9 5900X"));
    assert_eq!(m.u64("cpu.cores"), 12);
    assert_eq!(m.u64("cpu.threads"), 24);
    assert!(m.bool("cpu.avx2"));
    assert!(!m.bool("cpu.avx512"));
    assert_eq!(m.u64("memory.total_mib"), 131823100 / 1024);
    assert_eq!(m.str("os.version"), "22.04");
    assert_eq!(m.str("os.kernel"), "6.8.0-50-generic");
    // PyTorch's ROCm build in a conda env.
    assert_eq!(m.str("python.version"), "3.10.16");
    assert_eq!(m.str("python.env"), "conda");
    assert_eq!(m.str("torch.version"), "2.4.0+rocm6.3.1");
    assert_eq!(m.str("torch.hip"), "6.3.42133-1b9c17779");
    m.absent("torch.cuda");
    assert!(m.bool("torch.gpu_available"));
    assert!(m.array_has("torch.device_names", "Radeon RX 7900 XTX"));
    // gnome-shell's VRAM from the DRM client stats (amdgpu's legacy drm-memory-vram).
    assert_eq!(m.u64("display.vram_tax_mib"), 2);
    assert_eq!(m.str("display.tax_source"), "per_process");
    assert_eq!(m.str("display.tax_bound"), "exact");
}

#[test]
fn arc_b580_xe() {
    let m = Machine::load("arc-b580-xe");
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "intel");
    assert_eq!(gstr(g, "driver"), "xe");
    assert_eq!(gstr(g, "pci_address"), "0000:0b:00.0");
    assert!(!gbool(g, "integrated"));
    assert_eq!(gu64(process(g, "gnome-shell"), "used_mib"), 23);
    // The tax from the DRM client stats; one process could not be inspected.
    assert_eq!(m.u64("display.vram_tax_mib"), 23);
    assert_eq!(m.str("display.tax_source"), "per_process");
    assert_eq!(m.str("display.tax_bound"), "lower_bound");
    assert_eq!(m.u64("display.tax_unreadable_processes"), 1);
}

#[test]
fn rx6700xt_hsa_override() {
    let m = Machine::load("rx6700xt-hsa-override");
    assert_eq!(m.str("os.version"), "20.04");
    assert_eq!(m.str("os.kernel"), "5.4.0-77-generic");
    assert!(m.bool("rocm.kfd_accessible"));
    assert!(m.bool("rocm.render_accessible"));
    // Not set: this is the machine a rule should advise HSA_OVERRIDE_GFX_VERSION=10.3.0 for.
    m.absent("rocm.hsa_override_gfx_version");
    m.absent("rocm.error");
    // Two physical cards, each seen by sysfs, KFD and rocminfo, merged by PCI address.
    assert_eq!(m.gpu_count(), 2);
    let gpus = m.gpus();
    assert_eq!(gpus.len(), 2, "{gpus:#?}");
    for (g, addr) in gpus.iter().zip(["0000:0b:00.0", "0000:0e:00.0"]) {
        assert_eq!(gstr(g, "vendor"), "amd");
        assert_eq!(gstr(g, "pci_id"), "1002:73df");
        assert_eq!(gstr(g, "pci_address"), addr);
        assert_eq!(gstr(g, "gfx_target"), "gfx1031");
        assert_eq!(gu64(g, "vram_total_mib"), 12272);
    }
    assert!(gbool(&gpus[0], "display_active"));
    assert!(!gbool(&gpus[1], "display_active"));
    assert!(m.str("cpu.model").contains("Ryzen 7 5800X"));
    assert_eq!(m.u64("memory.total_mib"), 32857680 / 1024);
}

#[test]
fn nvidia_driver_mismatch() {
    let m = Machine::load("nvidia-driver-mismatch");
    assert_eq!(m.str("os.id"), "ubuntu");
    assert_eq!(m.str("os.version"), "24.04");
    assert_eq!(m.str("nvidia.error"), "version_mismatch");
    assert!(
        m.str("nvidia.error_message")
            .contains("Driver/library version mismatch"),
        "{}",
        m.str("nvidia.error_message")
    );
    // The loaded kernel module, from /proc/driver/nvidia/version.
    assert_eq!(m.str("nvidia.driver_version"), "565.57.01");
}

#[test]
fn docker_no_nvidia_runtime() {
    let m = Machine::load("docker-no-nvidia-runtime");
    assert_eq!(m.str("os.version"), "20.04");
    // From `docker version` (20.10.7); `docker info` of the other machine says 20.10.12.
    assert_eq!(m.str("docker.server_version"), "20.10.7");
    assert_eq!(m.str("docker.client_version"), "20.10.7");
    assert!(m.array_has("docker.runtimes", "runc"));
    assert!(m.array_has("docker.runtimes", "io.containerd.runc.v2"));
    assert!(!m.array_has("docker.runtimes", "nvidia"));
    assert_eq!(m.str("docker.default_runtime"), "runc");
    assert!(!m.bool("docker.gpu_runtime"));
    m.absent("nvidia_ctk.version");
    assert!(m.array_has("user.groups", "docker"));
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "nvidia");
    assert_eq!(gstr(g, "name"), "NVIDIA GeForce RTX 2080");
    assert_eq!(gstr(g, "pci_address"), "0000:02:00.0");
    assert_eq!(gu64(g, "vram_total_mib"), 8192);
    assert_eq!(gstr(g, "compute_capability"), "7.5");
    assert_eq!(m.u64("memory.total_mib"), 32825312 / 1024);
}

#[test]
fn no_gpu() {
    let m = Machine::load("no-gpu");
    assert_eq!(m.str("os.family"), "linux");
    assert_eq!(m.str("os.id"), "debian");
    assert_eq!(m.str("os.version"), "12");
    m.absent("wsl.version");
    assert_eq!(m.gpu_count(), 0);
    assert!(m.gpus().is_empty());
    assert_eq!(m.str("nvidia.error"), "not_installed");
    assert_eq!(m.str("rocm.error"), "not_installed");
    assert_eq!(m.str("docker.error"), "not_installed");
    assert_eq!(m.str("container.kind"), "none");
    m.absent("rocm.version");
}

#[test]
fn intel_igpu_laptop() {
    let m = Machine::load("intel-igpu-laptop");
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "vendor"), "intel");
    assert_eq!(gstr(g, "pci_address"), "0000:00:02.0");
    assert!(gbool(g, "integrated"));
    assert_eq!(m.str("python.version"), "3.12.3");
    assert_eq!(m.str("torch.error"), "not_installed");
}

#[test]
fn docker_container_no_gpu() {
    let m = Machine::load("docker-container-no-gpu");
    assert_eq!(m.str("container.kind"), "docker");
    assert_eq!(m.gpu_count(), 0);
    assert_eq!(m.str("nvidia.error"), "not_installed");
    assert_eq!(m.str("docker.error"), "not_installed");
    assert_eq!(m.str("python.version"), "3.10.12");
}

#[test]
fn fedora44_wayland_610() {
    let m = Machine::load("fedora44-wayland-610");
    assert_eq!(m.str("os.id"), "fedora");
    assert_eq!(m.str("os.version"), "44");
    assert_eq!(m.str("os.kernel"), "7.1.8-200.fc44.x86_64");
    // 610 header: the value of "KMD Version", not the deprecated line's text.
    assert_eq!(m.str("nvidia.driver_version"), "610.57.04");
    assert_eq!(m.str("nvidia.cuda_version"), "13.3");
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "name"), "NVIDIA GeForce RTX 2080 SUPER");
    assert_eq!(gstr(g, "pci_address"), "0000:0c:00.0");
    assert_eq!(gu64(g, "vram_total_mib"), 8192);
    assert_eq!(gstr(g, "compute_capability"), "7.5");
    assert_eq!(process(g, "gnome-shell")["used_mib"], 173);
    assert_eq!(process(g, "Xwayland")["type"], "graphics");
    assert_eq!(m.str("display.server"), "wayland");
    assert_eq!(m.u64("display.vram_tax_mib"), 176);
}

#[test]
fn h100_server() {
    let m = Machine::load("h100-server");
    assert_eq!(m.str("os.version"), "22.04");
    assert_eq!(m.str("nvidia.driver_version"), "590.48.01");
    assert_eq!(m.str("nvidia.cuda_version"), "13.1");
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "name"), "NVIDIA H100 80GB HBM3");
    assert_eq!(gstr(g, "pci_id"), "10de:2330");
    assert_eq!(gstr(g, "pci_address"), "0000:00:09.0");
    assert_eq!(gu64(g, "vram_total_mib"), 81559);
    assert_eq!(gstr(g, "compute_capability"), "9.0");
    assert_eq!(gstr(g, "mig_mode"), "Disabled");
    assert!(!gbool(g, "display_active"));
    assert_eq!(g["processes"], Value::Array(vec![]));
    assert_eq!(m.str("display.server"), "none");
    assert_eq!(m.u64("display.vram_tax_mib"), 0);
    assert_eq!(m.str("docker.error"), "not_installed");
}

#[test]
fn gtx1650_xorg_two_sessions() {
    let m = Machine::load("gtx1650-xorg-two-sessions");
    assert_eq!(m.str("os.version"), "18.04");
    assert_eq!(m.str("nvidia.driver_version"), "450.51.05");
    assert_eq!(m.str("nvidia.cuda_version"), "11.0");
    // version.txt says 11.0.194; "11.0" and "11.0.194" are the same toolkit release.
    assert!(
        m.str("cuda.toolkit_version").starts_with("11.0"),
        "{}",
        m.str("cuda.toolkit_version")
    );
    assert_eq!(m.gpu_count(), 1);
    let g = m.gpu();
    assert_eq!(gstr(g, "name"), "GeForce GTX 1650");
    assert_eq!(gu64(g, "vram_total_mib"), 3910);
    assert_eq!(gu64(g, "vram_used_mib"), 236);
    assert_eq!(gstr(g, "compute_capability"), "7.5");
    assert!(gbool(g, "display_active"));
    // "GPU 00000000:01:00.0" survived the author's redaction; "Device Id : 0" did not.
    assert_eq!(gstr(g, "pci_address"), "0000:01:00.0");
    assert!(g.get("pci_id").is_none_or(Value::is_null), "{g}");
    assert_eq!(g["processes"].as_array().map(Vec::len), Some(4));
    assert_eq!(m.str("display.server"), "x11");
    assert_eq!(m.u64("display.vram_tax_mib"), 14 + 49 + 100 + 69);
}

// ---- broken snapshots: located errors, exit 2 ----

fn replay_error(dir: &Path) -> String {
    let out = aidoctor()
        .args(["facts", "--replay"])
        .arg(dir)
        .args(["--format", "json"])
        .output()
        .expect("run aidoctor");
    assert_eq!(out.status.code(), Some(2), "{}: exit code", dir.display());
    assert!(out.stdout.is_empty(), "{}: printed facts", dir.display());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn broken(name: &str) -> PathBuf {
    root().join("tests/broken-snapshots").join(name)
}

#[test]
fn broken_yaml_is_located() {
    let err = replay_error(&broken("bad-yaml"));
    let file = broken("bad-yaml").join("snapshot.yaml");
    // The stray indentation of line 6.
    assert!(
        err.contains(&format!("{}:6:", file.display())),
        "no path:line:col in {err}"
    );
}

#[test]
fn unknown_field_is_located() {
    let err = replay_error(&broken("unknown-field"));
    let file = broken("unknown-field").join("snapshot.yaml");
    assert!(err.contains(&format!("{}:4:1", file.display())), "{err}");
    assert!(err.contains("comands"), "{err}");
}

#[test]
fn wrong_format_number_is_located() {
    let err = replay_error(&broken("wrong-format"));
    let file = broken("wrong-format").join("snapshot.yaml");
    assert!(err.contains("format 2"), "{err}");
    // `format: 2` is line 1; the value starts in column 9.
    assert!(err.contains(&format!("{}:1:", file.display())), "{err}");
}

#[test]
fn missing_output_file_names_the_command() {
    let err = replay_error(&broken("missing-stdout-file"));
    assert!(err.contains("snapshot.yaml"), "{err}");
    assert!(err.contains("commands/missing.txt"), "{err}");
}

#[test]
fn missing_directory_is_a_clear_error() {
    let dir = broken("does-not-exist");
    assert!(!dir.exists());
    let err = replay_error(&dir);
    assert!(err.contains(&dir.display().to_string()), "{err}");
    assert!(err.contains("not a snapshot directory"), "{err}");
}

#[test]
fn tesla_k80_390_kepler() {
    let m = Machine::load("tesla-k80-390-kepler");
    assert_eq!(m.str("nvidia.driver_version"), "390.77");
    // nvidia-smi before 410 prints no CUDA version; the knowledge base derives it.
    m.absent("nvidia.cuda_version");
    assert_eq!(m.str("nvidia.driver_cuda"), "9.1");
    assert_eq!(m.str("nvidia.driver_cuda_source"), "driver version");
    let g = m.gpu();
    assert_eq!(gstr(g, "name"), "Tesla K80");
    // The driver cannot answer the compute_cap query: the model table gives it.
    assert_eq!(gstr(g, "compute_capability"), "3.7");
    assert_eq!(gstr(g, "architecture"), "kepler");
    assert_eq!(gstr(g, "torch_newest_build"), "none");
}

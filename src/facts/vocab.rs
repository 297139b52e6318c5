//! The fact vocabulary: every fact name a probe or the derived stage may set, by area, and the
//! per-GPU fields. Rulesets are checked against it; probes declare theirs from here, so the
//! rules engine reads names from the fact model and never from a probe.

/// Set by the `nvidia` probe.
pub const NVIDIA: &[&str] = &[
    "nvidia.driver_version",
    "nvidia.cuda_version",
    "nvidia.gpu_count",
    "nvidia.error",
    "nvidia.error_message",
    "nvidia.smi_path",
    "nvidia.truncated",
];

/// Set by the `rocm` probe.
pub const ROCM: &[&str] = &[
    "rocm.version",
    "rocm.kfd_accessible",
    "rocm.render_accessible",
    "rocm.hsa_override_gfx_version",
    "rocm.kernel_driver_version",
    "rocm.runtime_version",
    "rocm.runtime_gfx_targets",
    "rocm.error",
    "rocm.error_message",
];

/// Set by the `drm` probe.
pub const DRM: &[&str] = &["drm.error", "drm.error_message", "drm.truncated"];

/// Set by the `drm_clients` probe.
pub const DRM_CLIENTS: &[&str] = &[
    "drm_clients.scanned",
    "drm_clients.unreadable_processes",
    "drm_clients.truncated",
    "drm_clients.error",
    "drm_clients.error_message",
];

/// Set by the `macos_gpu` probe.
pub const MACOS_GPU: &[&str] = &["macos_gpu.error", "macos_gpu.error_message"];

/// Set by the `os` probe.
pub const OS: &[&str] = &[
    "os.family",
    "os.id",
    "os.id_like",
    "os.version",
    "os.codename",
    "os.build",
    "os.pretty_name",
    "os.kernel",
    "os.arch",
    "os.rosetta",
    "os.error",
    "memory.total_mib",
    "memory.available_mib",
    "memory.error",
    "memory.error_message",
    "swap.total_mib",
    "disk.free_gib",
];

/// Set by the `wsl` probe.
pub const WSL: &[&str] = &[
    "wsl.version",
    "wsl.gpu_paravirtualization",
    "wsl.cwd_on_windows_drive",
    "wsl.distro",
    "wsl.systemd",
    "wsl.error",
];

/// Set by the `container` probe.
pub const CONTAINER: &[&str] = &["container.kind"];

/// Set by the `cuda_toolkit` probe.
pub const CUDA_TOOLKIT: &[&str] = &[
    "cuda.toolkit_version",
    "cuda.toolkit_build",
    "cuda.toolkit_path",
    "cuda.error",
    "cuda.error_message",
];

/// Set by the `docker` probe.
pub const DOCKER: &[&str] = &[
    "docker.client_version",
    "docker.client_os",
    "docker.server_version",
    "docker.error",
    "docker.error_message",
    "docker.runtimes",
    "docker.default_runtime",
    "docker.desktop",
    "docker.gpu_runtime",
    "docker.cdi_devices",
    "docker.rootless",
    "docker.cgroup_driver",
    "nvidia_ctk.version",
    "nvidia_ctk.error",
    "nvidia_ctk.error_message",
];

/// Set by the `python` probe.
pub const PYTHON: &[&str] = &[
    "python.version",
    "python.executable",
    "python.env",
    "python.error",
    "python.error_message",
    "torch.version",
    "torch.cuda",
    "torch.hip",
    "torch.gpu_available",
    "torch.device_names",
    "torch.mps_built",
    "torch.mps_available",
    "torch.arch_list",
    "vllm.version",
    "torch.error",
    "torch.error_message",
];

/// Set by the `cpu` probe.
pub const CPU: &[&str] = &[
    "cpu.model",
    "cpu.cores",
    "cpu.threads",
    "cpu.avx2",
    "cpu.avx512",
    "cpu.error",
];

/// Set by the `updates` probe.
pub const UPDATES: &[&str] = &[
    "updates.mechanism",
    "updates.auto_reboot",
    "updates.error",
    "updates.error_message",
];

/// Set by the `user` probe.
pub const USER: &[&str] = &["user.groups", "user.is_root"];

/// Set by the `display` probe.
pub const DISPLAY: &[&str] = &[
    "display.server",
    "display.vram_tax_mib",
    "display.tax_processes",
    "display.tax_measured",
    "display.tax_source",
    "display.tax_bound",
    "display.tax_holder",
    "display.tax_summary",
    "display.tax_unreadable_processes",
    "display.headless_gain_mib",
    "display.headless_fix",
    "display.error",
    "display.error_message",
];

/// Set by the `wsl_windows` probe (WSL seen from Windows).
pub const WSL_WINDOWS: &[&str] = &[
    "wsl_windows.installed",
    "wsl_windows.package_version",
    "wsl_windows.kernel",
    "wsl_windows.default_version",
    "wsl_windows.default_distro",
    "wsl_windows.distros",
    "wsl_windows.distro_count",
    "wsl_windows.wsl1_distros",
    "wsl_windows.virtualization",
    "wsl_windows.memory_limit_mib",
    "wsl_windows.nvidia_wsl_libs",
    "wsl_windows.error",
    "wsl_windows.error_message",
];

/// Every probe's names, in `probes::ALL` order.
/// Set by the `secureboot` probe.
pub const SECUREBOOT: &[&str] = &[
    "secureboot.enabled",
    "secureboot.error",
    "secureboot.error_message",
    "kernel_log.nvidia_module_rejected",
    "kernel_log.error",
    "kernel_log.error_message",
];

pub const BY_PROBE: &[&[&str]] = &[
    NVIDIA,
    ROCM,
    DRM,
    DRM_CLIENTS,
    MACOS_GPU,
    OS,
    WSL,
    WSL_WINDOWS,
    CONTAINER,
    CUDA_TOOLKIT,
    DOCKER,
    PYTHON,
    CPU,
    UPDATES,
    USER,
    DISPLAY,
    SECUREBOOT,
];

/// Facts computed from the others once every probe ran.
pub const DERIVED: &[&str] = &["gpu.count", "gpu.vendors", "gpu.total_vram_mib"];

/// Set by `--model MODEL` on `check` and `report` (see `aidoctor fit`): the model judged on
/// this machine's best GPU.
pub const MODEL: &[&str] = &[
    "model.name",
    "model.format",
    "model.weights_mib",
    "model.kv_cache_mib",
    "model.context",
    "model.overhead_mib",
    "model.total_mib",
    "model.fits",
    "model.fits_without_desktop",
    "model.verdict",
    "model.ngl",
];

/// Facts the knowledge base derives from the probes' (src/knowledge/derive.rs).
pub const KNOWLEDGE: &[&str] = &[
    "nvidia.driver_cuda",
    "nvidia.driver_cuda_source",
    "nvidia.driver_branch",
    "torch.cuda_major",
    "torch.driver_runs_cuda",
    "torch.suggested_build",
    "torch.suggested_install",
    "cuda.toolkit_major",
    "cuda.toolkit_matches_torch",
    "vllm.cuda",
    "vllm.driver_runs_cuda",
    "rocm.max_kernel",
    "rocm.kernel_supported",
];

/// Per-GPU fields the knowledge base derives.
pub const KNOWLEDGE_GPU_FIELDS: &[&str] = &[
    "architecture",
    "torch_kernels",
    "torch_newest",
    "torch_newest_build",
    "rocm_native",
];

/// Facts that exist per GPU (leaves of `any_gpu` / `all_gpus`).
pub const GPU_FIELDS: &[&str] = &[
    "vendor",
    "name",
    "pci_id",
    "pci_address",
    "index",
    "driver",
    "vram_total_mib",
    "vram_used_mib",
    "compute_capability",
    "gfx_target",
    "integrated",
    "display_active",
    "driver_model",
    "mig_mode",
    "pcie_link.gen",
    "pcie_link.width",
    "pcie_link.max_gen",
    "pcie_link.max_width",
    "cores",
    "unified_memory",
    "processes",
    // Derived by the knowledge base (KNOWLEDGE_GPU_FIELDS).
    "architecture",
    "torch_kernels",
    "torch_newest",
    "torch_newest_build",
    "rocm_native",
];

/// Is `name` a fact some probe or the derived stage can set?
pub fn is_known_fact(name: &str) -> bool {
    DERIVED.contains(&name)
        || KNOWLEDGE.contains(&name)
        || MODEL.contains(&name)
        || BY_PROBE.iter().any(|p| p.contains(&name))
}

/// Every known fact name, sorted.
pub fn all_fact_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = BY_PROBE
        .iter()
        .flat_map(|p| p.iter().copied())
        .chain(DERIVED.iter().copied())
        .chain(KNOWLEDGE.iter().copied())
        .chain(MODEL.iter().copied())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Error codes that mean "not looked at", by design or by flag, rather than "looked and could
/// not tell": `skipped` (`--fast`), `not_probed` (not read on this platform), `not_measurable`
/// (the driver has no such number here). Rules that need such a fact are skipped, with why.
pub const NOT_PROBED_CODES: &[&str] = &["skipped", "not_probed", "not_measurable"];

/// Facts whose absence, when their area reports no error, is an answer and not an unknown:
/// what the absence means. `<area>.error` and `<area>.error_message` mean "no error".
const ABSENT_MEANS: &[(&str, &str)] = &[
    ("wsl.version", "not WSL"),
    ("wsl.distro", "not WSL"),
    ("rocm.hsa_override_gfx_version", "not set"),
];

/// What the absence of `name` means when nothing failed: "no error", "not WSL".
pub fn absent_means(name: &str) -> Option<&'static str> {
    if name.ends_with(".error") || name.ends_with(".error_message") {
        return Some("no error");
    }
    ABSENT_MEANS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| *m)
}

/// How a person finds out what aidoctor could not determine, by area (the part of a fact's
/// name before the first dot; `gpu` for per-GPU fields).
const HOW_TO_FIND_OUT: &[(&str, &str)] = &[
    (
        "nvidia",
        "run `nvidia-smi`: its header shows the driver version and the highest CUDA version it supports",
    ),
    (
        "gpu",
        "run `nvidia-smi --query-gpu=name,compute_cap --format=csv` (NVIDIA), `rocminfo | grep gfx` (AMD), or `lspci -nn | grep -Ei 'vga|3d|display'`",
    ),
    (
        "rocm",
        "run `rocminfo` (the GPU's gfx target) and `cat /opt/rocm/.info/version` (the ROCm version)",
    ),
    (
        "python",
        "run `python3 --version` in the environment you will use (on Windows `python --version`)",
    ),
    (
        "torch",
        "run `python3 -c 'import torch; print(torch.__version__, torch.version.cuda, torch.version.hip, torch.cuda.is_available())'` in the environment you will use",
    ),
    ("cuda", "run `nvcc --version`"),
    ("docker", "run `docker version` and `docker info`"),
    ("nvidia_ctk", "run `nvidia-ctk --version`"),
    (
        "os",
        "read `/etc/os-release` and `uname -r` (Windows: `winver`)",
    ),
    (
        "memory",
        "run `free -m` (Windows: Task Manager > Performance > Memory)",
    ),
    ("disk", "run `df -h .`"),
    ("cpu", "run `lscpu`"),
    ("wsl", "run `wsl -l -v` in PowerShell"),
    ("user", "run `id`"),
    (
        "display",
        "run `nvidia-smi` and read the processes table (Xorg, gnome-shell, browsers)",
    ),
];

/// How to find out a fact aidoctor could not determine.
pub fn how_to_find_out(name: &str) -> Option<&'static str> {
    let area = name.split('.').next()?;
    HOW_TO_FIND_OUT
        .iter()
        .find(|(a, _)| *a == area)
        .map(|(_, t)| *t)
}

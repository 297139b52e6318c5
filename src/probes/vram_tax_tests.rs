use super::*;
use crate::facts::GpuProcess;

fn proc(pid: u32, name: &str, kind: ProcessKind, mib: Option<u64>) -> GpuProcess {
    GpuProcess {
        pid: Some(pid),
        name: name.into(),
        kind,
        used_mib: mib,
    }
}

fn names(f: &Facts) -> serde_json::Value {
    f.get("display.tax_processes").unwrap().clone()
}

#[test]
fn tax_counts_graphics_on_compute_gpus_per_gpu() {
    let mut f = Facts::new();
    // Two RTX 4090s with Xorg (same PID) on both, and LM Studio's compute processes:
    // samples rtx4090-x2-580.126.09-xorg-lmstudio.
    for addr in ["0000:01:00.0", "0000:02:00.0"] {
        let mut g = Gpu::new(Vendor::Nvidia);
        g.pci_address = Some(addr.into());
        g.processes = vec![
            proc(2178, "/usr/lib/xorg/Xorg", ProcessKind::Graphics, Some(4)),
            proc(9001, "node", ProcessKind::Compute, Some(18000)),
            proc(9002, "/usr/bin/gnome-shell", ProcessKind::Both, Some(40)),
            proc(9003, "/usr/bin/python3", ProcessKind::Graphics, Some(100)),
        ];
        f.gpus.push(g);
    }
    // The iGPU driving the monitors does not count.
    let mut igpu = Gpu::new(Vendor::Amd);
    igpu.integrated = Some(true);
    igpu.processes = vec![proc(1, "Xorg", ProcessKind::Graphics, Some(500))];
    f.gpus.push(igpu);
    derive(&mut f);
    assert_eq!(f.get_u64("display.vram_tax_mib"), Some(88));
    assert_eq!(names(&f), serde_json::json!(["gnome-shell", "Xorg"]));
    assert_eq!(f.get_bool("display.tax_measured"), Some(true));
    assert_eq!(f.get_str("display.tax_source"), Some("per_process"));
    assert_eq!(f.get_str("display.tax_bound"), Some("exact"));
    assert_eq!(f.get_str("display.tax_holder"), Some("desktop"));
    assert_eq!(f.get_u64("display.headless_gain_mib"), Some(88));
    assert!(
        f.get_str("display.headless_fix")
            .unwrap()
            .contains("sudo systemctl set-default multi-user.target")
    );
}

fn windows_gpu(used: Option<u64>) -> Gpu {
    let mut g = Gpu::new(Vendor::Nvidia);
    g.driver_model = Some("WDDM".into());
    g.vram_total_mib = Some(8192);
    g.vram_used_mib = used;
    g.processes = vec![
        proc(
            2056,
            "C:\\Windows\\System32\\dwm.exe",
            ProcessKind::Both,
            None,
        ),
        proc(12332, "C:\\Windows\\explorer.exe", ProcessKind::Both, None),
    ];
    g
}

#[test]
fn windows_tax_is_the_gpus_total_use() {
    let mut f = Facts::new();
    f.set("os.family", "windows");
    f.gpus.push(windows_gpu(Some(702)));
    derive(&mut f);
    assert_eq!(f.get_u64("display.vram_tax_mib"), Some(702));
    assert_eq!(f.get_str("display.tax_source"), Some("gpu_total_use"));
    assert_eq!(f.get_str("display.tax_bound"), Some("exact"));
    assert_eq!(f.get_bool("display.tax_measured"), Some(true));
    assert_eq!(names(&f), serde_json::json!(["dwm.exe", "explorer.exe"]));
    let s = f.get_str("display.tax_summary").unwrap();
    assert!(s.contains("702 MiB") && s.contains("total use"), "{s}");
    assert!(
        f.get_str("display.headless_fix")
            .unwrap()
            .contains("integrated GPU")
    );
    // A CUDA process makes it an upper bound.
    let mut f = Facts::new();
    f.set("os.family", "windows");
    let mut g = windows_gpu(Some(5210));
    g.processes.push(proc(
        777,
        "C:\\Python311\\python.exe",
        ProcessKind::Compute,
        None,
    ));
    f.gpus.push(g);
    derive(&mut f);
    assert_eq!(f.get_str("display.tax_bound"), Some("upper_bound"));
    assert!(
        f.get_str("display.tax_summary")
            .unwrap()
            .contains("upper bound, because compute processes (python.exe)")
    );
}

#[test]
fn windows_without_used_memory_is_not_measurable() {
    let mut f = Facts::new();
    f.gpus.push(windows_gpu(None));
    derive(&mut f);
    // Not measurable is not zero: absent, with the reason.
    assert_eq!(f.get_u64("display.vram_tax_mib"), None);
    assert_eq!(f.get_str("display.error"), Some("not_measurable"));
    assert_eq!(names(&f), serde_json::json!(["dwm.exe", "explorer.exe"]));
    assert_eq!(f.get_bool("display.tax_measured"), Some(false));
}

#[test]
fn wsl_tax_is_the_windows_hosts() {
    let mut f = Facts::new();
    f.set("wsl.version", 2u64);
    let mut g = Gpu::new(Vendor::Nvidia);
    g.vram_used_mib = Some(1029);
    g.processes = vec![proc(22, "/Xwayland", ProcessKind::Graphics, None)];
    f.gpus.push(g);
    derive(&mut f);
    assert_eq!(f.get_u64("display.vram_tax_mib"), Some(1029));
    assert_eq!(f.get_str("display.tax_holder"), Some("windows_host"));
    assert_eq!(names(&f), serde_json::json!(["Xwayland"]));
    let s = f.get_str("display.tax_summary").unwrap();
    assert!(
        s.contains("Windows host") && s.contains("no WSL setting"),
        "{s}"
    );
    assert!(
        f.get_str("display.headless_fix")
            .unwrap()
            .starts_with("Nothing inside WSL")
    );
}

#[test]
fn amd_tax_from_drm_clients_is_a_lower_bound_when_some_are_unreadable() {
    let mut f = Facts::new();
    f.set("drm_clients.scanned", true);
    f.set("drm_clients.unreadable_processes", 41u64);
    let mut g = Gpu::new(Vendor::Amd);
    g.integrated = Some(false);
    g.vram_used_mib = Some(1200);
    g.processes = vec![
        proc(1500, "gnome-shell", ProcessKind::Graphics, Some(310)),
        proc(1600, "Xwayland", ProcessKind::Graphics, Some(12)),
        proc(4100, "python3", ProcessKind::Both, Some(700)),
    ];
    f.gpus.push(g);
    // A discrete Intel Arc with nothing on it.
    let mut arc = Gpu::new(Vendor::Intel);
    arc.integrated = Some(false);
    f.gpus.push(arc);
    derive(&mut f);
    assert_eq!(f.get_u64("display.vram_tax_mib"), Some(322));
    assert_eq!(f.get_str("display.tax_bound"), Some("lower_bound"));
    assert_eq!(f.get_u64("display.tax_unreadable_processes"), Some(41));
    assert!(
        f.get_str("display.tax_summary")
            .unwrap()
            .contains("41 processes of other users could not be inspected")
    );
}

#[test]
fn no_process_list_no_tax() {
    let mut f = Facts::new();
    f.gpus.push(Gpu::new(Vendor::Amd));
    derive(&mut f);
    assert_eq!(f.get("display.vram_tax_mib"), None);
    let mut f = Facts::new();
    f.set_error("nvidia", "not_installed", "nvidia-smi not found");
    f.gpus.push(Gpu::new(Vendor::Nvidia));
    derive(&mut f);
    assert_eq!(f.get("display.vram_tax_mib"), None);
    let mut f = Facts::new();
    f.gpus.push(Gpu::new(Vendor::Nvidia));
    derive(&mut f);
    assert_eq!(f.get_u64("display.vram_tax_mib"), Some(0));
}

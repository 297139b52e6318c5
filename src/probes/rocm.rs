//! AMD ROCm: rocminfo, KFD topology, /opt/rocm/.info/version, /dev/kfd access.
//!
//! The GPUs come from the KFD topology (the kernel's view, present without ROCm user space)
//! joined with rocminfo's GPU agents (the runtime's view: marketing name, VRAM pool). The gfx
//! target is the kernel's: rocminfo's `Name:` reports what HSA_OVERRIDE_GFX_VERSION asks for.

#[path = "amd_ids.rs"]
pub mod amd_ids;
#[path = "kfd.rs"]
pub mod kfd;

use super::{Ctx, Probe};
use crate::facts::{Facts, Gpu, Vendor};
use crate::host::{CommandOutput, Host, Platform, SpawnError};
use kfd::KfdNode;

pub static PROBE: Probe = Probe {
    name: "rocm",
    summary: "AMD ROCm: rocminfo, KFD topology, /opt/rocm/.info/version, /dev/kfd access.",
    facts: crate::facts::vocab::ROCM,
    slow: false,
    run,
};

const KFD_NODES: &str = "/sys/class/kfd/kfd/topology/nodes";
const ROCMINFO_FALLBACK: &str = "/opt/rocm/bin/rocminfo";

fn run(host: &dyn Host, ctx: &Ctx) -> Facts {
    let mut f = Facts::new();
    let hsa_override = host
        .env("HSA_OVERRIDE_GFX_VERSION")
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    f.set_opt("rocm.hsa_override_gfx_version", hsa_override.clone());
    // ROCm's kernel side is Linux only; on Windows the HIP SDK has no KFD, on macOS no ROCm.
    if host.platform() != Platform::Linux {
        return f;
    }

    f.set_opt(
        "rocm.version",
        host.read_text("/opt/rocm/.info/version")
            .and_then(|t| parse_rocm_version(&t)),
    );
    let kfd_nodes = read_kfd_gpus(host);
    let kfd = host.access("/dev/kfd");

    let rocminfo_argv0 = if host.which("rocminfo").is_some() {
        Some("rocminfo")
    } else if host.exists(ROCMINFO_FALLBACK) {
        Some(ROCMINFO_FALLBACK)
    } else {
        None
    };
    let installed = rocminfo_argv0.is_some() || host.exists("/opt/rocm");
    if !installed && !kfd.exists && kfd_nodes.is_empty() {
        f.set_error(
            "rocm",
            "not_installed",
            "ROCm not found: no rocminfo, no /opt/rocm, no amdgpu KFD (/dev/kfd)",
        );
        return f;
    }

    f.set(
        "rocm.kfd_accessible",
        kfd.exists && kfd.readable && kfd.writable,
    );
    f.set("rocm.render_accessible", render_nodes_accessible(host));

    let info = rocminfo_argv0.map(|argv0| {
        let out = host.run(&[argv0], ctx.timeout);
        let info = parse_rocminfo(&out.combined_text());
        if let Some((code, message)) = classify(&out, &info, ctx) {
            f.set_error("rocm", code, message);
        }
        info
    });
    let info = info.unwrap_or_default();

    f.set_opt(
        "rocm.kernel_driver_version",
        host.read_text("/sys/module/amdgpu/version")
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| info.kfd_module_version.clone()),
    );
    f.set_opt("rocm.runtime_version", info.runtime_version.clone());
    let reported: Vec<String> = info.gpus.iter().filter_map(|g| g.name.clone()).collect();
    if !reported.is_empty() {
        f.set("rocm.runtime_gfx_targets", reported);
    }
    f.gpus = build_gpus(&kfd_nodes, &info.gpus, hsa_override.is_some());
    f
}

/// The AMD GPU nodes of the KFD topology, in node order.
fn read_kfd_gpus(host: &dyn Host) -> Vec<KfdNode> {
    let Ok(names) = host.read_dir(KFD_NODES) else {
        return Vec::new();
    };
    let mut ids: Vec<u32> = names.iter().filter_map(|n| n.parse().ok()).collect();
    ids.sort_unstable();
    // KFD lists CPU nodes too: read a few times the GPU cap at most.
    ids.truncate(4 * super::MAX_GPUS);
    ids.into_iter()
        .filter_map(|id| {
            let props = host.read_text(&format!("{KFD_NODES}/{id}/properties"))?;
            let name = host.read_text(&format!("{KFD_NODES}/{id}/name"));
            Some(kfd::parse_kfd_properties(id, &props, name.as_deref()))
        })
        .filter(|n| n.is_gpu() && n.is_amd())
        .take(super::MAX_GPUS)
        .collect()
}

/// Every `/dev/dri/renderD*` readable and writable (ROCm opens the render node of each GPU).
/// No render node at all: the GPUs are not reachable (e.g. a container without --device /dev/dri).
fn render_nodes_accessible(host: &dyn Host) -> bool {
    let nodes: Vec<String> = host
        .read_dir("/dev/dri")
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.starts_with("renderD"))
        .collect();
    !nodes.is_empty()
        && nodes.iter().all(|n| {
            let a = host.access(&format!("/dev/dri/{n}"));
            a.exists && a.readable && a.writable
        })
}

/// "6.3.1-48" → "6.3.1" (the build number after the dash is not part of the release).
pub fn parse_rocm_version(text: &str) -> Option<String> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let v = first.split(['-', '+', ' ']).next().unwrap_or("");
    let ok = !v.is_empty()
        && v.chars().all(|c| c.is_ascii_digit() || c == '.')
        && v.chars().next().is_some_and(|c| c.is_ascii_digit());
    ok.then(|| v.trim_end_matches('.').to_string())
}

/// What rocminfo said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RocmInfo {
    /// `ROCk module ... is loaded` → true; `ROCk module is NOT loaded` → false.
    pub kfd_loaded: Option<bool>,
    /// `ROCk module version 6.10.5 is loaded` → "6.10.5" (the amdgpu DKMS driver).
    pub kfd_module_version: Option<String>,
    /// The reason in `Unable to open /dev/kfd read-write: <reason>`.
    pub kfd_open_error: Option<String>,
    /// `hsa api call failure ...` / `Call returned HSA_STATUS_...` (first such line).
    pub hsa_error: Option<String>,
    /// `Runtime Version: 1.14`.
    pub runtime_version: Option<String>,
    /// The lines before the `HSA System Attributes` block: on failure, the whole diagnosis.
    pub preamble: Vec<String>,
    pub cpu_agents: usize,
    pub gpus: Vec<RocmAgent>,
}

/// One `Device Type: GPU` agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RocmAgent {
    /// `Name:` — the gfx target the runtime uses (what HSA_OVERRIDE_GFX_VERSION says, if set).
    pub name: Option<String>,
    pub marketing_name: Option<String>,
    /// `Chip ID: 29772(0x744c)` = the PCI device id.
    pub chip_id: Option<u32>,
    pub compute_units: Option<u32>,
    pub uuid: Option<String>,
    /// HSA node id (= KFD topology node N).
    pub node: Option<u32>,
    /// `BDFID:` bus<<8 | device<<3 | function (absent on old ROCm).
    pub bdfid: Option<u32>,
    /// The first GLOBAL memory pool, KB → MiB.
    pub vram_mib: Option<u64>,
}

impl RocmAgent {
    /// rocminfo has no PCI domain; 0 is right on all but multi-domain servers, where the KFD
    /// topology (which has the domain) is preferred.
    pub fn pci_address(&self) -> Option<String> {
        self.bdfid
            .filter(|&b| b != 0)
            .map(|b| kfd::pci_address_from_bdf(0, b))
    }
}

#[derive(Default)]
struct AgentDraft {
    agent: RocmAgent,
    device_type: Option<String>,
    in_isa: bool,
    in_global_pool: bool,
}

impl AgentDraft {
    fn field(&mut self, key: &str, value: &str) {
        // The ISA Info block repeats keys (`Name: amdgcn-amd-amdhsa--gfx906`): ignore it.
        if key == "ISA Info" {
            self.in_isa = true;
        }
        if self.in_isa {
            return;
        }
        let text = || Some(value.to_string()).filter(|v| !v.is_empty());
        let a = &mut self.agent;
        match key {
            "Name" if a.name.is_none() => a.name = text(),
            "Marketing Name" if a.marketing_name.is_none() => a.marketing_name = text(),
            "Uuid" if a.uuid.is_none() => a.uuid = text(),
            "Device Type" if self.device_type.is_none() => self.device_type = text(),
            "Chip ID" if a.chip_id.is_none() => a.chip_id = parse_dec_hex(value),
            "Compute Unit" if a.compute_units.is_none() => {
                a.compute_units = leading_u64(value).and_then(|v| u32::try_from(v).ok())
            }
            "Node" if a.node.is_none() => {
                a.node = leading_u64(value).and_then(|v| u32::try_from(v).ok())
            }
            "BDFID" if a.bdfid.is_none() => {
                a.bdfid = leading_u64(value).and_then(|v| u32::try_from(v).ok())
            }
            "Segment" => self.in_global_pool = value.starts_with("GLOBAL"),
            "Size" if self.in_global_pool && a.vram_mib.is_none() => {
                a.vram_mib = leading_u64(value).map(|kb| kb / 1024)
            }
            _ => {}
        }
    }
}

/// `29772(0x744c)` → 29772; `(0x744c)` alone → 0x744c.
fn parse_dec_hex(v: &str) -> Option<u32> {
    if let Some(n) = leading_u64(v) {
        return u32::try_from(n).ok();
    }
    let hex = v.split_once("(0x")?.1.split(')').next()?;
    u32::from_str_radix(hex, 16).ok()
}

fn leading_u64(v: &str) -> Option<u64> {
    let digits: String = v
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Parse `rocminfo` output (ANSI colours, old and new formats, errors).
pub fn parse_rocminfo(text: &str) -> RocmInfo {
    let text = crate::text::strip_ansi(text);
    let mut info = RocmInfo::default();
    let mut in_preamble = true;
    let mut draft: Option<AgentDraft> = None;

    for line in text.lines() {
        let t = line.trim();
        // The preamble ends at the first banner; a paste that starts at an agent has none.
        if t.starts_with("=====") || t.starts_with("*****") {
            in_preamble = false;
            continue;
        }
        let agent_header = t
            .strip_prefix("Agent ")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if agent_header {
            in_preamble = false;
        }
        if let Some(rest) = t.strip_prefix("ROCk module") {
            if rest.contains("NOT loaded") {
                info.kfd_loaded = Some(false);
            } else if rest.contains("is loaded") {
                info.kfd_loaded = Some(true);
                info.kfd_module_version = rest
                    .trim_start()
                    .strip_prefix("version ")
                    .and_then(|r| r.split_whitespace().next())
                    .map(str::to_string);
            }
        } else if let Some(reason) = t.strip_prefix("Unable to open /dev/kfd read-write:") {
            info.kfd_open_error
                .get_or_insert_with(|| reason.trim().to_string());
        } else if (t.starts_with("hsa api call failure") || t.starts_with("Call returned HSA_"))
            && info.hsa_error.is_none()
        {
            info.hsa_error = Some(t.to_string());
        }
        if in_preamble && !t.is_empty() {
            info.preamble.push(t.to_string());
            continue;
        }

        if agent_header {
            if let Some(d) = draft.take() {
                finish_agent(&mut info, d);
            }
            draft = Some(AgentDraft::default());
            continue;
        }
        let Some((key, value)) = t.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match draft.as_mut() {
            Some(d) => d.field(key, value),
            None if key == "Runtime Version" && info.runtime_version.is_none() => {
                info.runtime_version = Some(value.to_string()).filter(|v| !v.is_empty());
            }
            None => {}
        }
    }
    if let Some(d) = draft.take() {
        finish_agent(&mut info, d);
    }
    info
}

fn finish_agent(info: &mut RocmInfo, d: AgentDraft) {
    match d.device_type.as_deref() {
        Some("GPU") => info.gpus.push(d.agent),
        Some("CPU") => info.cpu_agents += 1,
        _ => {}
    }
}

/// Why rocminfo could not show the GPUs: (`rocm.error` code, message in the tool's words).
/// Codes: `kfd_permission` (/dev/kfd: Permission denied — the render/video groups),
/// `kfd_unavailable` (no KFD: module not loaded, "Invalid argument" in a container,
/// "Cannot allocate memory" on unsupported GPUs), `timeout`, `no_gpu` (rocminfo ran but lists
/// no GPU agent), `other` (anything else, with rocminfo's own lines). `not_installed` is
/// decided before rocminfo runs.
fn classify(out: &CommandOutput, info: &RocmInfo, ctx: &Ctx) -> Option<(&'static str, String)> {
    if out.timed_out {
        return Some((
            "timeout",
            format!(
                "rocminfo did not finish within {}",
                crate::text::duration(ctx.timeout)
            ),
        ));
    }
    match &out.spawn_error {
        Some(SpawnError::PermissionDenied) => {
            return Some(("other", "rocminfo: permission denied".into()));
        }
        Some(SpawnError::NotFound) => return Some(("other", "rocminfo could not be run".into())),
        Some(SpawnError::Other(e)) => return Some(("other", format!("rocminfo: {e}"))),
        None => {}
    }
    let diagnosis = || {
        let mut lines = info.preamble.clone();
        if let Some(h) = &info.hsa_error
            && !lines.contains(h)
        {
            lines.push(h.clone());
        }
        lines.join("\n")
    };
    if let Some(reason) = &info.kfd_open_error {
        let code = if reason.contains("Permission denied") {
            "kfd_permission"
        } else {
            "kfd_unavailable"
        };
        return Some((code, diagnosis()));
    }
    if info.kfd_loaded == Some(false) {
        return Some(("kfd_unavailable", diagnosis()));
    }
    if info.hsa_error.is_some() || !out.success() {
        let mut msg = diagnosis();
        if msg.is_empty() {
            msg = first_lines(&out.combined_text(), 5);
        }
        if msg.is_empty() {
            msg = format!("rocminfo exited with status {:?}", out.exit);
        }
        return Some(("other", msg));
    }
    if info.gpus.is_empty() {
        return Some(("no_gpu", "rocminfo lists no GPU agent".into()));
    }
    None
}

fn first_lines(s: &str, n: usize) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(n)
        .collect::<Vec<_>>()
        .join("\n")
}

fn strip_features(gfx: &str) -> &str {
    gfx.split(':').next().unwrap_or(gfx).trim()
}

/// One GPU per physical device: KFD nodes joined with rocminfo agents (by PCI address, then
/// by node id); agents the KFD listing lacks are kept. Partitions of one device (same PCI
/// address) are one GPU.
pub fn build_gpus(kfd_nodes: &[KfdNode], agents: &[RocmAgent], hsa_override: bool) -> Vec<Gpu> {
    let mut used = vec![false; agents.len()];
    let mut gpus: Vec<Gpu> = Vec::new();
    for (ordinal, node) in kfd_nodes.iter().enumerate() {
        let addr = node.pci_address();
        let matched = agents
            .iter()
            .enumerate()
            .position(|(i, a)| {
                !used[i] && addr.is_some() && a.pci_address().is_some() && {
                    // rocminfo has no domain: compare bus:device.function.
                    let ours = addr.as_deref().map(|s| s.get(5..).unwrap_or(s));
                    let theirs = a.pci_address();
                    ours == theirs.as_deref().map(|s| s.get(5..).unwrap_or(s))
                }
            })
            .or_else(|| {
                agents
                    .iter()
                    .enumerate()
                    .position(|(i, a)| !used[i] && a.node == Some(node.id))
            });
        if let Some(i) = matched
            && let Some(slot) = used.get_mut(i)
        {
            *slot = true;
        }
        let agent = matched.and_then(|i| agents.get(i));
        let index = matched.or(Some(ordinal));
        push_unique(&mut gpus, gpu_from(Some(node), agent, index, hsa_override));
    }
    for (i, agent) in agents.iter().enumerate() {
        if !used.get(i).copied().unwrap_or(true) {
            push_unique(
                &mut gpus,
                gpu_from(None, Some(agent), Some(i), hsa_override),
            );
        }
    }
    gpus
}

fn push_unique(gpus: &mut Vec<Gpu>, g: Gpu) {
    let dup = g.pci_address.is_some() && gpus.iter().any(|o| o.pci_address == g.pci_address);
    if !dup {
        gpus.push(g);
    }
}

fn gpu_from(
    node: Option<&KfdNode>,
    agent: Option<&RocmAgent>,
    index: Option<usize>,
    hsa_override: bool,
) -> Gpu {
    let device: Option<u16> = node
        .and_then(KfdNode::device_id_u16)
        .or_else(|| {
            agent
                .and_then(|a| a.chip_id)
                .and_then(|c| u16::try_from(c).ok())
        })
        .filter(|&d| d != 0);
    let table = device.and_then(|d| amd_ids::lookup(d, None));
    let mut g = Gpu::new(Vendor::Amd);
    g.name = agent
        .and_then(|a| a.marketing_name.clone())
        .or_else(|| table.and_then(|t| t.name).map(str::to_string));
    g.gfx_target = node
        .and_then(KfdNode::gfx_target)
        .or_else(|| table.map(|t| t.gfx.to_string()))
        .or_else(|| {
            // Only trust the runtime's name when nothing overrides it.
            agent
                .and_then(|a| a.name.as_deref())
                .filter(|n| !hsa_override && n.starts_with("gfx"))
                .map(|n| strip_features(n).to_string())
        });
    g.vram_total_mib = node
        .and_then(KfdNode::vram_mib)
        .or_else(|| agent.and_then(|a| a.vram_mib));
    g.pci_address = node
        .and_then(KfdNode::pci_address)
        .or_else(|| agent.and_then(RocmAgent::pci_address));
    g.pci_id = device.map(|d| format!("1002:{d:04x}"));
    g.index = index.and_then(|i| u32::try_from(i).ok());
    g.driver = Some("amdgpu".into());
    g.integrated = table.map(|t| t.apu);
    g
}

#[cfg(test)]
#[path = "rocm_tests.rs"]
mod tests;

//! The fact model: what the probes found, by dotted name (`nvidia.driver_version`), plus one
//! entry per physical GPU. A value that could not be determined is absent, and the reason is
//! the area's `error` fact (`nvidia.error`, with the tool's words in `nvidia.error_message`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub mod vocab;

/// A fact's value as people read it: text as is, booleans yes/no, arrays comma-joined.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(a) if a.is_empty() => "(none)".into(),
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    values: BTreeMap<String, Value>,
    pub gpus: Vec<Gpu>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Nvidia,
    Amd,
    Intel,
    Apple,
    Other,
}

impl Vendor {
    /// From a PCI vendor id ("0x10de", "10de", "10DE").
    pub fn from_pci(id: &str) -> Vendor {
        let id = id.trim().trim_start_matches("0x").trim_start_matches("0X");
        match id.to_ascii_lowercase().as_str() {
            "10de" => Vendor::Nvidia,
            "1002" => Vendor::Amd,
            "8086" => Vendor::Intel,
            "106b" => Vendor::Apple,
            _ => Vendor::Other,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Nvidia => "nvidia",
            Vendor::Amd => "amd",
            Vendor::Intel => "intel",
            Vendor::Apple => "apple",
            Vendor::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ProcessKind {
    #[serde(rename = "compute")]
    Compute,
    #[serde(rename = "graphics")]
    Graphics,
    #[serde(rename = "compute+graphics")]
    Both,
}

/// A process holding GPU memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct GpuProcess {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ProcessKind,
    /// `None` where the driver does not say (Windows WDDM, WSL2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_mib: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PcieLink {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "gen")]
    pub generation: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "max_gen")]
    pub max_generation: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_width: Option<u32>,
}

/// One physical GPU, merged across sysfs, nvidia-smi and rocminfo by PCI address.
/// MIG instances and compute partitions are not extra GPUs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Gpu {
    pub vendor: Vendor,
    /// Marketing name, e.g. "NVIDIA GeForce RTX 4070 Ti", "Radeon RX 7900 XTX".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// PCI vendor:device, lower-case hex, e.g. "10de:2782".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pci_id: Option<String>,
    /// PCI address "0000:01:00.0" (domain:bus:device.function), lower-case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pci_address: Option<String>,
    /// The vendor tool's index (nvidia-smi / rocminfo order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// Kernel driver bound to it (nvidia, amdgpu, i915, xe, nouveau, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vram_total_mib: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vram_used_mib: Option<u64>,
    /// NVIDIA compute capability, "8.9".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_capability: Option<String>,
    /// AMD: the GPU's own LLVM target ("gfx1100"), not what HSA_OVERRIDE_GFX_VERSION reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gfx_target: Option<String>,
    /// An integrated GPU (APU / iGPU) sharing system memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrated: Option<bool>,
    /// A display is driven by this GPU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_active: Option<bool>,
    /// Windows: WDDM or TCC (or MCDM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_model: Option<String>,
    /// NVIDIA MIG mode ("Enabled", "Disabled").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mig_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcie_link: Option<PcieLink>,
    /// GPU cores as the vendor counts them (Apple: `sppci_cores`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cores: Option<u32>,
    /// CPU and GPU share one memory (Apple silicon): `vram_total_mib` is the machine's RAM,
    /// not memory of the GPU's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unified_memory: Option<bool>,
    #[serde(default)]
    pub processes: Vec<GpuProcess>,
    /// Derived (knowledge base): the architecture of its compute capability ("kepler").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// Derived: the installed PyTorch has kernels for this GPU (its own arch list, else the
    /// build's list from the knowledge base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torch_kernels: Option<bool>,
    /// Derived: the newest PyTorch release with a CUDA build for this GPU that this driver runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torch_newest: Option<String>,
    /// Derived: that release's build ("cu126"), or "none" when no release has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torch_newest_build: Option<String>,
    /// Derived: the installed ROCm release supports this gfx target natively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rocm_native: Option<bool>,
}

impl Gpu {
    pub fn new(vendor: Vendor) -> Gpu {
        Gpu {
            vendor,
            name: None,
            pci_id: None,
            pci_address: None,
            index: None,
            driver: None,
            vram_total_mib: None,
            vram_used_mib: None,
            compute_capability: None,
            gfx_target: None,
            integrated: None,
            display_active: None,
            driver_model: None,
            mig_mode: None,
            pcie_link: None,
            cores: None,
            unified_memory: None,
            processes: Vec::new(),
            architecture: None,
            torch_kernels: None,
            torch_newest: None,
            torch_newest_build: None,
            rocm_native: None,
        }
    }

    /// Fill what this GPU does not know from another observation of the same GPU.
    pub fn fill_from(&mut self, o: &Gpu) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = o.$f.clone(); } )* };
        }
        fill!(
            name,
            pci_id,
            pci_address,
            index,
            driver,
            vram_total_mib,
            vram_used_mib,
            compute_capability,
            gfx_target,
            integrated,
            display_active,
            driver_model,
            mig_mode,
            pcie_link,
            cores,
            unified_memory
        );
        if self.processes.is_empty() {
            self.processes = o.processes.clone();
        }
        if self.vendor == Vendor::Other {
            self.vendor = o.vendor;
        }
    }
}

/// "00000000:01:00.0", "0000:01:00.0" or "01:00.0" -> "0000:01:00.0".
pub fn normalize_pci_address(s: &str) -> Option<String> {
    let s = s.trim().to_ascii_lowercase();
    let (domain, rest) = match s.matches(':').count() {
        2 => {
            let (d, r) = s.split_once(':')?;
            (u32::from_str_radix(d, 16).ok()?, r.to_string())
        }
        1 => (0, s.clone()),
        _ => return None,
    };
    let (bus, devfn) = rest.split_once(':')?;
    let (dev, func) = devfn.split_once('.')?;
    let bus = u32::from_str_radix(bus, 16).ok()?;
    let dev = u32::from_str_radix(dev, 16).ok()?;
    let func = u32::from_str_radix(func, 16).ok()?;
    if bus > 0xff || dev > 0x1f || func > 7 {
        return None;
    }
    Some(format!("{domain:04x}:{bus:02x}:{dev:02x}.{func:x}"))
}

impl Facts {
    pub fn new() -> Facts {
        Facts::default()
    }

    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        let v = value.into();
        if !v.is_null() {
            self.values.insert(name.to_string(), v);
        }
    }

    /// Set when `value` is `Some`.
    pub fn set_opt<V: Into<Value>>(&mut self, name: &str, value: Option<V>) {
        if let Some(v) = value {
            self.set(name, v);
        }
    }

    /// Record why an area could not be determined: `<area>.error` and `<area>.error_message`.
    pub fn set_error(&mut self, area: &str, code: &str, message: impl Into<String>) {
        self.set(&format!("{area}.error"), code);
        let m: String = message.into();
        let m = m.trim();
        if !m.is_empty() {
            let m: String = m.chars().take(500).collect();
            self.set(&format!("{area}.error_message"), m);
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(Value::as_str)
    }

    pub fn get_u64(&self, name: &str) -> Option<u64> {
        self.values.get(name).and_then(Value::as_u64)
    }

    pub fn get_bool(&self, name: &str) -> Option<bool> {
        self.values.get(name).and_then(Value::as_bool)
    }

    /// Why facts of `name`'s area are missing: (`error` code, message).
    pub fn error_for(&self, name: &str) -> Option<(String, Option<String>)> {
        let area = name.split('.').next()?;
        let code = self.get_str(&format!("{area}.error"))?;
        Some((
            code.to_string(),
            self.get_str(&format!("{area}.error_message"))
                .map(str::to_string),
        ))
    }

    /// Why `name` was not looked at (by design or by flag), when that is why it is absent:
    /// the error's message ("--fast"), or its code.
    pub fn not_probed(&self, name: &str) -> Option<String> {
        if self.get(name).is_some() {
            return None;
        }
        let (code, msg) = self.error_for(name)?;
        vocab::NOT_PROBED_CODES
            .contains(&code.as_str())
            .then(|| msg.unwrap_or(code))
    }

    /// What an absent fact means when its area reports no error ("no error", "not WSL").
    pub fn absent_means(&self, name: &str) -> Option<&'static str> {
        if self.get(name).is_some() {
            return None;
        }
        if self.error_for(name).is_some() {
            None
        } else {
            vocab::absent_means(name)
        }
    }

    /// A fact as people read it: its value, or what its absence means; `None` when unknown.
    pub fn text_of(&self, name: &str) -> Option<String> {
        match self.get(name) {
            Some(v) => Some(value_text(v)),
            None => self.absent_means(name).map(str::to_string),
        }
    }

    pub fn values(&self) -> &BTreeMap<String, Value> {
        &self.values
    }

    /// Merge another probe's facts into these (values: later ones don't overwrite).
    pub fn absorb_values(&mut self, other: &Facts) {
        for (k, v) in &other.values {
            self.values.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }

    /// Nested JSON: dotted names become paths, `gpus` an array.
    pub fn to_json(&self) -> Value {
        let mut root = Map::new();
        for (k, v) in &self.values {
            insert_path(&mut root, k, v.clone());
        }
        root.insert(
            "gpus".into(),
            serde_json::to_value(&self.gpus).unwrap_or(Value::Array(vec![])),
        );
        Value::Object(root)
    }

    /// The inverse of [`Facts::to_json`] (for reports read back and tests).
    pub fn from_json(v: &Value) -> Facts {
        let mut f = Facts::new();
        if let Value::Object(m) = v {
            for (k, val) in m {
                if k == "gpus" {
                    f.gpus = serde_json::from_value(val.clone()).unwrap_or_default();
                } else {
                    flatten(k, val, &mut f.values);
                }
            }
        }
        f
    }
}

fn insert_path(root: &mut Map<String, Value>, dotted: &str, v: Value) {
    let mut parts = dotted.split('.').peekable();
    let mut cur = root;
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(p.to_string(), v);
            return;
        }
        let entry = cur
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            // A fact and a group share a name ("x" and "x.y"): keep the fact under "value".
            let old = std::mem::replace(entry, Value::Object(Map::new()));
            if let Value::Object(m) = entry {
                m.insert("value".into(), old);
            }
        }
        let Value::Object(m) = entry else { return };
        cur = m;
    }
}

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                flatten(&format!("{prefix}.{k}"), val, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pci_addresses_normalise() {
        assert_eq!(
            normalize_pci_address("00000000:01:00.0").unwrap(),
            "0000:01:00.0"
        );
        assert_eq!(
            normalize_pci_address("0000:0B:00.0").unwrap(),
            "0000:0b:00.0"
        );
        assert_eq!(normalize_pci_address("63:00.0").unwrap(), "0000:63:00.0");
        assert!(normalize_pci_address("garbage").is_none());
        assert!(normalize_pci_address("0000:01:40.0").is_none());
        // Hyper-V (Azure) gives PCI domains wider than 16 bits.
        assert_eq!(
            normalize_pci_address("3E3F8E05:00:00.0").unwrap(),
            "3e3f8e05:00:00.0"
        );
    }

    #[test]
    fn json_round_trips_dotted_names() {
        let mut f = Facts::new();
        f.set("nvidia.driver_version", "535.104.05");
        f.set("memory.total_mib", 64000u64);
        f.set("wsl.version", 2u64);
        let mut g = Gpu::new(Vendor::Nvidia);
        g.vram_total_mib = Some(24564);
        f.gpus.push(g);
        let j = f.to_json();
        assert_eq!(j["nvidia"]["driver_version"], "535.104.05");
        assert_eq!(j["gpus"][0]["vram_total_mib"], 24564);
        assert_eq!(Facts::from_json(&j), f);
    }

    #[test]
    fn errors_explain_absent_facts() {
        let mut f = Facts::new();
        f.set_error("nvidia", "driver_not_loaded", "NVIDIA-SMI has failed");
        let (code, msg) = f.error_for("nvidia.driver_version").unwrap();
        assert_eq!(code, "driver_not_loaded");
        assert_eq!(msg.as_deref(), Some("NVIDIA-SMI has failed"));
        assert!(f.error_for("rocm.version").is_none());
    }
}

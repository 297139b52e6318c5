//! A report with one rule of every outcome, for the renderers' tests.

use crate::facts::{Facts, Gpu, Vendor};
use crate::report::Report;
use crate::rules::{evaluate, load_str};

const RULESET: &str = r#"
id: demo
title: Demo <&> "project"
checked: 2026-09-24
rules:
  - id: demo/pass
    title: Linux
    severity: fail
    require: {fact: os.family, equals: linux}
    fix: never shown
    why: w
    source: https://example.com/a
  - id: demo/warn
    title: RAM {memory.total_mib} MiB
    severity: warn
    require: {fact: memory.total_mib, at_least: 65536}
    fix: "Add RAM | or swap"
    why: w
    source: https://example.com/b
  - id: demo/fail
    title: Driver >= 550
    severity: fail
    require: {fact: nvidia.driver_version, version: ">=550"}
    fix:
      linux: "sudo apt install nvidia-driver-550\nsudo reboot"
      default: d
    why: w
    source: https://example.com/c
  - id: demo/unknown
    title: ROCm 6.3
    severity: fail
    require: {fact: rocm.version, version: ">=6.3"}
    fix: Install ROCm <6.3>
    why: w
    source: https://example.com/d
  - id: demo/skip
    title: AMD only
    severity: fail
    when: {any_gpu: {fact: vendor, equals: amd}}
    require: {fact: os.family, equals: linux}
    fix: x
    why: w
    source: https://example.com/e
  - id: demo/info
    title: A note
    severity: info
    require: {fact: os.family, equals: windows}
    fix: Just so you know.
    why: w
    source: https://example.com/f
"#;

pub fn report() -> Report {
    let mut f = Facts::new();
    f.set("os.family", "linux");
    f.set("memory.total_mib", 32000u64);
    f.set("nvidia.driver_version", "535.104.05");
    f.set_error("rocm", "not_installed", "rocminfo: command not found");
    f.gpus.push(Gpu::new(Vendor::Nvidia));
    let rs = load_str(RULESET, "demo.yaml").expect("valid demo ruleset");
    Report {
        rulesets: vec![evaluate(&rs, &f, "builtin")],
        facts: f,
        redacted: false,
    }
}

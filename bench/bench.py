#!/usr/bin/env python3
"""Measure aidoctor: median wall time, peak RSS, and how close a run is to its slowest probe.

Scenarios
- replay: every built-in ruleset on a recorded machine, with each recorded tool made to take as
  long as the real one does (see LATENCY below), with and without --fast.
- live: `aidoctor check --fast` on this machine.
- env-doctor: `env-doctor check` (PyPI), the Python doctor measured beside aidoctor.

Peak RSS comes from wait4(2) of each child (ru_maxrss, KiB on Linux).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# Tool latencies on a real machine, in milliseconds. nvidia-smi -q, docker info, rocminfo and
# python+torch are the figures the issue states for typical machines (nvidia-smi -q ~0.3 s,
# docker info ~0.1 s, rocminfo ~0.2 s, importing torch ~2 s); docker version ~11 ms is what it
# took on the 2-core development machine (client only, no daemon). Everything else: 5 ms.
LATENCY = {
    "nvidia-smi -q": 300,
    "nvidia-smi --query-gpu": 80,
    "docker info": 100,
    "docker version": 11,
    "rocminfo": 200,
    "python3": 2000,
    "python": 2000,
    "nvidia-ctk": 10,
    "nvcc": 40,
    "reg.exe": 30,
    "reg": 30,
    "cmd": 20,
}
RULESETS = ["host", "comfyui", "vllm", "axolotl", "llamacpp", "open-webui", "rocm-7900xtx"]
FIXTURES = ["docker-no-nvidia-runtime", "rx7900xtx-rocm6"]


def run_once(argv, env=None):
    """Wall seconds and peak RSS (KiB) of one run.

    aidoctor prints its own peak (VmHWM) with AIDOCTOR_PEAK_RSS=1: wait4's ru_maxrss would
    also count the largest tool it ran (docker alone is ~20 MB)."""
    env = dict(env or os.environ, AIDOCTOR_PEAK_RSS="1")
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    rss = ru.ru_maxrss
    for line in err.decode(errors="replace").splitlines():
        if line.startswith("aidoctor-peak-rss:"):
            rss = int(line.split(":", 1)[1].split()[0])
    return wall, rss, os.waitstatus_to_exitcode(status)


def measure(argv, runs, env=None):
    run_once(argv, env)  # warm the page cache
    walls, rss = [], []
    for _ in range(runs):
        w, r, _ = run_once(argv, env)
        walls.append(w)
        rss.append(r)
    return statistics.median(walls), max(rss)


def probe_times(bin_, extra):
    """Per-probe durations (seconds) from `facts --format json`."""
    out = subprocess.run([bin_, "facts", "--format", "json", *extra], capture_output=True, text=True)
    try:
        probes = json.loads(out.stdout).get("probes", [])
    except json.JSONDecodeError:
        return []
    return [(p["name"], p["duration_ms"] / 1000.0) for p in probes]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--env-doctor")
    a = ap.parse_args()
    spec = ",".join(f"{k}={v}" for k, v in LATENCY.items())
    rows = []
    for fx in FIXTURES:
        path = os.path.join("fixtures", fx)
        if not os.path.isdir(path):
            continue
        for fast in (False, True):
            extra = ["--replay", path, f"--replay-latency={spec}"] + (["--fast"] if fast else [])
            wall, rss = measure([a.bin, "check", *RULESETS, *extra], a.runs)
            probes = probe_times(a.bin, extra)
            slowest = max((d for _, d in probes), default=0.0)
            total = sum(d for _, d in probes)
            rows.append((f"replay {fx}{' --fast' if fast else ''}, all rulesets", wall, rss, slowest, total))
    wall, rss = measure([a.bin, "check", "--fast"], a.runs)
    probes = probe_times(a.bin, ["--fast"])
    rows.append(("live `check --fast` (this machine)", wall, rss,
                 max((d for _, d in probes), default=0.0), sum(d for _, d in probes)))
    live_wall = wall
    ed = None
    if a.env_doctor and os.access(a.env_doctor, os.X_OK):
        ed, ed_rss = measure([a.env_doctor, "check"], max(5, a.runs // 3))
    size = os.path.getsize(a.bin)

    print(f"machine: {os.cpu_count()} cores, {platform_line()}; runs per row: {a.runs}\n")
    print("| scenario | median wall | peak RSS | slowest probe | wall / slowest | sum of probes | wall / sum |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, wall, rss, slowest, total in rows:
        ratio = f"{wall / slowest:.2f}" if slowest > 0.001 else "n/a"
        print(f"| {name} | {wall * 1000:.1f} ms | {rss / 1024:.1f} MB | {slowest * 1000:.1f} ms | {ratio} "
              f"| {total * 1000:.1f} ms | {wall / total if total else 0:.2f} |")
    if ed is not None:
        print(f"| env-doctor 0.3.5 `check` (PyPI) | {ed * 1000:.1f} ms | {ed_rss / 1024:.1f} MB | | | | |")
        print(f"\naidoctor live `check --fast` is {ed / live_wall:.0f}x faster than env-doctor.")
    print(f"\nrelease binary: {size / 1e6:.2f} MB")


def platform_line():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return sys.platform


if __name__ == "__main__":
    main()

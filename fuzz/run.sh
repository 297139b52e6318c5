#!/usr/bin/env bash
# Run every fuzz target, seeded with the real outputs in tests/samples and the rulesets.
#
#   bash fuzz/run.sh                 # 1,000,000 executions per target
#   RUNS=100000 bash fuzz/run.sh     # fewer
#   TARGETS="nvidia rocm" bash fuzz/run.sh
#   MAX_TIME=240 TARGETS=replay bash fuzz/run.sh   # stop each target after 240 s
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Crashes land in
# fuzz/artifacts/<target>/; a summary line per target goes to fuzz/out/summary.txt.
set -euo pipefail
cd "$(dirname "$0")"
RUNS="${RUNS:-1000000}"
TARGETS="${TARGETS:-text nvidia rocm docker sysfs system snapshot replay ruleset gguf safetensors}"
mkdir -p out

seed() { # target, files...
  local dir="corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do
    if [ -f "$f" ]; then cp "$f" "$dir/$(echo "$f" | tr '/' '_')"; fi
  done
}
S=../tests/samples
seed text $S/os-release/* $S/proc-version/* $S/uname/* $S/wsl/*
seed nvidia $S/nvidia-smi-q/* $S/nvidia-smi-csv/* $S/proc-driver-nvidia/* $S/errors/nvml*
seed rocm $S/rocminfo/* $S/kfd-topology/* $S/errors/rocminfo*
seed docker $S/docker/* $S/nvidia-ctk/*
seed sysfs $S/sysfs-drm/* $S/drm-fdinfo/*
seed system $S/cpuinfo/* $S/nvcc/* $S/cuda-version-json/* $S/proc-version/*
seed snapshot ../fixtures/*/snapshot.yaml
seed ruleset ../rules/*.yaml ../tests/broken-rulesets/*.yaml
seed gguf ../tests/models/*.gguf
seed safetensors ../tests/models/*.safetensors

# replay: each fixture as one input (fuzz_targets/replay.rs): its snapshot.yaml, then
# `\0NAME\0CONTENT` for each of its files; and the same with the attacks of a hostile one.
entries() { # dir
  (cd "$1" && { find files commands -type f 2>/dev/null || true; } | sort) | while read -r f; do
    printf '\0%s\0' "$f"
    cat "$1/$f"
  done
}
mkdir -p corpus/replay
for fx in ../fixtures/*/; do
  [ -f "$fx/snapshot.yaml" ] || continue
  name=$(basename "$fx")
  { cat "$fx/snapshot.yaml"; entries "$fx"; } > "corpus/replay/$name"
  { cat "$fx/snapshot.yaml"; entries "$fx"; printf '\0@files/proc/version\0CANARY\0|files/etc/os-release\0'; } \
    > "corpus/replay/$name-links"
  sed 's#stdout_file: .*#stdout_file: /tmp/aidoctor-fuzz-canary#' "$fx/snapshot.yaml" > "corpus/replay/$name-absolute"
done

: > out/summary.txt
for t in $TARGETS; do
  log="out/$t.log"
  # -timeout: any single input slower than 10 s is a finding, not patience.
  if cargo +nightly fuzz run -O "$t" -- -runs="$RUNS" ${MAX_TIME:+-max_total_time="$MAX_TIME"} \
    -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    status=ok
  else
    status="FAILED (see fuzz/$log and fuzz/artifacts/$t/)"
  fi
  execs=$(grep -Eo '^Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo "?")
  echo "$t: $execs executions, $status" | tee -a out/summary.txt
done

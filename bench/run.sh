#!/usr/bin/env bash
# aidoctor benchmark: wall time, peak memory and parallelism of `aidoctor check`.
#
#   bash bench/run.sh            # full run (builds release, installs env-doctor from PyPI)
#   RUNS=5 bash bench/run.sh     # fewer repetitions
#
# Prints a Markdown table (also written to bench/out/results.md). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-21}"
OUT=bench/out
mkdir -p "$OUT"

cargo build --release --locked --quiet
BIN=target/release/aidoctor

# A Python doctor people use today, from its package registry (never vendored).
if [ ! -x "$OUT/venv/bin/env-doctor" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install --quiet --disable-pip-version-check "env-doctor==0.3.5" \
    || echo "bench: could not install env-doctor from PyPI; the comparison row will be missing" >&2
fi

python3 bench/bench.py --bin "$BIN" --runs "$RUNS" --env-doctor "$OUT/venv/bin/env-doctor" \
  | tee "$OUT/results.md"

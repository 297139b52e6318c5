#!/usr/bin/env bash
# Install vLLM into the current Python environment, after checking with aidoctor that this
# machine can run it. Copy this into your own install script and change RULESET.
#
#   ./install-preflight.sh                 check, then install
#   VLLM_SKIP_PREFLIGHT=1 ./install-preflight.sh   install even if the check fails
#   DRY_RUN=1 ./install-preflight.sh       print the install command instead of running it
#
# aidoctor exits 0 when nothing fails, 1 when something does, 2 when it could not check
# (bad arguments, unreadable ruleset). `--quiet` prints only what is wrong, with the fixes.
set -euo pipefail

AIDOCTOR="${AIDOCTOR:-aidoctor}"
RULESET="${AIDOCTOR_RULESET:-vllm}"
# Extra aidoctor arguments, e.g. "--replay DIR" to check a recorded machine.
read -r -a AIDOCTOR_EXTRA <<<"${AIDOCTOR_ARGS:-}"
PYTHON="${PYTHON:-python3}"

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

preflight() {
    if [[ "${VLLM_SKIP_PREFLIGHT:-0}" == "1" ]]; then
        warn "VLLM_SKIP_PREFLIGHT=1: skipping the pre-flight check."
        return 0
    fi
    if ! command -v "$AIDOCTOR" >/dev/null 2>&1; then
        warn "aidoctor is not installed, so this machine was not checked before installing."
        warn "Install it with:  pipx install aidoctor-cli   (or try it once: uvx --from aidoctor-cli aidoctor check ${RULESET})"
        warn "and re-run this script to find driver/CUDA/WSL problems before they bite."
        return 0
    fi
    say "Checking this machine for ${RULESET} with aidoctor..."
    local rc=0
    "$AIDOCTOR" ${AIDOCTOR_EXTRA[@]+"${AIDOCTOR_EXTRA[@]}"} check "$RULESET" --quiet || rc=$?
    case "$rc" in
    0)
        say "Pre-flight passed."
        ;;
    1)
        printf '\n' >&2
        printf 'error: this machine cannot run %s as it is; the problems and fixes are listed above.\n' "$RULESET" >&2
        printf '       Fix them and run this script again, or set VLLM_SKIP_PREFLIGHT=1 to install anyway.\n' >&2
        exit 1
        ;;
    *)
        # Exit 2: aidoctor could not check (its message is above). A broken check should
        # not block an install: say so and go on.
        warn "aidoctor could not run the check (exit $rc); continuing without it."
        ;;
    esac
}

install() {
    local cmd=("$PYTHON" -m pip install "vllm${VLLM_VERSION:+==$VLLM_VERSION}")
    if [[ "${DRY_RUN:-0}" == "1" ]]; then
        say "would run: ${cmd[*]}"
        return 0
    fi
    say "Running: ${cmd[*]}"
    "${cmd[@]}" || die "pip install failed"
    say "vLLM installed."
}

preflight
install

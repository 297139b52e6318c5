#!/bin/sh
# Download the aidoctor binary for this machine, check its SHA-256 against the release's
# SHA256SUMS, and run it with the arguments given:
#
#   AIDOCTOR_BASE_URL=https://.../releases/download/v0.1.0 sh install.sh check vllm
#
# Nothing is installed unless AIDOCTOR_INSTALL_DIR is set (then the checked binary is copied
# there). A checksum that does not match stops the script before anything runs (exit 3).
# POSIX sh; needs curl or wget, and sha256sum or shasum.
set -eu

base="${AIDOCTOR_BASE_URL:-}"
if [ -z "$base" ]; then
    echo "install.sh: set AIDOCTOR_BASE_URL to the release's download URL (where SHA256SUMS is)" >&2
    exit 2
fi
base="${base%/}"

os="$(uname -s)"
arch="$(uname -m)"
case "$os/$arch" in
Linux/x86_64 | Linux/amd64) target=x86_64-unknown-linux-musl ;;
Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
Darwin/arm64 | Darwin/aarch64) target=aarch64-apple-darwin ;;
Darwin/x86_64) target=x86_64-apple-darwin ;;
*)
    echo "install.sh: no aidoctor build for $os $arch; see the README for building from source" >&2
    exit 2
    ;;
esac
artifact="aidoctor-$target"

fetch() { # URL FILE
    if command -v curl >/dev/null 2>&1; then
        curl --proto '=https,http' -fsSL -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
    else
        echo "install.sh: needs curl or wget" >&2
        exit 2
    fi
}

sha256() { # FILE -> hex digest
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        echo "install.sh: needs sha256sum or shasum to check the download" >&2
        exit 2
    fi
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/aidoctor.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT INT TERM

fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"
fetch "$base/$artifact" "$tmp/$artifact"
# SHA256SUMS lines: "<hex>  <name>" (or "<hex> *<name>").
want="$(awk -v f="$artifact" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")"
if [ -z "$want" ]; then
    echo "install.sh: $artifact is not listed in $base/SHA256SUMS" >&2
    exit 3
fi
got="$(sha256 "$tmp/$artifact")"
if [ "$got" != "$want" ]; then
    echo "install.sh: checksum mismatch for $artifact (expected $want, got $got): not running it" >&2
    exit 3
fi
chmod +x "$tmp/$artifact"

if [ -n "${AIDOCTOR_INSTALL_DIR:-}" ]; then
    mkdir -p "$AIDOCTOR_INSTALL_DIR"
    cp "$tmp/$artifact" "$AIDOCTOR_INSTALL_DIR/aidoctor"
    echo "install.sh: installed $AIDOCTOR_INSTALL_DIR/aidoctor (sha256 $got)" >&2
fi
[ "$#" -gt 0 ] || set -- check
rc=0
"$tmp/$artifact" "$@" || rc=$?
exit "$rc"

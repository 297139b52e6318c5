#!/usr/bin/env bash
# CI, Windows x86_64: cross-build aidoctor for x86_64-pc-windows-gnu and run its tests (lib,
# bins, integration) under Wine. Runs on a fresh Debian 12 with only package-registry network.
#
# rustup cannot fetch other targets here, so the standard library is built from source:
# Debian's rustc 1.96 (rustc-web) with the std source it was built from (rust-web-src), and
# RUSTC_BOOTSTRAP=1 to allow -Zbuild-std on that stable compiler. Compiler and std source must
# be the same version, hence the pins and Debian's /usr/bin/cargo rather than rustup's.
set -euo pipefail
cd "$(dirname "$0")/.."

RUST_DEB=1.96.0+dfsg1-1~deb12u2
TARGET=x86_64-pc-windows-gnu
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_WINDOWS:-$PWD/target/windows}"
export WINEPREFIX="$CARGO_TARGET_DIR/wine"

t0=$(date +%s)
step() { echo "== $* ($(($(date +%s) - t0)) s)"; }

step "packages"
need=()
for p in rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine wine64; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    pins=()
    for p in "${need[@]}"; do
        case $p in rustc-web|cargo-web|rust-web-src) pins+=("$p=$RUST_DEB") ;; *) pins+=("$p") ;; esac
    done
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${pins[@]}"
fi

CARGO=/usr/bin/cargo
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
export CARGO_TERM_COLOR=never
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
$RUSTC --version

step "wine prefix"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    mkdir -p "$WINEPREFIX"
    wineboot -i >/dev/null 2>&1 || true
    wineserver -w || true
fi
# Wine 8 has no bcryptprimitives.dll, which Rust's std imports for ProcessPrng: put the
# stand-in from ci/win/ in the prefix's system32.
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    ci/win/bcryptprimitives.c -ladvapi32

# The runner is given with --config, not CARGO_TARGET_..._RUNNER: assert_cmd inside the
# Windows test process reads that variable and would try to start `wine` from Windows.
build=(-Zbuild-std --target "$TARGET" --locked --config "target.$TARGET.runner=\"wine\"")

step "build tests"
$CARGO test "${build[@]}" --no-run

step "run tests under wine"
# Property tests: the same short budget as the native run.
export PROPTEST_CASES="${PROPTEST_CASES:-256}"
$CARGO test "${build[@]}"

step "smoke: the exe under wine"
exe="$CARGO_TARGET_DIR/$TARGET/debug/aidoctor.exe"
wine "$exe" --help >/dev/null
wine "$exe" --replay fixtures/windows11-nvidia report >/dev/null
step "done"
wineserver -k || true

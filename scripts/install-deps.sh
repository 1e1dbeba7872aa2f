#!/usr/bin/env bash
# Installs the Debian packages sparse-llm needs. Idempotent: does nothing when all are present. Works as root,
# or through sudo for another user.
#
#   scripts/install-deps.sh           what a native build, its tests and its package need (scripts/setup.sh;
#                                     x86-64 or a Pi): cpp-httplib and nlohmann-json for `serve`, curl to test it
#   scripts/install-deps.sh --cross   also what the aarch64 cross build and its emulated tests need, on an
#                                     x86-64 host (scripts/build-aarch64.sh, scripts/test.sh): the cross compiler,
#                                     qemu-user, the arm64 multiarch fmt, spdlog and cpp-httplib (architecture arm64
#                                     is added to dpkg for them), jq, which reads the greedy goldens, and llvm (llvm-mca)
#                                     for scripts/estimate-pi.sh and scripts/mca-kernels.sh
#   scripts/install-deps.sh --fuzz    also clang and libFuzzer for the sanitizer build and scripts/fuzz.sh (the
#                                     test command gives it; both options may be given)
set -euo pipefail

packages=(build-essential cmake ninja-build libcli11-dev libspdlog-dev libfmt-dev catch2 file libcpp-httplib-dev
    nlohmann-json3-dev curl)
cross=0
for option in "$@"; do
    case "$option" in
        --cross) cross=1 ;;
        --fuzz) packages+=(clang libfuzzer-14-dev) ;;
        *) echo "usage: scripts/install-deps.sh [--cross] [--fuzz]" >&2; exit 2 ;;
    esac
done
if [ "$cross" = 1 ]; then
    native=$(dpkg --print-architecture)
    [ "$native" = amd64 ] || { echo "install-deps: the cross build runs on an amd64 host, not $native" >&2; exit 1; }
    packages+=(g++-aarch64-linux-gnu qemu-user libfmt-dev:arm64 libspdlog-dev:arm64 libcpp-httplib-dev:arm64 jq llvm)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
if [ "$cross" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "install-deps: adding architecture arm64 to dpkg (for libfmt-dev:arm64, libspdlog-dev:arm64)" >&2
    "${as_root[@]}" dpkg --add-architecture arm64
fi
echo "installing: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Cross-builds the kernels library and its tests for aarch64 (NEON paths) and runs them under qemu-user.
# Needs g++-aarch64-linux-gnu and qemu-user (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-aarch64}
cmake -S . -B "$dir" -G Ninja -DCMAKE_TOOLCHAIN_FILE=scripts/toolchain-aarch64.cmake -DSPARSE_LLM_KERNELS_ONLY=ON > /dev/null
cmake --build "$dir" -j "$(nproc)"
(cd "$dir" && ctest --output-on-failure -j "$(nproc)")

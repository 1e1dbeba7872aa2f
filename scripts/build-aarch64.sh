#!/usr/bin/env bash
# Cross-builds everything (the sparse-llm CLI, the runtime and all tests) for aarch64 on an x86-64 Debian host:
# Debian's g++-aarch64-linux-gnu and the arm64 multiarch fmt and spdlog (installed by
# `scripts/install-deps.sh --cross`), configured by scripts/toolchain-aarch64.cmake. Leaves DIR/apps/sparse-llm.
# Usage: scripts/build-aarch64.sh [DIR [extra cmake args...]]   (default build-aarch64)
# scripts/test-aarch64.sh runs the tests under qemu-aarch64; on a Pi itself, scripts/setup.sh builds natively.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-aarch64}
shift || true
bash scripts/install-deps.sh --cross
bash scripts/build.sh "$dir" -DCMAKE_TOOLCHAIN_FILE="$PWD/scripts/toolchain-aarch64.cmake" "$@"
echo "build-aarch64: $dir/apps/sparse-llm" >&2

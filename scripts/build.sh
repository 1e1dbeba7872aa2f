#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [BUILD_DIR [extra cmake args...]]
# Runs one compiler per core, but at most one per 600 MB of available memory (a compiler on the test files
# takes up to about 500 MB): a Pi Zero 2W's 512 MB builds with one.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
jobs=$(nproc)
by_memory=$(awk '/^MemAvailable:/ {print int($2 / 614400)}' /proc/meminfo)
[ "$by_memory" -ge "$jobs" ] || jobs=$((by_memory > 0 ? by_memory : 1))
cmake -S . -B "$dir" -G Ninja "$@" > /dev/null
cmake --build "$dir" -j "$jobs"

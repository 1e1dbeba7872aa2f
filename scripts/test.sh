#!/usr/bin/env bash
# Installs, builds and runs the whole test suite twice: a release build and an ASan+UBSan build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

run_suite() {
    local dir=$1
    shift
    echo "=== $dir: build" >&2
    bash scripts/build.sh "$dir" "$@"
    echo "=== $dir: tests" >&2
    (cd "$dir" && ctest --output-on-failure -j "$(nproc)")
}

run_suite build
# -O1 -g1 (line tables for the reports) compiles twice as fast as -O2 -g; assertions stay on.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -DSPARSE_LLM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"

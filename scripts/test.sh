#!/usr/bin/env bash
# Installs, builds and runs every test: first the tiny models of the other families that ../shared's goldens
# were made from (scripts/make-arch-models.sh: llama.cpp's libraries from npm make them) and the openai npm
# client that tests `serve` (scripts/install-openai-client.sh); then the release build
# and an ASan+UBSan build (clang's, with the fuzz targets run a while each) with the whole suite each;
# on an x86-64 (amd64) host also the aarch64 cross build under qemu-aarch64, the whole suite and the greedy
# goldens on each emulated CPU (scripts/test-aarch64.sh); then the Debian packages (scripts/test-packages.sh).
# Ends with the time each part took.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(dpkg --print-architecture)" = amd64 ]; then cross=1; else cross=0; fi
if [ "$cross" = 1 ]; then bash scripts/install-deps.sh --cross --fuzz; else bash scripts/install-deps.sh --fuzz; fi

times=()
timed() {
    local part=$1 start=$SECONDS
    shift
    "$@"
    times+=("$(printf '%5d s  %s' $((SECONDS - start)) "$part")")
}

run_suite() {
    local dir=$1
    shift
    echo "=== $dir: build" >&2
    timed "$dir: build" bash scripts/build.sh "$dir" "$@"
    echo "=== $dir: tests" >&2
    timed "$dir: tests" bash -c "cd '$dir' && ctest --output-on-failure -j $(nproc)"
}

start=$SECONDS
timed "models of the other families" bash scripts/make-arch-models.sh
timed "openai client (npm)" bash scripts/install-openai-client.sh
run_suite build
# The sanitizer build is clang's, instrumented for libFuzzer too: the suite, then every fuzz target for a short
# while (scripts/fuzz.sh; any failure fails the run). -O1 -g1 (line tables for the reports) compiles twice as
# fast as -O2 -g; assertions stay on.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 CXX=clang++ \
    run_suite build-asan -DSPARSE_LLM_SANITIZE=ON -DSPARSE_LLM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
timed "fuzzing: every target 20 s" bash scripts/fuzz.sh --all 20 --build build-asan
if [ "$cross" = 1 ]; then
    timed "build-aarch64: build, suite and greedy goldens per emulated CPU" bash scripts/test-aarch64.sh build-aarch64
else
    echo "=== no aarch64 emulation on a $(dpkg --print-architecture) host: the suite above ran natively" >&2
fi
echo "=== Debian packages" >&2
timed "Debian packages: build, check, install, run" bash scripts/test-packages.sh
printf '%s\n' "${times[@]}" "$(printf '%5d s  all' $((SECONDS - start)))" >&2

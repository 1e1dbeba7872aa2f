#!/usr/bin/env bash
# libFuzzer runs of the fuzz targets (tests/fuzz/fuzz_targets.h), in a clang build with ASan and UBSan.
#
#   scripts/fuzz.sh --list                          the targets, and what each takes as input
#   scripts/fuzz.sh TARGET SECONDS [--build DIR]    one target for SECONDS
#   scripts/fuzz.sh --all SECONDS [--build DIR]     every target, SECONDS each
#
# The build (default build-fuzz) is configured and built when its fuzz program is missing: CXX=clang++,
# -DSPARSE_LLM_SANITIZE=ON -DSPARSE_LLM_FUZZ=ON. Each target's corpus grows in models/generated/fuzz/TARGET
# (seeded from tests/fuzz/seeds/TARGET, the gguf target also from ../shared's models); the executions it has
# survived add up in models/generated/fuzz/TARGET.executions. An input that fails is written to
# tests/fuzz-regressions/TARGET/ (commit it with the fix: the suite replays it) and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
targets_file=tests/fuzz/fuzz_targets.cpp
usage() { echo "usage: scripts/fuzz.sh --list | TARGET SECONDS [--build DIR] | --all SECONDS [--build DIR]" >&2; exit 2; }
list() { sed -n 's/^ *{"\([a-z-]*\)", "\([^"]*\)".*/\1\t\2/p' "$targets_file"; }

[ $# -ge 1 ] || usage
if [ "$1" = --list ]; then list; exit 0; fi
[ $# -ge 2 ] || usage
what=$1 seconds=$2 build=build-fuzz
shift 2
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build=$2; shift 2 ;;
        *) usage ;;
    esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS must be a positive whole number, not '$seconds'" >&2; exit 2; }
if [ "$what" = --all ]; then
    names=$(list | cut -f1)
else
    list | cut -f1 | grep -qx -- "$what" || { echo "fuzz: no target '$what' (scripts/fuzz.sh --list)" >&2; exit 2; }
    names=$what
fi
if [ ! -d ../shared/models ]; then
    echo "fuzz: ../shared is absent (the tokenizer targets read its vocabularies): nothing run" >&2
    exit 0
fi

program=$build/tests/sparse-llm-fuzz
if [ ! -x "$program" ]; then
    command -v clang++ > /dev/null || { echo "fuzz: clang++ not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
    CXX=clang++ bash scripts/build.sh "$build" -DSPARSE_LLM_SANITIZE=ON -DSPARSE_LLM_FUZZ=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
fi

status=0
for name in $names; do
    corpus=models/generated/fuzz/$name
    regressions=tests/fuzz-regressions/$name
    mkdir -p "$corpus" "$regressions"
    cp -n tests/fuzz/seeds/"$name"/* "$corpus"/ 2> /dev/null || true
    options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$regressions/")
    if [ "$name" = gguf ]; then
        options+=(-max_len=65536 -dict=tests/fuzz/gguf.dict)
        for model in ../shared/models/*.gguf ../shared/models/quant/*.gguf; do
            [ -e "$corpus/$(basename "$model")" ] || head -c 65536 "$model" > "$corpus/$(basename "$model")"
        done
    fi
    log=$(mktemp)
    echo "fuzz: $name for ${seconds} s" >&2
    if SPARSE_LLM_FUZZ_TARGET=$name ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$program" "${options[@]}" "$corpus" > "$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        total=$(( $(cat "$corpus.executions" 2> /dev/null || echo 0) + ${runs:-0} ))
        echo "$total" > "$corpus.executions"
        echo "fuzz: $name survived ${runs:-0} executions ($total in all so far)" >&2
    else
        tail -40 "$log" >&2
        echo "fuzz: $name FAILED; the input is in $regressions/" >&2
        status=1
    fi
    rm -f "$log"
done
exit $status

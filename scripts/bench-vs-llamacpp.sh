#!/usr/bin/env bash
# Speed of sparse-llm beside llama.cpp on the same GGUF, threads and test sizes, with the ratio.
#
# Usage: scripts/bench-vs-llamacpp.sh MODEL [-p 128] [-n 64] [-t 2] [-r 5] [-d 0] [--attention sparse]
#                                    [-- extra `bench model` args]
#   -t, -d and --attention take comma lists: thread counts, depths (tokens already in the KV cache, e.g.
#   -d 0,4096,8192) and our attention backends (dense,sparse,gated); every row of ours is shown beside
#   llama.cpp's for the same test, depth and threads.
#
# llama.cpp is, in order: $LLAMA_BENCH or `llama-bench` on PATH (any depth); else the oracle of ../shared/oracle
# ($ORACLE_DIR/oracle, default /tmp/oracle; built with ../shared/oracle/build_oracle.sh when missing), which
# measures depth 0 only; for depths > 0 without llama-bench, --build-llama-bench compiles it from the oracle's
# bundled llama.cpp source into $LLAMA_BUILD_DIR (default /tmp/llama-build; takes a while on 2 cores).
# Figures are medians over the repetitions. The machine should be otherwise idle: both sides spin threads.
#
# Two passes, each row naming the CPU, our kernel set and llama.cpp's CPU library: each program's best for
# this CPU, then both held to AVX2 (ours by SPARSE_LLM_ISA=avx2; the oracle's llama.cpp by loading only its
# libggml-cpu-haswell.so through ORACLE_LIBDIR). A llama-bench build cannot be held to AVX2 that way: with it
# the second pass is left out, and so is it where this CPU has no AVX2. --best-only skips it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SPARSE_LLM_SHARED_DIR:-$root/../shared}
oracle_dir=${ORACLE_DIR:-/tmp/oracle}
build_dir=${LLAMA_BUILD_DIR:-/tmp/llama-build}
bin=${SPARSE_LLM_BIN:-$root/build/apps/sparse-llm}

model=${1:?usage: scripts/bench-vs-llamacpp.sh MODEL [-p P] [-n N] [-t T] [-r R] [-d D,...] [--build-llama-bench] [--best-only] [-- args]}
shift
p=128 n=64 t=2 r=5 d=0 attention=sparse build_llama=0 best_only=0 extra=()
while [ $# -gt 0 ]; do
    case $1 in
        -p) p=$2; shift 2 ;;
        -n) n=$2; shift 2 ;;
        -t) t=$2; shift 2 ;;
        -r) r=$2; shift 2 ;;
        -d) d=$2; shift 2 ;;
        --attention) attention=$2; shift 2 ;;
        --build-llama-bench) build_llama=1; shift ;;
        --best-only) best_only=1; shift ;;
        --) shift; extra=("$@"); break ;;
        *) echo "bench-vs-llamacpp: unknown argument $1" >&2; exit 2 ;;
    esac
done

[ -x "$bin" ] || bash "$root/scripts/build.sh"
llama_bench=${LLAMA_BENCH:-$(command -v llama-bench || true)}
if [ -z "$llama_bench" ] && [ -x "$build_dir/bin/llama-bench" ]; then llama_bench=$build_dir/bin/llama-bench; fi
if [ -z "$llama_bench" ] && [ "$build_llama" = 1 ]; then
    [ -d "$oracle_dir/llama.cpp-src" ] || bash "$shared/oracle/build_oracle.sh"
    cmake -S "$oracle_dir/llama.cpp-src" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF \
        -DGGML_NATIVE=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF \
        -DBUILD_SHARED_LIBS=OFF > /dev/null
    cmake --build "$build_dir" --target llama-bench -j "$(nproc)" > /dev/null
    llama_bench=$build_dir/bin/llama-bench
fi

[ -n "$llama_bench" ] || [ -x "$oracle_dir/oracle" ] || bash "$shared/oracle/build_oracle.sh" > /dev/null
[ -n "$llama_bench" ] || [ "$d" = 0 ] || echo "bench-vs-llamacpp: the oracle measures depth 0 only (pass --build-llama-bench)" >&2
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
cpu_flags=$(grep -m1 -o -w -E 'avx2|avx512f|avx512_vnni|avx_vnni|avx512_bf16|amx_tile|asimddp' /proc/cpuinfo | sort -u | paste -sd ' ')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One pass: ours with $1 as SPARSE_LLM_ISA (empty: the best), llama.cpp with the CPU libraries of folder $2
# (empty: all, the loader picks the best); prints the table.
bench_pass() {
    local isa=$1 libdir=$2 ours=$work/ours.json theirs=$work/theirs.jsonl variant threads
    local our_set
    our_set=$(SPARSE_LLM_ISA=$isa "$bin" info --system --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["isa"])')
    SPARSE_LLM_ISA=$isa "$bin" bench model "$model" -p "$p" -n "$n" -t "$t" -r "$r" -d "$d" --attention "$attention" \
        -o json "${extra[@]}" > "$ours"
    : > "$theirs"
    if [ -n "$llama_bench" ]; then
        "$llama_bench" -m "$model" -p "$p" -n "$n" -t "$t" -r "$r" -d "$d" -o jsonl > "$theirs"
        variant="llama-bench ($llama_bench)"
    else
        for threads in ${t//,/ }; do
            env ${libdir:+ORACLE_LIBDIR="$libdir"} "$oracle_dir/oracle" bench "$model" -p "$p" -n "$n" -t "$threads" \
                -r "$r" -v >> "$theirs" 2> "$work/oracle.log"
        done
        variant=$(sed -n 's|.*loaded CPU backend from .*/libggml-cpu-\(.*\)\.so.*|\1|p' "$work/oracle.log" | head -1)
        variant="${variant:-?} (prebuilt, via the oracle)"
    fi
    python3 - "$ours" "$theirs" "$model" "$cpu ($cpu_flags)" "$our_set" "$variant" << 'PY'
import json, statistics, sys
ours, theirs, model, cpu, our_set, variant = sys.argv[1:]
mine = json.load(open(ours))
other = [json.loads(line) for line in open(theirs) if line.strip()]

def key(row):
    return (row["n_prompt"], row["n_gen"], row.get("n_depth", 0), row["n_threads"])

def name(k):
    test = f"pp{k[0]}" if k[0] else f"tg{k[1]}"
    return f"{test} @ d{k[2]}" if k[2] else test

theirs_by_key = {}
for row in other:  # JSON lines
    if "samples_ts" in row:  # llama-bench rows
        theirs_by_key[key(row)] = statistics.median(row["samples_ts"])
    else:  # the oracle: pp and tg medians at depth 0 for one thread count
        theirs_by_key[(row["n_prompt"], 0, 0, row["threads"])] = row["pp_median"]
        theirs_by_key[(0, row["n_gen"], 0, row["threads"])] = row["tg_median"]

print(f"model {model} ({mine[0]['model_type']}), {mine[0]['kv_type']} KV; CPU {cpu}; medians of the runs")
print("| test | attention | threads | sparse-llm kernels | llama.cpp CPU library | sparse-llm t/s | llama.cpp t/s "
      "| ratio | peak RSS MiB | KV MiB |")
print("|---|---|---:|---|---|---:|---:|---:|---:|---:|")
for row in mine:
    k = key(row)
    ours_ts = statistics.median(row["samples_ts"])
    theirs_ts = theirs_by_key.get(k)
    ratio = f"{ours_ts / theirs_ts:.2f}" if theirs_ts else "-"
    theirs_text = f"{theirs_ts:.1f}" if theirs_ts else "-"
    print(f"| {name(k)} | {row['attention']} | {row['n_threads']} | {our_set} | {variant} | {ours_ts:.1f} "
          f"| {theirs_text} | {ratio} | {row['peak_rss_mb']:.1f} | {row['kv_bytes'] / 2**20:.2f} |")
PY
}

echo "each program's best kernels for this CPU"
bench_pass "" ""
[ "$best_only" = 0 ] || exit 0
if [ -n "$llama_bench" ]; then
    echo "both held to AVX2: left out (a llama-bench build cannot be held to AVX2; use the oracle)" >&2
elif ! SPARSE_LLM_ISA=avx2 "$bin" info --system > /dev/null 2>&1; then
    echo "both held to AVX2: left out (this CPU or build has no AVX2 set)" >&2
else
    mkdir "$work/haswell"
    ln -s "$oracle_dir/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/libggml-cpu-haswell.so" "$work/haswell/"
    echo
    echo "both held to AVX2"
    bench_pass avx2 "$work/haswell"
fi

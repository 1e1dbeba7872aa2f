#!/usr/bin/env bash
# Predicted decode speed (tokens/s) of GGUF models on the Raspberry Pi Zero 2W, Pi 4 and Pi 5, by simulation:
# what one decode step costs each board, from the instructions our aarch64 kernels execute (a qemu trace of
# each, scheduled by llvm-mca's model of the board's core) and the bytes the step reads from DRAM.
#
#     bash scripts/estimate-pi.sh [--tsv] [--depths 0,4096] [--aarch64-build DIR] [--host-build DIR] [--x86 [--threads N]]
#                                 [--gbps N] [--keep DIR] (MODEL.gguf... | --from DIR)
#
# --keep DIR leaves the measured parts there: `steps` (per model and depth, each matrix's type, blocks and
# bytes, and each other operation with its count per token) and `cycles` (per set, cycles per block of each
# weight type and cycles per call of each operation, one column per CPU model: A53, A72, A76 or the host's).
# --from DIR predicts from such parts again without tracing (seconds). --gbps N replaces every board's bandwidth
# (for the error bars, or a host whose cache holds the whole model).
#
# Per model, board, depth and instruction set (the board's best, and scalar for comparison):
#
# - matmul: every weight matrix a token passes (the layers' projections and the output, token_embd when the
#   embeddings are tied) costs blocks x cycles per block of its type's kernel (scripts/mca-kernels.sh --trace:
#   steady state of a decode call, per set, its fallback's kernel where a set has none), split over the
#   board's cores; it is bound by compute or by reading the weights at the board's bandwidth, whichever is
#   slower. Activation quantization (q8_0 / q8_K, once per distinct input and type) runs on one core.
# - attention at depth d: one layer of the pi-zero-2w preset's attention (sparse candidates, fp16 KV cache) is
#   traced at depth d (scripts/mca_probe_ops.cpp) with all query heads and with as many as KV heads; the
#   difference gives the per-head part, which the runtime spreads over the cores (ceil(heads / cores) heads on
#   the busiest), the rest (the new row's append, the candidate lists) is serial. The cache rows of its
#   candidates (fp16 K and V, f32 landmarks for block candidates) are its DRAM bytes.
# - everything else, traced at the model's sizes on one core: rms_norm, the residual adds, RoPE, SwiGLU and
#   run's default sampler over the vocabulary.
# - a thread-pool dispatch per parallel step (4 per layer for the matmuls, 1 for attention, 1 for the output):
#   kSyncCycles each, an assumption (a spinning pool's wake-up and join through shared cache lines).
#
# step = max(matmul compute, weight bytes / bandwidth) + max(attention compute, KV bytes / bandwidth)
#        + other ops + dispatches;  tok/s = 1 / step;  ceiling = bandwidth / (weight + KV bytes).
#
# LLVM 14 has no Cortex-A72 or Cortex-A76 tables: both are scheduled with its Cortex-A57 model (the "model"
# column); the A53 has its own (in-order). Every load is taken to hit L1 in the compute terms: DRAM is the
# memory term. Bandwidths are assumptions (README "Raspberry Pi speed").
#
# --x86 predicts this machine instead, the same way (its own host build traced under qemu-x86_64, llvm-mca's
# model of the host CPU, the bandwidth that `sparse-llm bench matvec` measures, its core count or --threads),
# to check the method against `sparse-llm bench model`.
#
# Needs: llvm (llvm-mca), g++-aarch64-linux-gnu with the arm64 fmt and spdlog (scripts/install-deps.sh --cross),
# qemu-user, cmake, and a host build of sparse-llm (reads the models). The aarch64 kernels are taken from
# --aarch64-build (default build-aarch64, as scripts/build-aarch64.sh makes it), built there when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
    echo "usage: bash scripts/estimate-pi.sh [--tsv] [--depths 0,4096] [--aarch64-build DIR] [--host-build DIR] [--x86 [--threads N]] [--gbps N] [--keep DIR] (MODEL.gguf... | --from DIR)" >&2
    exit 2
}
format=table
depths=0,4096
a64_build=$root/build-aarch64
host_build=$root/build
x86=
threads=$(nproc)
gbps=
keep=
from=
while [[ $# -gt 0 && $1 == --* ]]; do
    case $1 in
        --tsv) format=tsv ;;
        --depths) depths=${2:?}; shift ;;
        --aarch64-build) a64_build=${2:?}; shift ;;
        --host-build) host_build=${2:?}; shift ;;
        --x86) x86=1 ;;
        --threads) threads=${2:?}; shift ;;
        --gbps) gbps=${2:?}; shift ;;
        --keep) keep=${2:?}; shift ;;
        --from) from=${2:?}; shift ;;
        *) usage ;;
    esac
    shift
done
[[ $# -gt 0 || -n $from ]] || usage
models=("$@")
# paths as the caller gave them, from the caller's folder
absolute() { [[ -z $1 || $1 == /* ]] && echo "$1" || echo "$PWD/$1"; }
for i in "${!models[@]}"; do models[i]=$(absolute "${models[i]}"); done
a64_build=$(absolute "$a64_build") host_build=$(absolute "$host_build") keep=$(absolute "$keep") from=$(absolute "$from")
cd "$root"

fail() { echo "estimate-pi.sh: $*" >&2; exit 1; }
need() { command -v "$1" > /dev/null || fail "$1 not found: install $2"; }
mca=${MCA:-$(command -v llvm-mca || command -v llvm-mca-14 || true)}
[[ -n $mca ]] || fail "llvm-mca not found: install llvm"
sparse_llm=$host_build/apps/sparse-llm
[[ -x $sparse_llm ]] || fail "$sparse_llm not found: build sparse-llm first (cmake -S . -B $host_build && cmake --build $host_build)"
for model in "${models[@]}"; do [[ -f $model ]] || fail "$model: no such file"; done

kSyncCycles=4000
if [[ -n $x86 ]]; then
    trace_arch=x86_64
    [[ -n $from ]] || need qemu-x86_64 qemu-user
    cxx=(g++)
    lib_dir=$host_build
    host_cpu=$(llc --version 2>/dev/null | awk '/Host CPU:/ { print $3 }')
    host_cpu=${host_cpu:-native}
    ghz=$(awk '/^cpu MHz/ { print $4 / 1000; exit }' /proc/cpuinfo)
    [[ -n $gbps ]] || gbps=$("$sparse_llm" bench matvec --types q4_0 -t "$threads" -n 1 -r 3 -o json |
        sed -n 's/.*"gb_per_s": *\([0-9.]*\).*/\1/p' | tail -1)
    # name, llvm-mca CPU, its scheduling model, GHz, cores, GB/s, the best set
    boards=("this-x86 $host_cpu $host_cpu $ghz $threads $gbps avx2")
else
    cxx=(aarch64-linux-gnu-g++)
    lib_dir=$a64_build
    if [[ -z $from ]]; then
        need aarch64-linux-gnu-g++ g++-aarch64-linux-gnu
        need qemu-aarch64 qemu-user
        need cmake cmake
    fi
    if [[ -z $from && ! -f $a64_build/kernels/attention/libkernels_attention.a ]]; then
        echo "building the aarch64 kernels in $a64_build (minutes)" >&2
        cmake -S . -B "$a64_build" -G Ninja -DCMAKE_TOOLCHAIN_FILE=scripts/toolchain-aarch64.cmake > /dev/null
        cmake --build "$a64_build" -j "$(nproc)" --target kernels_attention kernels_matmul kernels_common gguf_quant > /dev/null
    fi
    boards=("pi-zero-2w cortex-a53 A53 1.0 4 1.3 neon"
            "pi-4 cortex-a72 A57 1.5 4 4.0 neon"
            "pi-5 cortex-a76 A57 2.4 4 8.0 dotprod")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source scripts/mca-trace.sh

cpus=() sets=(scalar)
for board in "${boards[@]}"; do
    read -r _ cpu _ _ _ _ set <<< "$board"
    [[ " ${cpus[*]} " == *" $cpu "* ]] || cpus+=("$cpu")
    [[ " ${sets[*]} " == *" $set "* ]] || sets+=("$set")
done

# ---- what a decode step does, per model: "<model> <depth> mm <type> <blocks> <bytes>", "... op <count> <op
# args>", "... attend <layers> <heads> <kv heads> <head dim> <depth>"; shapes from `sparse-llm info`
model_work() {
    local model=$1 depth
    "$sparse_llm" info "$model" > "$work/info"
    for depth in ${depths//,/ }; do
        awk -v model="$model" -v depth="$depth" '
            function block(t) { return t ~ /^q[0-9]_K$/ ? 256 : 32 }
            function act(t) { return t ~ /^q[0-9]_K$/ ? "q8_K" : t ~ /^q/ ? "q8_0" : "" }
            # one quantization of the input of a group of matrices per activation type
            function needs(group, t, cols) { if (act(t) != "" && !((group, act(t)) in quantized)) { quantized[group, act(t)]; ++quant[act(t) " " cols] } }
            /^  layers / { gsub(/,/, ""); L = $2; E = $4; F = $6; H = $8; K = $11; D = $13 }
            /^  rope dims / { gsub(/,/, ""); R = $3 }
            /^  [a-z0-9_.]+ +[a-zA-Z0-9_]+ +\[/ {
                name = $1; t = $2; bytes = $(NF - 1); shape = $0; sub(/^[^[]*\[/, "", shape); sub(/\].*/, "", shape)
                split(shape, dims, ", *"); cols = dims[1]; rows = dims[2]
                if (name == "output.weight") output = 1
                if (name == "token_embd.weight") { embd_type = t; V = embd_rows = rows; embd_cols = cols; embd_bytes = bytes; next }
                if (name !~ /^blk\.[0-9]+\.(attn_[qkv]|attn_output|ffn_gate|ffn_up|ffn_down)\.weight$/ && name != "output.weight") next
                group = name; sub(/\.weight$/, "", group); sub(/attn_[qkv]$/, "qkv", group); sub(/ffn_(gate|up)$/, "gate_up", group)
                print model, depth, "mm", t, rows * cols / block(t), bytes
                needs(group, t, cols)
            }
            END {
                if (!output) { print model, depth, "mm", embd_type, embd_rows * embd_cols / block(embd_type), embd_bytes; needs("output", embd_type, embd_cols) }
                print model, depth, "op", 2 * L + 1, "rms_norm", E
                print model, depth, "op", 2 * L, "add", E
                print model, depth, "op", L, "swiglu", F
                print model, depth, "op", 1, "rope_angles", R
                print model, depth, "op", L, "rope", H, D, R
                print model, depth, "op", L, "rope", K, D, R
                print model, depth, "op", 1, "sample", V
                for (q in quant) print model, depth, "op", quant[q], "quantize", q
                print model, depth, "attend", L, H, K, D, depth
            }' "$work/info"
    done
}
# ---- cycles: the matmul kernels per type, set and CPU ("gemm <type> <set> <cycles per block per CPU>...")
measure_gemm() {
    local types
    types=$(awk '$3 == "mm" { print $4 }' "$work/steps" | sort -u | paste -sd,)
    bash scripts/mca-kernels.sh --tsv --trace "$lib_dir" --types "$types" ${x86:+--x86} "${cpus[@]}" |
        awk -F'\t' 'NR > 1 { printf "gemm %s %s", $1, $4; for (i = 7; i <= NF; ++i) printf " %s", $i; print "" }'
}

# ---- cycles of the other operations, per set and CPU ("op <set> <op args> <cycles per CPU>..."), and the
# attention's candidates ("candidates <depth> <tokens> <blocks>")
measure_ops() {
    "${cxx[@]}" -std=c++17 -O2 -no-pie -I. scripts/mca_probe_ops.cpp src/sampler.cpp \
        "$lib_dir/kernels/attention/libkernels_attention.a" "$lib_dir/kernels/matmul/libkernels_matmul.a" \
        "$lib_dir/kernels/common/libkernels_common.a" "$lib_dir/gguf/quant/libgguf_quant.a" -lfmt -lpthread \
        -o "$work/probe_ops" 2> "$work/cxx.log" ||
        fail "the op probe does not build (is the arm64 libfmt-dev installed?): $(head -1 "$work/cxx.log")"
    trace_prepare "$work/probe_ops"
    awk '$3 == "op" { $1 = $2 = $3 = $4 = ""; print }
         $3 == "attend" { print "attend", $6, $6, $7, $8; print "attend", $5, $6, $7, $8 }' "$work/steps" |
        sort -u > "$work/ops"
    local op set line cpu
    while read -r -a op; do
        for set in "${sets[@]}"; do
            SPARSE_LLM_ISA=$set trace_asm "${op[@]}" > "$work/op.s"
            line="op $set ${op[*]}"
            for cpu in "${cpus[@]}"; do line+=" $(mca_cycles "$work/op.s" "$cpu" 1)"; done
            echo "$line"
        done
        [[ ${op[0]} != attend ]] || echo "candidates ${op[4]} $(cat "$work/probe.out")"
    done < "$work/ops"
}

if [[ -n $from ]]; then
    cp "$from/steps" "$from/cycles" "$work/"
else
    for model in "${models[@]}"; do model_work "$model"; done > "$work/steps"
    { measure_gemm; measure_ops; } > "$work/cycles"
fi

[[ -z $keep ]] || { mkdir -p "$keep" && cp "$work/steps" "$work/cycles" "$keep/"; }

# ---- the prediction
printf '%s\n' "${boards[@]}" | awk -v gbps="$gbps" 'gbps != "" { $6 = gbps } { print }' > "$work/boards"
awk -v sync="$kSyncCycles" -v cpu_list="${cpus[*]}" -v format="$format" '
    FILENAME ~ /boards$/ { board[++nb] = $0; next }
    FILENAME ~ /cycles$/ {
        if ($1 == "gemm") for (i = 4; i <= NF; ++i) gemm[$2, $3, i - 3] = $i
        else if ($1 == "candidates") { tokens[$2] = $3; blocks[$2] = $4 }
        else { key = $3; for (i = 4; i <= NF - ncpu; ++i) key = key " " $i; for (c = 1; c <= ncpu; ++c) op[$2, key, c] = $(NF - ncpu + c) }
        next
    }
    { run[$1 SUBSEP $2]; order[++no] = $1 SUBSEP $2; line[$1, $2, ++nl[$1, $2]] = $0 }
    BEGIN { ncpu = split(cpu_list, cpus, " "); for (c = 1; c <= ncpu; ++c) cpu_index[cpus[c]] = c }
    # seconds of one decode step of (model, depth) on board b with instruction set s; sets the parts
    function step(md, b, s,    f, bw, n, i, w, c, mm, bytes, other, kv) {
        split(board[b], p, " "); c = cpu_index[p[2]]; f = p[4] * 1e9; n = p[5]; bw = p[6] * 1e9
        mm = bytes = other = 0
        for (i = 1; i <= nl[md]; ++i) {
            nw = split(line[md, i], w, " ")
            if (w[3] == "mm") { mm += w[5] * gemm[w[4], s, c]; bytes += w[6] }
            else if (w[3] == "op") { key = w[5]; for (j = 6; j <= nw; ++j) key = key " " w[j]; other += w[4] * op[s, key, c] }
            else if (w[3] == "attend") {
                L = w[4]; H = w[5]; K = w[6]; D = w[7]; d = w[8]
                all = op[s, "attend " H " " K " " D " " d, c]; few = op[s, "attend " K " " K " " D " " d, c]
                head = (all - few) / (H - K)
                att = L * (all - H * head + int((H + n - 1) / n) * head)
                kv = L * K * D * (tokens[d] * 2 * 2 + blocks[d] * 2 * 4)
                dispatches = 5 * L + 1
            }
        }
        t_compute = mm / (n * f); t_memory = bytes / bw; t_att = att / f > kv / bw ? att / f : kv / bw
        t_other = other / f; t_sync = n > 1 ? dispatches * sync / f : 0
        ceiling = bw / (bytes + kv)
        return (t_compute > t_memory ? t_compute : t_memory) + t_att + t_other + t_sync
    }
    END {
        if (format == "tsv") print "model\tboard\tmodel_cpu\tdepth\tset\tmatmul_compute_ms\tweights_memory_ms\tbound\tattention_ms\tother_ms\tsync_ms\ttok_s\tscalar_tok_s\tceiling_tok_s"
        else print "| model | board (llvm-mca model) | depth | set | matmul compute / memory ms | bound | attention ms | other ms | tok/s | scalar tok/s | ceiling tok/s |\n|---|---|---:|---|---:|---|---:|---:|---:|---:|---:|"
        for (o = 1; o <= no; ++o) {
            md = order[o]; if (md in done) continue; done[md]
            split(md, m, SUBSEP); name = m[1]; sub(/.*\//, "", name)
            for (b = 1; b <= nb; ++b) {
                split(board[b], p, " ")
                scalar = 1 / step(md, b, "scalar"); t = step(md, b, p[7])
                bound = t_compute > t_memory ? "compute" : "memory"
                if (format == "tsv") printf "%s\t%s\t%s\t%d\t%s\t%.2f\t%.2f\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\n", name, p[1], p[3], m[2], p[7], t_compute * 1e3, t_memory * 1e3, bound, t_att * 1e3, t_other * 1e3, t_sync * 1e3, 1 / t, scalar, ceiling
                else printf "| %s | %s (%s) | %d | %s | %.1f / %.1f | %s | %.2f | %.2f | %.1f | %.1f | %.1f |\n", name, p[1], p[3], m[2], p[7], t_compute * 1e3, t_memory * 1e3, bound, t_att * 1e3, t_other * 1e3 + t_sync * 1e3, 1 / t, scalar, ceiling
            }
        }
    }' "$work/boards" "$work/cycles" "$work/steps"

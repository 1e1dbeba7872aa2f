#!/usr/bin/env bash
# Cycles per block of every aarch64 matmul kernel (scalar, NEON, dotprod), by llvm-mca's models of the Pi's cores.
#
#     bash scripts/mca-kernels.sh [--tsv] [--trace BUILD_DIR [--x86]] [--types q4_0,q8_0,...] [CPU...]
#                                                               # CPUs: cortex-a53 cortex-a72 cortex-a57 cortex-a76
#
# Two ways to get them:
#
# - Markers (default; seconds, no build): compiles the scalar, NEON and dotprod gemm kernels (kernels/matmul/
#   {scalar,neon,dotprod}/) for aarch64 as the build does (Debian's aarch64-linux-gnu-g++, -O3, dotprod/ with
#   -march=armv8.2-a+dotprod) with -DSPARSE_LLM_MCA_MARKERS, which turns the markers of kernels/matmul/
#   mca_region.h into "# LLVM-MCA-BEGIN name@weights" comments of the assembly; cuts out every marked region,
#   names its weight type after the function it sits in, and runs llvm-mca on it, 100 passes. cycles per pass
#   x block / weights is what one row-block costs per token. A region is run straight through: a loop or a
#   call inside it counts once (column `branches` > 0 warns of it; the scalar K-quant and f16 regions have
#   them, so their figures are too low, see --trace).
# - --trace BUILD_DIR (minutes): runs each kernel of an aarch64 build (scripts/build-aarch64.sh
#   BUILD_DIR) once under qemu-aarch64 on a decode matvec, through scripts/mca_probe.cpp, records every
#   instruction it executes (-singlestep -d exec) and gives llvm-mca that trace as straight-line code; the
#   difference between two matrix widths, per row and block, is the steady-state cost of a block, with the
#   loops, calls, tile set-up and conversions all counted once per time they run. A set is traced through the
#   kernel table as the runtime calls it: where it has no kernel of its own for a type, its fallback's runs
#   (dotprod -> neon), so a kernel added to a set is measured without changing this script. With --x86,
#   BUILD_DIR is a build for this x86-64 machine, traced under qemu-x86_64 (scalar and avx2; CPUs by llvm-mca's
#   x86 names), to check the method where a measurement can be had. --types limits the traced weight types.
#
# Blocks are of 32 weights for the 32-element formats (and, for comparison, the float types) and of 256 for
# the K-quants. Left out: branch mispredictions and cache misses (llvm-mca assumes every load hits L1, while
# a Pi Zero 2W's decode waits on DRAM: see README "aarch64 kernels"). LLVM 14 schedules cortex-a72 with its
# Cortex-A57 model (the two columns agree) and has no Cortex-A76 model (Pi 5): cortex-a76 runs on the A57
# model too, with the A76's features (dotprod). A CPU without sdot (A53, A72) has no figure ("-") for the
# dotprod set.
#
# Needs: g++-aarch64-linux-gnu, llvm (llvm-mca), binutils; --trace also qemu-user. CXX, CXXFLAGS and MCA
# override the tools.
set -euo pipefail
cd "$(dirname "$0")/.."

format=table
trace_dir=
types=(f32 f16 bf16 q4_0 q4_1 q5_0 q5_1 q8_0 q2_K q3_K q4_K q5_K q6_K)
while [[ $# -gt 0 && $1 == --* ]]; do
    case $1 in
        --tsv) format=tsv ;;
        --trace) trace_dir=${2:?--trace needs an aarch64 build directory}; shift ;;
        --types) IFS=, read -r -a types <<< "${2:?--types needs a list}"; shift ;;
        --x86) trace_arch=x86_64 ;;
        *) echo "usage: bash scripts/mca-kernels.sh [--tsv] [--trace BUILD_DIR [--x86]] [--types LIST] [CPU...]" >&2; exit 2 ;;
    esac
    shift
done
cpus=("$@")
[[ ${#cpus[@]} -gt 0 ]] || cpus=(cortex-a53 cortex-a72 cortex-a76)
cxx=${CXX:-aarch64-linux-gnu-g++}
cxxflags=${CXXFLAGS:--std=c++17 -O3 -DNDEBUG}
mca=${MCA:-$(command -v llvm-mca || command -v llvm-mca-14 || echo llvm-mca)}

work=$(mktemp -d)
[[ -n ${MCA_KEEP:-} ]] || trap 'rm -rf "$work"' EXIT
source scripts/mca-trace.sh

sets=(scalar neon dotprod)
if [[ ${trace_arch:-} == x86_64 ]]; then
    [[ -n $trace_dir ]] || { echo "mca-kernels.sh: --x86 needs --trace" >&2; exit 2; }
    sets=(scalar avx2)
    cxx=${CXX:-g++}  # the probe is built as the build's files outside the kernels' set folders are
fi
declare -A set_sources=([scalar]="kernels/matmul/scalar/gemm_scalar.cpp" [neon]="kernels/matmul/neon/gemm_*.cpp"
                        [dotprod]="kernels/matmul/dotprod/*.cpp")
declare -A set_flags=([scalar]="" [neon]="" [dotprod]="-march=armv8.2-a+dotprod")

block_of() { [[ $1 == q?_K ]] && echo 256 || echo 32; }

bytes_of() {
    case $1 in
        f32) echo 128 ;; f16 | bf16) echo 64 ;; q4_0) echo 18 ;; q4_1) echo 20 ;; q5_0) echo 22 ;; q5_1) echo 24 ;;
        q8_0) echo 34 ;; q2_K) echo 84 ;; q3_K) echo 110 ;; q4_K) echo 144 ;; q5_K) echo 176 ;; q6_K) echo 210 ;;
        *) echo 0 ;;
    esac
}

# ---- markers: the regions of kernels/matmul/mca_region.h

# Cuts each region of $1 (assembly) into $work/regions/<n>.s and lists "<n> <set> <function> <name@weights>
# <branches>": a region with branches holds a loop or a condition that llvm-mca runs straight through.
cut_regions() {
    awk -v dir="$work/regions" -v set="$2" '
        /^[ \t]*\.type[ \t]+[^,]+,[ \t]*[%@]function/ { fn = $2; sub(/,.*$/, "", fn) }
        /LLVM-MCA-BEGIN/ { n = ENVIRON["REGION_BASE"] + (++count); out = dir "/" n ".s"; name = $NF; branches = 0; next }
        /LLVM-MCA-END/ { if (out != "") { close(out); print n, set, fn, name, branches }; out = ""; next }
        out != "" { print > out; if ($1 ~ /^(b|br|b\.[a-z]+|b(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)|cbn?z|tbn?z)$/) ++branches }
    ' "$1"
}

# The weight type of a (demangled) function: its kernel's name or its format's template argument.
type_of() {
    local f=$1 t
    for t in bf16 f16 f32 q4_0 q4_1 q5_0 q5_1 q8_0 q2_K q3_K q4_K q5_K q6_K; do
        local upper=${t^^}
        if [[ $f == *"gemm_${t,,}("* || $f == *"::${upper}>"* || $f == *"Block${upper}"* || $f == *"::${upper}Weights"* ]]; then
            echo "$t"
            return
        fi
    done
    echo "?"
}

marker_rows() {
    mkdir -p "$work/regions"
    : > "$work/index"
    local set source asm n fn region branches type weights block line cpu
    for set in "${sets[@]}"; do
        for source in ${set_sources[$set]}; do
            asm="$work/$set-$(basename "$source" .cpp).s"
            # shellcheck disable=SC2086
            "$cxx" $cxxflags ${set_flags[$set]} -DSPARSE_LLM_MCA_MARKERS -I. -S -o "$asm" "$source"
            REGION_BASE=$(wc -l < "$work/index") cut_regions "$asm" "$set" >> "$work/index"
        done
    done
    while read -r n set fn region branches; do
        type=$(type_of "$(echo "$fn" | c++filt)")
        weights=${region##*@}
        block=$(block_of "$type")
        line="$type	$block	$(bytes_of "$type")	$set	${region%@*}/$weights	$branches"
        for cpu in "${cpus[@]}"; do
            line+="	$(awk -v c="$(mca_cycles "$work/regions/$n.s" "$cpu" 100)" -v b="$block" -v w="$weights" \
                'BEGIN { if (c == "") printf "-"; else printf "%.1f", c / 100 * b / w }')"
        done
        echo "$line"
    done < "$work/index"
}

# ---- traces: every instruction a decode call executes, under qemu

trace_rows() {
    local lib=$trace_dir
    # shellcheck disable=SC2086
    $cxx -std=c++17 -O2 -no-pie -I. scripts/mca_probe.cpp "$lib/kernels/matmul/libkernels_matmul.a" \
        "$lib/kernels/common/libkernels_common.a" "$lib/gguf/quant/libgguf_quant.a" -lpthread -o "$work/probe"
    trace_prepare "$work/probe"
    local type set rows narrow wide line cpu
    for type in "${types[@]}"; do
        # two widths of a matrix of whole tiles (4 and 8 rows for the NEON 32-element and float kernels, one row
        # for the K-quants)
        if [[ $type == q?_K ]]; then rows=2 narrow=2 wide=4; else rows=8 narrow=8 wide=16; fi
        for set in "${sets[@]}"; do
            trace_asm "$type" "$set" "$rows" "$narrow" > "$work/narrow.s"
            trace_asm "$type" "$set" "$rows" "$wide" > "$work/wide.s"
            line="$type	$(block_of "$type")	$(bytes_of "$type")	$set	trace"
            line+="	$(( ($(wc -l < "$work/wide.s") - $(wc -l < "$work/narrow.s")) / (rows * (wide - narrow)) ))"
            for cpu in "${cpus[@]}"; do
                line+="	$(awk -v a="$(mca_cycles "$work/narrow.s" "$cpu" 1)" -v b="$(mca_cycles "$work/wide.s" "$cpu" 1)" \
                    -v n=$((rows * (wide - narrow))) 'BEGIN { if (a == "" || b == "") printf "-"; else printf "%.1f", (b - a) / n }')"
            done
            echo "$line"
        done
    done
}

if [[ -n $trace_dir ]]; then
    header="type	block	bytes	set	method	instructions"
    body=$(trace_rows)
else
    header="type	block	bytes	set	loop/weights	branches"
    # one line per (type, set, loop): where the compiler copied a loop (unrolling, versioning), the cheapest copy
    body=$(marker_rows | sort -t$'\t' -k1,1 -k4,4r -k5,5 -k7,7n | awk -F'\t' '!seen[$1 FS $4 FS $5]++')
fi
for cpu in "${cpus[@]}"; do header+="	$cpu"; done
if [[ $format == tsv ]]; then
    printf '%s\n%s\n' "$header" "$body"
else
    printf '%s\n%s\n' "$header" "$body" | column -t -s$'\t'
fi

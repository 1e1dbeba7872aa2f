#!/usr/bin/env bash
# Cycles per block of every aarch64 matmul kernel's inner loop, by llvm-mca's models of the Pi's cores.
#
#     bash scripts/mca-kernels.sh [--tsv] [CPU...]        # default CPUs: cortex-a53 cortex-a72 cortex-a57
#
# Compiles the scalar and NEON gemm kernels (kernels/matmul/{scalar,neon}/) for aarch64 as the build does
# (Debian's aarch64-linux-gnu-g++, -O3), with -DSPARSE_LLM_MCA_MARKERS, which turns the markers of
# kernels/matmul/mca_region.h into "# LLVM-MCA-BEGIN name@weights" comments of the assembly; cuts out every
# marked region, names its weight type after the function it sits in, and runs llvm-mca on it. A region is
# one pass of an inner loop straight through (a loop inside it counts one trip), repeated 100 times;
# cycles per pass x block / weights is what one row-block costs per token: blocks of 32 weights for the
# 32-element formats (and, for comparison, the float types), 256 for the K-quants.
#
# What it leaves out: the loop's own counter and branch (outside the markers), cache misses (llvm-mca assumes
# every load hits L1: a Pi Zero 2W's decode is bound by DRAM, see README "aarch64 kernels"), and the work
# outside inner loops (per-tile setup, stores). LLVM 14 has no Cortex-A76 model (Pi 5): cortex-a57, its
# closest out-of-order core with a model, stands in.
#
# Needs: g++-aarch64-linux-gnu, llvm (llvm-mca), binutils (c++filt). CXX, CXXFLAGS and MCA override the tools.
set -euo pipefail
cd "$(dirname "$0")/.."

format=table
if [[ ${1:-} == --tsv ]]; then
    format=tsv
    shift
fi
cpus=("$@")
[[ ${#cpus[@]} -gt 0 ]] || cpus=(cortex-a53 cortex-a72 cortex-a57)
cxx=${CXX:-aarch64-linux-gnu-g++}
cxxflags=${CXXFLAGS:--std=c++17 -O3 -DNDEBUG}
mca=${MCA:-$(command -v llvm-mca || command -v llvm-mca-14 || echo llvm-mca)}

work=$(mktemp -d)
[[ -n ${MCA_KEEP:-} ]] || trap 'rm -rf "$work"' EXIT

# The kernel sets and their sources; a set compiled with flags of its own adds them here.
declare -A set_sources=([scalar]="kernels/matmul/scalar/gemm_scalar.cpp" [neon]="kernels/matmul/neon/gemm_*.cpp")
declare -A set_flags=([scalar]="" [neon]="")

# Cuts each region of $1 (assembly) into $work/regions/<n>.s and lists "<n> <set> <function> <name@weights>
# <branches>": a region with branches holds a loop or a condition that llvm-mca runs straight through.
cut_regions() {
    awk -v dir="$work/regions" -v set="$2" '
        /^[ \t]*\.type[ \t]+[^,]+,[ \t]*%function/ { fn = $2; sub(/,$/, "", fn) }
        /LLVM-MCA-BEGIN/ { n = ENVIRON["REGION_BASE"] + (++count); out = dir "/" n ".s"; name = $NF; branches = 0; next }
        /LLVM-MCA-END/ { if (out != "") { close(out); print n, set, fn, name, branches }; out = ""; next }
        out != "" { print > out; if ($1 ~ /^(b|br|b\.[a-z]+|b(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)|cbn?z|tbn?z)$/) ++branches }
    ' "$1"
}

mkdir -p "$work/regions"
: > "$work/index"
for set in scalar neon; do
    for source in ${set_sources[$set]}; do
        asm="$work/$set-$(basename "$source" .cpp).s"
        # shellcheck disable=SC2086
        "$cxx" $cxxflags ${set_flags[$set]} -DSPARSE_LLM_MCA_MARKERS -I. -S -o "$asm" "$source"
        REGION_BASE=$(wc -l < "$work/index") cut_regions "$asm" "$set" >> "$work/index"
    done
done

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

block_of() { [[ $1 == q?_K ]] && echo 256 || echo 32; }

bytes_of() {
    case $1 in
        f32) echo 128 ;; f16 | bf16) echo 64 ;; q4_0) echo 18 ;; q4_1) echo 20 ;; q5_0) echo 22 ;; q5_1) echo 24 ;;
        q8_0) echo 34 ;; q2_K) echo 84 ;; q3_K) echo 110 ;; q4_K) echo 144 ;; q5_K) echo 176 ;; q6_K) echo 210 ;;
        *) echo 0 ;;
    esac
}

rows=()
while read -r n set fn region branches; do
    demangled=$(echo "$fn" | c++filt)
    type=$(type_of "$demangled")
    weights=${region##*@}
    block=$(block_of "$type")
    line="$type	$block	$(bytes_of "$type")	$set	${region%@*}/$weights	$branches"
    for cpu in "${cpus[@]}"; do
        report=$("$mca" -mtriple=aarch64 -mcpu="$cpu" "$work/regions/$n.s" 2>/dev/null)
        iterations=$(awk '/^Iterations:/ { print $2; exit }' <<< "$report")
        cycles=$(awk '/^Total Cycles:/ { print $3; exit }' <<< "$report")
        line+="	$(awk -v c="$cycles" -v i="$iterations" -v b="$block" -v w="$weights" 'BEGIN { printf "%.1f", c / i * b / w }')"
    done
    rows+=("$line")
done < "$work/index"

header="type	block	bytes	set	loop/weights	branches"
for cpu in "${cpus[@]}"; do header+="	$cpu"; done
# One line per (type, set, loop): where the compiler copied a loop (unrolling, versioning), the cheapest copy.
sorted=$(printf '%s\n' "${rows[@]}" | sort -t$'\t' -k1,1 -k4,4r -k5,5 -k7,7n | awk -F'\t' '!seen[$1 FS $4 FS $5]++')
if [[ $format == tsv ]]; then
    printf '%s\n%s\n' "$header" "$sorted"
else
    printf '%s\n%s\n' "$header" "$sorted" | column -t -s$'\t'
fi

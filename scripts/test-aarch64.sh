#!/usr/bin/env bash
# The aarch64 build under emulation, on an x86-64 host: cross-builds everything (scripts/build-aarch64.sh), then
# for each emulated CPU runs the whole unit suite under qemu-aarch64 (the tests that start the CLI start it under
# qemu too, on the same CPU) and greedy generation on every model of ../shared/golden/*.greedy.json
# (scripts/greedy-goldens.sh), whose tokens must be the x86-64 build's. Every CPU runs even when one fails; the
# exit status says whether all passed. Tests that skip themselves under emulation are listed with their reason.
# Before the CPUs, scripts/estimate-pi.sh runs end to end on the aarch64 build (tests/scripts/estimate_pi_test.sh).
#
# Usage: scripts/test-aarch64.sh [DIR]   (default build-aarch64)
#   SPARSE_LLM_BIN: the x86-64 CLI to compare with (default build/apps/sparse-llm, built when missing)
#   SPARSE_LLM_QEMU_CPUS: the CPUs, qemu's models (`qemu-aarch64 -cpu help`), default "cortex-a53 cortex-a76":
#     cortex-a53, ARMv8.0 without dot-product instructions (Pi Zero 2W, Pi 3), runs the neon kernel set;
#     cortex-a76, ARMv8.2 with sdot/udot (Pi 5), the dotprod set. Both kinds must be among them.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-aarch64}
cpus=${SPARSE_LLM_QEMU_CPUS:-cortex-a53 cortex-a76}
x86=${SPARSE_LLM_BIN:-build/apps/sparse-llm}

[ -x "$x86" ] || bash scripts/build.sh build
start=$SECONDS
bash scripts/build-aarch64.sh "$dir"
echo "=== $dir: built in $((SECONDS - start)) s" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The CPU's dot-product bit (HWCAP_ASIMDDP, bit 20 of AT_HWCAP) as the emulated program sees it; the loader
# prints the auxiliary vector of qemu itself first, then the program's.
has_dotprod() {
    local hwcap
    hwcap=$(LD_SHOW_AUXV=1 QEMU_CPU=$1 qemu-aarch64 "$dir/apps/sparse-llm" --version 2>&1 | awk '/^AT_HWCAP:/ {v = $2} END {print v}')
    [ $((0x$hwcap >> 20 & 1)) = 1 ]
}
declare -A kind
for cpu in $cpus; do
    if has_dotprod "$cpu"; then kind[$cpu]="with dotprod"; else kind[$cpu]="ARMv8.0, no dotprod"; fi
done
[[ " ${kind[*]} " == *" ARMv8.0"* && " ${kind[*]} " == *" with dotprod"* ]] ||
    { echo "test-aarch64: the CPUs ($cpus) must include one without and one with dotprod" >&2; exit 1; }

# The tests of the last ctest run whose output says "skipped: <why>" (tests/support/shared_data.h and others).
list_skipped() {
    awk '/^[0-9]+\/[0-9]+ Test: / {sub(/^[0-9]+\/[0-9]+ Test: /, ""); name = $0}
         /^ *skipped: / {sub(/^ */, ""); print "  skipped: " name ": " substr($0, 10)}' \
        "$dir/Testing/Temporary/LastTest.log" >&2
}

bash scripts/greedy-goldens.sh "$x86" > "$work/x86-64"
failed=()
start=$SECONDS
echo "=== scripts/estimate-pi.sh on a one-layer model, with $dir's kernels" >&2
bash tests/scripts/estimate_pi_test.sh "$(dirname "$(dirname "$x86")")" "$dir" >&2 || failed+=("estimate-pi.sh")
echo "=== estimate-pi.sh: $((SECONDS - start)) s" >&2
for cpu in $cpus; do
    start=$SECONDS
    echo "=== $dir under qemu-aarch64, CPU $cpu (${kind[$cpu]}): tests" >&2
    (cd "$dir" && QEMU_CPU=$cpu ctest --output-on-failure -j "$(nproc)") || failed+=("$cpu: tests")
    list_skipped
    echo "=== $dir under qemu-aarch64, CPU $cpu: greedy goldens against x86-64" >&2
    if ! QEMU_CPU=$cpu bash scripts/greedy-goldens.sh qemu-aarch64 "$dir/apps/sparse-llm" > "$work/$cpu"; then
        failed+=("$cpu: greedy goldens did not run")
    elif ! diff "$work/x86-64" "$work/$cpu" >&2; then
        failed+=("$cpu: greedy tokens differ from x86-64's (diff above: < x86-64, > $cpu)")
    else
        echo "greedy goldens on $cpu: the x86-64 build's tokens for all $(wc -l < "$work/$cpu") model/prompt pairs" \
            "(llama.cpp's for $(awk -F '\t' '$3 == $4' "$work/$cpu" | wc -l) of them)" >&2
    fi
    echo "=== $cpu: $((SECONDS - start)) s" >&2
done
[ "${#failed[@]}" -eq 0 ] || { printf 'test-aarch64: FAILED %s\n' "${failed[@]}" >&2; exit 1; }

#!/usr/bin/env bash
# Greedy generation by the CLI (`run --temp 0 --ids`) on every model of ../shared/golden/*.greedy.json, with
# each golden's prompts and token count, as llama.cpp made them. One line per model and prompt:
# "MODEL<TAB>PROMPT<TAB>OUR IDS<TAB>LLAMA.CPP'S IDS". scripts/test-aarch64.sh compares the aarch64 build's
# lines with the x86-64 build's. Our ids may leave llama.cpp's at a near-tie (tests/src/test_golden_generation.cpp
# checks them against its logits with tolerances); two builds of ours must not differ.
#
# Usage: scripts/greedy-goldens.sh [COMMAND...]   the command that runs sparse-llm (default build/apps/sparse-llm),
#        e.g. qemu-aarch64 build-aarch64/apps/sparse-llm. SPARSE_LLM_SHARED_DIR: the reference data (../shared).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SPARSE_LLM_SHARED_DIR:-$root/../shared}
command=("$@")
[ "${#command[@]}" -gt 0 ] || command=("$root/build/apps/sparse-llm")
log=$(mktemp)
trap 'rm -f "$log"' EXIT

goldens=("$shared"/golden/*.greedy.json)
[ -f "${goldens[0]}" ] || { echo "greedy-goldens: no goldens in $shared/golden" >&2; exit 1; }
for golden in "${goldens[@]}"; do
    name=$(jq -r .model "$golden")
    model=$shared/models/quant/$name
    [ -f "$model" ] || model=$shared/models/$name
    n=$(jq -r .n_predict "$golden")
    cases=$(jq -c '.cases[] | [.prompt, (.generated_tokens | map(tostring) | join(" "))]' "$golden")
    while IFS= read -r entry; do
        prompt=$(jq -r '.[0]' <<< "$entry")
        if ! ids=$("${command[@]}" run "$model" -p "$prompt" -n "$n" --temp 0 --ids < /dev/null 2> "$log"); then
            echo "greedy-goldens: $name \"$prompt\" failed:" >&2
            cat "$log" >&2
            exit 1
        fi
        printf '%s\t%s\t%s\t%s\n' "$name" "$prompt" "$ids" "$(jq -r '.[1]' <<< "$entry")"
    done <<< "$cases"
done

#!/usr/bin/env bash
# scripts/estimate-pi.sh runs end to end on a one-layer SmolLM2-shaped Q4_0 model (made here, no ../shared) and
# prints a sound table: every board at every depth, a bound, positive speeds, none above the board's memory
# ceiling. No timing is asserted. scripts/test-aarch64.sh runs it with the builds it made.
#
#     bash tests/scripts/estimate_pi_test.sh HOST_BUILD_DIR AARCH64_BUILD_DIR
set -euo pipefail
usage="usage: estimate_pi_test.sh HOST_BUILD_DIR AARCH64_BUILD_DIR"
build=$(cd "${1:?$usage}" && pwd)
a64_build=$(cd "${2:?$usage}" && pwd)
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$build/apps/sparse-llm" make-model "$work/model.gguf" --layers 1 --type q4_0 > /dev/null
bash scripts/estimate-pi.sh --tsv --depths 0,256 --aarch64-build "$a64_build" --host-build "$build" \
    "$work/model.gguf" > "$work/table.tsv"
cat "$work/table.tsv"
awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; next }
    {
        rows[$(col["board"]) " " $(col["depth"])]++
        if ($(col["bound"]) != "compute" && $(col["bound"]) != "memory") bad = bad "\nbound " $(col["bound"])
        tok = $(col["tok_s"]); scalar = $(col["scalar_tok_s"]); ceiling = $(col["ceiling_tok_s"])
        if (!(tok > 0 && scalar > 0 && ceiling > 0)) bad = bad "\nnot positive: " $0
        if (tok > ceiling * 1.0001 || scalar > ceiling * 1.0001) bad = bad "\nabove the memory ceiling: " $0
    }
    END {
        split("pi-zero-2w pi-4 pi-5", boards, " ")
        for (b in boards) for (d = 0; d <= 256; d += 256)
            if (rows[boards[b] " " d] != 1) bad = bad "\nno row for " boards[b] " at depth " d
        if (bad != "") { print "FAILED" bad; exit 1 }
    }' "$work/table.tsv"

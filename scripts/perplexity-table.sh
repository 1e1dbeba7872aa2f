#!/usr/bin/env bash
# The README's quality table: perplexity of stories260K on its own text (scripts/make-perplexity-text.sh) at
# -c 512 for each attention choice, every one against a dense baseline (--compare dense).
# Usage: scripts/perplexity-table.sh [MODEL] [TEXT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-$root/../shared/models/stories260K.gguf}
text=${2:-$root/models/generated/stories260K-text.txt}
bin=${SPARSE_LLM_BIN:-$root/build/apps/sparse-llm}
[ -x "$bin" ] || bash "$root/scripts/build.sh"
[ -f "$text" ] || bash "$root/scripts/make-perplexity-text.sh" "$model" "$text"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rows=(
    "dense|--attention dense"
    "sparse (default)|--attention sparse"
    "sparse, pi-zero-2w preset|--preset pi-zero-2w -t 2"
    "gated|--attention gated"
    "dense + H2O 50%|--attention dense --kv-budget 256 --window 64"
    "dense + H2O 25%|--attention dense --kv-budget 128 --window 64"
    "sparse + H2O 50%|--attention sparse --kv-budget 256"
    "sparse + H2O 25%|--attention sparse --kv-budget 128 --window 64"
)
for i in "${!rows[@]}"; do
    IFS='|' read -r name flags <<< "${rows[$i]}"
    echo "perplexity-table: $name" >&2
    # shellcheck disable=SC2086
    "$bin" perplexity "$model" -f "$text" -c 512 --compare dense -o json $flags 2> /dev/null > "$out/$i.json"
    printf '%s|%s\n' "$name" "$flags" > "$out/$i.name"
done

python3 - "$out" "${#rows[@]}" << 'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
print("| setting | flags | window / block | PPL | PPL / dense | KL(dense ‖ it), nats | same top-1 |")
print("|---|---|---|---:|---:|---:|---:|")
for i in range(n):
    name, flags = open(f"{out}/{i}.name").read().rstrip("\n").split("|")
    j = json.load(open(f"{out}/{i}.json"))
    c = j["compare"]
    shape = "–" if j["attention"] == "dense" and not j["kv_budget"] else f"{j['window']} / {j['block']}"
    print(f"| {name} | `{flags}` | {shape} | {j['ppl']:.4f} ± {j['ppl_uncertainty']:.4f} "
          f"| {c['ppl_ratio']:.4f} ± {c['ppl_ratio_uncertainty']:.4f} | {c['kld_mean']:.4f} ± {c['kld_uncertainty']:.4f} "
          f"| {100 * c['same_top']:.2f} ± {100 * c['same_top_uncertainty']:.2f} % |")
print(f"\n{j['scored']} scored positions ({j['windows']} windows of {j['n_ctx']}), text of {j['n_tokens']} tokens")
PY

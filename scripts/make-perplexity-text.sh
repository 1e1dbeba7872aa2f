#!/usr/bin/env bash
# A TinyStories-like text written by the model itself, for `sparse-llm perplexity` (the README's quality table):
# stories sampled from BOS (temperature 1, llama.cpp's default top-k 40 / top-p 0.95 / min-p 0.05) with seeds
# 1, 2, 3, ... until the text holds at least MIN_TOKENS tokens; each story ends at the model's end of text or at
# 512 tokens (stories260K's training length), and stories are separated by a blank line.
#
# Usage: scripts/make-perplexity-text.sh [MODEL] [OUT] [MIN_TOKENS]
#   defaults: ../shared/models/stories260K.gguf, models/generated/stories260K-text.txt (git-ignored), 20480
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-$root/../shared/models/stories260K.gguf}
out=${2:-$root/models/generated/stories260K-text.txt}
min_tokens=${3:-20480}
bin=${SPARSE_LLM_BIN:-$root/build/apps/sparse-llm}
[ -x "$bin" ] || bash "$root/scripts/build.sh"

mkdir -p "$(dirname "$out")"
: > "$out"
tokens=0 seed=0
while [ "$tokens" -lt "$min_tokens" ]; do
    seed=$((seed + 1))
    [ "$seed" = 1 ] || printf '\n\n' >> "$out"
    "$bin" run "$model" -p "" -n -1 -c 512 -t 1 --temp 1 --seed "$seed" 2> /dev/null | sed '$ s/^ //' >> "$out"
    tokens=$("$bin" tokenize "$model" --file "$out" --ids | wc -w)
done
echo "make-perplexity-text: $out: $seed stories, $tokens tokens (BOS included)" >&2

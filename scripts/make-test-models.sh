#!/usr/bin/env bash
# Makes SmolLM2-135M-shaped random-weight test models with sparse-llm itself: `sparse-llm make-model` writes an
# F16 file with our GGUF writer (576 wide, 1536 ff, 9:3 heads of 64, tied embeddings, rope base 100000, the
# 49152-token starcoder vocabulary from ../shared/models/vocab with the smollm pre-tokenizer), then
# `sparse-llm quantize` makes llama.cpp's Q4_0 and Q8_0 mixes of it. The weights are random: the text is
# meaningless, the shapes, formats and speed are real.
#
# Usage: scripts/make-test-models.sh [OUT_DIR [LAYERS]]   (default models/generated, 4 layers)
# Writes smol-<LAYERS>l-{f16,Q4_0,Q8_0}.gguf. SPARSE_LLM_BIN picks the binary (default build/apps/sparse-llm,
# built when missing); SPARSE_LLM_SHARED_DIR the reference data (default ../shared).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/models/generated}
layers=${2:-4}
bin=${SPARSE_LLM_BIN:-$root/build/apps/sparse-llm}
vocab=${SPARSE_LLM_SHARED_DIR:-$root/../shared}/models/vocab/ggml-vocab-starcoder.gguf

[ -f "$vocab" ] || { echo "make-test-models: no vocabulary at $vocab" >&2; exit 1; }
[ -x "$bin" ] || bash "$root/scripts/build.sh"
mkdir -p "$out"
f16=$out/smol-${layers}l-f16.gguf
"$bin" make-model "$f16" --layers "$layers" --type f16 --vocab-from "$vocab"
for type in Q4_0 Q8_0; do
    "$bin" quantize "$f16" "$out/smol-${layers}l-$type.gguf" --type "$type" | tail -n 1
done

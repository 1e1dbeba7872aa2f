#!/usr/bin/env bash
# Runs `sparse-llm run` on the default model with a prompt (default "Once upon a time"); extra arguments go to run.
# The model: $SPARSE_LLM_MODEL if set, else a SmolLM2 file fetched by scripts/get-model.sh into models/ (Q4_0
# first), else models/stories260K.gguf, the small trained model the repository carries (models/README.md): a
# clone needs nothing beside it. SPARSE_LLM_BIN picks the program (default build/apps/sparse-llm).
set -euo pipefail
cd "$(dirname "$0")/.."

pick_model() {
    if [ -n "${SPARSE_LLM_MODEL:-}" ]; then echo "$SPARSE_LLM_MODEL"; return; fi
    local candidate
    for candidate in models/SmolLM2-135M-Instruct*.gguf models/stories260K.gguf; do
        [ -f "$candidate" ] && { echo "$candidate"; return; }
    done
    echo "run-default: no model: models/stories260K.gguf is missing from this checkout (git checkout models/)" >&2
    exit 1
}

model=$(pick_model)
prompt=${1:-Once upon a time}
shift || true
echo "model: $model" >&2
exec "${SPARSE_LLM_BIN:-build/apps/sparse-llm}" run "$model" -p "$prompt" -n 64 "$@"

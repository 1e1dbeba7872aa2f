#!/usr/bin/env bash
# Runs `sparse-llm run` on the default model with a prompt (default "Once upon a time"); extra arguments go to run.
# The model: $SPARSE_LLM_MODEL if set, else a SmolLM2 file fetched by scripts/get-model.sh into models/,
# else the first tiny model in ../shared/models (stories260K first: it is trained and writes real text).
set -euo pipefail
cd "$(dirname "$0")/.."

pick_model() {
    if [ -n "${SPARSE_LLM_MODEL:-}" ]; then echo "$SPARSE_LLM_MODEL"; return; fi
    local candidate
    for candidate in models/SmolLM2-135M-Instruct*.gguf ../shared/models/stories260K.gguf ../shared/models/*.gguf; do
        [ -f "$candidate" ] && { echo "$candidate"; return; }
    done
    echo "no model: set SPARSE_LLM_MODEL, run scripts/get-model.sh, or provide ../shared/models" >&2
    exit 1
}

model=$(pick_model)
prompt=${1:-Once upon a time}
shift || true
echo "model: $model" >&2
exec ./build/apps/sparse-llm run "$model" -p "$prompt" -n 64 "$@"

#!/usr/bin/env bash
# Installs the official `openai` npm package, which the test suite drives against `sparse-llm serve`
# (tests/apps/serve/openai_client.cjs), into models/generated/npm (not in git). Idempotent; needs node and npm.
# Without them, or without the npm registry, it says so and the tests that need the client skip.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=models/generated/npm
[ -f "$dir/node_modules/openai/package.json" ] && exit 0
if ! command -v npm > /dev/null; then
    echo "install-openai-client: npm not found; the openai client tests will skip" >&2
    exit 0
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --silent openai@4 ||
    echo "install-openai-client: npm install failed; the openai client tests will skip" >&2

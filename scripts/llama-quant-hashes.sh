#!/usr/bin/env bash
# Prints llama.cpp's hashes for tests/gguf/quant/test_quant_llama.cpp (see scripts/llama-quant-hashes.c).
# Needs the oracle (bash ../shared/oracle/build_oracle.sh); development only, never run by tests.
set -euo pipefail
ORACLE_DIR=${ORACLE_DIR:-/tmp/oracle}
lib=$ORACLE_DIR/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O1 -std=c11 "$(dirname "$0")/llama-quant-hashes.c" -I"$ORACLE_DIR/llama.cpp-src/ggml/include" \
    -L"$lib" -l:libggml-base.so -Wl,-rpath,"$lib" -o "$out/llama-quant-hashes"
"$out/llama-quant-hashes"

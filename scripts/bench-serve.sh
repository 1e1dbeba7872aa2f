#!/usr/bin/env bash
# Load benchmark of `sparse-llm serve` on loopback: starts the server on a free port of 127.0.0.1 with MODEL and
# the serve flags given, runs scripts/bench-serve.cjs (node) for each concurrency (default 1,4,8), each bounded
# by a request count and a time limit, prints its Markdown table and stops the server with SIGTERM.
#
#   bash scripts/bench-serve.sh MODEL [--clients 1,4,8] [--requests 32] [--seconds 60] [--max-tokens 64]
#                                     [-- SERVE FLAGS...]          e.g. -- --parallel 4 -t 1
# SPARSE_LLM_BIN picks the program (default build/apps/sparse-llm).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/bench-serve.sh MODEL [--clients L] [--requests N] [--seconds S] [--max-tokens N] [-- serve flags]" >&2; exit 2; }
model=$1
shift
clients=1,4,8 requests=32 seconds=60 max_tokens=64
while [ $# -gt 0 ]; do
    case "$1" in
        --clients) clients=$2; shift 2 ;;
        --requests) requests=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --max-tokens) max_tokens=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "bench-serve: unknown option $1" >&2; exit 2 ;;
    esac
done
command -v node > /dev/null || { echo "bench-serve: node not found" >&2; exit 1; }
bin=${SPARSE_LLM_BIN:-build/apps/sparse-llm}
out=$(mktemp)
"$bin" serve "$model" --host 127.0.0.1 --port 0 --max-tokens "$max_tokens" "$@" > "$out" 2> "$out.err" &
server=$!
trap 'kill -TERM $server 2> /dev/null; wait $server 2> /dev/null; rm -f "$out" "$out.err"' EXIT
for _ in $(seq 600); do
    grep -q "^listening on" "$out" && break
    kill -0 $server 2> /dev/null || { cat "$out.err" >&2; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { echo "bench-serve: the server did not start" >&2; exit 1; }
grep "serving" "$out.err" >&2 || true
node scripts/bench-serve.cjs "$url" "$clients" "$requests" "$seconds" "$max_tokens"
# the mean batch of the decode passes, when batched
curl -s "$url/metrics" | awk '/^sparse_llm_batched_decode_passes_total/ { p = $2 } /^sparse_llm_batched_decode_tokens_total/ { t = $2 }
    END { if (p > 0) printf "batched decode: %d passes, %d tokens, %.2f tokens a pass\n", p, t, t / p }'

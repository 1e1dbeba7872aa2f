#!/usr/bin/env bash
# Soak benchmark of unbounded generation: `sparse-llm run MODEL -n TOKENS --ignore-eos --kv-budget N` (default
# 100,000 tokens, budget 512 slots) with resident memory, open file descriptors and threads read from /proc every
# S seconds (default 5). Prints the samples as a Markdown table, then the slope of resident memory once the KV
# budget has filled (least squares, KiB per 10,000 tokens) and the first and last descriptor and thread counts.
#
#   bash scripts/soak.sh MODEL [--tokens 100000] [--kv-budget 512] [--every 5] [-- run flags...]
# SPARSE_LLM_BIN picks the program (default build/apps/sparse-llm).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/soak.sh MODEL [--tokens N] [--kv-budget N] [--every S] [-- run flags]" >&2; exit 2; }
model=$1
shift
tokens=100000 budget=512 every=5
while [ $# -gt 0 ]; do
    case "$1" in
        --tokens) tokens=$2; shift 2 ;;
        --kv-budget) budget=$2; shift 2 ;;
        --every) every=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "soak: unknown option $1" >&2; exit 2 ;;
    esac
done
bin=${SPARSE_LLM_BIN:-build/apps/sparse-llm}
work=$(mktemp -d)
trap 'kill $run 2> /dev/null || true; rm -rf "$work"' EXIT

"$bin" run "$model" -n "$tokens" --ignore-eos --kv-budget "$budget" --ids --seed 1 "$@" > "$work/ids" 2> "$work/err" &
run=$!
status_field() { sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$run/status" 2> /dev/null; }
start=$SECONDS
echo "time s,tokens,rss KiB,fds,threads" > "$work/samples"
while kill -0 "$run" 2> /dev/null; do
    rss=$(status_field VmRSS) threads=$(status_field Threads)
    fds=$(ls "/proc/$run/fd" 2> /dev/null | wc -l)
    [ -n "$rss" ] && echo "$((SECONDS - start)),$(wc -w < "$work/ids"),$rss,$fds,$threads" >> "$work/samples"
    sleep "$every"
done
wait "$run" || { echo "soak: the run failed:" >&2; cat "$work/err" >&2; exit 1; }

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'); $(basename "$model"), $tokens tokens, KV budget $budget, flags: $*"
echo
echo "| time s | tokens | RSS MiB | open fds | threads |"
echo "|---:|---:|---:|---:|---:|"
tail -n +2 "$work/samples" | awk -F, '{ printf "| %d | %d | %.1f | %d | %d |\n", $1, $2, $3 / 1024, $4, $5 }'
echo
# Past the budget (with a window of slack for the prompt and warm-up), RSS against tokens.
tail -n +2 "$work/samples" | awk -F, -v from=$((budget * 2)) '
    $2 > from { n++; sx += $2; sy += $3; sxx += $2 * $2; sxy += $2 * $3 }
    $2 > 0 && !seen { fd0 = $4; th0 = $5; seen = 1 } { fd1 = $4; th1 = $5 }
    END {
        if (n >= 2 && n * sxx - sx * sx > 0)
            printf "RSS slope after the budget filled: %.2f KiB per 10,000 tokens (%d samples)\n", (n * sxy - sx * sy) / (n * sxx - sx * sx) * 10000, n
        else
            print "RSS slope: too few samples after the budget filled"
        printf "open fds: %d at the first token, %d last; threads: %d at the first token, %d last\n", fd0, fd1, th0, th1
    }'
grep -E "generated:|memory:" "$work/err" | sed 's/^info: /summary: /'

#!/usr/bin/env bash
# Decode on a busy CPU: `bench model` tg (default 64 tokens) with 1 and 2 threads (or --threads L) while 0, 1, 2
# (--busy L) other processes spin on the CPU, as the services of a board do. Prints a Markdown table: tok/s per
# thread count and the ratio of the most threads to one thread, with the CPU named.
#
#   bash scripts/bench-busy-cpu.sh MODEL [--busy 0,1,2] [--threads 1,2] [-n 64] [-r 5] [-- bench model flags...]
# SPARSE_LLM_BIN picks the program (default build/apps/sparse-llm).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/bench-busy-cpu.sh MODEL [--busy L] [--threads L] [-n N] [-r R] [-- flags]" >&2; exit 2; }
model=$1
shift
busy_counts=0,1,2 threads=1,2 n_gen=64 repetitions=5
while [ $# -gt 0 ]; do
    case "$1" in
        --busy) busy_counts=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        -n) n_gen=$2; shift 2 ;;
        -r) repetitions=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "bench-busy-cpu: unknown option $1" >&2; exit 2 ;;
    esac
done
bin=${SPARSE_LLM_BIN:-build/apps/sparse-llm}
spinners=()
stop_spinners() {
    [ ${#spinners[@]} -eq 0 ] || kill "${spinners[@]}" 2> /dev/null || true
    wait 2> /dev/null || true
    spinners=()
}
trap stop_spinners EXIT

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) logical CPUs; $(basename "$model"), tg$n_gen, $repetitions runs each"
echo
IFS=, read -r -a thread_list <<< "$threads"
header="| busy processes |" rule="|---:|"
for t in "${thread_list[@]}"; do header+=" -t $t tok/s |"; rule+="---:|"; done
echo "$header -t ${thread_list[-1]} / -t ${thread_list[0]} |"
echo "$rule---:|"
IFS=, read -r -a busy_list <<< "$busy_counts"
for busy in "${busy_list[@]}"; do
    for ((i = 0; i < busy; ++i)); do
        bash -c 'while :; do :; done' &
        spinners+=($!)
    done
    rates=$("$bin" bench model "$model" -p 0 -n "$n_gen" -t "$threads" -r "$repetitions" -o jsonl "$@" 2> /dev/null |
        sed -n 's/.*"avg_ts": \([0-9.]*\).*/\1/p')
    stop_spinners
    row="| $busy |"
    for rate in $rates; do row+=" $(printf '%.1f' "$rate") |"; done
    first=$(echo "$rates" | head -1) last=$(echo "$rates" | tail -1)
    echo "$row $(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.2f", a / b }') |"
done

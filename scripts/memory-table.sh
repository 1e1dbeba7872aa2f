#!/usr/bin/env bash
# The README's memory tables, from `sparse-llm run`'s own summary (peak RSS: the kernel's VmHWM of the process).
#   short: a 16-token run (prompt "hello") at each context -c, with the flags given (e.g. --preset pi-zero-2w)
#   fill:  a run whose prompt fills the context but 24 tokens, then 16 generated, beside the peak RSS
#          `sparse-llm info -c N` predicts for it, and the prediction's error
# Usage: scripts/memory-table.sh short [-c 512,8192,32768] [--flags "..."] MODEL...
#        scripts/memory-table.sh fill [-c 512,2048,8192] MODEL...      (-c: contexts; default the model's own)
# Runs one process at a time (RSS of a process is what is measured, not time), -t 2.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SPARSE_LLM_BIN:-$root/build/apps/sparse-llm}
[ -x "$bin" ] || bash "$root/scripts/build.sh"
mode=${1:?usage: memory-table.sh short|fill [-c N,N] [--flags F] MODEL...}
shift
contexts="" flags=""
models=()
while [ $# -gt 0 ]; do
    case $1 in
        -c) contexts=$2; shift 2 ;;
        --flags) flags=$2; shift 2 ;;
        *) models+=("$1"); shift ;;
    esac
done
[ ${#models[@]} -gt 0 ] || { echo "memory-table.sh: no model" >&2; exit 2; }

python3 - "$bin" "$mode" "$contexts" "$flags" "${models[@]}" << 'PY'
import json, os, re, shlex, subprocess, sys, tempfile

bin, mode, contexts, flags, models = sys.argv[1], sys.argv[2], sys.argv[3], shlex.split(sys.argv[4]), sys.argv[5:]
MiB = 1024 * 1024

def run(model, args):
    r = subprocess.run([bin, "run", model, "--temp", "0", "-t", "2"] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"memory-table.sh: {model} {' '.join(args)}: {r.stderr.strip().splitlines()[-1]}")
    memory = re.search(r"peak RSS ([0-9.]+) MiB, KV cache ([0-9.]+) MiB in memory", r.stderr)
    generated = re.search(r"generated: ([0-9]+) tokens", r.stderr)
    return float(memory.group(1)), float(memory.group(2)), int(generated.group(1))

def info(model, context=None):
    args = [bin, "info", model, "--json"] + (["-c", str(context)] if context else [])
    return json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)

def token_count(model, path):
    ids = subprocess.run([bin, "tokenize", model, "--file", path, "--ids"], capture_output=True, text=True, check=True)
    return len(ids.stdout.split())

def filling_prompt(model, tokens, path):
    """A text of at most `tokens` tokens (BOS included), as close below as whole words allow."""
    words = ["once", "upon", "a", "time", "there", "was", "a", "little", "girl", "who", "liked", "to", "run"]
    n = tokens
    while True:
        with open(path, "w") as f:
            f.write(" ".join(words[i % len(words)] for i in range(n)))
        got = token_count(model, path)
        if got <= tokens:
            return got
        n = max(1, n * tokens // got - 1)

def contexts_of(model):
    return [int(c) for c in contexts.split(",")] if contexts else [info(model)["memory"]["context"]]

name = lambda path: os.path.basename(path)
if mode == "short":
    print(f"| model | flags | -c | peak RSS MiB | KV in memory MiB |")
    print("|---|---|---:|---:|---:|")
    for model in models:
        for c in contexts_of(model):
            peak, kv, _ = run(model, ["-p", "hello", "-n", "16", "-c", str(c)] + flags)
            print(f"| {name(model)} | {' '.join(flags) or '-'} | {c} | {peak:.1f} | {kv:.1f} |", flush=True)
elif mode == "fill":
    print("| model | -c | prompt + generated tokens | measured peak RSS MiB | `info -c` predicts MiB | error |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for model in models:
            for c in contexts_of(model):
                prompt = os.path.join(tmp, "prompt.txt")
                n = filling_prompt(model, c - 24, prompt)
                peak, _, generated = run(model, ["-f", prompt, "-n", "16", "-c", str(c)])
                predicted = info(model, c)["memory"]["total"] / MiB
                print(f"| {name(model)} | {c} | {n} + {generated} | {peak:.1f} | {predicted:.1f} | "
                      f"{(predicted - peak) / peak * 100:+.1f} % |", flush=True)
else:
    sys.exit(f"memory-table.sh: unknown mode '{mode}' (short or fill)")
PY

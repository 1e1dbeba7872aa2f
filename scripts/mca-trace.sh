# Sourced by scripts/mca-kernels.sh and scripts/estimate-pi.sh: llvm-mca's cycles for straight-line code,
# and the straight-line code of one call, from a qemu-aarch64 trace of a probe program that brackets it with
# calls of mca_trace_begin() and mca_trace_end() (scripts/mca_probe.cpp, scripts/mca_probe_ops.cpp).
#
# Needs $work (a scratch folder) and $mca (llvm-mca) set by the caller; trace_arch=x86_64 (before sourcing)
# traces a program of this x86-64 machine under qemu-x86_64 instead, for checking predictions where they can be
# measured.
if [[ ${trace_arch:=aarch64} == x86_64 ]]; then
    trace_tools=(objdump nm qemu-x86_64 -cpu max)
    trace_mca_flags=(-mtriple=x86_64)
else
    trace_tools=(aarch64-linux-gnu-objdump aarch64-linux-gnu-nm qemu-aarch64)
    trace_mca_flags=(-mtriple=aarch64)
fi

# Total cycles of assembly file $1 on CPU $2, $3 passes; nothing where the CPU lacks an instruction of it.
mca_cycles() {
    # llvm-mca reports "instruction requires: <feature>" and then leaves the instruction out
    "$mca" "${trace_mca_flags[@]}" -mcpu="$2" -iterations="$3" "$1" 2>&1 |
        awk '/instruction requires:/ { exit 1 } /^Total Cycles:/ { cycles = $3 } END { print cycles }' || true
}

# Reads probe $1's code and trace markers, for trace_asm.
trace_prepare() {
    trace_probe=$1
    "${trace_tools[0]}" -d --no-show-raw-insn "$trace_probe" |
        awk '/^ +[0-9a-f]+:\t/ { a = $1; sub(/:$/, "", a); $1 = ""; print a "\t" substr($0, 2) }' > "$work/code.txt"
    trace_begin=$("${trace_tools[1]}" "$trace_probe" | awk '$3 == "mca_trace_begin" { sub(/^0+/, "", $1); print $1 }')
    trace_end=$("${trace_tools[1]}" "$trace_probe" | awk '$3 == "mca_trace_end" { sub(/^0+/, "", $1); print $1 }')
}

# The straight-line trace of one run of the prepared probe with arguments $@ (branch targets made one label,
# which llvm-mca needs); the probe's own output is left in $work/probe.out. The run's environment reaches the
# probe (SPARSE_LLM_ISA).
trace_asm() {
    # the log goes through a pipe: a whole run's can be gigabytes (filling a long KV cache), the call's is small
    rm -f "$work/exec.fifo"
    mkfifo "$work/exec.fifo"
    "${trace_tools[@]:2}" -singlestep -d exec,nochain -D "$work/exec.fifo" "$trace_probe" "$@" < /dev/null > "$work/probe.out" &
    awk -v begin="$trace_begin" -v end="$trace_end" '
        /^Trace/ { split($4, f, "/"); pc = f[2]; sub(/^0+/, "", pc); if (pc == begin) on = 1; else if (pc == end) on = 0; else if (on) print pc }
    ' "$work/exec.fifo" | awk -F'\t' '
        NR == FNR { text[$1] = $2; next }
        {
            i = text[$1]
            sub(/^((cs|ds|data16|notrack|bnd) +)+/, "", i)  # x86 prefixes llvm-mca does not parse
            if (i ~ /^(b|bl|b\.[a-z]+|cbn?z|tbn?z|j[a-z]+|call)[ \t]/) sub(/[0-9a-f]+ <[^>]*>$/, ".Ltarget", i)
            print "\t" i
        }
        END { print ".Ltarget:" }
    ' "$work/code.txt" -
    wait $!
}

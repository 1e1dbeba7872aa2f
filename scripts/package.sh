#!/usr/bin/env bash
# Debian packages of the sparse-llm CLI, made by cpack (the packaging block of CMakeLists.txt):
# sparse-llm_VERSION_ARCH.deb installs /usr/bin/sparse-llm and depends on Debian's runtime packages of what it
# links (libfmt9, libspdlog1.10, the C and C++ libraries). One for this machine's architecture, from the release
# build in build/; on an amd64 host also the arm64 one, from the cross build in build-aarch64/
# (scripts/build-aarch64.sh). Both trees are built or brought up to date first.
#
# Usage: scripts/package.sh [OUT_DIR]   (default build-packages) — prints the path of each package
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-build-packages}" && cd "${1:-build-packages}" && pwd)

trees=(build)
bash scripts/build.sh build > /dev/null
if [ "$(dpkg --print-architecture)" = amd64 ]; then
    bash scripts/build-aarch64.sh build-aarch64 > /dev/null
    trees+=(build-aarch64)
fi
for tree in "${trees[@]}"; do
    rm -rf "$tree/packages"
    (cd "$tree" && cpack -B "$PWD/packages" > /dev/null)
    for deb in "$tree"/packages/*.deb; do
        cp "$deb" "$out/"
        echo "$out/$(basename "$deb")"
    done
done

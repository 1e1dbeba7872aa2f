#!/usr/bin/env bash
# Installs the Debian packages sparse-llm needs to build and test. Idempotent: does nothing when all are present.
# Works as root, or through sudo for another user.
set -euo pipefail

packages=(build-essential cmake ninja-build libcli11-dev libspdlog-dev libfmt-dev catch2)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "installing: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

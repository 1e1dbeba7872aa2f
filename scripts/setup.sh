#!/usr/bin/env bash
# Fresh Debian 12 machine -> installed dependencies and a release build in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build

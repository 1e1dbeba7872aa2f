#!/usr/bin/env bash
# Fresh Debian 12 machine -> installed dependencies, a release build in build/, and `sparse-llm run` on the
# default model (see scripts/run-default.sh). Pass --no-run to only install and build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
[ "${1:-}" = "--no-run" ] || bash scripts/run-default.sh
